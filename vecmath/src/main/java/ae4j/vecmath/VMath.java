package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions on float vectors, built only from IEEE-exact operations (add, mul, fma, div,
 * sqrt, compares and bit moves).
 *
 * <p>Why not {@code lanewise(EXP)}: the Vector API computes EXP, LOG, TANH, SIN... with SVML when C2
 * compiles the loop but with {@code Math.exp} per lane in the interpreter and C1, and the two differ in
 * the last bit. A training run would then depend on when the JIT kicked in, and "same seed, same weights"
 * would not hold. These polynomial versions give the same bits in every tier and on every machine, and
 * are as fast (no call out of the loop).
 *
 * <p>Accuracy, measured against {@code Math} in double by {@code VMathTest}: exp, expm1 and log within
 * 2 ulp over their ranges (measured 0.9, 1.3, 1.0); log1p, tanh, sigmoid and softplus within 3 ulp
 * (measured 2.5, 2.5, 1.9); sin2pi/cos2pi within 2e-7 absolute. exp underflows gradually
 * through the subnormals; subnormal inputs to log count as zero.
 */
public final class VMath {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145752f; // upper bits of ln 2, exact times any n <= 2^11
    private static final float LN2_LO = 1.42860677e-06f; // ln 2 - LN2_HI
    private static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float EXP_MAX = 88.72283f; // ln(FLT_MAX)

    private VMath() {}

    /**
     * expm1(r) - r for |r| <= ln2/2, as r^2 * P(r) with P the Taylor polynomial of (e^r - 1 - r) / r^2 to
     * degree 6 (truncation below 3e-10 relative), evaluated by Estrin's scheme: three short FMA chains in
     * parallel instead of one chain of seven, which halves the latency.
     */
    private static FloatVector expm1Core(FloatVector r) {
        FloatVector r2 = r.mul(r);
        FloatVector r4 = r2.mul(r2);
        FloatVector a = r.fma(FloatVector.broadcast(S, 1f / 6f), FloatVector.broadcast(S, 0.5f));
        FloatVector b = r.fma(FloatVector.broadcast(S, 1f / 120f), FloatVector.broadcast(S, 1f / 24f));
        FloatVector c = r.fma(FloatVector.broadcast(S, 1f / 5040f), FloatVector.broadcast(S, 1f / 720f));
        FloatVector d = r2.fma(FloatVector.broadcast(S, 1f / 40320f), c);
        return r4.fma(d, r2.fma(b, a)).mul(r2);
    }

    /** Clamps to [lo, hi] with compares and blends: NaN passes through (max/min with Java's NaN rules cost more). */
    private static FloatVector clamp(FloatVector x, float lo, float hi) {
        FloatVector y = x.blend(lo, x.compare(VectorOperators.LT, lo));
        return y.blend(hi, x.compare(VectorOperators.GT, hi));
    }

