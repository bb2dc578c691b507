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
 * fixed. A {@link FreeCode} node is optimised in place (its steps, proximal for an l1 term on it: {@link
 * ProximalCode}) before the objective is taken; it starts at its init node's value, or at {@code sampled[id]} when
 * given (so a check can hold the code fixed).
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
            double threshold = free.lr() * ProximalCode.lambda(g);
            for (int step = 0; step < free.steps(); step++) {
                double[][] dh = backprop(params, v, batch)[0];
                double[] h = v[free.id()];
                // A step on the per-example objective: the batch mean's gradient times the batch (without the
                // l1 terms on the code when they are taken by the soft-threshold, ProximalCode).
                for (int i = 0; i < h.length; i++) h[i] -= free.lr() * batch * dh[free.id()][i];
                if (threshold > 0) for (int i = 0; i < h.length; i++) h[i] = ProximalCode.shrink(h[i], threshold);
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
        for (Term t : g.objective())
            if (!ProximalCode.handles(g, t)) termGradient(t, params, v, dv, dp, batch, t.weight() / batch);
        for (int id = n - 1; id >= 0; id--) backward(g.node(id), params, v, dv, dp, batch);
        return new double[][][] {dv, dp};
    }

    // ------------------------------------------------------------------ operations: forward

    /** Each operation's reference forward ({@link DenseOp#reference} ...), next to the code generated for it. */
    private double[] forward(Node node, double[][] p, double[] x, int batch, double[][] v, double[][] sampled) {
        RefState r = new RefState(g, p, x, batch, v, null, null, sampled);
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
        RefState r = new RefState(g, p, null, batch, v, dv, dp, null);
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

    /** The term summed over the batch (the caller divides by the batch): each term's reference value. */
    private double termValue(Term t, double[][] p, double[][] v, int batch) {
        RefState r = new RefState(g, p, null, batch, v, null, null, null);
        return switch (t) {
            case Mse m -> MseTerm.value(m, r);
            case BernoulliNll b -> BernoulliNllTerm.value(b, r);
            case CategoricalNll c -> CategoricalNllTerm.value(c, r);
            case KlSparsity k -> KlSparsityTerm.value(k, r);
            case JacobianEstimate je -> JacobianEstimateTerm.value(je, r);
            case GaussianNll gn -> GaussianNllTerm.value(gn, r);
            case L1 l -> L1Term.value(l, r);
            case L2 l -> L2Term.value(l, r);
            case WeightDecay w -> WeightDecayTerm.value(w, r);
            case Contractive c -> ContractiveTerm.value(c, r);
        };
    }

    /** Adds scale * d(term summed over the batch) to the node and parameter gradients: each term's reference gradient. */
    private void termGradient(
            Term t, double[][] p, double[][] v, double[][] dv, double[][] dp, int batch, double scale) {
        RefState r = new RefState(g, p, null, batch, v, dv, dp, null);
        switch (t) {
            case Mse m -> MseTerm.gradient(m, r, scale);
            case BernoulliNll b -> BernoulliNllTerm.gradient(b, r, scale);
            case CategoricalNll c -> CategoricalNllTerm.gradient(c, r, scale);
            case KlSparsity k -> KlSparsityTerm.gradient(k, r, scale);
            case JacobianEstimate je -> JacobianEstimateTerm.gradient(je, r, scale);
            case GaussianNll gn -> GaussianNllTerm.gradient(gn, r, scale);
            case L1 l -> L1Term.gradient(l, r, scale);
            case L2 l -> L2Term.gradient(l, r, scale);
            case WeightDecay w -> WeightDecayTerm.gradient(w, r, scale);
            case Contractive c -> ContractiveTerm.gradient(c, r, scale);
        }
    }
}
