package ae4j.vecmath.reference;

/**
 * Plain-loop twins of {@link ae4j.vecmath.Losses}, with the same signatures and the same stable formulas,
 * evaluated in double ({@link Math#exp}, {@link Math#log}, {@link Math#log1p}) and rounded to float only when
 * stored. Each returns the summed loss and, when {@code grad} is not null, overwrites it with the gradient
 * of {@code gradScale * loss}.
 */
public final class ScalarLosses {

    private ScalarLosses() {}

    /** {@code loss = sum (p - t)^2}; {@code grad = gradScale * 2 * (p - t)}. */
    public static double mse(
            int n, float[] pred, int po, float[] target, int to, float gradScale, float[] grad, int go) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[po + i] - target[to + i];
            total += d * d;
            if (grad != null) grad[go + i] = (float) (2.0 * gradScale * d);
        }
        return total;
    }

    /**
     * {@code loss = sum max(z, 0) - z t + log1p(exp(-|z|))}; {@code grad = gradScale * (sigmoid(z) - t)}.
     */
    public static double bceWithLogits(
            int n, float[] logits, int lo, float[] target, int to, float gradScale, float[] grad, int go) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z = logits[lo + i];
            double t = target[to + i];
            double e = Math.exp(-Math.abs(z));
            double lin = z >= 0 ? z * (1 - t) : -z * t;
            total += lin + Math.log1p(e);
            if (grad != null) {
                double sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
                grad[go + i] = (float) (gradScale * (sig - t));
            }
        }
        return total;
    }

    /**
     * With {@code p = min(max(prob, eps), 1f - eps)}: {@code loss = -sum t log p + (1 - t) log(1 - p)};
     * {@code grad = gradScale * (p - t) / (p (1 - p))}.
     */
    public static double bce(
            int n, float[] prob, int po, float[] target, int to, float eps, float gradScale, float[] grad, int go) {
        float hi = 1f - eps;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.min(Math.max(prob[po + i], eps), hi);
            double t = target[to + i];
            total -= t * Math.log(p) + (1 - t) * Math.log1p(-p);
            if (grad != null) grad[go + i] = (float) (gradScale * (p - t) / (p * (1 - p)));
        }
        return total;
    }

    /** Row-wise {@code out[i][j] = exp(z_ij - m_i) / sum_k exp(z_ik - m_i)}, {@code m_i = max_k z_ik}. */
    public static void softmax(int rows, int cols, float[] z, int zo, int ldz, float[] out, int oo, int ldo) {
        for (int i = 0; i < rows; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, z[zo + i * ldz + j]);
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(z[zo + i * ldz + j] - m);
            for (int j = 0; j < cols; j++) out[oo + i * ldo + j] = (float) (Math.exp(z[zo + i * ldz + j] - m) / s);
        }
    }

    /**
     * {@code loss = sum_i sum_j t_ij (lse_i - z_ij)}; {@code grad_ij = gradScale * (softmax(z_i)_j - t_ij)}
     * (exact when each target row sums to 1).
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
        double total = 0;
        for (int i = 0; i < rows; i++) {
            int zr = lo + i * ldl;
            int tr = to + i * ldt;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, logits[zr + j]);
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(logits[zr + j] - m);
            double logS = Math.log(s);
            for (int j = 0; j < cols; j++) {
                double t = target[tr + j];
                total += t * (logS + m - logits[zr + j]);
                if (grad != null) {
                    double p = Math.exp(logits[zr + j] - m) / s;
                    grad[go + i * ldg + j] = (float) (gradScale * (p - t));
                }
            }
        }
        return total;
    }
}
