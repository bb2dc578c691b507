package ae4j.dsl.analysis;

import ae4j.vecmath.Gemm;

/**
 * A binary code made of signs of projections: bit j of x is set when {@code (x - mean) . w_j >= 0}. With random
 * Gaussian directions it is random-hyperplane LSH ({@link RandomHyperplaneLsh}); with the principal directions,
 * PCA-sign ({@link PcaSign}). The baselines of semantic hashing at the same number of bits.
 *
 * @param mean the centre (d values), usually the mean of the data the code was fitted on
 * @param directions bits x d, one direction per bit
 */
public record SignProjection(float[] mean, float[][] directions) {

    /** Rows per block of the projection. */
    private static final int BLOCK = 1024;

    public SignProjection {
        if (directions.length < 1) throw new IllegalArgumentException("a sign code needs at least one bit");
        for (float[] w : directions) {
            if (w.length != mean.length)
                throw new IllegalArgumentException(
                        "a direction has " + w.length + " values but the mean has " + mean.length);
        }
    }

    public int bits() {
        return directions.length;
    }

    public int dim() {
        return mean.length;
    }

    /** The addresses of the n rows of x (n x d): one array of (bits + 63) / 64 words per row, bit j in word j / 64. */
    public long[][] addresses(float[] x, int n) {
        int d = dim(), bits = bits();
        if ((long) n * d > x.length)
            throw new IllegalArgumentException(
                    n + " rows of " + d + " values need " + (long) n * d + " values, got " + x.length);
        float[] w = new float[bits * d];
        for (int j = 0; j < bits; j++) System.arraycopy(directions[j], 0, w, j * d, d);
        int words = (bits + 63) / 64;
        long[][] out = new long[n][words];
        int rows = Math.min(BLOCK, Math.max(1, n));
        float[] block = new float[rows * d];
        float[] proj = new float[rows * bits];
        for (int from = 0; from < n; from += rows) {
            int m = Math.min(rows, n - from);
            for (int i = 0; i < m; i++) {
                int src = (from + i) * d, dst = i * d;
                for (int c = 0; c < d; c++) block[dst + c] = x[src + c] - mean[c];
            }
            Gemm.gemm(Gemm.Op.N, Gemm.Op.T, m, bits, d, 1f, block, 0, d, w, 0, d, 0f, proj, 0, bits);
            for (int i = 0; i < m; i++) {
                long[] a = out[from + i];
                for (int j = 0; j < bits; j++) if (proj[i * bits + j] >= 0) a[j >> 6] |= 1L << (j & 63);
            }
        }
        return out;
    }

    /** The mean of the n rows of x (n x d). */
    static float[] mean(float[] x, int n, int d) {
        double[] s = new double[d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) s[c] += x[i * d + c];
        float[] m = new float[d];
        for (int c = 0; c < d; c++) m[c] = (float) (s[c] / n);
        return m;
    }
}
