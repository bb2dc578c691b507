package ae4j.dsl.compile;

import static ae4j.dsl.compile.SourceWriter.f;

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
 * The forward passes of a generated class: {@code trainingForward} (the nodes the objective depends on, with
 * corruption and noise, weights packed), {@code evaluationForward} (every node up to one, noise only when asked),
 * and for a free code {@code forwardAfterCode} and {@code optimizeCode}. Each node is one commented block.
 */
final class ForwardEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;
    private final Comments comments;

    ForwardEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
    }

    /** How a pass treats noise and packed weights. */
    private enum Pass {
        /** The training step: corruption and noise always, weights always packed, only live nodes. */
        TRAINING,
        /** An evaluation: noise when {@code noisy}, packed weights when {@code prepacked}, every node. */
        EVALUATION
    }

    void emit() {
        FreeCode free = layout.free;
        w.line(
                "/** The training step's forward pass over rows [r0, r0 + batch): the nodes the objective depends on. */");
        w.open("private void trainingForward(float[] data, int r0, int batch, long seed, long step) {");
        nodes(Pass.TRAINING, 0, false);
        w.close("}");
        w.line("");
        if (free == null) {
            w.line(
                    "/** Every node over rows [r0, r0 + batch) up to node {@code to} (-1: all); corruption and noise when {@code noisy}. */");
            w.open(
                    "private void evaluationForward(float[] data, int r0, int batch, long seed, long step, boolean noisy, int to) {");
            nodes(Pass.EVALUATION, 0, true);
        } else {
            w.line(
                    "/** Every node over rows [r0, r0 + batch) up to node {@code to} (-1: all), the code at its initial value; noise when {@code noisy}. */");
            w.open(
                    "private void evaluationForward(float[] data, int r0, int batch, long seed, long step, boolean noisy, int to) {");
            nodes(Pass.EVALUATION, 0, true);
        }
        w.close("}");
        w.line("");
        if (free != null) {
            w.line("/** The nodes after the free code, rows [r0, r0 + batch): what the code's steps change. */");
            w.open("private void forwardAfterCode(int r0, int batch, long seed, long step, boolean noisy) {");
            nodes(Pass.EVALUATION, free.id() + 1, false);
            w.close("}");
            w.line("");
            optimizeCode(free);
        }
    }

    private void nodes(Pass pass, int from, boolean stops) {
        w.resetOrigin();
        int last = g.nodes().size() - 1;
        for (Node n : g.nodes()) {
            if (n.id() < from || pass == Pass.TRAINING && !layout.live[n.id()]) continue;
            w.origin(g.nodeOrigin(n.id()));
            w.line("// " + comments.node(n));
            node(n, pass);
            if (stops && n.id() < last) w.line("if (to == " + n.id() + ") return;");
        }
    }

    /** One node's block: each operation writes its own code ({@link DenseOp}, {@link CorruptOp}, ...). */
    private void node(Node n, Pass pass) {
        Emit e = new Emit(layout, w, pass == Pass.TRAINING);
        switch (n) {
            case Input in -> InputOp.forward(in, e);
            case Corrupt c -> CorruptOp.forward(c, e);
            case AddNoise a -> NoiseOp.forward(a, e);
            case Dense d -> DenseOp.forward(d, e);
            case Activate a -> ActivateOp.forward(a, e);
            case Probe pr -> ProbeOp.forward(pr, e);
            case Softmax sm -> SoftmaxOp.forward(sm, e);
            case FreeCode fc -> FreeCodeOp.forward(fc, e);
        }
    }

    private void optimizeCode(FreeCode free) {
        int h = free.id();
        String v = layout.value(h);
        String o = layout.off(h);
        double threshold = free.lr() * ProximalCode.lambda(g);
        if (threshold > 0) {
            w.line("/**");
            w.line(" * " + free.steps()
                    + " proximal steps on the per-example objective w.r.t. the free code: a gradient" + " step of size "
                    + f(free.lr()));
            w.line(" * on every term but l1 of the code, then soft-thresholding by " + f(free.lr()) + " * "
                    + f(ProximalCode.lambda(g)) + " (exact zeros).");
            w.line(" */");
        } else {
            w.line("/** " + free.steps() + " gradient steps of size " + f(free.lr())
                    + " on the per-example objective w.r.t. the free code. */");
        }
        w.open("private void optimizeCode(int r0, int batch, long seed, long step, boolean noisy) {");
        w.open("for (int s = 0; s < " + free.steps() + "; s++) {");
        w.line("objective(r0, batch, batch, true, partTerms[0]);");
        w.line("backward(r0, batch, true);");
        w.line("Elementwise.axpy(" + layout.count(h) + ", (float) (" + f(-free.lr()) + " * batch), " + layout.grad(h)
                + ", " + o + ", " + v + ", " + o + ");");
        if (threshold > 0) {
            w.line("float t = " + f(threshold) + ";   // lr * lambda");
            w.open("for (int i = " + o + ", end = i + " + layout.count(h) + "; i < end; i++) {");
            w.line("float c = " + v + "[i];");
            w.line(v + "[i] = c > t ? c - t : c < -t ? c + t : 0f;");
            w.close("}");
        }
        w.line("forwardAfterCode(r0, batch, seed, step, noisy);");
        w.close("}");
        w.close("}");
        w.line("");
    }
}
