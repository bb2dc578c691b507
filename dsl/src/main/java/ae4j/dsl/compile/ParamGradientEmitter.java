package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.ir.Graph.WeightDecay;

/**
 * {@code paramGradients(t, parts, batch)} of a generated class: after every part's node gradients, part t of
 * parts computes rows [lo, hi) of every weight gradient (columns of a bias), whole products over the batch with
 * no partial sums to add, so the bits do not depend on the number of parts.
 */
final class ParamGradientEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;
    private final Comments comments;
    /** The units lo and hi were last computed for (-1: none yet). */
    private int rangeUnits = -1;

    ParamGradientEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
    }

    void emit() {
        w.line(
                "/** Gradients of the parameters over the whole batch: part t of parts computes rows [lo, hi) of each. */");
        w.open("private void paramGradients(int t, int parts, int batch) {");
        rangeUnits = -1;
        if (g.objective().stream().anyMatch(t -> t instanceof Contractive)) w.line("double inv = 1.0 / batch;");
        w.line("int lo, hi;");
        w.resetOrigin();
        for (int pi : layout.zeroedParams) {
            range(pi);
            w.line("java.util.Arrays.fill(" + layout.paramGrad(pi) + ", " + unitOffset(pi, "lo") + ", "
                    + unitOffset(pi, "hi") + ", 0f);");
        }
        Emit e = new Emit(layout, w, true);
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            if (t instanceof WeightDecay wd) {
                w.origin(g.termOrigin(k));
                WeightDecayTerm.emitParamGradients(wd, e, this);
            } else if (t instanceof Contractive c) {
                w.origin(g.termOrigin(k));
                ContractiveTerm.emitParamGradients(c, k, e, this);
            }
        }
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            if (g.node(id) instanceof Dense d && layout.live[id]) DenseOp.emitParamGradients(d, e, this, comments);
        }
        w.close("}");
        w.line("");
    }

    /** The units [lo, hi) of parameter pi that part t of parts computes: rows of a weight, columns of a bias. */
    void range(int pi) {
        Graph.Param p = g.params().get(pi);
        int units = layout.isBias(pi) ? p.cols() : p.rows();
        if (units == rangeUnits) return; // lo and hi are already these
        rangeUnits = units;
        w.line("lo = " + units + " * t / parts;");
        w.line("hi = " + units + " * (t + 1) / parts;");
    }

    /** The flat offset of unit {@code u} (lo or hi) of parameter pi. */
    String unitOffset(int pi, String u) {
        return layout.isBias(pi) ? u : u + " * " + g.params().get(pi).cols();
    }
}
