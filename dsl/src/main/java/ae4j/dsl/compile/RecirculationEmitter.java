package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.vecmath.Activation;
import java.util.Locale;

/**
 * The generated recirculation step (Hinton and McClelland 1988; the chapter's introduction) of a one-hidden-layer
 * sigmoid autoencoder, {@code x -> dense -> sigmoid -> dense -> sigmoid} with one mse term: the weights learn from
 * two passes and local products of activities instead of back-propagated errors. With v(0) = x:
 *
 * <pre>
 *   h(1) = sigmoid(W_h v(0) + b_h)                                the code
 *   v(2) = lambda v(0) + (1 - lambda) sigmoid(W_v h(1) + b_v)     the reconstruction, regressed toward the input
 *   h(3) = sigmoid(W_h v(2) + b_h)                                the code of the reconstruction
 *   dW_v = eps (v(0) - v(2)) h(1)^T,   db_v = eps (v(0) - v(2))
 *   dW_h = eps (h(1) - h(3)) v(2)^T,   db_h = eps (h(1) - h(3))
 * </pre>
 *
 * The step writes minus the batch mean of these updates (divided by eps) into the gradient buffers, so the
 * optimizer's step (SGD with learning rate eps: exactly the rule above) applies them. It runs on the same
 * vectorized kernels as back-propagation: two GEMMs for the second pass's code and two for the updates, split
 * among the threads by rows of the weights as the parameter gradients are. The node-gradient buffers, which
 * recirculation does not otherwise use, hold v(2), h(3) and the two differences.
 */
public final class RecirculationEmitter {

    /** The paper's regression of the visible units toward their first value (lambda). */
    public static final double REGRESSION = 0.75;

    private final ClassLayout layout;
    private final SourceWriter w;

    RecirculationEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.w = w;
    }

    /** Whether g is the autoencoder recirculation trains (the checker admits no other for it). */
    static boolean applies(Graph g) {
        var n = g.nodes();
        return n.size() == 5
                && n.get(0) instanceof Input
                && n.get(1) instanceof Dense e
                && e.input() == 0
                && !e.transposed()
                && e.bias() >= 0
                && n.get(2) instanceof Activate h
                && h.input() == 1
                && h.activation() == Activation.SIGMOID
                && n.get(3) instanceof Dense d
                && d.input() == 2
                && !d.transposed()
                && d.bias() >= 0
                && d.weight() != e.weight()
                && n.get(4) instanceof Activate r
                && r.input() == 3
                && r.activation() == Activation.SIGMOID
                && g.objective().size() == 1
                && g.objective().get(0) instanceof Mse m
                && m.a() == 0
                && m.b() == 4;
    }

    void emit() {
        Graph g = layout.g;
        Dense enc = (Dense) g.node(1);
        Dense dec = (Dense) g.node(3);
        String x = layout.value(0), h1 = layout.value(2), r = layout.value(4);
        String v2 = layout.grad(4), h3pre = layout.grad(2), h3 = layout.grad(1), eV = layout.grad(3);
        String xw = layout.width(0), hw = layout.width(2);
        w.line("/**");
        w.line(" * Recirculation (Hinton and McClelland 1988): the second pass v(2) = " + REGRESSION + " x + "
                + (1 - REGRESSION) + " r, h(3) = f(v(2));");
        w.line(" * the gradients hold minus the mean local updates (v(0) - v(2)) h(1)^T and (h(1) - h(3)) v(2)^T.");
        w.line(" * Returns the objective of the first pass. The node-gradient buffers hold the second pass.");
        w.line(" */");
        w.line("@Override");
        w.open("public double recirculate(float[] data, int batch, long seed, long step) {");
        w.line("double loss = loss(data, batch, seed, step, false);   // v(0) = x, h(1), r = g(h(1))");
        w.line("float inv = 1f / batch;");
        w.line("// v(2) = lambda x + (1 - lambda) r, into " + v2);
        w.line("Elementwise.copy(batch * " + xw + ", " + r + ", 0, " + v2 + ", 0);");
        w.line("Elementwise.scale(batch * " + xw + ", " + f(1 - REGRESSION) + ", " + v2 + ", 0);");
        w.line("Elementwise.axpy(batch * " + xw + ", " + f(REGRESSION) + ", " + x + ", 0, " + v2 + ", 0);");
        w.line("// h(3) = sigmoid(v(2) W_h^T + b_h)");
        w.line("Gemm.gemm(Op.N, Op.T, batch, " + hw + ", " + xw + ", 1f, " + v2 + ", 0, " + xw + ", "
                + layout.param(enc.weight()) + ", 0, " + xw + ", 0f, " + h3pre + ", 0, " + hw + ", "
                + layout.epilogue(enc.bias()) + ");");
        w.line("Activation.SIGMOID.forward(batch * " + hw + ", " + h3pre + ", 0, " + h3 + ", 0);");
        w.line("// the gradients: (v(2) - x) / batch and (h(3) - h(1)) / batch, minus the mean updates");
        w.line("Elementwise.sub(batch * " + xw + ", " + v2 + ", 0, " + x + ", 0, " + eV + ", 0);");
        w.line("Elementwise.scale(batch * " + xw + ", inv, " + eV + ", 0);");
        w.line("Elementwise.sub(batch * " + hw + ", " + h3 + ", 0, " + h1 + ", 0, " + h3pre + ", 0);");
        w.line("Elementwise.scale(batch * " + hw + ", inv, " + h3pre + ", 0);");
        w.line("int parts = Parallel.threads();");
        w.open("Parallel.run(parts, t -> {");
        gradient(dec, eV, h1, xw, hw);
        gradient(enc, h3pre, v2, hw, xw);
        w.close("});");
        w.line("return loss;");
        w.close("}");
        w.line("");
        w.line("@Override");
        w.line("public boolean hasRecirculation() { return true; }");
        w.line("");
    }

    /** Rows [lo, hi) of the weight's gradient, e^T a, and the same columns of its bias's: column sums of e. */
    private void gradient(Dense d, String e, String a, String ew, String aw) {
        int out = d.width();
        w.open("{");
        w.line("int lo = " + out + " * t / parts, hi = " + out + " * (t + 1) / parts;");
        w.line("Gemm.gemm(Op.T, Op.N, hi - lo, " + aw + ", batch, 1f, " + e + ", lo, " + ew + ", " + a + ", 0, " + aw
                + ", 0f, " + layout.paramGrad(d.weight()) + ", lo * " + aw + ", " + aw + ");");
        w.line("Elementwise.colSums(batch, hi - lo, " + e + ", lo, " + ew + ", " + layout.paramGrad(d.bias())
                + ", lo, false);");
        w.close("}");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%sf", (float) v);
    }
}
