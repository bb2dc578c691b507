package ae4j.dsl.compile;

import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.GaussianNll;
import ae4j.dsl.ir.Graph.JacobianEstimate;
import ae4j.dsl.ir.Graph.KlSparsity;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.L2;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.ir.Graph.WeightDecay;

/**
 * {@code objective(...)} of a generated class: each term of the objective over rows [r0, r0 + batch), and the
 * node gradients it seeds (the first write of a gradient buffer overwrites it; later ones accumulate).
 */
final class ObjectiveEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;
    private final Comments comments;

    ObjectiveEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
    }

    void emit() {
        layout.startGradientPass();
        w.line("/**");
        w.line(
                " * The terms over rows [r0, r0 + batch) (each a sum over the rows divided by {@code meanOver}, the whole");
        w.line(
                " * batch, into {@code tm}) and the node gradients they seed; returns their weighted sum. Zeroes only the");
        w.line(
                " * node gradients whose first write in the step accumulates; the others are overwritten by their first write.");
        w.line(" */");
        w.open("private double objective(int r0, int batch, int meanOver, boolean seedGradients, double[] tm) {");
        if (!layout.zeroedNodes.isEmpty()) {
            w.open("if (seedGradients) {");
            for (int id : layout.zeroedNodes) {
                String wd = layout.width(id);
                w.line("java.util.Arrays.fill(" + layout.grad(id) + ", r0 * " + wd + ", (r0 + batch) * " + wd
                        + ", 0f);");
            }
            w.close("}");
        }
        w.line("double inv = 1.0 / meanOver;");
        w.line("double total = 0;");
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            w.resetOrigin();
            w.origin(g.termOrigin(k));
            w.open("{   // term " + k + ": " + comments.term(t));
            w.line("float scale = (float) (" + weighted(t, "inv") + ");");
            term(t, k);
            w.line("total += " + weighted(t, "tm[" + k + "]") + ";");
            w.close("}");
        }
        w.line("return total;");
        w.close("}");
        w.line("");
    }

    /** {@code weight * x}, or x alone for weight 1 (the same bits: multiplying by 1 is exact). */
    static String weighted(Term t, String x) {
        return t.weight() == 1 ? x : f(t.weight()) + " * " + x;
    }

    /** The term's value into tm[k] and the node gradients it seeds, written by the term ({@link MseTerm} ...). */
    private void term(Term t, int k) {
        String tk = "tm[" + k + "]";
        Emit e = new Emit(layout, w, true);
        switch (t) {
            case Mse m -> MseTerm.emit(m, tk, e);
            case BernoulliNll b -> BernoulliNllTerm.emit(b, tk, e);
            case GaussianNll gn -> GaussianNllTerm.emit(gn, tk, e);
            case CategoricalNll c -> CategoricalNllTerm.emit(c, tk, e);
            case KlSparsity kl -> KlSparsityTerm.emit(kl, tk, e);
            case JacobianEstimate je -> JacobianEstimateTerm.emit(je, tk, e);
            case L1 l -> L1Term.emit(l, tk, e);
            case L2 l -> L2Term.emit(l, tk, e);
            case WeightDecay wd -> WeightDecayTerm.emit(wd, tk, e);
            case Contractive c -> ContractiveTerm.emit(c, tk, e);
        }
    }
}