    /**
     * e^x. Overflows to +inf above ln(FLT_MAX); between ln(2^-150) and ln(FLT_MIN) the result is subnormal
     * (the two-step scaling rounds once), below it 0; NaN stays NaN. No blends needed: clamping x to
     * [-105, 89.7] makes the scaling itself overflow to inf or round to 0, and NaN propagates.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = clamp(x, -105f, 89.7f);
        FloatVector t = xc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND_MAGIC));
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC));
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = expm1Core(r).add(r).add(1f);
        // Scale by 2^n in two steps so n = 128 (x just below ln FLT_MAX after rounding) does not overflow the exponent.
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 =
                ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** e^x - 1, accurate near 0 (no cancellation). */
    public static FloatVector expm1(FloatVector x) {
        FloatVector xc = clamp(x, -30f, EXP_MAX + 1f);
        FloatVector t = xc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND_MAGIC));
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC));
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector q = expm1Core(r).add(r); // e^r - 1
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 =
                ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scale = s1.mul(s2); // 2^n, exact
        // e^x - 1 = 2^n (e^r - 1) + (2^n - 1); for n = 0 this is exactly q.
        FloatVector y = q.fma(scale, scale.sub(1f));
        y = y.blend(-1f, x.compare(VectorOperators.LT, -30f));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
        return y.blend(x, x.compare(VectorOperators.NE, x));
    }

    /** Natural logarithm: -inf at 0 (and for subnormals), NaN below 0, +inf at +inf. */
    public static FloatVector log(FloatVector x) {
        FloatVector y = logNormal(x);
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.LT, Float.MIN_NORMAL));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return y.blend(x, x.compare(VectorOperators.NE, x));
    }

    /**
     * log(x) for positive, normal, finite x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log x = e ln2 +
     * log(m). No special cases, so callers that know their range inline less code (C2 stops inlining
     * at a node budget, and a loop with exp and a full log in it reaches it).
     */
    static FloatVector logNormal(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats(); // [1, 2)
        VectorMask<Float> big = m.compare(VectorOperators.GT, 1.41421356f);
        m = m.blend(m.mul(0.5f), big);
        e = e.blend(e.add(1), big.cast(SI));
        // convertShape with the constant species keeps the intrinsic (convert(I2F, 0) loses it and boxes).
        FloatVector ef = (FloatVector) e.convertShape(VectorOperators.I2F, S, 0);
        return log1pSmall(m.sub(1f)).add(ef.mul(LN2_LO)).add(ef.mul(LN2_HI));
    }

    /**
     * log(1 + f) for f in [-0.3, 0.42]: with s = f / (2 + f), log(1 + f) = 2 atanh(s)
     * = 2s + 2s^3/3 + 2s^5/5 + ..., |s| <= 0.172, truncated after s^13 (error below 1e-11 relative).
     */
    private static FloatVector log1pSmall(FloatVector f) {
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector p = FloatVector.broadcast(S, 2f / 13f);
        p = p.fma(z, FloatVector.broadcast(S, 2f / 11f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 9f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 7f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 5f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 3f));
        // 2s + s * z * p, computed as f - (f - 2s) to keep the leading term exact-ish: 2s = f - s*f.
        FloatVector twoS = s.neg().fma(f, f);
        return s.mul(z).fma(p, twoS);
    }

    /** log(1 + x), accurate for small x; -inf at -1, NaN below -1. */
    public static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(1f);
        FloatVector y = log1pCorrected(x, u, log(u));
        return y.blend(log(u), u.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /**
     * log(1 + x) for x in [0, 1] (as softplus and the logistic loss need): 2 atanh(s) with s = x / (2 + x)
     * in [0, 1/3], the odd series to s^19 (truncation below 1e-10 relative). No exponent extraction and no
     * blends: small enough that a loop can hold it and an exp without hitting C2's inlining cutoff.
     */
    static FloatVector log1pUnit(FloatVector x) {
        FloatVector s = x.div(x.add(2f));
        FloatVector z = s.mul(s);
        FloatVector p = FloatVector.broadcast(S, 2f / 19f);
        p = p.fma(z, FloatVector.broadcast(S, 2f / 17f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 15f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 13f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 11f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 9f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 7f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 5f));
        p = p.fma(z, FloatVector.broadcast(S, 2f / 3f));
        // 2s = x - s x exactly as in log1pSmall; then add the tail s * z * p.
        FloatVector twoS = s.neg().fma(x, x);
        return s.mul(z).fma(p, twoS);
    }

    /** Goldberg's correction: log(u) * x / (u - 1) undoes the rounding of u = 1 + x; x itself when u == 1. */
    private static FloatVector log1pCorrected(FloatVector x, FloatVector u, FloatVector logU) {
        FloatVector d = u.sub(1f);
        VectorMask<Float> exact = d.compare(VectorOperators.EQ, 0f);
        FloatVector corrected = logU.mul(x.div(d.blend(1f, exact)));
        return corrected.blend(x, exact);
    }

    /**
     * The sum of the lanes, added in lane order 0, 1, 2, ... in every JIT tier. ({@code reduceLanes(ADD)}
     * adds in a different order once C2 compiles it, so a loss would change in the last bit mid-run.)
     * Call it once per reduction, outside the inner loop.
     */
    public static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

    /** 1 / (1 + e^-x). */
    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /** tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)) with the sign of x: no cancellation anywhere. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector e = expm1(ax.mul(-2f));
        FloatVector t = e.neg().div(e.add(2f));
        FloatVector y = t.blend(t.neg(), x.compare(VectorOperators.LT, 0f));
        return y.blend(x, ax.compare(VectorOperators.LT, 1e-4f).or(x.compare(VectorOperators.NE, x)));
    }

    /** log(1 + e^x), stable for large |x|: max(x, 0) + log1p(e^-|x|). */
    public static FloatVector softplus(FloatVector x) {
        return x.max(0f).add(log1pUnit(exp(x.abs().neg())));
    }

    /** sin(2 pi u) for |u| < 2^22 (arguments as fractions of a turn, as Box-Muller uses them). */
    public static FloatVector sin2pi(FloatVector u) {
        return sinCos2pi(u, false);
    }

    /** cos(2 pi u) for |u| < 2^22. */
    public static FloatVector cos2pi(FloatVector u) {
        return sinCos2pi(u, true);
    }

    private static FloatVector sinCos2pi(FloatVector u, boolean cosine) {
        // Quarter turns: u = q/4 + f, |f| <= 1/8, theta = 2 pi f in [-pi/4, pi/4].
        FloatVector t = u.fma(FloatVector.broadcast(S, 4f), FloatVector.broadcast(S, ROUND_MAGIC));
        FloatVector qf = t.sub(ROUND_MAGIC);
        IntVector q = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC));
        FloatVector f = qf.fma(FloatVector.broadcast(S, -0.25f), u);
        FloatVector th = f.mul((float) (2 * Math.PI));
        FloatVector z = th.mul(th);
        FloatVector sp = FloatVector.broadcast(S, (float) (1.0 / 39916800.0)); // sin: degree 11
        sp = sp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 362880.0)));
        sp = sp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 5040.0)));
        sp = sp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 120.0)));
        sp = sp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 6.0)));
        FloatVector s = sp.mul(z).mul(th).neg().add(th);
        FloatVector cp = FloatVector.broadcast(S, (float) (1.0 / 479001600.0)); // cos: degree 12
        cp = cp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 3628800.0)));
        cp = cp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 40320.0)));
        cp = cp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 720.0)));
        cp = cp.fma(z.neg(), FloatVector.broadcast(S, (float) (1.0 / 24.0)));
        cp = cp.fma(z.neg(), FloatVector.broadcast(S, 0.5f));
        FloatVector c = cp.mul(z).neg().add(1f);
        // sin(theta + q pi/2): q=0 (s, c), 1 (c, -s), 2 (-s, -c), 3 (-c, s); cos shifts q by one.
        IntVector qq = cosine ? q.add(1) : q;
        VectorMask<Float> odd = qq.and(1).compare(VectorOperators.NE, 0).cast(S);
        VectorMask<Float> neg = qq.and(2).compare(VectorOperators.NE, 0).cast(S);
        FloatVector y = s.blend(c, odd);
        return y.blend(y.neg(), neg);
    }
}
