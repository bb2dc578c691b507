package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Dense;

/**
 * A dense layer: {@code Y = X W^T + b} with W stored out x in (as PyTorch's Linear), or {@code Y = X W + b} for a
 * tied decoder (the encoder's W, transposed). Backward: {@code dX = dY W} (tied: {@code dY W^T}); the parameters'
 * share, {@code dW = dY^T X} and {@code db = column sums of dY}, is taken over the whole batch in
 * {@link ParamGradientEmitter}.
 */
final class DenseOp {

    private DenseOp() {}

    static String describe(Dense d, ClassLayout l) {
        Graph g = l.g;
        return l.value(d.id()) + " = " + l.value(d.input()) + (d.transposed() ? " W + b" : " W^T + b") + " (W = "
                + g.params().get(d.weight()).name() + (d.transposed() ? ", tied" : "")
                + (d.bias() >= 0 ? ", b = " + g.params().get(d.bias()).name() : ", no b") + ")";
    }

    /** The packed GEMM (bias in the epilogue); packed weights where the pass has them. */
    static void forward(Dense d, Emit e) {
        ClassLayout l = e.layout();
        int id = d.id();
        String wy = l.width(id);
        String wx = l.width(d.input());
        String ep = d.bias() >= 0 ? l.epilogue(d.bias()) : "Epilogue.NONE";
        String a = l.value(d.input()) + ", " + l.off(d.input()) + ", " + wx;
        String c = l.value(id) + ", " + l.off(id) + ", " + wy + ", " + ep;
        String packed = "Gemm.gemm(Op.N, batch, " + wy + ", " + wx + ", 1f, " + a + ", "
                + l.pack(d.weight(), !d.transposed()) + ", 0f, " + c + ");";
        String plain = d.transposed()
                ? "Gemm.gemm(Op.N, Op.N, batch, " + wy + ", " + wx + ", 1f, " + a + ", " + l.param(d.weight()) + ", 0, "
                        + wy + ", 0f, " + c + ");"
                : "Gemm.gemm(Op.N, Op.T, batch, " + wy + ", " + wx + ", 1f, " + a + ", " + l.param(d.weight()) + ", 0, "
                        + wx + ", 0f, " + c + ");";
        if (e.training()) {
            e.w().line(packed);
        } else if (l.live[id]) {
            e.w().line("if (prepacked) " + packed);
            e.w().line("else " + plain);
        } else {
            e.w().line(plain);
        }
    }

    /** dX = dY op(W)^T: packed in a training step (and a free code's steps in one); beta 0 where dX is first written. */
    static void backward(Dense d, Emit e) {
        ClassLayout l = e.layout();
        int id = d.id();
        String wx = l.width(d.input());
        String wy = l.width(id);
        String bx = l.claimWrite(l.grad(d.input()), true) ? "0f" : "1f";
        String a = l.grad(id) + ", " + l.off(id) + ", " + wy;
        String c = bx + ", " + l.grad(d.input()) + ", " + l.off(d.input()) + ", " + wx;
        String packed = "Gemm.gemm(Op.N, batch, " + wx + ", " + wy + ", 1f, " + a + ", "
                + l.pack(d.weight(), d.transposed()) + ", " + c + ", Epilogue.NONE);";
        if (l.free == null) {
            e.w().line(packed);
            return;
        }
        e.w().line("if (prepacked) " + packed);
        String p = l.param(d.weight());
        if (d.transposed()) {
            e.w().line("else Gemm.gemm(Op.N, Op.T, batch, " + wx + ", " + wy + ", 1f, " + a + ", " + p + ", 0, " + wy
                    + ", " + c + ");");
        } else {
            e.w().line("else Gemm.gemm(Op.N, Op.N, batch, " + wx + ", " + wy + ", 1f, " + a + ", " + p + ", 0, " + wx
                    + ", " + c + ");");
        }
    }

    static double[] reference(Dense d, RefState r) {
        double[] w = r.p()[d.weight()];
        double[] xin = r.v()[d.input()];
        int batch = r.batch();
        int out = d.width();
        int in = xin.length / batch;
        double[] y = new double[batch * out];
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < out; j++) {
                double s = d.bias() >= 0 ? r.p()[d.bias()][j] : 0;
                for (int i = 0; i < in; i++) s += xin[row * in + i] * (d.transposed() ? w[i * out + j] : w[j * in + i]);
                y[row * out + j] = s;
            }
        }
        return y;
    }

    /** dX += dY op(W), dW += dY^T X (or X^T dY, tied), db += column sums of dY. */
    static void referenceBackward(Dense d, RefState r) {
        double[] dy = r.dv()[d.id()];
        double[] xin = r.v()[d.input()];
        double[] dx = r.dv()[d.input()];
        double[] w = r.p()[d.weight()];
        double[] dw = r.dp()[d.weight()];
        int batch = r.batch();
        int out = d.width();
        int in = xin.length / batch;
        for (int row = 0; row < batch; row++) {
            for (int j = 0; j < out; j++) {
                double gj = dy[row * out + j];
                if (gj == 0) continue;
                if (d.bias() >= 0) r.dp()[d.bias()][j] += gj;
                for (int i = 0; i < in; i++) {
                    int wi = d.transposed() ? i * out + j : j * in + i;
                    dx[row * in + i] += gj * w[wi];
                    dw[wi] += gj * xin[row * in + i];
                }
            }
        }
    }

    /**
     * Forward-mode Jacobian through the layer for one example: {@code op(W) M} ({@code m} is the Jacobian of the
     * layer's input with respect to x, {@code d} columns; null for the identity).
     */
    static double[] jacobian(Dense dn, double[] m, int d, float[] w, int in) {
        int out = dn.width();
        double[] next = new double[out * d];
        for (int o = 0; o < out; o++) {
            int rowOff = o * d;
            for (int i = 0; i < in; i++) {
                double a = dn.transposed() ? w[i * out + o] : w[o * in + i];
                if (a == 0) continue;
                if (m == null) {
                    next[rowOff + i] += a;
                } else {
                    int mo = i * d;
                    for (int j = 0; j < d; j++) next[rowOff + j] += a * m[mo + j];
                }
            }
        }
        return next;
    }

    /** In paramGradients: rows [lo, hi) of dW = dY^T X (tied: X^T dY) over the whole batch, db = column sums of dY. */
    static void emitParamGradients(Dense d, Emit e, ParamGradientEmitter pg, Comments comments) {
        ClassLayout l = e.layout();
        SourceWriter w = e.w();
        int id = d.id();
        w.origin(l.g.nodeOrigin(id));
        String dy = l.grad(id);
        String x = l.value(d.input());
        String dw = l.paramGrad(d.weight());
        w.line("// " + comments.node(d) + ": " + dw
                + (d.transposed() ? " += " + x + "^T " + dy : " += " + dy + "^T " + x)
                + (d.bias() >= 0 ? ", " + l.paramGrad(d.bias()) + " += column sums of " + dy : ""));
        String in = l.width(d.input());
        String o = l.width(id);
        String bw = l.claimWrite(dw, true) ? "0f" : "1f";
        pg.range(d.weight());
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
            boolean ow = l.claimWrite(l.paramGrad(d.bias()), true);
            pg.range(d.bias());
            w.line("Elementwise.colSums(batch, hi - lo, " + dy + ", lo, " + o + ", " + l.paramGrad(d.bias()) + ", lo, "
                    + !ow + ");");
        }
    }
}
