package ae4j.dsl.compile;

import static ae4j.dsl.compile.ForwardEmitter.SCR;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;

/**
 * {@code backward(...)} of a generated class: the node gradients of rows [r0, r0 + batch), output to input; the
 * parameters' gradients come after, over the whole batch ({@link ParamGradientEmitter}). Outside a free code's
 * steps this runs only in a training step, where the weights are packed.
 */
final class BackwardEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;
    private final Comments comments;

    BackwardEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
    }

    void emit() {
        FreeCode free = layout.free;
        if (free != null) {
            w.line("/** Node gradients of rows [r0, r0 + batch); {@code inner}: only down to the free code. */");
            w.open("private void backward(int r0, int batch, boolean inner) {");
        } else {
            w.line(
                    "/** Node gradients of rows [r0, r0 + batch), output to input: the backward pass but the parameters' gradients. */");
            w.open("private void backward(int r0, int batch) {");
        }
        w.resetOrigin();
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            Node n = g.node(id);
            if (free != null && id == free.id())
                w.line("if (inner) return;   // the steps need gradients down to the code only");
            if (n instanceof Input || n instanceof Corrupt || n instanceof FreeCode) continue;
            if (!layout.hasGradient(id)) continue; // not in the objective, or no parameter upstream
            int in = ClassLayout.input(n);
            if (!layout.needsGradient(in)) continue;
            w.origin(g.nodeOrigin(id));
            w.line("// " + comments.node(n) + ": " + rule(n));
            node(n);
        }
        w.close("}");
        w.line("");
    }

    /** The chain rule the block applies, in the class's names. */
    private String rule(Node n) {
        String dy = layout.grad(n.id());
        String dx = layout.grad(ClassLayout.input(n));
        return switch (n) {
            case Dense d -> dx + " = " + dy + (d.transposed() ? " W^T" : " W");
            case Activate a -> dx + " = " + dy + " * " + a.activation().name().toLowerCase(java.util.Locale.ROOT) + "'";
            case Softmax sm -> dx + " = y (" + dy + " - <y, " + dy + ">) per row";
            default -> dx + " = " + dy;
        };
    }

    private void node(Node n) {
        int id = n.id();
        String count = layout.count(id);
        String o = layout.off(id);
        String dy = layout.grad(id);
        switch (n) {
            case AddNoise a -> GradientSeeds.seed(layout, w, count, o, "1f", dy, a.input());
            case Probe pr -> GradientSeeds.seed(layout, w, count, o, "1f", dy, pr.input());
            case Softmax sm -> {
                String wd = layout.width(id);
                String y = layout.value(id);
                String op = layout.claimWrite(layout.grad(sm.input()), true) ? " = " : " += ";
                w.line("for (int r = r0; r < r0 + batch; r++) {");
                w.line("    int o = r * " + wd + ";");
                w.line("    float dot = (float) Elementwise.dot(" + wd + ", " + y + ", o, " + dy + ", o);");
                w.line("    for (int j = 0; j < " + wd + "; j++) " + layout.grad(sm.input()) + "[o + j]" + op + y
                        + "[o + j] * (" + dy + "[o + j] - dot);");
                w.line("}");
            }
            case Activate a -> {
                String dx = layout.grad(a.input());
                String y = layout.value(id);
                if (layout.claimWrite(dx, true)) {
                    w.line("Activation." + a.activation() + ".backward(" + count + ", " + y + ", " + o + ", " + dy
                            + ", " + o + ", " + dx + ", " + o + ");");
                } else {
                    w.line("Activation." + a.activation() + ".backward(" + count + ", " + y + ", " + o + ", " + dy
                            + ", " + o + ", scratch, " + SCR + ");");
                    w.line("Elementwise.axpy(" + count + ", 1f, scratch, " + SCR + ", " + dx + ", " + o + ");");
                }
            }
            case Dense d -> dense(d);
            default -> throw new IllegalStateException("ae4j bug: no backward for " + n);
        }
    }

    /** dX = dY op(W)^T: packed in a training step (and a free code's steps in one); beta 0 where dX is first written. */
    private void dense(Dense d) {
        int id = d.id();
        String wx = layout.width(d.input());
        String wy = layout.width(id);
        String bx = layout.claimWrite(layout.grad(d.input()), true) ? "0f" : "1f";
        String a = layout.grad(id) + ", " + layout.off(id) + ", " + wy;
        String c = bx + ", " + layout.grad(d.input()) + ", " + layout.off(d.input()) + ", " + wx;
        String packed = "Gemm.gemm(Op.N, batch, " + wx + ", " + wy + ", 1f, " + a + ", "
                + layout.pack(d.weight(), d.transposed()) + ", " + c + ", Epilogue.NONE);";
        if (layout.free == null) {
            w.line(packed);
            return;
        }
        w.line("if (prepacked) " + packed);
        String p = layout.param(d.weight());
        if (d.transposed())
            w.line("else Gemm.gemm(Op.N, Op.T, batch, " + wx + ", " + wy + ", 1f, " + a + ", " + p + ", 0, " + wy + ", "
                    + c + ");");
        else
            w.line("else Gemm.gemm(Op.N, Op.N, batch, " + wx + ", " + wy + ", 1f, " + a + ", " + p + ", 0, " + wx + ", "
                    + c + ");");
    }
}
