package ae4j.vecmath;

import java.util.Objects;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC 2011), vectorized with the Vector API.
 *
 * <p>Every number is a pure function of (seed, stream, element index), so the result does not depend
 * on the number of threads, on how a range is split into calls, or on the machine's vector width.
 *
 * <h2>Definition</h2>
 * All words are uint32 (held in Java ints); arithmetic on them is modulo 2^32.
 * <ol>
 * <li><b>Philox4x32-10.</b> Constants M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9,
 * W1 = 0xBB67AE85. One round maps counter (x0, x1, x2, x3) under key (k0, k1) to
 * (hi(M1 x2) ^ x1 ^ k0, lo(M1 x2), hi(M0 x0) ^ x3 ^ k1, lo(M0 x0)), where hi and lo are the upper and
 * lower 32 bits of the 64-bit product. Ten rounds are applied; before each of rounds 2..10 the key is
 * bumped: k0 += W0, k1 += W1. This is the Random123 philox4x32 with R = 10 and passes its published
 * known-answer tests.
 * <li><b>Key.</b> (k0, k1) = (low 32 bits of seed, high 32 bits of seed).
 * <li><b>Blocks.</b> Block b (a long, b &gt;= 0) consists of 8 Philox counters. The counter of lane l in
 * 0..7 is (c0, c1, c2, c3) = (low32(8b + l), high32(8b + l), stream, 0). Philox4x32-10 maps it to four
 * words (x0, x1, x2, x3).
 * <li><b>Elements.</b> The block yields 32 words; word w (0..3) of lane l is element index
 * 32b + 8w + l ("lane-major": 8 consecutive elements come from 8 consecutive counters).
 * <li><b>uniform:</b> u = (word &gt;&gt;&gt; 8) * 2^-24, exactly representable, in [0, 1). With bounds:
 * {@code lo + (hi - lo) * u} evaluated in float (hi - lo rounded first); rounding can give hi itself.
 * <li><b>gaussian</b> (Box-Muller): in block b, words w = 0 and w = 1 of lane l form a pair (x0, x1),
 * and words w = 2 and w = 3 a pair (x2, x3). For a pair (xa, xb): u1 = ((xa &gt;&gt;&gt; 8) + 1) * 2^-24
 * in (0, 1], u2 = (xb &gt;&gt;&gt; 8) * 2^-24 in [0, 1), r = sqrt(-2 ln u1); the element of xa's
 * position (32b + l, resp. 32b + 16 + l) is r cos(2 pi u2) and the element of xb's position
 * (32b + 8 + l, resp. 32b + 24 + l) is r sin(2 pi u2). Then z is scaled: mean + sigma * z.
 * <li><b>bernoulli:</b> u &lt; p ? onValue : 0, u the uniform of the element.
 * </ol>
 *
 * <h2>Exactness</h2>
 * {@link #word}, {@link #words}, both {@code uniform}s and {@link #bernoulli} are bit-exact functions of
 * the definition (plain float arithmetic, no FMA). The Gaussian methods evaluate the definition in
 * float with lanewise LOG, SQRT, COS and SIN (SVML-backed on x86): the angle is reduced exactly to a
 * quarter turn (u2 is a multiple of 2^-24) before COS/SIN so the result stays accurate to a few ulps
 * also near the zeros of cos and sin; {@code mean + sigma * z} is one FMA. Any other implementation
 * (such as {@link ae4j.vecmath.reference.ScalarPhilox}) agrees to within a few ulps. Within this class
 * the Gaussian output is still a pure function of (seed, stream, index, mean, sigma): partial blocks at
 * the ends of a range are computed with the same vector code (masked stores), so splitting a range into
 * several calls gives bit-identical results.
 *
 * <h2>Implementation</h2>
 * Counters run in {@code IntVector}s of at most 8 lanes (256 bits; 8 on AVX2 and AVX-512, 4 on
 * 128-bit machines), a block being 8 / lanes groups; the 32x32-&gt;64 multiplies run on the same
 * registers reinterpreted as {@code LongVector}s (even and odd int lanes separately). No method
 * allocates.
 */
public final class Philox {

    private Philox() {}

    static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final long M0L = M0 & 0xFFFFFFFFL, M1L = M1 & 0xFFFFFFFFL;
    private static final long LOW = 0xFFFFFFFFL, HIGH = 0xFFFFFFFF_00000000L;

    /** Int lanes: the preferred shape, capped at 256 bits so that a vector never spans two blocks. */
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED.length() > 8
            ? IntVector.SPECIES_256 : IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, IS.vectorShape());
    private static final int LANES = IS.length();

    private static final int RAW = 0, UNIFORM = 1, BERNOULLI = 2, GAUSSIAN = 3, ADD_GAUSSIAN = 4;

    /** 2 pi 2^-24 (float(2 pi) scaled by an exact power of two). */
    private static final float TWO_PI_ULP = (float) (2 * Math.PI) * 0x1p-24f;

    // ------------------------------------------------------------------ scalar

    /** The uint32 word (in an int) of element {@code index} (&gt;= 0) of {@code stream} under {@code seed}. */
    public static int word(long seed, int stream, long index) {
        if (index < 0) throw new IllegalArgumentException("negative element index " + index);
        long ctr = ((index >>> 5) << 3) + (index & 7);
        int w = (int) (index >>> 3) & 3;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        int c0 = (int) ctr, c1 = (int) (ctr >>> 32), c2 = stream, c3 = 0;
        for (int r = 0; r < 10; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0L * (c0 & LOW);
            long p1 = M1L * (c2 & LOW);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        return switch (w) {
            case 0 -> c0;
            case 1 -> c1;
            case 2 -> c2;
            default -> c3;
        };
    }

    // ------------------------------------------------------------------ public bulk API

    /** {@code out[off + i] = word(seed, stream, start + i)} for i in [0, n). */
    public static void words(long seed, int stream, long start, int[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, RAW, 0f, 0f, null, out, off, n);
    }

    /** {@code out[off + i]} = standard uniform of element {@code start + i}, in [0, 1). */
    public static void uniform(long seed, int stream, long start, float[] out, int off, int n) {
        uniform(seed, stream, start, 0f, 1f, out, off, n);
    }

    /**
     * {@code out[off + i] = lo + (hi - lo) * u} (float arithmetic), u the standard uniform of element
     * {@code start + i}. With lo = 0, hi = 1 this is exactly the standard uniform.
     */
    public static void uniform(long seed, int stream, long start, float lo, float hi, float[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, UNIFORM, hi - lo, lo, out, null, off, n);
    }

    /** {@code out[off + i] = mean + sigma * z}, z the Box-Muller standard normal of element {@code start + i}. */
    public static void gaussian(long seed, int stream, long start, float mean, float sigma, float[] out, int off,
            int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, GAUSSIAN, sigma, mean, out, null, off, n);
    }

    /**
     * {@code out[off + i] = u < p ? onValue : 0}, u the standard uniform of element {@code start + i}.
     * For inverted dropout keep-masks use p = keep probability and onValue = 1 / p.
     */
    public static void bernoulli(long seed, int stream, long start, float p, float onValue, float[] out, int off,
            int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, BERNOULLI, p, onValue, out, null, off, n);
    }

    /**
     * In place {@code out[off + i] += sigma * z} (one FMA), z the standard normal of element
     * {@code start + i}: additive Gaussian corruption for denoising autoencoders. Uses the same z as
     * {@link #gaussian}.
     */
    public static void addGaussian(long seed, int stream, long start, float sigma, float[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, ADD_GAUSSIAN, sigma, 0f, out, null, off, n);
    }

    private static void check(long start, int length, int off, int n) {
        Objects.checkFromIndexSize(off, n, length);
        if (start < 0 || start > Long.MAX_VALUE - n) {
            throw new IllegalArgumentException("element range [" + start + ", " + start + " + " + n + ") is invalid");
        }
    }

    // ------------------------------------------------------------------ kernel

    /**
     * Test hook for the raw bijection through the vector code: the 8 counters
     * (low32(counterBase + l), high32(counterBase + l), c2, c3), l = 0..7, under key (low32(key),
     * high32(key)); writes word w of lane l to {@code out[8w + l]}. counterBase must be a multiple of 8.
     */
    static void rawBlock(long key, long counterBase, int c2, int c3, int[] out) {
        if ((counterBase & 7) != 0 || out.length < 32) throw new IllegalArgumentException();
        for (int h = 0; h < 8; h += LANES) {
            groupBits(RAW, (int) key, (int) (key >>> 32), (int) counterBase + h, (int) (counterBase >>> 32), c2, c3,
                    0f, 0f, null, out, h, h, 32, true);
        }
    }

    private static void run(long seed, int stream, long start, int kind, float a, float b, float[] out, int[] iout,
            int off, int n) {
        if (n == 0) return;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        boolean gauss = kind == GAUSSIAN || kind == ADD_GAUSSIAN;
        boolean add = kind == ADD_GAUSSIAN;
        long last = start + n - 1;
        for (long blk = start >>> 5, lastBlk = last >>> 5; blk <= lastBlk; blk++) {
            int rel0 = (int) ((blk << 5) - start); // element 32 blk relative to start, in [-31, n)
            boolean full = rel0 >= 0 && rel0 <= n - 32;
            long cb = blk << 3;
            int cLo = (int) cb, cHi = (int) (cb >>> 32);
            for (int h = 0; h < 8; h += LANES) {
                int pos = off + rel0 + h, rel = rel0 + h;
                if (gauss) {
                    groupGaussian(add, k0, k1, cLo + h, cHi, stream, a, b, out, pos, rel, n, full);
                } else {
                    groupBits(kind, k0, k1, cLo + h, cHi, stream, 0, a, b, out, iout, pos, rel, n, full);
                }
            }
        }
    }

    /** The upper 32 bits of the unsigned 64-bit products x * m, lane by lane (m &lt; 2^32). */
    private static IntVector mulhi(IntVector x, long m) {
        LongVector l = x.reinterpretAsLongs();
        LongVector a = l.and(LOW).mul(m);                              // int lanes in the low halves
        LongVector b = l.lanewise(VectorOperators.LSHR, 32).mul(m);    // int lanes in the high halves
        return a.lanewise(VectorOperators.LSHR, 32).or(b.and(HIGH)).reinterpretAsInts();
    }

    /**
     * One group of LANES consecutive counters (c0 + lane, c1, c2, c3) of a block, words only: RAW,
     * UNIFORM (a = scale, b = offset) or BERNOULLI (a = p, b = onValue). Word w of lane j goes to
     * array index {@code pos + 8w + j}, which is relative element {@code rel + 8w + j}; when not
     * {@code full}, only relative elements in [0, n) are touched.
     */
    private static void groupBits(int kind, int k0, int k1, int c0, int c1, int c2, int c3, float a, float b,
            float[] out, int[] iout, int pos, int rel, int n, boolean full) {
        IntVector x0 = IntVector.broadcast(IS, c0).addIndex(1);
        IntVector x1 = IntVector.broadcast(IS, c1);
        IntVector x2 = IntVector.broadcast(IS, c2);
        IntVector x3 = IntVector.broadcast(IS, c3);
        for (int r = 0; r < 10; r++, k0 += W0, k1 += W1) {
            IntVector y0 = mulhi(x2, M1L).lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.XOR, k0);
            IntVector y2 = mulhi(x0, M0L).lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.XOR, k1);
            x1 = x2.mul(M1);
            x3 = x0.mul(M0);
            x0 = y0;
            x2 = y2;
        }
        // One loop iteration per word w (rotating x0..x3), so C2 parses the tail code only once.
        for (int w = 0; w < 4; w++, pos += 8, rel += 8) {
            if (kind == RAW) {
                storeInts(x0, iout, pos, rel, n, full);
            } else {
                FloatVector u = unit(x0);
                store(kind == UNIFORM ? u.mul(a).add(b) : FloatVector.zero(FS).blend(b, u.lt(a)), out, pos, rel, n,
                        full);
            }
            IntVector t = x0;
            x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = t;
        }
    }

    /** As {@link #groupBits} (counter word c3 = 0), then Box-Muller: out = z sigma + mean, or out += z sigma. */
    private static void groupGaussian(boolean add, int k0, int k1, int c0, int c1, int c2, float sigma, float mean,
            float[] out, int pos, int rel, int n, boolean full) {
        IntVector x0 = IntVector.broadcast(IS, c0).addIndex(1);
        IntVector x1 = IntVector.broadcast(IS, c1);
        IntVector x2 = IntVector.broadcast(IS, c2);
        IntVector x3 = IntVector.zero(IS);
        for (int r = 0; r < 10; r++, k0 += W0, k1 += W1) {
            IntVector y0 = mulhi(x2, M1L).lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.XOR, k0);
            IntVector y2 = mulhi(x0, M0L).lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.XOR, k1);
            x1 = x2.mul(M1);
            x3 = x0.mul(M0);
            x0 = y0;
            x2 = y2;
        }
        // Box-Muller on the pair (x0, x1), then on (x2, x3): r cos(2 pi u2) to pos, r sin(2 pi u2) to
        // pos + 8. The angle 2 pi u2 is split exactly as q pi/2 + theta, |theta| <= pi/4, q = round(4 u2).
        // (Written inline and as a loop: a helper taking vectors would be too big to inline, and C2 would
        // box its arguments.)
        for (int pair = 0; pair < 2; pair++, pos += 16, rel += 16) {
            FloatVector u1 = ((FloatVector) x0.lanewise(VectorOperators.LSHR, 8).add(1)
                    .convertShape(VectorOperators.I2F, FS, 0)).mul(0x1p-24f);
            FloatVector radius = u1.lanewise(VectorOperators.LOG).mul(-2f).lanewise(VectorOperators.SQRT);
            IntVector k = x1.lanewise(VectorOperators.LSHR, 8);                // u2 = k 2^-24
            IntVector q = k.add(1 << 21).lanewise(VectorOperators.LSHR, 22);  // round(4 u2), 0..4
            IntVector t = k.sub(q.lanewise(VectorOperators.LSHL, 22));        // in [-2^21, 2^21]
            FloatVector theta = ((FloatVector) t.convertShape(VectorOperators.I2F, FS, 0)).mul(TWO_PI_ULP);
            IntVector c = theta.lanewise(VectorOperators.COS).reinterpretAsInts();
            IntVector s = theta.lanewise(VectorOperators.SIN).reinterpretAsInts();
            // Odd q: swap cos and sin; then negate cos for q mod 4 in {1, 2} and sin for q mod 4 in {2, 3}.
            IntVector swap = c.lanewise(VectorOperators.XOR, s).and(q.and(1).neg());
            FloatVector cos = c.lanewise(VectorOperators.XOR, swap)
                    .lanewise(VectorOperators.XOR, q.add(1).and(2).lanewise(VectorOperators.LSHL, 30))
                    .reinterpretAsFloats();
            FloatVector sin = s.lanewise(VectorOperators.XOR, swap)
                    .lanewise(VectorOperators.XOR, q.and(2).lanewise(VectorOperators.LSHL, 30))
                    .reinterpretAsFloats();
            FloatVector z = radius.mul(cos), zNext = radius.mul(sin);
            for (int j = 0; j < 2; j++) { // cos result to pos, sin result to pos + 8
                int p = pos + 8 * j, e = rel + 8 * j;
                // Always masked (all lanes set in full blocks): one code path keeps C2 under its
                // inlining node budget here.
                VectorMask<Float> m = FS.indexInRange(e, n);
                FloatVector base = add ? FloatVector.fromArray(FS, out, p, m) : FloatVector.broadcast(FS, mean);
                z.fma(FloatVector.broadcast(FS, sigma), base).intoArray(out, p, m);
                z = zNext;
            }
            x0 = x2;
            x1 = x3;
        }
    }

    /** (x >>> 8) * 2^-24 as floats: exact. */
    private static FloatVector unit(IntVector x) {
        return ((FloatVector) x.lanewise(VectorOperators.LSHR, 8).convertShape(VectorOperators.I2F, FS, 0)).mul(0x1p-24f);
    }

    private static void store(FloatVector v, float[] out, int pos, int rel, int n, boolean full) {
        if (full) {
            v.intoArray(out, pos);
        } else {
            v.intoArray(out, pos, FS.indexInRange(rel, n));
        }
    }

    private static FloatVector load(float[] out, int pos, int rel, int n, boolean full) {
        return full ? FloatVector.fromArray(FS, out, pos) : FloatVector.fromArray(FS, out, pos, FS.indexInRange(rel, n));
    }

    private static void storeInts(IntVector v, int[] out, int pos, int rel, int n, boolean full) {
        if (full) {
            v.intoArray(out, pos);
        } else {
            VectorMask<Integer> m = IS.indexInRange(rel, n);
            v.intoArray(out, pos, m);
        }
    }
}
