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
        int terms = g.objective().size();
        if (terms <= TERMS_PER_METHOD) {
            terms(0, terms);
            w.line("return total;");
            w.close("}");
            w.line("");
            return;
        }
        // A long objective is split into methods of TERMS_PER_METHOD terms (one Java method holds 64 KB of
        // bytecode); the running total passes through them, so the sum is added in the same order.
        for (int from = 0; from < terms; from += TERMS_PER_METHOD) {
            w.line("total = " + chunkName(from) + "(r0, batch, seedGradients, tm, inv, total);");
        }
        w.line("return total;");
        w.close("}");
        w.line("");
        for (int from = 0; from < terms; from += TERMS_PER_METHOD) {
            int to = Math.min(terms, from + TERMS_PER_METHOD);
            w.line("/** Terms " + from + " to " + (to - 1) + " of the objective, added to {@code total}. */");
            w.open("private double " + chunkName(from)
                    + "(int r0, int batch, boolean seedGradients, double[] tm, double inv, double total) {");
            terms(from, to);
            w.line("return total;");
            w.close("}");
            w.line("");
        }
    }

    /** Objectives longer than this are emitted as several methods. */
    static final int TERMS_PER_METHOD = 32;

    private static String chunkName(int from) {
        return "objectiveFrom" + from;
    }

    private void terms(int from, int to) {
        for (int k = from; k < to; k++) {
            Term t = g.objective().get(k);
            w.resetOrigin();
            w.origin(g.termOrigin(k));
            w.open("{   // term " + k + ": " + comments.term(t));
            w.line("float scale = (float) (" + weighted(t, "inv") + ");");
            term(t, k);
            w.line("total += " + weighted(t, "tm[" + k + "]") + ";");
            w.close("}");
        }
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
