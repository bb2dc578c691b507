package ae4j.vecmath.reference;

/** Plain-loop twins of {@link ae4j.vecmath.Norms}: sums in double, same signatures. */
public final class ScalarNorms {

    private ScalarNorms() {}

    /** {@code sum_i |x[i]|} in double. */
    public static double l1(int n, float[] x, int xo) {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.abs(x[xo + i]);
        return s;
    }

    /** {@code g[i] (= or +=) scale * signum(x[i])}, {@code signum(0) = 0}, {@code signum(NaN) = NaN}. */
    public static void l1Grad(int n, float scale, float[] x, int xo, float[] g, int go, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            float s = scale * Math.signum(x[xo + i]);
            g[go + i] = accumulate ? g[go + i] + s : s;
        }
    }

    /** {@code sum_i x[i]^2} in double. */
    public static double l2sq(int n, float[] x, int xo) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            s += v * v;
        }
        return s;
    }

    /** {@code g[i] (= or +=) 2 * scale * x[i]}, correctly rounded. */
    public static void l2sqGrad(int n, float scale, float[] x, int xo, float[] g, int go, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            double v = 2.0 * scale * x[xo + i];
            g[go + i] = accumulate ? Math.fma(2f * scale, x[xo + i], g[go + i]) : (float) v;
        }
    }
}
