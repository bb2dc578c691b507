package ae4j.dsl.analysis;

import java.util.SplittableRandom;

/**
 * Random-hyperplane locality-sensitive hashing (Charikar 2002): the signs of projections of the centred data on
 * {@code bits} random Gaussian directions. Two points at angle theta (about the centre) differ in each bit with
 * probability theta / pi, so Hamming distance estimates angle; nothing is learned from the data but its mean.
 * The data-independent baseline of semantic hashing.
 */
public final class RandomHyperplaneLsh {

    private RandomHyperplaneLsh() {}

    /** The code of {@code bits} bits centred on the mean of the n rows of x (n x d); directions drawn from {@code seed}. */
    public static SignProjection fit(float[] x, int n, int d, int bits, long seed) {
        if (n < 1 || d < 1) throw new IllegalArgumentException("LSH needs data, got " + n + " x " + d);
        if (bits < 1) throw new IllegalArgumentException("LSH needs at least one bit, got " + bits);
        SplittableRandom r = new SplittableRandom(seed);
        float[][] w = new float[bits][d];
        for (float[] row : w) for (int c = 0; c < d; c++) row[c] = (float) r.nextGaussian();
        return new SignProjection(SignProjection.mean(x, n, d), w);
    }
}
