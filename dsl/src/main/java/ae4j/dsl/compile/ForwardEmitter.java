package ae4j.dsl.compile;

import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
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

    /** Where rows [r0, r0 + batch) of the scratch buffer start (any width up to SW fits in its rows). */
    static final String SCR = "r0 * SW";

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
                    "/** Every node over rows [r0, r0 + batch), the code at its initial value; corruption and noise when {@code noisy}. */");
            w.open(
                    "private void evaluationForward(float[] data, int r0, int batch, long seed, long step, boolean noisy) {");
            nodes(Pass.EVALUATION, 0, false);
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

    private void node(Node n, Pass pass) {
        int id = n.id();
        String y = layout.value(id);
        String count = layout.count(id);
        String o = layout.off(id);
        // noise counters: element (step * maxBatch + row) * width + column, the same however the batch is split
        String counter = "(step * (long) maxBatch + r0) * " + layout.width(id);
        boolean training = pass == Pass.TRAINING;
        switch (n) {
            case Input in -> w.line("System.arraycopy(data, " + o + ", " + y + ", " + o + ", " + count + ");");
            case Corrupt c -> {
                w.line("System.arraycopy(" + layout.value(c.input()) + ", " + o + ", " + y + ", " + o + ", " + count
                        + ");");
                if (!training) w.open("if (noisy) {");
                w.line("long base = " + counter + ";");
                corruption(c.process(), id, new int[] {0}, count);
                if (!training) w.close("}");
            }
            case AddNoise a -> {
                w.line("System.arraycopy(" + layout.value(a.input()) + ", " + o + ", " + y + ", " + o + ", " + count
                        + ");");
                w.line((training ? "" : "if (noisy) ") + "Philox.addGaussian(seed, " + (id * 8) + ", " + counter + ", "
                        + f(a.sigma()) + ", " + y + ", " + o + ", " + count + ");");
            }
            case Dense d -> dense(d, pass);
            case Activate a ->
                w.line("Activation." + a.activation() + ".forward(" + count + ", " + layout.value(a.input()) + ", " + o
                        + ", " + y + ", " + o + ");");
            case Probe pr -> {
                w.line("System.arraycopy(" + layout.value(pr.input()) + ", " + o + ", " + y + ", " + o + ", " + count
                        + ");");
                w.line("Philox.addGaussian(seed, " + (id * 8) + ", " + counter + ", " + f(pr.sigma()) + ", " + y + ", "
                        + o + ", " + count + ");");
            }
            case Softmax sm -> {
                String wd = layout.width(id);
                w.line("Losses.softmax(batch, " + wd + ", " + layout.value(sm.input()) + ", " + o + ", " + wd + ", " + y
                        + ", " + o + ", " + wd + ");");
            }
            case FreeCode fc ->
                w.line("System.arraycopy(" + layout.value(fc.init()) + ", " + o + ", " + y + ", " + o + ", " + count
                        + ");   // optimizeCode improves it");
        }
    }

    /** Y = X op(W) + b through the packed GEMM (bias in the epilogue); packed weights where the pass has them. */
    private void dense(Dense d, Pass pass) {
        int id = d.id();
        String wy = layout.width(id);
        String wx = layout.width(d.input());
        String ep = d.bias() >= 0 ? layout.epilogue(d.bias()) : "Epilogue.NONE";
        String a = layout.value(d.input()) + ", " + layout.off(d.input()) + ", " + wx;
        String c = layout.value(id) + ", " + layout.off(id) + ", " + wy + ", " + ep;
        String packed = "Gemm.gemm(Op.N, batch, " + wy + ", " + wx + ", 1f, " + a + ", "
                + layout.pack(d.weight(), !d.transposed()) + ", 0f, " + c + ");";
        String plain = d.transposed()
                ? "Gemm.gemm(Op.N, Op.N, batch, " + wy + ", " + wx + ", 1f, " + a + ", " + layout.param(d.weight())
                        + ", 0, " + wy + ", 0f, " + c + ");"
                : "Gemm.gemm(Op.N, Op.T, batch, " + wy + ", " + wx + ", 1f, " + a + ", " + layout.param(d.weight())
                        + ", 0, " + wx + ", 0f, " + c + ");";
        if (pass == Pass.TRAINING) {
            w.line(packed);
        } else if (layout.live[id]) {
            w.line("if (prepacked) " + packed);
            w.line("else " + plain);
        } else {
            w.line(plain);
        }
    }

    /** Emits the corruption steps in order; each primitive draws from its own Philox stream. */
    private void corruption(Corruption c, int node, int[] k, String count) {
        String v = layout.value(node);
        String o = layout.off(node);
        switch (c) {
            case Corruption.Then t -> {
                corruption(t.first(), node, k, count);
                corruption(t.then(), node, k, count);
            }
            case Corruption.Gaussian gs ->
                w.line("Philox.addGaussian(seed, " + stream(node, k) + ", base, " + f(gs.sigma()) + ", " + v + ", " + o
                        + ", " + count + ");   // + sigma * N(0, I)");
            case Corruption.Masking m -> {
                w.line("Philox.bernoulli(seed, " + stream(node, k) + ", base, " + f(1 - m.p()) + ", 1f, scratch, " + SCR
                        + ", " + count + ");   // keep with probability 1 - p");
                w.line("Elementwise.mul(" + count + ", " + v + ", " + o + ", scratch, " + SCR + ", " + v + ", " + o
                        + ");");
            }
            case Corruption.SaltPepper sp -> {
                w.line("Philox.uniform(seed, " + stream(node, k) + ", base, scratch, " + SCR + ", " + count + ");");
                w.line("for (int i = 0, n = " + count + ", o = " + o + ", so = " + SCR
                        + "; i < n; i++) {   // with probability p/2 each: 0 or 1");
                w.line("    if (scratch[so + i] < " + f(sp.p() / 2) + ") " + v + "[o + i] = 0f;");
                w.line("    else if (scratch[so + i] < " + f(sp.p()) + ") " + v + "[o + i] = 1f;");
                w.line("}");
            }
        }
    }

    private static int stream(int node, int[] k) {
        return node * 8 + k[0]++;
    }

    private void optimizeCode(FreeCode free) {
        int h = free.id();
        String v = layout.value(h);
        String o = layout.off(h);
        w.line("/** " + free.steps() + " gradient steps of size " + f(free.lr())
                + " on the per-example objective w.r.t. the free code. */");
        w.open("private void optimizeCode(int r0, int batch, long seed, long step, boolean noisy) {");
        w.open("for (int s = 0; s < " + free.steps() + "; s++) {");
        w.line("objective(r0, batch, batch, true, partTerms[0]);");
        w.line("backward(r0, batch, true);");
        w.line("Elementwise.axpy(" + layout.count(h) + ", (float) (" + f(-free.lr()) + " * batch), " + layout.grad(h)
                + ", " + o + ", " + v + ", " + o + ");");
        w.line("forwardAfterCode(r0, batch, seed, step, noisy);");
        w.close("}");
        w.close("}");
        w.line("");
    }
}
