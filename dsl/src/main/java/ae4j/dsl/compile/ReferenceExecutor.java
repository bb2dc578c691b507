package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.GaussianNll;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.JacobianEstimate;
import ae4j.dsl.ir.Graph.KlSparsity;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.L2;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.ir.Graph.WeightDecay;

/**
 * The plain scalar interpreter of the IR, in double precision: forward, the objective with each term,
 * and reverse-mode gradients for every parameter. It is the truth the generated code is tested against
 * (differential testing) and what {@code --reference} runs. Every operation's forward and backward sit
 * side by side below; there is no other definition of the math in the executor.
 *
 * <p>Randomness is supplied, not drawn: the corrupted input of each {@link Corrupt} node and the unit
 * Gaussian noise of each {@link AddNoise} node come in {@code sampled[nodeId]}, so a check can hold them
 * fixed. A {@link FreeCode} node is optimised in place (its steps) before the objective is taken; it starts
 * at its init node's value, or at {@code sampled[id]} when given (so a check can hold the code fixed).
 */
public final class ReferenceExecutor {

    private final Graph g;

    public ReferenceExecutor(Graph g) {
        this.g = g;
    }

    /** What a forward + backward pass produced. */
    public record Result(double loss, double[] terms, double[][] values, double[][] paramGrads) {}

    /**
     * The objective (batch mean) for inputs x (batch x width, row-major) and its gradient for every
     * parameter. {@code sampled} is indexed by node id (null entries for nodes that draw nothing).
     */
    public Result run(double[][] params, double[] x, int batch, double[][] sampled, boolean gradients) {
        int n = g.nodes().size();
        double[][] v = new double[n][];
        for (Node node : g.nodes()) v[node.id()] = forward(node, params, x, batch, v, sampled);
        FreeCode free = g.freeCode();
        if (free != null) {
            for (int step = 0; step < free.steps(); step++) {
                double[][] dh = backprop(params, v, batch)[0];
                double[] h = v[free.id()];
                // A step on the per-example objective: the batch mean's gradient times the batch.
                for (int i = 0; i < h.length; i++) h[i] -= free.lr() * batch * dh[free.id()][i];
                for (int id = free.id() + 1; id < n; id++) v[id] = forward(g.node(id), params, x, batch, v, sampled);
            }
        }
        double[] terms = new double[g.objective().size()];
        double loss = 0;
        for (int k = 0; k < terms.length; k++) {
            terms[k] = termValue(g.objective().get(k), params, v, batch) / batch;
            loss += g.objective().get(k).weight() * terms[k];
        }
        if (!gradients) return new Result(loss, terms, v, null);
        return new Result(loss, terms, v, backprop(params, v, batch)[1]);
    }

    /** Reverse mode from the objective: {node gradients, parameter gradients}. */
    private double[][][] backprop(double[][] params, double[][] v, int batch) {
        int n = g.nodes().size();
        double[][] dv = new double[n][];
        for (Node node : g.nodes()) dv[node.id()] = new double[batch * node.width()];
        double[][] dp = new double[params.length][];
        for (int i = 0; i < params.length; i++) dp[i] = new double[params[i].length];
        for (Term t : g.objective()) termGradient(t, params, v, dv, dp, batch, t.weight() / batch);
        for (int id = n - 1; id >= 0; id--) backward(g.node(id), params, v, dv, dp, batch);
        return new double[][][] {dv, dp};
    }

    // ------------------------------------------------------------------ operations: forward

    /** Each operation's reference forward ({@link DenseOp#reference} ...), next to the code generated for it. */
    private double[] forward(Node node, double[][] p, double[] x, int batch, double[][] v, double[][] sampled) {
        RefState r = new RefState(p, x, batch, v, null, null, sampled);
        return switch (node) {
            case Input in -> InputOp.reference(in, r);
            case Corrupt c -> CorruptOp.reference(c, r);
            case AddNoise a -> NoiseOp.reference(a, r);
            case Probe pr -> ProbeOp.reference(pr, r);
            case FreeCode f -> FreeCodeOp.reference(f, r);
            case Softmax sm -> SoftmaxOp.reference(sm, r);
            case Dense d -> DenseOp.reference(d, r);
            case Activate a -> ActivateOp.reference(a, r);
        };
    }

    // ------------------------------------------------------------------ operations: backward

