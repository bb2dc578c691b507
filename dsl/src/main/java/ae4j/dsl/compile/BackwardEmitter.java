package ae4j.dsl.compile;

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

    /** One node's share of the chain rule, written by its operation ({@link DenseOp}, {@link ActivateOp}, ...). */
    private void node(Node n) {
        Emit e = new Emit(layout, w, true);
        switch (n) {
            case AddNoise a -> NoiseOp.backward(a, e);
            case Probe pr -> ProbeOp.backward(pr, e);
            case Softmax sm -> SoftmaxOp.backward(sm, e);
            case Activate a -> ActivateOp.backward(a, e);
            case Dense d -> DenseOp.backward(d, e);
            case Input in -> throw new IllegalStateException("ae4j bug: no backward for the input");
            case Corrupt c -> throw new IllegalStateException("ae4j bug: no backward for a corruption");
            case FreeCode fc -> throw new IllegalStateException("ae4j bug: no backward for the free code");
        }
    }
}
