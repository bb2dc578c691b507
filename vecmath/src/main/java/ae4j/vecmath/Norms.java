package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * L1 and squared-L2 norms (weight penalties) and their gradients, vectorized with
 * {@link FloatVector#SPECIES_PREFERRED}. Sums are accumulated in float vector registers and folded into a
 * double every {@value Elementwise#BLOCK} elements. Scalar twins: {@code ae4j.vecmath.reference.ScalarNorms}.
 */
public final class Norms {

    static {
        Jit.ensureDirectives();
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int BLOCK = Elementwise.BLOCK;

    private Norms() {}

    /** {@code sum_i |x[i]|} as a double. */
    public static double l1(int n, float[] x, int xo) {
        double total = 0;
        int i = 0;
        int vecEnd = S.loopBound(n);
        while (i < vecEnd) {
            int blockEnd = Math.min(vecEnd, i + BLOCK);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int end4 = blockEnd - 4 * L; i <= end4; i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(S, x, xo + i).abs());
                s1 = s1.add(FloatVector.fromArray(S, x, xo + i + L).abs());
                s2 = s2.add(FloatVector.fromArray(S, x, xo + i + 2 * L).abs());
                s3 = s3.add(FloatVector.fromArray(S, x, xo + i + 3 * L).abs());
            }
            for (; i < blockEnd; i += L)
                s0 = s0.add(FloatVector.fromArray(S, x, xo + i).abs());
            total += VMath.sumLanes(s0.add(s1).add(s2.add(s3)));
        }
        for (; i < n; i++) total += Math.abs(x[xo + i]);
        return total;
    }

    /**
     * Subgradient of {@code scale * sum |x|}: {@code g[i] = scale * sign(x[i])}, or {@code g[i] += ...} when
     * {@code accumulate}, with {@code sign(0) = 0} and {@code sign(NaN) = NaN} (as {@link Math#signum}).
     */
    public static void l1Grad(int n, float scale, float[] x, int xo, float[] g, int go, boolean accumulate) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector pos = FloatVector.broadcast(S, scale);
        FloatVector neg = FloatVector.broadcast(S, -scale);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMask<Float> nan = v.compare(VectorOperators.NE, v); // NaN (a compare C2 always intrinsifies)
            FloatVector s = zero.blend(pos, v.compare(VectorOperators.GT, 0f))
                    .blend(neg, v.compare(VectorOperators.LT, 0f))
                    .blend(v, nan);
            if (accumulate) s = s.add(FloatVector.fromArray(S, g, go + i));
            s.intoArray(g, go + i);
        }
        for (; i < n; i++) {
            float xi = x[xo + i];
            float s = xi > 0f ? scale : xi < 0f ? -scale : xi == 0f ? 0f : xi;
            g[go + i] = accumulate ? g[go + i] + s : s;
        }
    }

    /** {@code sum_i x[i]^2} as a double (fused multiply-add into float accumulators). */
    public static double l2sq(int n, float[] x, int xo) {
        double total = 0;
        int i = 0;
        int vecEnd = S.loopBound(n);
        while (i < vecEnd) {
            int blockEnd = Math.min(vecEnd, i + BLOCK);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int end4 = blockEnd - 4 * L; i <= end4; i += 4 * L) {
                FloatVector v0 = FloatVector.fromArray(S, x, xo + i);
                FloatVector v1 = FloatVector.fromArray(S, x, xo + i + L);
                FloatVector v2 = FloatVector.fromArray(S, x, xo + i + 2 * L);
                FloatVector v3 = FloatVector.fromArray(S, x, xo + i + 3 * L);
                s0 = v0.fma(v0, s0);
                s1 = v1.fma(v1, s1);
                s2 = v2.fma(v2, s2);
                s3 = v3.fma(v3, s3);
            }
            for (; i < blockEnd; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                s0 = v.fma(v, s0);
            }
            total += VMath.sumLanes(s0.add(s1).add(s2.add(s3)));
        }
        for (; i < n; i++) {
            double v = x[xo + i];
            total += v * v;
        }
        return total;
    }

    /**
     * Gradient of {@code scale * sum x^2}: {@code g[i] = 2 * scale * x[i]}, or {@code g[i] += 2 * scale * x[i]}
     * when {@code accumulate} (one rounding: fused multiply-add with the factor {@code 2 * scale}).
     */
    public static void l2sqGrad(int n, float scale, float[] x, int xo, float[] g, int go, boolean accumulate) {
        float f = 2f * scale;
        int i = 0;
        int end = S.loopBound(n);
        if (accumulate) {
            FloatVector vf = FloatVector.broadcast(S, f);
            for (; i < end; i += L) {
                FloatVector.fromArray(S, x, xo + i)
                        .fma(vf, FloatVector.fromArray(S, g, go + i))
                        .intoArray(g, go + i);
            }
            for (; i < n; i++) g[go + i] = Math.fma(f, x[xo + i], g[go + i]);
        } else {
            for (; i < end; i += L) FloatVector.fromArray(S, x, xo + i).mul(f).intoArray(g, go + i);
            for (; i < n; i++) g[go + i] = f * x[xo + i];
        }
    }
}
