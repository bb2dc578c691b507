package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;
import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.GaussianNll;
import ae4j.dsl.ir.Graph.JacobianEstimate;
import ae4j.dsl.ir.Graph.KlSparsity;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.L2;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.ir.Graph.WeightDecay;

/**
 * {@code objective(...)} of a generated class: each term of the objective over rows [r0, r0 + batch), and the
 * node gradients it seeds (the first write of a gradient buffer overwrites it; later ones accumulate).
 */
final class ObjectiveEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;
    private final Comments comments;

    ObjectiveEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
    }

    void emit() {
        layout.startGradientPass();
        w.line("/**");
        w.line(
                " * The terms over rows [r0, r0 + batch) (each a sum over the rows divided by {@code meanOver}, the whole");
        w.line(
                " * batch, into {@code tm}) and the node gradients they seed; returns their weighted sum. Zeroes only the");
        w.line(
                " * node gradients whose first write in the step accumulates; the others are overwritten by their first write.");
        w.line(" */");
        w.open("private double objective(int r0, int batch, int meanOver, boolean seedGradients, double[] tm) {");
        if (!layout.zeroedNodes.isEmpty()) {
            w.open("if (seedGradients) {");
            for (int id : layout.zeroedNodes) {
                String wd = layout.width(id);
                w.line("java.util.Arrays.fill(" + layout.grad(id) + ", r0 * " + wd + ", (r0 + batch) * " + wd
                        + ", 0f);");
            }
            w.close("}");
        }
        w.line("double inv = 1.0 / meanOver;");
        w.line("double total = 0;");
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            w.resetOrigin();
            w.origin(g.termOrigin(k));
            w.open("{   // term " + k + ": " + comments.term(t));
            w.line("float scale = (float) (" + weighted(t, "inv") + ");");
            term(t, k);
            w.line("total += " + weighted(t, "tm[" + k + "]") + ";");
            w.close("}");
        }
        w.line("return total;");
        w.close("}");
        w.line("");
    }

    /** {@code weight * x}, or x alone for weight 1 (the same bits: multiplying by 1 is exact). */
    static String weighted(Term t, String x) {
        return t.weight() == 1 ? x : f(t.weight()) + " * " + x;
    }

    private void term(Term t, int k) {
        String tk = "tm[" + k + "]";
        switch (t) {
            case Mse m -> {
                String n = layout.count(m.a());
                String o = layout.off(m.a());
                w.line(tk + " = Losses.mse(" + n + ", " + layout.value(m.a()) + ", " + o + ", " + layout.value(m.b())
                        + ", " + o + ", scale, seedGradients ? scratch : null, " + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {m.a(), m.b()
                });
            }
            case BernoulliNll b -> {
                String n = layout.count(b.logits());
                String o = layout.off(b.logits());
                String z = layout.value(b.logits());
                w.line(tk + " = Losses.bceWithLogits(" + n + ", " + z + ", " + o + ", " + layout.value(b.target())
                        + ", " + o + ", scale, seedGradients ? scratch : null, " + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-scale"}, new String[] {"scratch", z}, new int[] {
                    b.logits(), b.target()
                });
            }
            case GaussianNll gn -> {
                String n = layout.count(gn.mean());
                String o = layout.off(gn.mean());
                double c = 1 / (2 * gn.sigma() * gn.sigma());
                w.line(tk + " = " + f(c) + " * Losses.mse(" + n + ", " + layout.value(gn.mean()) + ", " + o + ", "
                        + layout.value(gn.target()) + ", " + o + ", (float) (scale * " + f(c)
                        + "), seedGradients ? scratch : null, "
                        + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {
                    gn.mean(), gn.target()
                });
            }
            case CategoricalNll c -> categorical(c, tk);
            case KlSparsity kl -> {
                String wd = layout.width(kl.node());
                double rho = kl.rho();
                w.line("// q_j = mean over the batch of h_j; sum_j KL(rho || q_j), q clamped to [1e-6, 1 - 1e-6]");
                w.line("Elementwise.colSums(batch, " + wd + ", " + layout.value(kl.node()) + ", "
                        + layout.off(kl.node()) + ", " + wd + ", rowBuf, 0, false);");
                w.line("double value = 0;");
                w.line("for (int j = 0; j < " + wd + "; j++) {");
                w.line("    double q = Math.min(Math.max(rowBuf[j] * inv, 1e-6), 1 - 1e-6);");
                w.line("    value += " + rho + " * Math.log(" + rho + " / q) + " + (1 - rho) + " * Math.log("
                        + (1 - rho) + " / (1 - q));");
                w.line("    colBuf[j] = (float) ((-" + rho + " / q + " + (1 - rho) + " / (1 - q)) * scale);");
                w.line("}");
                w.line(tk + " = value;   // a batch-level penalty, not a per-example mean (the batch is never split)");
                if (layout.needsGradient(kl.node())) {
                    layout.claimWrite(layout.grad(kl.node()), false);
                    w.line("if (seedGradients) Elementwise.addBias(batch, " + wd + ", colBuf, 0, "
                            + layout.grad(kl.node()) + ", " + layout.off(kl.node()) + ", " + wd + ");");
                }
            }
            case JacobianEstimate je -> {
                String n = layout.count(je.perturbed());
                String o = layout.off(je.perturbed());
                double c = 1 / (je.sigma() * je.sigma());
                w.line("// ||f(x + sigma eps) - f(x)||^2 / sigma^2: a one-sample estimate of ||df/dx||_F^2");
                w.line(tk + " = " + c + " * Losses.mse(" + n + ", " + layout.value(je.perturbed()) + ", " + o + ", "
                        + layout.value(je.clean()) + ", " + o + ", (float) (scale * " + c
                        + "), seedGradients ? scratch : null, " + SCR
                        + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {
                    je.perturbed(), je.clean()
                });
            }
            case L1 l -> norm(tk, l.node(), "Norms.l1", "Norms.l1Grad");
            case L2 l -> norm(tk, l.node(), "Norms.l2sq", "Norms.l2sqGrad");
            case WeightDecay wd -> {
                w.line(tk + " = 0;");
                w.line(
                        "if (r0 == 0) {   // a penalty on the parameters: counted once, in the first part (gradient: paramGradients)");
                for (int pi : layout.denseWeights()) {
                    String p = layout.param(pi);
                    w.line("    " + tk + " += Norms.l2sq(" + p + ".length, " + p + ", 0);");
                }
                w.line("}");
            }
            case Contractive c -> contractive(c, tk);
        }
    }

    private void norm(String tk, int node, String value, String gradient) {
        String n = layout.count(node);
        String o = layout.off(node);
        String v = layout.value(node);
        w.line(tk + " = " + value + "(" + n + ", " + v + ", " + o + ") * inv;");
        if (layout.needsGradient(node)) {
            boolean ow = layout.claimWrite(layout.grad(node), true);
            w.line("if (seedGradients) " + gradient + "(" + n + ", scale, " + v + ", " + o + ", " + layout.grad(node)
                    + ", " + o + ", " + !ow + ");");
        }
    }

    private void categorical(CategoricalNll c, String tk) {
        String wd = layout.width(c.logits());
        String o = layout.off(c.logits());
        String z = layout.value(c.logits());
        String tg = layout.value(c.target());
        w.line(tk + " = Losses.softmaxCrossEntropy(batch, " + wd + ", " + z + ", " + o + ", " + wd + ", " + tg + ", "
                + o + ", " + wd + ", scale, seedGradients ? scratch : null, " + SCR + ", " + wd + ") * inv;");
        w.open("if (seedGradients) {");
        seed("batch * " + wd, o, "1f", "scratch", c.logits()); // scale * (softmax - t)
        if (layout.needsGradient(c.logits())) {
            String dz = layout.grad(c.logits());
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
        if (layout.needsGradient(c.target())) {
            String dt = layout.grad(c.target());
            layout.claimWrite(dt, false);
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

    private void contractive(Contractive c, String tk) {
        int m = g.width(c.code());
        Graph.Param wp = g.params().get(c.encoderWeight());
        int in = wp.cols();
        String h = layout.value(c.code());
        String p = layout.param(c.encoderWeight());
        String dh = layout.grad(c.code());
        layout.claimWrite(dh, false);
        w.line("// ||dh/dx||_F^2 = sum_j s'(h_j)^2 ||W_j||^2 (closed form for one " + c.activation() + " layer;");
        w.line("// the weights' share of its gradient: paramGradients)");
        w.line("double value = 0;");
        w.open("for (int j = 0; j < " + m + "; j++) {");
        w.line("float rn = (float) Norms.l2sq(" + in + ", " + p + ", j * " + in + ");");
        w.line("for (int r = r0; r < r0 + batch; r++) {");
        w.line("    float hv = " + h + "[r * " + m + " + j];");
        w.line("    float s = " + contractiveDerivative(c) + ";");
        w.line("    value += (double) s * s * rn;");
        w.line("    if (seedGradients) " + dh + "[r * " + m + " + j] += 2f * s * ("
                + c.activation().derivativeOfDerivativeFromOutputSource("hv") + ") * rn * scale;");
        w.line("}");
        w.close("}");
        w.line(tk + " = value * inv;");
    }

    /** s'(h) from the code value hv (sigmoid h(1 - h), tanh 1 - h^2), as vecmath's Activation defines it. */
    static String contractiveDerivative(Contractive c) {
        return c.activation().derivativeFromOutputSource("hv");
    }

    /** The seeding of a term's node gradients (rows at {@code o}), in one {@code if (seedGradients)} block. */
    private void seedBlock(String n, String o, String[] alpha, String[] src, int[] nodes) {
        w.open("if (seedGradients) {");
        for (int i = 0; i < nodes.length; i++) seed(n, o, alpha[i], src[i], nodes[i]);
        w.close("}");
    }

    /** See {@link GradientSeeds#seed}. */
    private void seed(String n, String o, String alpha, String src, int node) {
        GradientSeeds.seed(layout, w, n, o, alpha, src, node);
    }
}
