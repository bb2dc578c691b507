package ae4j.vecmath;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC 2011), vectorized with the Vector API.
 *
 * <p>Every number is a pure function of (seed, stream, element index): the result does not depend on
 * the number of threads, on how a range is split into calls, on the machine's vector width or on the
 * JIT state. All methods are static, thread-safe and allocation-free (addGaussian allocates a small
 * scratch array once per thread).
 *
 * <h2>Definition</h2>
 * All words are uint32 (held in Java ints); arithmetic on them is modulo 2^32.
 * <ol>
 * <li><b>Philox4x32-10.</b> Constants M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9,
 * W1 = 0xBB67AE85. One round maps counter (x0, x1, x2, x3) under key (k0, k1) to
 * (hi(M1 x2) ^ x1 ^ k0, lo(M1 x2), hi(M0 x0) ^ x3 ^ k1, lo(M0 x0)), where hi and lo are the upper and
 * lower 32 bits of the 64-bit product. Ten rounds are applied; before each of rounds 2..10 the key is
 * bumped: k0 += W0, k1 += W1. This is Random123's philox4x32 with R = 10 (it passes the Random123
 * known-answer tests).
 * <li><b>Key.</b> (k0, k1) = (low 32 bits of seed, high 32 bits of seed).
 * <li><b>Blocks.</b> Block b (a long, b &gt;= 0) consists of 8 Philox counters. The counter of lane l in
 * 0..7 is (c0, c1, c2, c3) = (low32(8b + l), high32(8b + l), stream, 0). Philox4x32-10 maps it to four
 * words (x0, x1, x2, x3).
 * <li><b>Elements.</b> The block yields 32 words; word w (0..3) of lane l is element index
 * 32b + 8w + l ("lane-major": 8 consecutive elements come from 8 consecutive counters).
 * <li><b>uniform:</b> u = (word &gt;&gt;&gt; 8) * 2^-24, exact, in [0, 1). With bounds it is
 * {@code lo + (hi - lo) * u} in float arithmetic ((hi - lo) rounded first, then the product, then the
 * sum; no FMA), so it lies in [lo, hi] (rounding can give hi).
 * <li><b>gaussian</b> (Box-Muller): in block b, words w = 0 and w = 1 of lane l form a pair (x0, x1),
 * and words w = 2 and w = 3 a pair (x2, x3). For a pair (xa, xb): u1 = ((xa &gt;&gt;&gt; 8) + 1) * 2^-24
 * in (0, 1], u2 = (xb &gt;&gt;&gt; 8) * 2^-24 in [0, 1), r = sqrt(-2 ln u1); the element at xa's position
 * (32b + l, resp. 32b + 16 + l) is z = r cos(2 pi u2) and the element at xb's position (32b + 8 + l,
 * resp. 32b + 24 + l) is z = r sin(2 pi u2). The result is {@code fma(z, sigma, mean)} (one rounding).
 * <li><b>bernoulli:</b> u &lt; p ? onValue : 0, u the uniform of the element.
 * </ol>
 *
 * <h2>The float recipe for z (bit-exact)</h2>
 * z is evaluated in float with IEEE operations only (+, -, *, /, fma, sqrt, int-to-float conversion),
 * which give identical bits in every Java execution mode and in any language with IEEE floats. Lanewise
 * LOG/SIN/COS are deliberately not used: under the Vector API they are per-lane {@code Math} calls when
 * interpreted or C1-compiled and SVML when C2-compiled, so their bits depend on JIT state (measured on
 * Temurin 25, AVX2: about 7% of LOG and 4% of SIN lanes differ by an ulp; a Box-Muller built on them
 * gave different outputs for the same element before and after C2 compiled it). With
 * f(a, b, c) = fma(a, b, c) = a * b + c rounded once:
 * <pre>
 * u1 = (float) ((xa &gt;&gt;&gt; 8) + 1) * 0x1p-24f
 * ix = bits(u1) - 0x3F3504F3;  e = (float) (ix &gt;&gt; 23)            // u1 = 2^e m, m in [sqrt(1/2), sqrt(2))
 * g  = floatFromBits((ix &amp; 0x7FFFFF) + 0x3F3504F3) - 1f          // g = m - 1
 * s2x = (g / (g + 2f)) * 2f;   s2 = (s2x * s2x) * 0.25f            // 2s and s^2, s = (m - 1) / (m + 1)
 * q  = f(f(f(s2, L9, L7), s2, L5), s2, L3) * s2
 * ln = f(e, LN2_HI, f(e, LN2_LO, f(s2x, q, s2x)))                 // ln u1 = e ln 2 + 2 atanh(s)
 * r  = sqrt(ln * -2f)
 * k  = xb &gt;&gt;&gt; 8;  qd = (k + 2^21) &gt;&gt;&gt; 22;  t = k - (qd &lt;&lt; 22)   // 2 pi u2 = qd pi/2 + theta
 * theta = (float) t * TWO_PI_ULP;  t2 = theta * theta              // |theta| &lt;= pi/4
 * sn = f(theta * t2, f(f(f(t2, S9, S7), t2, S5), t2, S3), theta)   // sin theta
 * cs = f(t2, f(f(f(f(t2, C10, C8), t2, C6), t2, C4), t2, C2), 1f)  // cos theta
 * (cs, sn) = qd odd ? (sn, cs) : (cs, sn);  negate cs if qd mod 4 in {1, 2}, sn if qd mod 4 in {2, 3}
 * z  = r * cs at xa's position, r * sn at xb's position
 * </pre>
 * with the float constants of this class: L3 = 1f/3, L5 = 1f/5, L7 = 1f/7, L9 = 1f/9 (2 atanh series),
 * LN2_HI = 0x1.62e3p-1f, LN2_LO = (float) (ln 2 - LN2_HI), TWO_PI_ULP = (float) (2 pi) * 0x1p-24f, and
 * S3..S9, C2..C10 the Taylor coefficients of sin and cos rounded to float (C2 = -0.5f). z is within 4
 * ulps of the exact Box-Muller value (worst seen: 3.6 ulps over 2^22 samples; the angle reduction keeps
 * this relative accuracy also near the zeros of cos and sin). {@link ae4j.vecmath.reference.ScalarPhilox}
 * evaluates the definition in double instead.
 *
 * <h2>Implementation</h2>
 * Whole blocks run in {@code IntVector}s of at most 8 lanes (256 bits: 8 on AVX2 and AVX-512, 4 on
 * 128-bit machines), two independent groups of counters per kernel call; the 32x32-&gt;64 multiplies
 * run on the same registers reinterpreted as {@code LongVector}s (even and odd int lanes separately,
 * both factors masked to 32 bits so that C2 emits vpmuludq). Gaussian blocks go through three small
 * kernels in chunks of 8 blocks (uniforms, radius, angle) via the output array, or for addGaussian via
 * a 256-float per-thread scratch array (allocated once per thread). Kernels take no vector arguments:
 * C2 refuses to inline ordinary methods past its node budget, and vectors passed to a method that is
 * not inlined are boxed. Partial blocks at the ends of a range are computed element by element with
 * scalar code doing the same operations, so results do not depend on how a range is split.
 */
