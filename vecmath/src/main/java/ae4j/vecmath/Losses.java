package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reconstruction losses with their gradients, vectorized with {@link FloatVector#SPECIES_PREFERRED}.
 *
 * <p>Each loss returns the <em>summed</em> loss as a double and, when {@code grad} is not null, overwrites
 * {@code grad} with the gradient of {@code gradScale * loss} with respect to the prediction (or logits).
 * Pass {@code gradScale = 1 / batch} for a mean loss. The forms are chosen so that no term cancels
 * catastrophically and no intermediate overflows, even for logits of magnitude 1e4. Scalar twins:
 * {@code ae4j.vecmath.reference.ScalarLosses}.
 */
public final class Losses {

    static {
        Jit.ensureDirectives();
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int BLOCK = Elementwise.BLOCK;

    private Losses() {}

    /**
     * Squared error: {@code loss = sum_i (pred[i] - target[i])^2}; {@code grad[i] = gradScale * 2 * (pred[i] - target[i])}.
     */
    public static double mse(
            int n, float[] pred, int po, float[] target, int to, float gradScale, float[] grad, int go) {
        float f = 2f * gradScale;
        double total = 0;
        int i = 0;
        int vecEnd = S.loopBound(n);
        while (i < vecEnd) {
            int blockEnd = Math.min(vecEnd, i + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < blockEnd; i += L) {
                FloatVector d = FloatVector.fromArray(S, pred, po + i).sub(FloatVector.fromArray(S, target, to + i));
                acc = d.fma(d, acc);
                if (grad != null) d.mul(f).intoArray(grad, go + i);
            }
            total += VMath.sumLanes(acc);
        }
        for (; i < n; i++) {
            float d = pred[po + i] - target[to + i];
            total += (double) d * d;
            if (grad != null) grad[go + i] = d * f;
        }
        return total;
    }

    /**
     * Binary cross-entropy on logits {@code z} with targets {@code t} (normally in [0, 1]):
     * {@code loss = sum_i max(z, 0) - z * t + log1p(exp(-|z|))}, evaluated as
     * {@code z * (1 - t)} (z >= 0) or {@code -z * t} (z < 0) plus {@code log1p(exp(-|z|))};
     * {@code grad[i] = gradScale * (sigmoid(z) - t)}, with {@code sigmoid(z) = 1 / (1 + e)} for z >= 0 and
     * {@code e / (1 + e)} for z < 0, where {@code e = exp(-|z|)}. {@code grad} is used as the buffer for
     * e, so it must not overlap {@code logits} or {@code target}.
     */
    public static double bceWithLogits(
            int n, float[] logits, int lo, float[] target, int to, float gradScale, float[] grad, int go) {
        // Two passes per chunk: e = exp(-|z|) into a buffer, then the loss and gradient from e. With exp
        // and log1p in one loop C2 stops inlining at its node cutoff and boxes every vector.
        int vecEnd = S.loopBound(n);
        float[] eBuf = grad != null ? grad : EXP_SCRATCH.get();
        int eo = grad != null ? go : 0;
        int chunk = grad != null ? vecEnd : EXP_SCRATCH_SIZE;
        double total = 0;
        int i = 0;
        while (i < vecEnd) {
            int end = Math.min(vecEnd, i + chunk);
            int shift = grad != null ? eo : -i;
            expNegAbsLoop(i, end, logits, lo, eBuf, shift);
            total += bceFromExpLoop(i, end, logits, lo, target, to, gradScale, eBuf, shift, grad, go);
            i = end;
        }
        for (; i < n; i++) {
            float z = logits[lo + i];
            float t = target[to + i];
            boolean nonneg = z >= 0f;
            float e = (float) Math.exp(-Math.abs(z));
            float lin = z * ((nonneg ? 1f : 0f) - t);
            total += lin + (float) Math.log1p(e);
            if (grad != null) {
                float sig = (nonneg ? 1f : e) / (1f + e);
                grad[go + i] = (sig - t) * gradScale;
            }
        }
        return total;
    }

    /** A multiple of BLOCK, so the partial sums (and so the loss bits) are the same with or without grad. */
    private static final int EXP_SCRATCH_SIZE = BLOCK;

    private static final ThreadLocal<float[]> EXP_SCRATCH = ThreadLocal.withInitial(() -> new float[EXP_SCRATCH_SIZE]);

    /** e[eo + i] = exp(-|z[lo + i]|) for i in [from, to). */
    private static void expNegAbsLoop(int from, int to, float[] z, int lo, float[] e, int eo) {
        for (int i = from; i < to; i += L) {
            VMath.exp(FloatVector.fromArray(S, z, lo + i).abs().neg()).intoArray(e, eo + i);
        }
    }

    /**
     * The logistic loss summed over [from, to) given e = exp(-|z|): max(z, 0) - z t + log1p(e), and
     * grad = gradScale * (sigmoid(z) - t) written over e's slot when grad is the e buffer.
     */
    private static double bceFromExpLoop(
            int from,
            int to,
            float[] logits,
            int lo,
            float[] target,
            int tOff,
            float gradScale,
            float[] e,
            int eo,
            float[] grad,
            int go) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        double total = 0;
        int i = from;
        while (i < to) {
            int blockEnd = Math.min(to, i + BLOCK);
            FloatVector acc = zero;
            for (; i < blockEnd; i += L) {
                FloatVector z = FloatVector.fromArray(S, logits, lo + i);
                FloatVector t = FloatVector.fromArray(S, target, tOff + i);
                FloatVector ev = FloatVector.fromArray(S, e, eo + i);
                VectorMask<Float> nonneg = z.compare(VectorOperators.GE, 0f);
                FloatVector lin = z.mul(zero.blend(one, nonneg).sub(t)); // max(z, 0) - z t
                acc = acc.add(lin.add(VMath.log1pUnit(ev)));
                if (grad != null) {
                    FloatVector sig = ev.blend(one, nonneg).div(ev.add(one));
                    sig.sub(t).mul(gradScale).intoArray(grad, go + i);
                }
            }
            total += VMath.sumLanes(acc);
        }
        return total;
    }

    /**
     * Binary cross-entropy on probabilities. With {@code p = min(max(prob, eps), 1 - eps)} (the bound
     * {@code 1 - eps} rounded to float): {@code loss = -sum_i (t log p + (1 - t) log1p(-p))};
     * {@code grad[i] = gradScale * (p - t) / (p (1 - p))}, the gradient formula evaluated at the clamped
     * {@code p} (not zero where the clamp is active, so saturated outputs still receive a signal).
     */
    public static double bce(
            int n, float[] prob, int po, float[] target, int to, float eps, float gradScale, float[] grad, int go) {
        float hi = 1f - eps;
        FloatVector one = FloatVector.broadcast(S, 1f);
        double total = 0;
        int i = 0;
        int vecEnd = S.loopBound(n);
        while (i < vecEnd) {
            int blockEnd = Math.min(vecEnd, i + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < blockEnd; i += L) {
                FloatVector p = FloatVector.fromArray(S, prob, po + i).max(eps).min(hi);
                FloatVector t = FloatVector.fromArray(S, target, to + i);
                FloatVector logP = VMath.log(p);
                FloatVector log1mP = VMath.log1p(p.neg());
                acc = acc.sub(t.mul(logP).add(one.sub(t).mul(log1mP)));
                if (grad != null) {
                    p.sub(t).div(p.mul(one.sub(p))).mul(gradScale).intoArray(grad, go + i);
                }
            }
            total += VMath.sumLanes(acc);
        }
        for (; i < n; i++) {
            float p = Math.min(Math.max(prob[po + i], eps), hi);
            float t = target[to + i];
            total -= t * (float) Math.log(p) + (1f - t) * (float) Math.log1p(-p);
            if (grad != null) grad[go + i] = (p - t) / (p * (1f - p)) * gradScale;
        }
        return total;
    }

    /**
     * Row-wise softmax of a row-major {@code rows x cols} block: {@code out[i][j] = exp(z[i][j] - m_i) / s_i}
     * with {@code m_i = max_j z[i][j]} and {@code s_i = sum_j exp(z[i][j] - m_i)}. {@code out} may be
     * {@code z} itself (same offset and leading dimension).
     */
    public static void softmax(int rows, int cols, float[] z, int zo, int ldz, float[] out, int oo, int ldo) {
        if (cols == 0) return;
        int end = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int zr = zo + r * ldz;
            int or = oo + r * ldo;
            float m = rowMax(cols, z, zr);
            FloatVector vm = FloatVector.broadcast(S, m);
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j < end; j += L) {
                FloatVector e = VMath.exp(FloatVector.fromArray(S, z, zr + j).sub(vm));
                acc = acc.add(e);
                e.intoArray(out, or + j);
            }
            float s = VMath.sumLanes(acc);
            for (; j < cols; j++) {
                float e = (float) Math.exp(z[zr + j] - m);
                s += e;
                out[or + j] = e;
            }
            float inv = 1f / s;
            j = 0;
            for (; j < end; j += L)
                FloatVector.fromArray(S, out, or + j).mul(inv).intoArray(out, or + j);
            for (; j < cols; j++) out[or + j] *= inv;
        }
    }

    /**
     * Softmax cross-entropy over the rows of a row-major {@code rows x cols} block of logits {@code z} with
     * target distributions {@code t}: {@code loss = sum_i sum_j t_ij (lse_i - z_ij)} where
     * {@code lse_i = m_i + log sum_j exp(z_ij - m_i)} and {@code m_i = max_j z_ij}, evaluated as
     * {@code T_i log s_i + sum_j t_ij (m_i - z_ij)} with {@code T_i = sum_j t_ij}.
     * {@code grad[i][j] = gradScale * (softmax(z_i)_j - t_ij)}: this is the exact gradient only when each
     * target row sums to 1 (otherwise the exact one is {@code gradScale * (T_i softmax_j - t_ij)}).
     * Logits must be finite.
     */
    public static double softmaxCrossEntropy(
            int rows,
            int cols,
            float[] logits,
            int lo,
            int ldl,
            float[] target,
            int to,
            int ldt,
            float gradScale,
            float[] grad,
            int go,
            int ldg) {
        if (cols == 0) return 0;
        int end = S.loopBound(cols);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int zr = lo + r * ldl;
            int tr = to + r * ldt;
            int gr = go + r * ldg;
            float m = rowMax(cols, logits, zr);
            FloatVector vm = FloatVector.broadcast(S, m);
            FloatVector sumE = FloatVector.zero(S), sumT = sumE, sumTD = sumE;
            int j = 0;
            for (; j < end; j += L) {
                FloatVector d = FloatVector.fromArray(S, logits, zr + j).sub(vm); // z - m <= 0
                FloatVector t = FloatVector.fromArray(S, target, tr + j);
                FloatVector e = VMath.exp(d);
                sumE = sumE.add(e);
                sumT = sumT.add(t);
                sumTD = t.fma(d, sumTD);
                if (grad != null) e.intoArray(grad, gr + j);
            }
            float s = VMath.sumLanes(sumE);
            float tSum = VMath.sumLanes(sumT);
            float td = VMath.sumLanes(sumTD);
            for (; j < cols; j++) {
                float d = logits[zr + j] - m;
                float t = target[tr + j];
                float e = (float) Math.exp(d);
                s += e;
                tSum += t;
                td = Math.fma(t, d, td);
                if (grad != null) grad[gr + j] = e;
            }
            total += (double) tSum * Math.log(s) - td;
            if (grad != null) {
                float a = (float) (gradScale / (double) s);
                float b = -gradScale;
                FloatVector va = FloatVector.broadcast(S, a);
                j = 0;
                for (; j < end; j += L) {
                    FloatVector tb = FloatVector.fromArray(S, target, tr + j).mul(b);
                    FloatVector.fromArray(S, grad, gr + j).fma(va, tb).intoArray(grad, gr + j);
                }
                for (; j < cols; j++) grad[gr + j] = Math.fma(grad[gr + j], a, target[tr + j] * b);
            }
        }
        return total;
    }

    /** Maximum of {@code x[xo .. xo + n)}, n >= 1. */
    private static float rowMax(int n, float[] x, int xo) {
        int i = 0;
        int end = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (end > 0) {
            FloatVector vm = FloatVector.fromArray(S, x, xo);
            for (i = L; i < end; i += L) vm = vm.max(FloatVector.fromArray(S, x, xo + i));
            m = vm.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }
}
