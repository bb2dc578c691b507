package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.KlSparsity;

/**
 * {@code kl_sparsity(h, rho)} (14.2.1): sum_j KL(rho || q_j) with q_j the batch mean of h_j, clamped to
 * [1e-6, 1 - 1e-6]; a batch-level penalty (the batch is never split when it is in the objective). Gradient
 * (-rho / q_j + (1 - rho) / (1 - q_j)) / batch into every h_rj.
 */
final class KlSparsityTerm {

    /** The clamp of the batch mean q. */
    static final double KL_EPS = 1e-6;

    private KlSparsityTerm() {}

    static int[] nodes(KlSparsity kl) {
        return new int[] {kl.node()};
    }

    static String describe(KlSparsity kl, ClassLayout l) {
        return "kl_sparsity(" + l.value(kl.node()) + ", rho: " + Comments.number(kl.rho()) + ")";
    }

    static void emit(KlSparsity kl, String tk, Emit e) {
        ClassLayout l = e.layout();
        SourceWriter w = e.w();
        String wd = l.width(kl.node());
        double rho = kl.rho();
        w.line("// q_j = mean over the batch of h_j; sum_j KL(rho || q_j), q clamped to [1e-6, 1 - 1e-6]");
        w.line("Elementwise.colSums(batch, " + wd + ", " + l.value(kl.node()) + ", " + l.off(kl.node()) + ", " + wd
                + ", rowBuf, 0, false);");
        w.line("double value = 0;");
        w.line("for (int j = 0; j < " + wd + "; j++) {");
        w.line("    double q = Math.min(Math.max(rowBuf[j] * inv, 1e-6), 1 - 1e-6);");
        w.line("    value += " + rho + " * Math.log(" + rho + " / q) + " + (1 - rho) + " * Math.log(" + (1 - rho)
                + " / (1 - q));");
        w.line("    colBuf[j] = (float) ((-" + rho + " / q + " + (1 - rho) + " / (1 - q)) * scale);");
        w.line("}");
        w.line(tk + " = value;   // a batch-level penalty, not a per-example mean (the batch is never split)");
        if (l.needsGradient(kl.node())) {
            l.claimWrite(l.grad(kl.node()), false);
            w.line("if (seedGradients) Elementwise.addBias(batch, " + wd + ", colBuf, 0, " + l.grad(kl.node()) + ", "
                    + l.off(kl.node()) + ", " + wd + ");");
        }
    }

    /** The penalty times the batch (the caller's division by the batch gives the penalty itself). */
    static double value(KlSparsity k, RefState r) {
        double[] q = batchMeans(r.v()[k.node()], r.g().width(k.node()), r.batch());
        double s = 0;
        for (double qj : q) s += k.rho() * Math.log(k.rho() / qj) + (1 - k.rho()) * Math.log((1 - k.rho()) / (1 - qj));
        return s * r.batch();
    }

    static void gradient(KlSparsity k, RefState r, double scale) {
        int w = r.g().width(k.node());
        double[] q = batchMeans(r.v()[k.node()], w, r.batch());
        // d/dh_rj = batch * scale * dKL/dq_j * dq_j/dh_rj, and dq_j/dh_rj = 1 / batch.
        for (int j = 0; j < w; j++) {
            double dq = -k.rho() / q[j] + (1 - k.rho()) / (1 - q[j]);
            for (int row = 0; row < r.batch(); row++) r.dv()[k.node()][row * w + j] += dq * scale;
        }
    }

    /** Column means over the batch, clamped to [1e-6, 1 - 1e-6]. */
    static double[] batchMeans(double[] h, int width, int batch) {
        double[] q = new double[width];
        for (int i = 0; i < h.length; i++) q[i % width] += h[i];
        for (int j = 0; j < width; j++) q[j] = Math.min(Math.max(q[j] / batch, KL_EPS), 1 - KL_EPS);
        return q;
    }
}