    /** Each operation's reference backward: node gradients into its input, parameter gradients into dp. */
    private void backward(Node node, double[][] p, double[][] v, double[][] dv, double[][] dp, int batch) {
        RefState r = new RefState(p, null, batch, v, dv, dp, null);
        switch (node) {
            case Input in -> {}
            case Corrupt c -> {}
            case FreeCode f -> {} // h is a variable of its own: no gradient reaches its initial value
            case AddNoise a -> NoiseOp.referenceBackward(a, r);
            case Probe pr -> ProbeOp.referenceBackward(pr, r);
            case Softmax sm -> SoftmaxOp.referenceBackward(sm, r);
            case Activate a -> ActivateOp.referenceBackward(a, r);
            case Dense d -> DenseOp.referenceBackward(d, r);
        }
    }

    // ------------------------------------------------------------------ objective terms: value and gradient

    /** The term summed over the batch (the caller divides by the batch). */
    private double termValue(Term t, double[][] p, double[][] v, int batch) {
        return switch (t) {
            case Mse m -> {
                double s = 0;
                for (int i = 0; i < v[m.a()].length; i++) {
                    double d = v[m.a()][i] - v[m.b()][i];
                    s += d * d;
                }
                yield s;
            }
            case BernoulliNll b -> {
                double s = 0;
                for (int i = 0; i < v[b.logits()].length; i++) {
                    double z = v[b.logits()][i];
                    double x = v[b.target()][i];
                    s += Math.max(z, 0) - z * x + Math.log1p(Math.exp(-Math.abs(z)));
                }
                yield s;
            }
            case CategoricalNll c -> {
                double s = 0;
                int w = g.width(c.logits());
                double[] z = v[c.logits()];
                double[] tg = v[c.target()];
                for (int r = 0; r < batch; r++) {
                    double lse = logSumExp(z, r * w, w);
                    for (int j = 0; j < w; j++) s += tg[r * w + j] * (lse - z[r * w + j]);
                }
                yield s;
            }
            case KlSparsity k -> {
                double[] q = batchMeans(v[k.node()], g.width(k.node()), batch);
                double s = 0;
                for (double qj : q)
                    s += k.rho() * Math.log(k.rho() / qj) + (1 - k.rho()) * Math.log((1 - k.rho()) / (1 - qj));
                yield s * batch; // a batch-level value: the caller's division by the batch gives the penalty itself
            }
            case JacobianEstimate je -> {
                double s = 0;
                for (int i = 0; i < v[je.perturbed()].length; i++) {
                    double d = v[je.perturbed()][i] - v[je.clean()][i];
                    s += d * d;
                }
                yield s / (je.sigma() * je.sigma());
            }
            case GaussianNll gn -> {
                double s = 0;
                for (int i = 0; i < v[gn.mean()].length; i++) {
                    double d = v[gn.target()][i] - v[gn.mean()][i];
                    s += d * d / (2 * gn.sigma() * gn.sigma());
                }
                yield s;
            }
            case L1 l -> {
                double s = 0;
                for (double h : v[l.node()]) s += Math.abs(h);
                yield s;
            }
            case L2 l -> {
                double s = 0;
                for (double h : v[l.node()]) s += h * h;
                yield s;
            }
            case WeightDecay w -> {
                double s = 0;
                for (int pi : denseWeights()) for (double x : p[pi]) s += x * x;
                yield s * batch; // a per-example constant: the batch mean is the plain sum
            }
            case Contractive c -> {
                double[] h = v[c.code()];
                double[] rowNorms = rowNorms(p[c.encoderWeight()], g.width(c.code()));
                int m = g.width(c.code());
                double s = 0;
                for (int i = 0; i < h.length; i++) {
                    double d = c.activation().derivativeFromOutput(h[i]);
                    s += d * d * rowNorms[i % m];
                }
                yield s;
            }
        };
    }

