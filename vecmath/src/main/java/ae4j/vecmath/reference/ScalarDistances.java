package ae4j.vecmath.reference;

/** Plain-loop twin of {@link ae4j.vecmath.Distances}: differences squared and summed in double, no expansion. */
public final class ScalarDistances {

    private ScalarDistances() {}

    /** {@code norms[i] = ||x_i||^2} summed in double, rounded to float. */
    public static void rowNorms(int n, int d, float[] x, float[] norms) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                double v = x[i * d + c];
                s += v * v;
            }
            norms[i] = (float) s;
        }
    }

    /**
     * {@code out[i * n + j] = sum_c (x_{from+i,c} - x_{j,c})^2} in double, rounded to float; the norms are
     * not used (same signature as the kernel).
     */
    public static void squaredBlock(int from, int rows, int n, int d, float[] x, float[] norms, float[] out) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double e = (double) x[(from + i) * d + c] - x[j * d + c];
                    s += e * e;
                }
                out[i * n + j] = (float) s;
            }
        }
    }
}
