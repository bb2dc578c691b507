package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Contractive;

/**
 * {@code jacobian_frobenius(f, x)} in closed form for a one-layer sigmoid or tanh encoder h = s(x W^T + b) (14.18):
 * ||dh/dx||_F^2 = sum_j s'(h_j)^2 ||W_j||^2, s' written through h (vecmath's Activation). Gradient into h:
 * 2 s' s'' ||W_j||^2; into W_j: 2 W_j sum_r s'(h_rj)^2, over the whole batch in paramGradients.
 */
final class ContractiveTerm {

    private ContractiveTerm() {}

    /** A generated class's field: one double per code unit, the sums over the batch in paramGradients. */
    static final String SUMS = "unitSums";

    static int[] nodes(Contractive c) {
        return new int[] {c.code()};
    }

    static String describe(Contractive c, ClassLayout l) {
        return "jacobian_frobenius of " + l.value(c.code()) + ", closed form";
    }

    static void emit(Contractive c, String tk, Emit e) {
        ClassLayout l = e.layout();
        SourceWriter w = e.w();
        Graph g = l.g;
        int m = g.width(c.code());
        int in = g.params().get(c.encoderWeight()).cols();
        String h = l.value(c.code());
        String p = l.param(c.encoderWeight());
        String dh = l.grad(c.code());
        l.claimWrite(dh, false);
        w.line("// ||dh/dx||_F^2 = sum_j s'(h_j)^2 ||W_j||^2 (closed form for one " + c.activation() + " layer;");
        w.line("// the weights' share of its gradient: paramGradients)");
        // The row norms first, in one pass over W, into this part's scratch row (free between terms, at least as
        // wide as any node); then the rows of h in memory order. A walk down a column of h instead (its rows 2 KB
        // apart for 512 units) puts every row on the same few L1 sets: it ran at ~7 ns per element.
        w.line("for (int j = 0; j < " + m + "; j++) scratch[" + Emit.SCR + " + j] = (float) Norms.l2sq(" + in + ", " + p
                + ", j * " + in + ");");
        w.line("double value = 0;");
        w.open("for (int r = r0; r < r0 + batch; r++) {");
        w.line("int o = r * " + m + ";");
        w.open("for (int j = 0; j < " + m + "; j++) {");
        w.line("float rn = scratch[" + Emit.SCR + " + j];");
        w.line("float hv = " + h + "[o + j];");
        w.line("float s = " + derivative(c) + ";");
        w.line("value += (double) s * s * rn;");
        w.line("if (seedGradients) " + dh + "[o + j] += 2f * s * ("
                + c.activation().derivativeOfDerivativeFromOutputSource("hv") + ") * rn * scale;");
        w.close("}");
        w.close("}");
        w.line(tk + " = value * inv;");
    }

    /** In paramGradients: the weights' share, 2 W_j sum_r s'(h_rj)^2 for the code units [lo, hi). */
    static void emitParamGradients(Contractive c, int k, Emit e, ParamGradientEmitter pg) {
        ClassLayout l = e.layout();
        SourceWriter w = e.w();
        Graph g = l.g;
        int m = g.width(c.code());
        int pi = c.encoderWeight();
        int in = g.params().get(pi).cols();
        String p = l.param(pi);
        String dp = l.paramGrad(pi);
        l.claimWrite(dp, false);
        w.open("{   // term " + k + ": the weights' share, 2 sum_r s'(h_rj)^2 W_j per code unit j");
        w.line("float scale = (float) (" + ObjectiveEmitter.weighted(c, "inv") + ");");
        pg.range(pi);
        // sum_r s'(h_rj)^2 for the units [lo, hi), row after row of h (each unit's sum in row order, as one column
        // walk would add it), in doubles: SUMS.
        w.line("for (int j = lo; j < hi; j++) " + SUMS + "[j] = 0;");
        w.open("for (int r = 0; r < batch; r++) {");
        w.line("int o = r * " + m + ";");
        w.open("for (int j = lo; j < hi; j++) {");
        w.line("float hv = " + l.value(c.code()) + "[o + j];");
        w.line("float s = " + derivative(c) + ";");
        w.line(SUMS + "[j] += (double) s * s;");
        w.close("}");
        w.close("}");
        w.line("for (int j = lo; j < hi; j++) Elementwise.axpy(" + in + ", (float) (2 * " + SUMS + "[j]) * scale, " + p
                + ", j * " + in + ", " + dp + ", j * " + in + ");");
        w.close("}");
    }

    /** s'(h) from the code value hv (sigmoid h(1 - h), tanh 1 - h^2), as vecmath's Activation defines it. */
    private static String derivative(Contractive c) {
        return c.activation().derivativeFromOutputSource("hv");
    }

    static double value(Contractive c, RefState r) {
        int m = r.g().width(c.code());
        double[] h = r.v()[c.code()];
        double[] rowNorms = rowNorms(r.p()[c.encoderWeight()], m);
        double s = 0;
        for (int i = 0; i < h.length; i++) {
            double d = c.activation().derivativeFromOutput(h[i]);
            s += d * d * rowNorms[i % m];
        }
        return s;
    }

    static void gradient(Contractive c, RefState r, double scale) {
        int m = r.g().width(c.code());
        double[] h = r.v()[c.code()];
        double[] w = r.p()[c.encoderWeight()];
        int in = w.length / m;
        double[] rowNorms = rowNorms(w, m);
        double[] sumD2 = new double[m];
        for (int i = 0; i < h.length; i++) {
            double d = c.activation().derivativeFromOutput(h[i]);
            // d/dh of d(h)^2 = 2 d d'(h), with d' = 1 - 2h (sigmoid) or -2h (tanh).
            double dd = c.activation().derivativeOfDerivativeFromOutput(h[i]);
            r.dv()[c.code()][i] += 2 * d * dd * rowNorms[i % m] * scale;
            sumD2[i % m] += d * d;
        }
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < in; k++) r.dp()[c.encoderWeight()][j * in + k] += 2 * w[j * in + k] * sumD2[j] * scale;
        }
    }

    private static double[] rowNorms(double[] w, int rows) {
        int cols = w.length / rows;
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) for (int k = 0; k < cols; k++) out[j] += w[j * cols + k] * w[j * cols + k];
        return out;
    }
}
