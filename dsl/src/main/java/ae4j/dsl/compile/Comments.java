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
import java.math.BigDecimal;

/** What each node and term of a generated class computes, in the language's words and the class's names. */
final class Comments {

    private final ClassLayout layout;
    private final Graph g;

    Comments(ClassLayout layout) {
        this.layout = layout;
        this.g = layout.g;
    }

    /** "f0Pre = xTilde W^T + b (W = f.0.weight, b = f.0.bias)": each operation says what it computes. */
    String node(Node n) {
        return switch (n) {
            case Input in -> InputOp.describe(in, layout);
            case Corrupt c -> CorruptOp.describe(c, layout);
            case AddNoise a -> NoiseOp.describe(a, layout);
            case Dense d -> DenseOp.describe(d, layout);
            case Activate a -> ActivateOp.describe(a, layout);
            case Probe pr -> ProbeOp.describe(pr, layout);
            case Softmax sm -> SoftmaxOp.describe(sm, layout);
            case FreeCode fc -> FreeCodeOp.describe(fc, layout);
        };
    }

    /** "bernoulli_nll(x, logits g1Pre)", with its weight when it is not 1: each term says what it is. */
    String term(Term t) {
        String body = switch (t) {
            case Mse m -> MseTerm.describe(m, layout);
            case BernoulliNll b -> BernoulliNllTerm.describe(b, layout);
            case GaussianNll gn -> GaussianNllTerm.describe(gn, layout);
            case CategoricalNll c -> CategoricalNllTerm.describe(c, layout);
            case KlSparsity kl -> KlSparsityTerm.describe(kl, layout);
            case JacobianEstimate je -> JacobianEstimateTerm.describe(je, layout);
            case L1 l -> L1Term.describe(l, layout);
            case L2 l -> L2Term.describe(l, layout);
            case WeightDecay w -> WeightDecayTerm.describe(w, layout);
            case Contractive c -> ContractiveTerm.describe(c, layout);
        };
        return t.weight() == 1 ? body : number(t.weight()) + " * " + body;
    }

    /** A number as the language writes it: 0.3, 1, 0.0001. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
