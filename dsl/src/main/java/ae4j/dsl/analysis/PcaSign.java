package ae4j.dsl.analysis;

/**
 * PCA-sign hashing: the signs of the projections of the centred data on its first {@code bits} principal
 * components (fitted by {@link PcaBaseline#fit}). The linear, learned baseline of semantic hashing: bit j splits
 * the data along the direction of j-th largest variance.
 */
public final class PcaSign {

    private PcaSign() {}

    /** The code of {@code bits} bits fitted on the n rows of x (n x d); needs bits <= min(n, d). */
    public static SignProjection fit(float[] x, int n, int d, int bits) {
        if (bits < 1) throw new IllegalArgumentException("PCA-sign needs at least one bit, got " + bits);
        if (bits > Math.min(n, d))
            throw new IllegalArgumentException("PCA-sign with " + bits + " bits needs " + bits
                    + " principal components, but PCA of " + n + " examples of " + d + " features has at most "
                    + Math.min(n, d));
        PcaBaseline.Pca pca = PcaBaseline.fit(x, n, d);
        float[] mean = new float[d];
        for (int c = 0; c < d; c++) mean[c] = (float) pca.mean()[c];
        float[][] w = new float[bits][d];
        for (int j = 0; j < bits; j++) for (int c = 0; c < d; c++) w[j][c] = (float) pca.components()[j][c];
        return new SignProjection(mean, w);
    }
}
