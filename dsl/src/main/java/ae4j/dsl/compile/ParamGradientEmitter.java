package ae4j.dsl.compile;

import static ae4j.dsl.compile.SourceWriter.f;

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
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            if (t instanceof WeightDecay wd) {
                w.origin(g.termOrigin(k));
                for (int pi : layout.denseWeights()) {
                    boolean ow = layout.claimWrite(layout.paramGrad(pi), true);
                    range(pi);
                    w.line("Norms.l2sqGrad(" + unitOffset(pi, "(hi - lo)") + ", " + f(wd.weight()) + ", "
                            + layout.param(pi) + ", " + unitOffset(pi, "lo") + ", " + layout.paramGrad(pi) + ", "
                            + unitOffset(pi, "lo") + ", " + !ow + ");");
                }
            } else if (t instanceof Contractive c) {
                w.origin(g.termOrigin(k));
                contractive(c, k);
            }
        }
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            if (g.node(id) instanceof Dense d && layout.live[id]) dense(d);
        }
        w.close("}");
        w.line("");
    }

    private void contractive(Contractive c, int k) {
        int m = g.width(c.code());
        int pi = c.encoderWeight();
        int in = g.params().get(pi).cols();
        String p = layout.param(pi);
        String dp = layout.paramGrad(pi);
        layout.claimWrite(dp, false);
        w.open("{   // term " + k + ": the weights' share, 2 sum_r s'(h_rj)^2 W_j per code unit j");
        w.line("float scale = (float) (" + ObjectiveEmitter.weighted(c, "inv") + ");");
        range(pi);
        w.line("for (int j = lo; j < hi; j++) {");
        w.line("    float rn = (float) Norms.l2sq(" + in + ", " + p + ", j * " + in + ");");
        w.line("    double sumD2 = 0;");
        w.line("    for (int r = 0; r < batch; r++) {");
        w.line("        float hv = " + layout.value(c.code()) + "[r * " + m + " + j];");
        w.line("        float s = " + ObjectiveEmitter.contractiveDerivative(c) + ";");
        w.line("        sumD2 += (double) s * s;");
        w.line("    }");
        w.line("    Elementwise.axpy(" + in + ", (float) (2 * sumD2) * scale, " + p + ", j * " + in + ", " + dp
                + ", j * " + in + ");");
        w.line("}");
        w.close("}");
    }

    private void dense(Dense d) {
        int id = d.id();
        w.origin(g.nodeOrigin(id));
        String dy = layout.grad(id);
        String x = layout.value(d.input());
        String dw = layout.paramGrad(d.weight());
        w.line("// " + comments.node(d) + ": " + dw
                + (d.transposed() ? " += " + x + "^T " + dy : " += " + dy + "^T " + x)
                + (d.bias() >= 0 ? ", " + layout.paramGrad(d.bias()) + " += column sums of " + dy : ""));
        String in = layout.width(d.input());
        String o = layout.width(id);
        String bw = layout.claimWrite(dw, true) ? "0f" : "1f";
        range(d.weight());
        if (d.transposed()) {
            // Y = X W, W: in x out; rows [lo, hi) of dW = columns [lo, hi) of X, transposed, times dY
            w.line("Gemm.gemm(Op.T, Op.N, hi - lo, " + o + ", batch, 1f, " + x + ", lo, " + in + ", " + dy + ", 0, " + o
                    + ", " + bw + ", " + dw + ", lo * " + o + ", " + o + ");");
        } else {
            // Y = X W^T, W: out x in; rows [lo, hi) of dW = columns [lo, hi) of dY, transposed, times X
            w.line("Gemm.gemm(Op.T, Op.N, hi - lo, " + in + ", batch, 1f, " + dy + ", lo, " + o + ", " + x + ", 0, "
                    + in + ", " + bw + ", " + dw + ", lo * " + in + ", " + in + ");");
        }
        if (d.bias() >= 0) {
            boolean ow = layout.claimWrite(layout.paramGrad(d.bias()), true);
            range(d.bias());
            w.line("Elementwise.colSums(batch, hi - lo, " + dy + ", lo, " + o + ", " + layout.paramGrad(d.bias())
                    + ", lo, " + !ow + ");");
        }
    }

    /** The units [lo, hi) of parameter pi that part t of parts computes: rows of a weight, columns of a bias. */
    private void range(int pi) {
        Graph.Param p = g.params().get(pi);
        int units = layout.isBias(pi) ? p.cols() : p.rows();
        if (units == rangeUnits) return; // lo and hi are already these
        rangeUnits = units;
        w.line("lo = " + units + " * t / parts;");
        w.line("hi = " + units + " * (t + 1) / parts;");
    }

    /** The flat offset of unit {@code u} (lo or hi) of parameter pi. */
    private String unitOffset(int pi, String u) {
        return layout.isBias(pi) ? u : u + " * " + g.params().get(pi).cols();
    }
}
