package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Optimizer updates, fused into one pass over a parameter tensor each (the gradient, the parameter and
 * the optimizer state are read once and written once). Scalar twins: {@code reference.ScalarUpdates}.
 * The scalar tails do the same float operations in the same order as the vector lanes, so an element's
 * bits do not depend on where it falls.
 */
public final class Updates {

    static {
        Jit.ensureDirectives();
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Updates() {}

    /** p -= lr * (g + wd * p): plain SGD with L2 weight decay folded into the gradient. */
    public static void sgd(int n, float lr, float wd, float[] p, float[] g) {
        sgd(0, n, lr, wd, p, g);
    }

    /** {@link #sgd(int, float, float, float[], float[])} on elements [from, to) only (same bits per element). */
    public static void sgd(int from, int to, float lr, float wd, float[] p, float[] g) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector gv = pv.fma(FloatVector.broadcast(S, wd), FloatVector.fromArray(S, g, i));
            pv.sub(gv.mul(lr)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gv = Math.fma(p[i], wd, g[i]);
            p[i] = p[i] - gv * lr;
        }
    }

    /**
     * Heavy ball: v = mu * v + (g + wd * p); p -= lr * v. With {@code nesterov}, p -= lr * (g' + mu * v)
     * where g' = g + wd * p (the look-ahead form used by PyTorch's SGD with nesterov=True).
     */
    public static void momentum(
            int n, float lr, float mu, float wd, boolean nesterov, float[] p, float[] g, float[] v) {
        momentum(0, n, lr, mu, wd, nesterov, p, g, v);
    }

    /** {@link #momentum(int, float, float, float, boolean, float[], float[], float[])} on elements [from, to). */
    public static void momentum(
            int from, int to, float lr, float mu, float wd, boolean nesterov, float[] p, float[] g, float[] v) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector gv = pv.fma(FloatVector.broadcast(S, wd), FloatVector.fromArray(S, g, i));
            FloatVector vv = FloatVector.fromArray(S, v, i).fma(FloatVector.broadcast(S, mu), gv);
            vv.intoArray(v, i);
            FloatVector step = nesterov ? vv.fma(FloatVector.broadcast(S, mu), gv) : vv;
            pv.sub(step.mul(lr)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gv = Math.fma(p[i], wd, g[i]);
            float vv = Math.fma(v[i], mu, gv);
            v[i] = vv;
            float step = nesterov ? Math.fma(vv, mu, gv) : vv;
            p[i] = p[i] - step * lr;
        }
    }

    /**
     * Adam (Kingma and Ba 2015) with bias correction; {@code decoupled} makes it AdamW (Loshchilov and
     * Hutter 2019): p -= lr * wd * p separately, instead of adding wd * p to the gradient.
     * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr * (m / c1) / (sqrt(v / c2) + eps), with
     * c1 = 1 - b1^t, c2 = 1 - b2^t computed by the caller for step t (1-based).
     */
    public static void adam(
            int n,
            float lr,
            float b1,
            float b2,
            float eps,
            float wd,
            boolean decoupled,
            float c1,
            float c2,
            float[] p,
            float[] g,
            float[] m,
            float[] v) {
        adam(0, n, lr, b1, b2, eps, wd, decoupled, c1, c2, p, g, m, v);
    }

    /** {@link #adam(int, float, float, float, float, float, boolean, float, float, float[], float[], float[], float[])} on elements [from, to) (same bits per element). */
    public static void adam(
            int from,
            int to,
            float lr,
            float b1,
            float b2,
            float eps,
            float wd,
            boolean decoupled,
            float c1,
            float c2,
            float[] p,
            float[] g,
            float[] m,
            float[] v) {
        float lrc = lr / c1;
        float ic2 = 1f / c2;
        float gw = decoupled ? 0f : wd;
        float pw = decoupled ? 1f - lr * wd : 1f;
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector gv = pv.fma(FloatVector.broadcast(S, gw), FloatVector.fromArray(S, g, i));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(b1).add(gv.mul(1f - b1));
            FloatVector vv =
                    FloatVector.fromArray(S, v, i).mul(b2).add(gv.mul(gv).mul(1f - b2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.mul(ic2).lanewise(VectorOperators.SQRT).add(eps);
            pv.mul(pw).sub(mv.mul(lrc).div(denom)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gv = Math.fma(p[i], gw, g[i]);
            float mv = m[i] * b1 + gv * (1f - b1);
            float vv = v[i] * b2 + gv * gv * (1f - b2);
            m[i] = mv;
            v[i] = vv;
            float denom = (float) Math.sqrt(vv * ic2) + eps;
            p[i] = p[i] * pw - mv * lrc / denom;
        }
    }
}
