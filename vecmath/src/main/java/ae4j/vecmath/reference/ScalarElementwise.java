package ae4j.vecmath.reference;

/**
 * Plain-loop twins of {@link ae4j.vecmath.Elementwise}, with the same signatures. They define the intended
 * results: each output is the float nearest to the exact value where that is cheap (fused multiply-add,
 * double accumulation, {@link Math#exp}/{@link Math#log} in double), so tests measure the vector kernels
 * against them.
 */
public final class ScalarElementwise {

    private ScalarElementwise() {}

    /** {@code y[i] += alpha * x[i]}, correctly rounded ({@link Math#fma}). */
    public static void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i++) y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
    }

    /** {@code x[i] *= alpha}. */
    public static void scale(int n, float alpha, float[] x, int xo) {
        for (int i = 0; i < n; i++) x[xo + i] *= alpha;
    }

    /** {@code out[i] = a[i] + b[i]}. */
    public static void add(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    /** {@code out[i] = a[i] - b[i]}. */
    public static void sub(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    /** {@code out[i] = a[i] * b[i]}. */
    public static void mul(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    /** {@code x[i] = v}. */
    public static void fill(int n, float v, float[] x, int xo) {
        for (int i = 0; i < n; i++) x[xo + i] = v;
    }

    /** {@code out[i] = x[i]} (overlap-safe). */
    public static void copy(int n, float[] x, int xo, float[] out, int oo) {
        System.arraycopy(x, xo, out, oo, n);
    }

    /** {@code c[i][j] += bias[j]}, element (i, j) at {@code c[co + i * ldc + j]}. */
    public static void addBias(int rows, int cols, float[] bias, int bo, float[] c, int co, int ldc) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) c[co + i * ldc + j] += bias[bo + j];
        }
    }

    /** {@code out[j] (= or +=) sum_i a[i][j]}, summed in double and rounded once. */
    public static void colSums(
            int rows, int cols, float[] a, int ao, int lda, float[] out, int oo, boolean accumulate) {
        for (int j = 0; j < cols; j++) {
            double s = accumulate ? out[oo + j] : 0;
            for (int i = 0; i < rows; i++) s += a[ao + i * lda + j];
            out[oo + j] = (float) s;
        }
    }

    /** {@code out[i] (= or +=) sum_j a[i][j]}, summed in double and rounded once. */
    public static void rowSums(
            int rows, int cols, float[] a, int ao, int lda, float[] out, int oo, boolean accumulate) {
        for (int i = 0; i < rows; i++) {
            double s = accumulate ? out[oo + i] : 0;
            for (int j = 0; j < cols; j++) s += a[ao + i * lda + j];
            out[oo + i] = (float) s;
        }
    }

    /** {@code out[i] = exp(x[i])} via {@link Math#exp} in double. */
    public static void exp(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.exp(x[xo + i]);
    }

    /** {@code out[i] = log(x[i])} via {@link Math#log} in double. */
    public static void log(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.log(x[xo + i]);
    }

    /** {@code out[i] = min(max(x[i], lo), hi)}. */
    public static void clamp(int n, float lo, float hi, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = Math.min(Math.max(x[xo + i], lo), hi);
    }

    /** {@code sum_i a[i] * b[i]} in double (each product exact). */
    public static double dot(int n, float[] a, int ao, float[] b, int bo) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[ao + i] * b[bo + i];
        return s;
    }

    /** {@code sum_i x[i]} in double. */
    public static double sum(int n, float[] x, int xo) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xo + i];
        return s;
    }
}
