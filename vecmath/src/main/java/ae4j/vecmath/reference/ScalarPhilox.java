package ae4j.vecmath.reference;

import java.util.Objects;

/**
 * Plain per-element reference for {@link ae4j.vecmath.Philox}: the same API, each element computed on
 * its own from its Philox counter, with no vectors and no blocking.
 *
 * <p>The definition (key, counter layout, word-to-element mapping and the three distributions) is the
 * one documented on {@link ae4j.vecmath.Philox}. {@code word}, {@code words}, {@code uniform} and
 * {@code bernoulli} use the same integer and float arithmetic as the vector version and are
 * bit-identical to it. {@code gaussian} and {@code addGaussian} evaluate Box-Muller in double with
 * {@link Math#log}, {@link Math#sqrt}, {@link Math#cos} and {@link Math#sin} and round once to float at
 * the end (mean + sigma z, resp. old + sigma z, in double), so they are within a few ulps of the vector
 * version (which follows a documented float recipe), not bit-identical.
 *
 * <p>This class is slow (one Philox evaluation per uniform element, two per Gaussian element). It
 * exists for tests and as a readable statement of the definition.
 */
public final class ScalarPhilox {

    /** Philox4x32 multipliers (Salmon et al. 2011, Random123). */
    public static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    /** Philox4x32 Weyl key increments: golden ratio and sqrt(3) - 1, as 32-bit fractions. */
    public static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    /** Number of Philox rounds. */
    public static final int ROUNDS = 10;

    private static final double TWO_PI = 2 * Math.PI;

    private ScalarPhilox() {}

    /**
     * The raw Philox4x32-10 bijection: counter (c0, c1, c2, c3) under key (k0, k1), all uint32 held in
     * ints. Writes the 4 output words to {@code out[0..3]}.
     */
    public static void philox4x32_10(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** Word {@code w} (0..3) of lane {@code l} (0..7) of block {@code b}. */
    private static int blockWord(long seed, int stream, long b, int w, int l) {
        long ctr = (b << 3) + l;
        int[] x = new int[4];
        philox4x32_10((int) ctr, (int) (ctr >>> 32), stream, 0, (int) seed, (int) (seed >>> 32), x);
        return x[w];
    }

    /** The uint32 word (in an int) at element {@code index} of stream {@code stream} under {@code seed}. */
    public static int word(long seed, int stream, long index) {
        if (index < 0) throw new IllegalArgumentException("negative index " + index);
        int r = (int) (index & 31);
        return blockWord(seed, stream, index >>> 5, r >>> 3, r & 7);
    }

    /** The standard uniform float of a word: (word >>> 8) * 2^-24, in [0, 1). */
    public static float unit(int word) {
        return (word >>> 8) * 0x1p-24f;
    }

    /** The standard normal value of element {@code index}, in double (before any rounding to float). */
    public static double normal(long seed, int stream, long index) {
        if (index < 0) throw new IllegalArgumentException("negative index " + index);
        long b = index >>> 5;
        int r = (int) (index & 31);
        int w = r >>> 3, l = r & 7;
        int pair = w & ~1;
        int xa = blockWord(seed, stream, b, pair, l);
        int xb = blockWord(seed, stream, b, pair + 1, l);
        double u1 = ((xa >>> 8) + 1) * 0x1p-24;
        double u2 = (xb >>> 8) * 0x1p-24;
        double radius = Math.sqrt(-2 * Math.log(u1));
        return (w & 1) == 0 ? radius * Math.cos(TWO_PI * u2) : radius * Math.sin(TWO_PI * u2);
    }

    private static void check(long start, float[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(off, n, out.length);
        if (start < 0 || start > Long.MAX_VALUE - n) {
            throw new IllegalArgumentException("element range [" + start + ", " + start + " + " + n + ") is invalid");
        }
    }

    /** {@code out[off + i] = (word(start + i) >>> 8) * 2^-24}, in [0, 1). */
    public static void uniform(long seed, int stream, long start, float[] out, int off, int n) {
        check(start, out, off, n);
        for (int i = 0; i < n; i++) out[off + i] = unit(word(seed, stream, start + i));
    }

    /** {@code out[off + i] = lo + (hi - lo) * u} in float arithmetic, u the standard uniform. */
    public static void uniform(long seed, int stream, long start, float lo, float hi, float[] out, int off, int n) {
        check(start, out, off, n);
        float scale = hi - lo;
        for (int i = 0; i < n; i++) out[off + i] = lo + scale * unit(word(seed, stream, start + i));
    }

    /** {@code out[off + i] = mean + sigma * z}, z the Box-Muller normal in double, rounded once. */
    public static void gaussian(
            long seed, int stream, long start, float mean, float sigma, float[] out, int off, int n) {
        check(start, out, off, n);
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) (mean + (double) sigma * normal(seed, stream, start + i));
        }
    }

    /** {@code out[off + i] = u < p ? onValue : 0}, u the standard uniform. */
    public static void bernoulli(
            long seed, int stream, long start, float p, float onValue, float[] out, int off, int n) {
        check(start, out, off, n);
        for (int i = 0; i < n; i++) out[off + i] = unit(word(seed, stream, start + i)) < p ? onValue : 0f;
    }

    /** {@code out[off + i] += sigma * z}, computed in double and rounded once. */
    public static void addGaussian(long seed, int stream, long start, float sigma, float[] out, int off, int n) {
        check(start, out, off, n);
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) (out[off + i] + (double) sigma * normal(seed, stream, start + i));
        }
    }

    /** {@code out[off + i] = word(start + i)}. */
    public static void words(long seed, int stream, long start, int[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(off, n, out.length);
        if (start < 0 || start > Long.MAX_VALUE - n) throw new IllegalArgumentException("bad range");
        for (int i = 0; i < n; i++) out[off + i] = word(seed, stream, start + i);
    }
}
