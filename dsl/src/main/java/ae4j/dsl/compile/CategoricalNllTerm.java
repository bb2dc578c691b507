package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;

import ae4j.dsl.ir.Graph.CategoricalNll;

/**
 * {@code categorical_nll(x, r)} on the decoder's logits z, per row: sum_j t_j (lse(z) - z_j); gradient
 * T softmax(z)_j - t_j into z (T = sum_j t_j, exact also for rows not summing to 1), lse(z) - z into t.
 */
final class CategoricalNllTerm {

    private CategoricalNllTerm() {}

    static int[] nodes(CategoricalNll c) {
        return new int[] {c.target(), c.logits()};
    }

    static String describe(CategoricalNll c, ClassLayout l) {
        return "categorical_nll(" + l.value(c.target()) + ", logits " + l.value(c.logits()) + ")";
    }

    static void emit(CategoricalNll c, String tk, Emit e) {
        ClassLayout l = e.layout();
        SourceWriter w = e.w();
        String wd = l.width(c.logits());
        String o = l.off(c.logits());
        String z = l.value(c.logits());
        String tg = l.value(c.target());
        w.line(tk + " = Losses.softmaxCrossEntropy(batch, " + wd + ", " + z + ", " + o + ", " + wd + ", " + tg + ", "
                + o + ", " + wd + ", scale, seedGradients ? scratch : null, " + SCR + ", " + wd + ") * inv;");
        w.open("if (seedGradients) {");
        GradientSeeds.seed(l, w, "batch * " + wd, o, "1f", "scratch", c.logits()); // scale * (softmax - t)
        if (l.needsGradient(c.logits())) {
            String dz = l.grad(c.logits());
            w.line(
                    "for (int r = r0; r < r0 + batch; r++) {   // exact for rows not summing to 1: + scale * (T - 1) softmax");
            w.line("    float rowTotal = (float) Elementwise.sum(" + wd + ", " + tg + ", r * " + wd + ");");
            w.line("    if (rowTotal == 1f) continue;");
            w.line("    Losses.softmax(1, " + wd + ", " + z + ", r * " + wd + ", " + wd + ", scratch, r * SW, " + wd
                    + ");   // scratch is free again once copied");
            w.line("    Elementwise.axpy(" + wd + ", (rowTotal - 1f) * scale, scratch, r * SW, " + dz + ", r * " + wd
                    + ");");
            w.line("}");
        }
        if (l.needsGradient(c.target())) {
            String dt = l.grad(c.target());
            l.claimWrite(dt, false);
            w.line("for (int r = r0; r < r0 + batch; r++) {   // d/dt = lse(z) - z");
            w.line("    int o = r * " + wd + ";");
            w.line("    double m = Double.NEGATIVE_INFINITY, sum = 0;");
            w.line("    for (int j = 0; j < " + wd + "; j++) m = Math.max(m, " + z + "[o + j]);");
            w.line("    for (int j = 0; j < " + wd + "; j++) sum += Math.exp(" + z + "[o + j] - m);");
            w.line("    double lse = m + Math.log(sum);");
            w.line("    for (int j = 0; j < " + wd + "; j++) " + dt + "[o + j] += (float) ((lse - " + z
                    + "[o + j]) * scale);");
            w.line("}");
        }
        w.close("}");
    }

    static double value(CategoricalNll c, RefState r) {
        int w = r.g().width(c.logits());
        double[] z = r.v()[c.logits()];
        double[] tg = r.v()[c.target()];
        double s = 0;
        for (int row = 0; row < r.batch(); row++) {
            double lse = logSumExp(z, row * w, w);
            for (int j = 0; j < w; j++) s += tg[row * w + j] * (lse - z[row * w + j]);
        }
        return s;
    }

    static void gradient(CategoricalNll c, RefState r, double scale) {
        int w = r.g().width(c.logits());
        double[] z = r.v()[c.logits()];
        double[] tg = r.v()[c.target()];
        for (int row = 0; row < r.batch(); row++) {
            double lse = logSumExp(z, row * w, w);
            double total = 0;
            for (int j = 0; j < w; j++) total += tg[row * w + j];
            for (int j = 0; j < w; j++) {
                r.dv()[c.logits()][row * w + j] += (total * Math.exp(z[row * w + j] - lse) - tg[row * w + j]) * scale;
                r.dv()[c.target()][row * w + j] += (lse - z[row * w + j]) * scale;
            }
        }
    }

    private static double logSumExp(double[] z, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, z[off + j]);
        double s = 0;
        for (int j = 0; j < n; j++) s += Math.exp(z[off + j] - m);
        return m + Math.log(s);
    }
}
