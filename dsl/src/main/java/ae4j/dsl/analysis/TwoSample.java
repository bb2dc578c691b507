package ae4j.dsl.analysis;

/**
 * How far apart two samples' distributions are, by the energy distance (Szekely and Rizzo): {@code
 * E = 2 E|X - Y| - E|X - X'| - E|Y - Y'|} with Euclidean norms, estimated with the within-sample means over
 * distinct pairs. E is 0 when the two distributions are equal and positive otherwise; for two point masses
 * at distance delta it is 2 delta. Used to check a sampler against held-out data on truth, not by eye.
 */
public final class TwoSample {

    private TwoSample() {}

    /** The energy distance between the n rows of a and the m rows of b, each of width d. */
    public static double energy(float[] a, int n, float[] b, int m, int d) {
        if (n < 2 || m < 2) throw new IllegalArgumentException("each sample needs at least 2 points");
        return 2 * meanDistance(a, n, b, m, d, false)
                - meanDistance(a, n, a, n, d, true)
                - meanDistance(b, m, b, m, d, true);
    }

    /** The mean distance between rows of a and rows of b; {@code same}: a is b, pairs i = j left out. */
    private static double meanDistance(float[] a, int n, float[] b, int m, int d, boolean same) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = same ? i + 1 : 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double e = a[i * d + k] - b[j * d + k];
                    s += e * e;
                }
                sum += Math.sqrt(s);
            }
        }
        return same ? sum / (n * (n - 1) / 2.0) : sum / ((double) n * m);
    }
}
