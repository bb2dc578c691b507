package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise and reduction kernels on float arrays, vectorized with {@link FloatVector#SPECIES_PREFERRED}.
 *
 * <p>Every vector argument is an {@code (array, offset)} pair and every call names its length, so a kernel
 * touches exactly {@code [offset, offset + n)} of each array (for the matrix kernels: the {@code rows x cols}
 * block with the given leading dimension, never the padding between rows). Nothing is allocated. The scalar
 * twins in {@code ae4j.vecmath.reference.ScalarElementwise} define the intended results.
 *
 * <p>Reductions returning {@code double} keep a few float vector accumulators and fold them into a double
 * once per block of {@value #BLOCK} elements, so the rounding error grows with {@code min(n, BLOCK)}
 * rather than with {@code n}.
 */
public final class Elementwise {

    static {
        Jit.ensureDirectives();
    }

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Elements summed in float vector registers before the partial sum is moved into a double. */
    static final int BLOCK = 4096;

    private Elementwise() {}

    /** {@code y[i] += alpha * x[i]}, one rounding per element (fused multiply-add). */
    public static void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xo + i)
                    .fma(va, FloatVector.fromArray(S, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
    }

    /** {@code x[i] *= alpha}, in place. */
    public static void scale(int n, float alpha, float[] x, int xo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(alpha).intoArray(x, xo + i);
        }
        for (; i < n; i++) x[xo + i] *= alpha;
    }

    /** {@code out[i] = a[i] + b[i]}. {@code out} may be {@code a} or {@code b} at the same offset. */
    public static void add(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i)
                    .add(FloatVector.fromArray(S, b, bo + i))
                    .intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    /** {@code out[i] = a[i] - b[i]}. {@code out} may be {@code a} or {@code b} at the same offset. */
    public static void sub(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i)
                    .sub(FloatVector.fromArray(S, b, bo + i))
                    .intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    /** {@code out[i] = a[i] * b[i]} (Hadamard product). {@code out} may be {@code a} or {@code b}. */
    public static void mul(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i)
                    .mul(FloatVector.fromArray(S, b, bo + i))
                    .intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    /** {@code x[i] = v}. */
    public static void fill(int n, float v, float[] x, int xo) {
        FloatVector vv = FloatVector.broadcast(S, v);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) vv.intoArray(x, xo + i);
        for (; i < n; i++) x[xo + i] = v;
    }

    /** {@code out[i] = x[i]}; overlapping ranges behave as if {@code x} were copied first. */
    public static void copy(int n, float[] x, int xo, float[] out, int oo) {
        System.arraycopy(x, xo, out, oo, n);
    }

    /**
     * {@code c[i][j] += bias[j]} for a row-major {@code rows x cols} block of {@code c}: element
     * {@code (i, j)} is {@code c[co + i * ldc + j]}.
     */
    public static void addBias(int rows, int cols, float[] bias, int bo, float[] c, int co, int ldc) {
        int end = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = co + r * ldc;
            int j = 0;
            for (; j < end; j += L) {
                FloatVector.fromArray(S, c, row + j)
                        .add(FloatVector.fromArray(S, bias, bo + j))
                        .intoArray(c, row + j);
            }
            for (; j < cols; j++) c[row + j] += bias[bo + j];
        }
    }

    /**
     * Column sums (the bias gradient): {@code out[j] = sum_i a[i][j]}, or {@code out[j] += sum_i a[i][j]}
     * when {@code accumulate}. Element {@code (i, j)} is {@code a[ao + i * lda + j]}. Each column is summed
     * in float, rows in order; the work is vectorized across columns.
     */
    public static void colSums(
            int rows, int cols, float[] a, int ao, int lda, float[] out, int oo, boolean accumulate) {
        // Row by row into out itself (zeroed first unless accumulating), a few vectors wide: no vector is
        // carried from one iteration to the next, a shape C2 has been seen to compile with every vector boxed
        // (a step allocating 11 KB) when the call sites' column counts vary.
        if (!accumulate) java.util.Arrays.fill(out, oo, oo + cols, 0f);
        int vecEnd = S.loopBound(cols);
        for (int j0 = 0; j0 < vecEnd; j0 += 4 * L) {
            int j1 = Math.min(vecEnd, j0 + 4 * L);
            for (int r = 0, row = ao; r < rows; r++, row += lda) {
                for (int j = j0; j < j1; j += L) {
                    FloatVector.fromArray(S, out, oo + j)
                            .add(FloatVector.fromArray(S, a, row + j))
                            .intoArray(out, oo + j);
                }
            }
        }
        for (int j = vecEnd; j < cols; j++) {
            float s = out[oo + j];
            for (int r = 0, p = ao + j; r < rows; r++, p += lda) s += a[p];
            out[oo + j] = s;
        }
    }

    /**
     * Row sums: {@code out[i] = sum_j a[i][j]}, or {@code out[i] += sum_j a[i][j]} when {@code accumulate}.
     * Element {@code (i, j)} is {@code a[ao + i * lda + j]}. Each row is summed in float vector registers.
     */
    public static void rowSums(
            int rows, int cols, float[] a, int ao, int lda, float[] out, int oo, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            float s = (float) sum(cols, a, ao + r * lda);
            out[oo + r] = accumulate ? out[oo + r] + s : s;
        }
    }

    /** {@code out[i] = exp(x[i])}, computed with {@link VMath#exp} (within 2 ulps, same bits in every JIT tier). */
    public static void exp(int n, float[] x, int xo, float[] out, int oo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = (float) Math.exp(x[xo + i]);
    }

    /** {@code out[i] = log(x[i])} (natural logarithm), computed with {@link VMath#log} (within 2 ulps). */
    public static void log(int n, float[] x, int xo, float[] out, int oo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VMath.log(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = (float) Math.log(x[xo + i]);
    }

    /** {@code out[i] = min(max(x[i], lo), hi)} with {@link Math#max}/{@link Math#min} semantics (NaN stays NaN). */
    public static void clamp(int n, float lo, float hi, float[] x, int xo, float[] out, int oo) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(lo).min(hi).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = Math.min(Math.max(x[xo + i], lo), hi);
    }

    /**
     * {@code sum_i a[i] * b[i]} as a double. Products are fused into float vector accumulators, which are
     * folded into a double every {@value #BLOCK} elements.
     */
    public static double dot(int n, float[] a, int ao, float[] b, int bo) {
        double total = 0;
        int i = 0;
        int vecEnd = S.loopBound(n);
        while (i < vecEnd) {
            int blockEnd = Math.min(vecEnd, i + BLOCK);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int end4 = blockEnd - 4 * L; i <= end4; i += 4 * L) {
                s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
                s1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), s1);
                s2 = FloatVector.fromArray(S, a, ao + i + 2 * L).fma(FloatVector.fromArray(S, b, bo + i + 2 * L), s2);
                s3 = FloatVector.fromArray(S, a, ao + i + 3 * L).fma(FloatVector.fromArray(S, b, bo + i + 3 * L), s3);
            }
            for (; i < blockEnd; i += L) {
                s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
            }
            total += VMath.sumLanes(s0.add(s1).add(s2.add(s3)));
        }
        for (; i < n; i++) total += (double) a[ao + i] * b[bo + i];
        return total;
    }

    /** {@code sum_i x[i]} as a double, blocked like {@link #dot}. */
    public static double sum(int n, float[] x, int xo) {
        double total = 0;
        int i = 0;
        int vecEnd = S.loopBound(n);
        while (i < vecEnd) {
            int blockEnd = Math.min(vecEnd, i + BLOCK);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int end4 = blockEnd - 4 * L; i <= end4; i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(S, x, xo + i));
                s1 = s1.add(FloatVector.fromArray(S, x, xo + i + L));
                s2 = s2.add(FloatVector.fromArray(S, x, xo + i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, x, xo + i + 3 * L));
            }
            for (; i < blockEnd; i += L) s0 = s0.add(FloatVector.fromArray(S, x, xo + i));
            total += VMath.sumLanes(s0.add(s1).add(s2.add(s3)));
        }
        for (; i < n; i++) total += x[xo + i];
        return total;
    }
}
