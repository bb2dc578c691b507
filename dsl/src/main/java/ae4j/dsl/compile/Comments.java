package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
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
import java.math.BigDecimal;
import java.util.Locale;

/** What each node and term of a generated class computes, in the language's words and the class's names. */
final class Comments {

    private final ClassLayout layout;
    private final Graph g;

    Comments(ClassLayout layout) {
        this.layout = layout;
        this.g = layout.g;
    }

    /** "f0Pre = xTilde W^T + b (W = f.0.weight, b = f.0.bias)". */
    String node(Node n) {
        String y = layout.value(n.id());
        return switch (n) {
            case Input in -> y + ": the input, " + in.width() + " values per example";
            case Corrupt c ->
                y + " = " + corruption(c.process(), layout.value(c.input())) + ", fresh noise every training step";
            case AddNoise a ->
                y + " = " + layout.value(a.input()) + " + " + number(a.sigma())
                        + " * N(0, I) in training (noise before the code)";
            case Dense d ->
                y + " = " + layout.value(d.input()) + (d.transposed() ? " W + b" : " W^T + b") + " (W = "
                        + g.params().get(d.weight()).name() + (d.transposed() ? ", tied" : "")
                        + (d.bias() >= 0 ? ", b = " + g.params().get(d.bias()).name() : ", no b") + ")";
            case Activate a ->
                y + " = " + a.activation().name().toLowerCase(Locale.ROOT) + "(" + layout.value(a.input()) + ")";
            case Probe pr ->
                y + " = " + layout.value(pr.input()) + " + " + number(pr.sigma())
                        + " * N(0, I), always: the probe of the Jacobian estimate";
            case Softmax sm -> y + " = softmax(" + layout.value(sm.input()) + "), row by row";
            case FreeCode fc ->
                y + ": the free code, starting at " + layout.value(fc.init()) + ", then " + fc.steps()
                        + " gradient steps of size " + number(fc.lr());
        };
    }

    /** "bernoulli_nll(x, logits g1Pre)", with its weight when it is not 1. */
    String term(Term t) {
        String body = switch (t) {
            case Mse m -> "mse(" + layout.value(m.a()) + ", " + layout.value(m.b()) + ")";
            case BernoulliNll b ->
                "bernoulli_nll(" + layout.value(b.target()) + ", logits " + layout.value(b.logits()) + ")";
            case GaussianNll gn ->
                "gaussian_nll(" + layout.value(gn.target()) + ", mean " + layout.value(gn.mean()) + ", sigma: "
                        + number(gn.sigma()) + ")";
            case CategoricalNll c ->
                "categorical_nll(" + layout.value(c.target()) + ", logits " + layout.value(c.logits()) + ")";
            case KlSparsity kl -> "kl_sparsity(" + layout.value(kl.node()) + ", rho: " + number(kl.rho()) + ")";
            case JacobianEstimate je ->
                "jacobian_frobenius, estimated from " + layout.value(je.perturbed()) + " and "
                        + layout.value(je.clean());
            case L1 l -> "l1(" + layout.value(l.node()) + ")";
            case L2 l -> "l2(" + layout.value(l.node()) + ")";
            case WeightDecay w -> "weight_decay";
            case Contractive c -> "jacobian_frobenius of " + layout.value(c.code()) + ", closed form";
        };
        return t.weight() == 1 ? body : number(t.weight()) + " * " + body;
    }

    /** The corruption as the language writes it: "salt_pepper(masking(x, p: 0.3), p: 0.1)". */
    private static String corruption(Corruption c, String x) {
        return switch (c) {
            case Corruption.Gaussian gs -> "gaussian(" + x + ", sigma: " + number(gs.sigma()) + ")";
            case Corruption.Masking m -> "masking(" + x + ", p: " + number(m.p()) + ")";
            case Corruption.SaltPepper sp -> "salt_pepper(" + x + ", p: " + number(sp.p()) + ")";
            case Corruption.Then t -> corruption(t.then(), corruption(t.first(), x));
        };
    }

    /** A number as the language writes it: 0.3, 1, 0.0001. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