    /** Adds scale * d(term summed over the batch) to the node and parameter gradients. */
    private void termGradient(
            Term t, double[][] p, double[][] v, double[][] dv, double[][] dp, int batch, double scale) {
        switch (t) {
            case Mse m -> {
                for (int i = 0; i < v[m.a()].length; i++) {
                    double d = 2 * (v[m.a()][i] - v[m.b()][i]) * scale;
                    dv[m.a()][i] += d;
                    dv[m.b()][i] -= d;
                }
            }
            case BernoulliNll b -> {
                for (int i = 0; i < v[b.logits()].length; i++) {
                    double z = v[b.logits()][i];
                    double x = v[b.target()][i];
                    dv[b.logits()][i] += (1 / (1 + Math.exp(-z)) - x) * scale;
                    dv[b.target()][i] += (-z) * scale;
                }
            }
            case CategoricalNll c -> {
                int w = g.width(c.logits());
                double[] z = v[c.logits()];
                double[] tg = v[c.target()];
                for (int r = 0; r < batch; r++) {
                    double lse = logSumExp(z, r * w, w);
                    double total = 0;
                    for (int j = 0; j < w; j++) total += tg[r * w + j];
                    for (int j = 0; j < w; j++) {
                        dv[c.logits()][r * w + j] += (total * Math.exp(z[r * w + j] - lse) - tg[r * w + j]) * scale;
                        dv[c.target()][r * w + j] += (lse - z[r * w + j]) * scale;
                    }
                }
            }
            case KlSparsity k -> {
                int w = g.width(k.node());
                double[] q = batchMeans(v[k.node()], w, batch);
                // d/dh_rj = batch * scale * dKL/dq_j * dq_j/dh_rj, and dq_j/dh_rj = 1 / batch.
                for (int j = 0; j < w; j++) {
                    double dq = -k.rho() / q[j] + (1 - k.rho()) / (1 - q[j]);
                    for (int r = 0; r < batch; r++) dv[k.node()][r * w + j] += dq * scale;
                }
            }
            case JacobianEstimate je -> {
                double c = 2 / (je.sigma() * je.sigma()) * scale;
                for (int i = 0; i < v[je.perturbed()].length; i++) {
                    double d = (v[je.perturbed()][i] - v[je.clean()][i]) * c;
                    dv[je.perturbed()][i] += d;
                    dv[je.clean()][i] -= d;
                }
            }
            case GaussianNll gn -> {
                double s2 = gn.sigma() * gn.sigma();
                for (int i = 0; i < v[gn.mean()].length; i++) {
                    double d = (v[gn.mean()][i] - v[gn.target()][i]) / s2 * scale;
                    dv[gn.mean()][i] += d;
                    dv[gn.target()][i] -= d;
                }
            }
            case L1 l -> {
                for (int i = 0; i < v[l.node()].length; i++) dv[l.node()][i] += Math.signum(v[l.node()][i]) * scale;
            }
            case L2 l -> {
                for (int i = 0; i < v[l.node()].length; i++) dv[l.node()][i] += 2 * v[l.node()][i] * scale;
            }
            case WeightDecay w -> {
                for (int pi : denseWeights()) {
                    for (int i = 0; i < p[pi].length; i++) dp[pi][i] += 2 * p[pi][i] * scale * batch;
                }
            }
            case Contractive c -> {
                int m = g.width(c.code());
                double[] h = v[c.code()];
                double[] w = p[c.encoderWeight()];
                int in = w.length / m;
                double[] rowNorms = rowNorms(w, m);
                double[] sumD2 = new double[m];
                for (int i = 0; i < h.length; i++) {
                    double d = c.activation().derivativeFromOutput(h[i]);
                    // d/dh of d(h)^2 = 2 d d'(h), with d' = 1 - 2h (sigmoid) or -2h (tanh).
                    double dd = c.activation().derivativeOfDerivativeFromOutput(h[i]);
                    dv[c.code()][i] += 2 * d * dd * rowNorms[i % m] * scale;
                    sumD2[i % m] += d * d;
                }
                for (int j = 0; j < m; j++) {
                    for (int k = 0; k < in; k++)
                        dp[c.encoderWeight()][j * in + k] += 2 * w[j * in + k] * sumD2[j] * scale;
                }
            }
        }
    }

    private static double logSumExp(double[] z, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, z[off + j]);
        double s = 0;
        for (int j = 0; j < n; j++) s += Math.exp(z[off + j] - m);
        return m + Math.log(s);
    }

    /** Column means over the batch, clamped to [1e-6, 1 - 1e-6] (the KL sparsity's q). */
    static double[] batchMeans(double[] h, int width, int batch) {
        double[] q = new double[width];
        for (int i = 0; i < h.length; i++) q[i % width] += h[i];
        for (int j = 0; j < width; j++) q[j] = Math.min(Math.max(q[j] / batch, KL_EPS), 1 - KL_EPS);
        return q;
    }

    /** The clamp of the KL sparsity's batch mean. */
    public static final double KL_EPS = 1e-6;

    private static double[] rowNorms(double[] w, int rows) {
        int cols = w.length / rows;
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) for (int k = 0; k < cols; k++) out[j] += w[j * cols + k] * w[j * cols + k];
        return out;
    }

    /** Parameter indices of every dense weight, each once (a tied decoder shares its encoder's). */
    private int[] denseWeights() {
        return g.nodes().stream()
                .filter(nd -> nd instanceof Dense)
                .mapToInt(nd -> ((Dense) nd).weight())
                .distinct()
                .toArray();
    }
}