public final class Philox {

    static {
        Jit.ensureDirectives();
    }

    private Philox() {}

    static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final long M0L = M0 & 0xFFFFFFFFL, M1L = M1 & 0xFFFFFFFFL;
    private static final long LOW = 0xFFFFFFFFL, HIGH = 0xFFFFFFFF_00000000L;

    /** Int lanes: the preferred shape, capped at 256 bits so that a vector never spans two blocks. */
    static final VectorSpecies<Integer> IS =
            IntVector.SPECIES_PREFERRED.length() > 8 ? IntVector.SPECIES_256 : IntVector.SPECIES_PREFERRED;

    static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, IS.vectorShape());
    static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, IS.vectorShape());
    private static final int LANES = IS.length();
    /** Element offset of counter c + LANES from that of counter c, for c a multiple of 2 LANES. */
    private static final int SECOND = LANES == 8 ? 32 : LANES;

    private static final int RAW = 0, UNIFORM = 1, BERNOULLI = 2, GAUSSIAN = 3, ADD_GAUSSIAN = 4;

    /** Whole blocks per Gaussian chunk. */
    private static final int CHUNK_BLOCKS = 8;
    /** One chunk of uniforms per thread, for addGaussian (allocated once per thread). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[32 * CHUNK_BLOCKS]);

    /** 2 pi 2^-24: float(2 pi) scaled by an exact power of two. */
    static final float TWO_PI_ULP = (float) (2 * Math.PI) * 0x1p-24f;
    /** Bits of float sqrt(1/2). */
    static final int SQRT_HALF_BITS = 0x3F3504F3;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 17 significant bits, so e * LN2_HI is exact for |e| &lt;= 127. */
    static final float LN2_HI = 0x1.62e3p-1f, LN2_LO = (float) (Math.log(2) - 0x1.62e3p-1);
    /** 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9 + ...), |s| &lt;= 0.1716. */
    static final float L3 = 1f / 3, L5 = 1f / 5, L7 = 1f / 7, L9 = 1f / 9;
    /** Taylor coefficients of sin and cos, for |theta| &lt;= pi/4. */
    static final float S3 = (float) (-1.0 / 6),
            S5 = (float) (1.0 / 120),
            S7 = (float) (-1.0 / 5040),
            S9 = (float) (1.0 / 362880);

    static final float C2 = -0.5f,
            C4 = (float) (1.0 / 24),
            C6 = (float) (-1.0 / 720),
            C8 = (float) (1.0 / 40320),
            C10 = (float) (-1.0 / 3628800);

    // ------------------------------------------------------------------ public API

    /** The uint32 word (in an int) of element {@code index} (&gt;= 0) of {@code stream} under {@code seed}. */
    public static int word(long seed, int stream, long index) {
        if (index < 0) throw new IllegalArgumentException("negative element index " + index);
        return scalarWord((int) seed, (int) (seed >>> 32), stream, index, (int) (index >>> 3) & 3);
    }

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

    /** {@code out[off + i] = fma(z, sigma, mean)}, z the Box-Muller normal of element {@code start + i}. */
    public static void gaussian(
            long seed, int stream, long start, float mean, float sigma, float[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, GAUSSIAN, sigma, mean, out, null, off, n);
    }

    /**
     * {@code out[off + i] = u < p ? onValue : 0}, u the standard uniform of element {@code start + i}.
     * For inverted-dropout keep masks use p = keep probability and onValue = 1 / p.
     */
    public static void bernoulli(
            long seed, int stream, long start, float p, float onValue, float[] out, int off, int n) {
        Objects.requireNonNull(out, "out");
        check(start, out.length, off, n);
        run(seed, stream, start, BERNOULLI, p, onValue, out, null, off, n);
    }

    /**
     * In place {@code out[off + i] = fma(z, sigma, out[off + i])}, z the normal of element
     * {@code start + i} (the same z as {@link #gaussian}): additive Gaussian corruption for denoising
     * autoencoders.
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

    // ------------------------------------------------------------------ driver

    /**
     * Fewest elements a call splits among the threads (when not already inside a parallel loop): a batch's noise
     * when one thread runs the rest of the step's elementwise work. Each element's value depends on its index only,
     * so the split changes no bit.
     */
    private static final int PARALLEL_MIN = Math.max(64, Integer.getInteger("ae4j.philox.parallelMin", 8192));

    private static void run(
            long seed, int stream, long start, int kind, float a, float b, float[] out, int[] iout, int off, int n) {
        int parts = n >= PARALLEL_MIN && !Parallel.nested() ? Math.min(Parallel.threads(), n / (PARALLEL_MIN / 2)) : 1;
        if (parts <= 1) {
            runRange(seed, stream, start, kind, a, b, out, iout, off, n);
            return;
        }
        int blocks = (n + 31) / 32; // parts start on whole 32-element blocks of the output
        Parallel.run(parts, t -> {
            int from = Math.min(n, (int) ((long) blocks * t / parts) * 32);
            int to = Math.min(n, (int) ((long) blocks * (t + 1) / parts) * 32);
            if (to > from) runRange(seed, stream, start + from, kind, a, b, out, iout, off + from, to - from);
        });
    }

    private static void runRange(
            long seed, int stream, long start, int kind, float a, float b, float[] out, int[] iout, int off, int n) {
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        long end = start + n;
        long fullFrom = start + Math.min(-start & 31, n); // first element of the first whole block
        long fullTo = fullFrom + ((end - fullFrom) & ~31L); // end of the last whole block (no overflow)
        for (long e = start; e < fullFrom; e++) {
            scalar(k0, k1, stream, e, kind, a, b, out, iout, off + (int) (e - start));
        }
        boolean gauss = kind >= GAUSSIAN, add = kind == ADD_GAUSSIAN;
        long b0 = fullFrom >>> 5, b1 = fullTo >>> 5; // whole blocks [b0, b1)
        if (!gauss) {
            for (long c = b0 << 3, cEnd = b1 << 3; c < cEnd; c += 2 * LANES) {
                int pos = off + (int) (((c >>> 3) << 5) - start) + (int) (c & 7);
                groupBits(
                        kind,
                        k0,
                        k1,
                        (int) c,
                        (int) (c >>> 32),
                        stream,
                        0,
                        c + 2 * LANES <= cEnd,
                        a,
                        b,
                        out,
                        iout,
                        pos);
            }
        } else {
            gaussianBlocks(k0, k1, stream, start, b0, b1, add, a, b, out, off);
        }
        for (long e = fullTo; e < end; e++) {
            scalar(k0, k1, stream, e, kind, a, b, out, iout, off + (int) (e - start));
        }
    }

    /** Whole blocks [b0, b1) of gaussian (sigma = a, mean = b) or addGaussian (sigma = a). */
    private static void gaussianBlocks(
            int k0,
            int k1,
            int stream,
            long start,
            long b0,
            long b1,
            boolean add,
            float a,
            float b,
            float[] out,
            int off) {
        // Gaussian: chunks of whole blocks in three kernels, as one kernel would exceed C2's inlining
        // budget (and vectors passed between methods that are not inlined get boxed): the uniforms go
        // to the output itself (or to a per-thread scratch chunk for addGaussian), then the radius
        // replaces u_a there, then the angle part writes the results.
        float[] buf = add && b1 > b0 ? SCRATCH.get() : out;
        for (long blk = b0; blk < b1; blk += CHUNK_BLOCKS) {
            int nb = (int) Math.min(CHUNK_BLOCKS, b1 - blk);
            int pos = off + (int) ((blk << 5) - start);
            int bpos = add ? 0 : pos;
            for (long c = blk << 3, cEnd = (blk + nb) << 3; c < cEnd; c += 2 * LANES) {
                int p = bpos + (int) (((c >>> 3) - blk) << 5) + (int) (c & 7);
                groupBits(
                        UNIFORM,
                        k0,
                        k1,
                        (int) c,
                        (int) (c >>> 32),
                        stream,
                        0,
                        c + 2 * LANES <= cEnd,
                        1f,
                        0f,
                        buf,
                        null,
                        p);
            }
            radius(buf, bpos, nb);
            angle(buf, bpos, out, pos, nb, add, a, b);
        }
    }

    /** One element with scalar code, bit-identical to the vector lanes. */
    private static void scalar(
            int k0, int k1, int stream, long e, int kind, float a, float b, float[] out, int[] iout, int i) {
        int w = (int) (e >>> 3) & 3;
        switch (kind) {
            case RAW -> iout[i] = scalarWord(k0, k1, stream, e, w);
            case UNIFORM -> out[i] = unit(scalarWord(k0, k1, stream, e, w)) * a + b;
            case BERNOULLI -> out[i] = unit(scalarWord(k0, k1, stream, e, w)) < a ? b : 0f;
            default -> {
                int pair = w & 2;
                float z = normal(
                        scalarWord(k0, k1, stream, e, pair), scalarWord(k0, k1, stream, e, pair + 1), (w & 1) != 0);
                out[i] = Math.fma(z, a, kind == GAUSSIAN ? b : out[i]);
            }
        }
    }

    private static float unit(int word) {
        return (word >>> 8) * 0x1p-24f;
    }

    /** Word w (0..3) of the Philox output for the counter of element e (e's own word index is ignored). */
    private static int scalarWord(int k0, int k1, int stream, long e, int w) {
        long ctr = ((e >>> 5) << 3) + (e & 7);
        int c0 = (int) ctr, c1 = (int) (ctr >>> 32), c2 = stream, c3 = 0;
        for (int r = 0; r < 10; r++, k0 += W0, k1 += W1) {
            long p0 = M0L * (c0 & LOW);
            long p1 = M1L * (c2 & LOW);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        return w == 0 ? c0 : w == 1 ? c1 : w == 2 ? c2 : c3;
    }

    /** The float recipe of the class comment: r cos(2 pi u2), or r sin(2 pi u2) when {@code sin}. */
    static float normal(int xa, int xb, boolean sin) {
        float u1 = (float) ((xa >>> 8) + 1) * 0x1p-24f;
        int ix = Float.floatToRawIntBits(u1) - SQRT_HALF_BITS;
        float ex = (float) (ix >> 23);
        float g = Float.intBitsToFloat((ix & 0x007FFFFF) + SQRT_HALF_BITS) - 1f;
        float s2x = (g / (g + 2f)) * 2f;
        float s2 = (s2x * s2x) * 0.25f;
        float q = Math.fma(Math.fma(Math.fma(s2, L9, L7), s2, L5), s2, L3) * s2;
        float ln = Math.fma(ex, LN2_HI, Math.fma(ex, LN2_LO, Math.fma(s2x, q, s2x)));
        float radius = (float) Math.sqrt(ln * -2f); // double sqrt rounded to float = float sqrt
        int k = xb >>> 8;
        int qd = (k + (1 << 21)) >>> 22;
        int t = k - (qd << 22);
        float theta = (float) t * TWO_PI_ULP;
        float t2 = theta * theta;
        float sn = Math.fma(theta * t2, Math.fma(Math.fma(Math.fma(t2, S9, S7), t2, S5), t2, S3), theta);
        float cs = Math.fma(t2, Math.fma(Math.fma(Math.fma(Math.fma(t2, C10, C8), t2, C6), t2, C4), t2, C2), 1f);
        float v = ((qd & 1) != 0) != sin ? sn : cs;
        boolean negative = sin ? (qd & 2) != 0 : ((qd + 1) & 2) != 0;
        return radius * (negative ? -v : v);
    }

    // ------------------------------------------------------------------ vector kernels

    /**
     * Test hook for the raw bijection through the vector code: the 8 counters
     * (low32(counterBase + l), high32(counterBase + l), c2, c3), l = 0..7, under key (low32(key),
     * high32(key)); writes word w of lane l to {@code out[8w + l]}. counterBase must be a multiple of 8.
     */
    static void rawBlock(long key, long counterBase, int c2, int c3, int[] out) {
        if ((counterBase & 7) != 0 || out.length < 32) throw new IllegalArgumentException();
        for (int h = 0; h < 8; h += LANES) {
            groupBits(
                    RAW,
                    (int) key,
                    (int) (key >>> 32),
                    (int) counterBase + h,
                    (int) (counterBase >>> 32),
                    c2,
                    c3,
                    false,
                    0f,
                    0f,
                    null,
                    out,
                    h);
        }
    }

    /**
     * Counters (c0 + j, c1, c2, c3) for j in [0, LANES), and when {@code two} also for j in
     * [LANES, 2 LANES) (interleaved: two independent dependency chains), c0 a multiple of 2 LANES:
     * RAW, UNIFORM (a = scale, b = offset) or BERNOULLI (a = p, b = onValue). Word w of counter
     * c0 + j goes to array index {@code pos + 8w + j} for the first group and to
     * {@code pos + 8w + (j - LANES) + SECOND} for the second, SECOND being where its counters' elements
     * start relative to the first's (the next block if LANES = 8, else the same block).
     */
    private static void groupBits(
            int kind,
            int k0,
            int k1,
            int c0,
            int c1,
            int c2,
            int c3,
            boolean two,
            float a,
            float b,
            float[] out,
            int[] iout,
            int pos) {
        IntVector x0 = IntVector.broadcast(IS, c0).addIndex(1);
        IntVector y0 = IntVector.broadcast(IS, c0 + LANES).addIndex(1);
        IntVector x1 = IntVector.broadcast(IS, c1), y1 = x1;
        IntVector x2 = IntVector.broadcast(IS, c2), y2 = x2;
        IntVector x3 = IntVector.broadcast(IS, c3), y3 = x3;
        // Both factors visibly 32-bit (masked), so that C2 multiplies with vpmuludq (x86) instead of
        // emulating a 64x64-bit multiply where AVX-512DQ is missing: 2x faster on AVX2.
        LongVector m0 = LongVector.broadcast(LS, M0L).and(LOW),
                m1 = LongVector.broadcast(LS, M1L).and(LOW);
        for (int r = 0; r < 10; r++, k0 += W0, k1 += W1) {
            // hi(M x): 32x32->64 products of the int lanes in the low (a) and the high (b) halves of
            // the long lanes. (Written out: a helper taking vectors could be left un-inlined by C2, and
            // then its arguments would be boxed.)
            LongVector l0 = x0.reinterpretAsLongs(), l2 = x2.reinterpretAsLongs();
            LongVector a0 = l0.and(LOW).mul(m0),
                    b0 = l0.lanewise(VectorOperators.LSHR, 32).mul(m0);
            LongVector a2 = l2.and(LOW).mul(m1),
                    b2 = l2.lanewise(VectorOperators.LSHR, 32).mul(m1);
            IntVector hi0 =
                    a0.lanewise(VectorOperators.LSHR, 32).or(b0.and(HIGH)).reinterpretAsInts();
            IntVector hi2 =
                    a2.lanewise(VectorOperators.LSHR, 32).or(b2.and(HIGH)).reinterpretAsInts();
            IntVector n0 = hi2.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.XOR, k0);
            IntVector n2 = hi0.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.XOR, k1);
            x1 = x2.mul(M1);
            x3 = x0.mul(M0);
            x0 = n0;
            x2 = n2;
            // The same for the second group.
            LongVector g0 = y0.reinterpretAsLongs(), g2 = y2.reinterpretAsLongs();
            LongVector e0 = g0.and(LOW).mul(m0),
                    f0 = g0.lanewise(VectorOperators.LSHR, 32).mul(m0);
            LongVector e2 = g2.and(LOW).mul(m1),
                    f2 = g2.lanewise(VectorOperators.LSHR, 32).mul(m1);
            IntVector gh0 =
                    e0.lanewise(VectorOperators.LSHR, 32).or(f0.and(HIGH)).reinterpretAsInts();
            IntVector gh2 =
                    e2.lanewise(VectorOperators.LSHR, 32).or(f2.and(HIGH)).reinterpretAsInts();
            IntVector o0 = gh2.lanewise(VectorOperators.XOR, y1).lanewise(VectorOperators.XOR, k0);
            IntVector o2 = gh0.lanewise(VectorOperators.XOR, y3).lanewise(VectorOperators.XOR, k1);
            y1 = y2.mul(M1);
            y3 = y0.mul(M0);
            y0 = o0;
            y2 = o2;
        }
        // One iteration per word and group (rotating x0..x3, y0..y3, then swapping the groups), so
        // that C2 parses this code once and stays within its inlining budget.
        int pos2 = pos + SECOND;
        for (int i = 0, n = two ? 8 : 4; i < n; i++, pos += 8) {
            if (i == 4) {
                pos = pos2;
                x0 = y0;
                x1 = y1;
                x2 = y2;
                x3 = y3;
            }
            if (kind == RAW) {
                x0.intoArray(iout, pos);
            } else {
                FloatVector u = ((FloatVector)
                                x0.lanewise(VectorOperators.LSHR, 8).convertShape(VectorOperators.I2F, FS, 0))
                        .mul(0x1p-24f);
                (kind == UNIFORM ? u.mul(a).add(b) : FloatVector.zero(FS).blend(b, u.lt(a))).intoArray(out, pos);
            }
            IntVector t = x0;
            x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = t;
        }
    }

    /**
     * First half of the float Box-Muller recipe (class comment), for {@code blocks} whole blocks at
     * {@code buf[bpos..]} holding uniforms: replaces each u_a (the first 8 elements of each 16) by
     * r = sqrt(-2 ln u1), u1 = u_a + 2^-24 (exact).
     */
    private static void radius(float[] buf, int bpos, int blocks) {
        FloatVector l3 = FloatVector.broadcast(FS, L3), l5 = FloatVector.broadcast(FS, L5);
        FloatVector ln2Hi = FloatVector.broadcast(FS, LN2_HI), ln2Lo = FloatVector.broadcast(FS, LN2_LO);
        for (int i = 0; i < 16 * blocks; i += LANES) {
            int p = bpos + (i & ~7) * 2 + (i & 7); // u_a of the pairs: elements 0..7 and 16..23 of a block
            FloatVector u1 = FloatVector.fromArray(FS, buf, p).add(0x1p-24f);
            IntVector ix = u1.reinterpretAsInts().sub(SQRT_HALF_BITS);
            FloatVector ex =
                    (FloatVector) ix.lanewise(VectorOperators.ASHR, 23).convertShape(VectorOperators.I2F, FS, 0);
            FloatVector g =
                    ix.and(0x007FFFFF).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
            FloatVector s2x = g.div(g.add(2f)).mul(2f);
            FloatVector s2 = s2x.mul(s2x).mul(0.25f);
            FloatVector q = s2.fma(L9, L7).fma(s2, l5).fma(s2, l3).mul(s2);
            FloatVector ln = ex.fma(ln2Hi, ex.fma(ln2Lo, s2x.fma(q, s2x)));
            ln.mul(-2f).lanewise(VectorOperators.SQRT).intoArray(buf, p);
        }
    }

    /**
     * Second half, for {@code blocks} whole blocks: with r at the u_a positions of {@code src[spos..]}
     * and the uniforms u_b at the u_b positions (elements 8..15 and 24..31 of each block;
     * xb &gt;&gt;&gt; 8 = u_b 2^24 exactly), writes r cos(2 pi u2) to the u_a positions and r sin(2 pi u2) to
     * the u_b positions of {@code dst[dpos..]}, as fma(z, sigma, mean), or fma(z, sigma, dst) when
     * {@code add}. src may be dst at the same position (every lane is read before it is written).
     */
    private static void angle(
            float[] src, int spos, float[] dst, int dpos, int blocks, boolean add, float sigma, float mean) {
        FloatVector s3 = FloatVector.broadcast(FS, S3), s5 = FloatVector.broadcast(FS, S5);
        FloatVector c2 = FloatVector.broadcast(FS, C2), c4 = FloatVector.broadcast(FS, C4);
        FloatVector c6 = FloatVector.broadcast(FS, C6), one = FloatVector.broadcast(FS, 1f);
        FloatVector sig = FloatVector.broadcast(FS, sigma), mu = FloatVector.broadcast(FS, mean);
        for (int i = 0; i < 16 * blocks; i += LANES) {
            int j = (i & ~7) * 2 + (i & 7), sp = spos + j, dp = dpos + j;
            FloatVector radius = FloatVector.fromArray(FS, src, sp);
            IntVector k = FloatVector.fromArray(FS, src, sp + 8)
                    .mul(0x1p24f)
                    .convertShape(VectorOperators.F2I, IS, 0)
                    .reinterpretAsInts();
            IntVector qd = k.add(1 << 21).lanewise(VectorOperators.LSHR, 22);
            IntVector t = k.sub(qd.lanewise(VectorOperators.LSHL, 22));
            FloatVector theta = ((FloatVector) t.convertShape(VectorOperators.I2F, FS, 0)).mul(TWO_PI_ULP);
            FloatVector t2 = theta.mul(theta);
            IntVector sn = theta.mul(t2)
                    .fma(t2.fma(S9, S7).fma(t2, s5).fma(t2, s3), theta)
                    .reinterpretAsInts();
            IntVector cs = t2.fma(t2.fma(C10, C8).fma(t2, c6).fma(t2, c4).fma(t2, c2), one)
                    .reinterpretAsInts();
            // Odd qd: swap; then flip the sign of cos for qd mod 4 in {1, 2}, of sin for qd mod 4 in {2, 3}.
            IntVector swap = cs.lanewise(VectorOperators.XOR, sn).and(qd.and(1).neg());
            FloatVector zc = radius.mul(cs.lanewise(VectorOperators.XOR, swap)
                    .lanewise(VectorOperators.XOR, qd.add(1).and(2).lanewise(VectorOperators.LSHL, 30))
                    .reinterpretAsFloats());
            FloatVector zs = radius.mul(sn.lanewise(VectorOperators.XOR, swap)
                    .lanewise(VectorOperators.XOR, qd.and(2).lanewise(VectorOperators.LSHL, 30))
                    .reinterpretAsFloats());
            FloatVector base0 = add ? FloatVector.fromArray(FS, dst, dp) : mu;
            FloatVector base1 = add ? FloatVector.fromArray(FS, dst, dp + 8) : mu;
            zc.fma(sig, base0).intoArray(dst, dp);
            zs.fma(sig, base1).intoArray(dst, dp + 8);
        }
    }
}
