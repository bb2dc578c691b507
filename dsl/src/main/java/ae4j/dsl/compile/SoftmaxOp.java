package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.Softmax;

/**
 * Row-wise softmax: {@code Y_rj = exp(X_rj) / sum_k exp(X_rk)}; backward {@code dX_rj = Y_rj (dY_rj - <Y_r, dY_r>)}.
 */
final class SoftmaxOp {

    private SoftmaxOp() {}

    static String describe(Softmax sm, ClassLayout l) {
        return l.value(sm.id()) + " = softmax(" + l.value(sm.input()) + "), row by row";
    }

    static void forward(Softmax sm, Emit e) {
        ClassLayout l = e.layout();
        String wd = l.width(sm.id());
        String o = l.off(sm.id());
        e.w().line("Losses.softmax(batch, " + wd + ", " + l.value(sm.input()) + ", " + o + ", " + wd + ", "
                + l.value(sm.id()) + ", " + o + ", " + wd + ");");
    }

    static void backward(Softmax sm, Emit e) {
        ClassLayout l = e.layout();
        int id = sm.id();
        String wd = l.width(id);
        String y = l.value(id);
        String dy = l.grad(id);
        String op = l.claimWrite(l.grad(sm.input()), true) ? " = " : " += ";
        e.w().line("for (int r = r0; r < r0 + batch; r++) {");
        e.w().line("    int o = r * " + wd + ";");
        e.w().line("    float dot = (float) Elementwise.dot(" + wd + ", " + y + ", o, " + dy + ", o);");
        e.w().line("    for (int j = 0; j < " + wd + "; j++) " + l.grad(sm.input()) + "[o + j]" + op + y + "[o + j] * ("
                + dy + "[o + j] - dot);");
        e.w().line("}");
    }

    static double[] reference(Softmax sm, RefState r) {
        double[] z = r.v()[sm.input()];
        double[] y = new double[z.length];
        int w = sm.width();
        for (int row = 0; row < r.batch(); row++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < w; j++) m = Math.max(m, z[row * w + j]);
            double sum = 0;
            for (int j = 0; j < w; j++) sum += y[row * w + j] = Math.exp(z[row * w + j] - m);
            for (int j = 0; j < w; j++) y[row * w + j] /= sum;
        }
        return y;
    }

    static void referenceBackward(Softmax sm, RefState r) {
        double[] y = r.v()[sm.id()];
        double[] dy = r.dv()[sm.id()];
        double[] dx = r.dv()[sm.input()];
        int w = sm.width();
        for (int row = 0; row < r.batch(); row++) {
            double dot = 0;
            for (int j = 0; j < w; j++) dot += y[row * w + j] * dy[row * w + j];
            for (int j = 0; j < w; j++) dx[row * w + j] += y[row * w + j] * (dy[row * w + j] - dot);
        }
    }

    /** Forward-mode Jacobian for row {@code r}: {@code (diag(y) - y y^T) M} = y .* (M - y^T M) (in place; m not null). */
    static double[] jacobian(Softmax s, double[] m, int d, float[] y, int r) {
        int wd = s.width();
        double[] ym = new double[d];
        for (int o = 0; o < wd; o++) {
            double yo = y[r * wd + o];
            for (int j = 0; j < d; j++) ym[j] += yo * m[o * d + j];
        }
        for (int o = 0; o < wd; o++) {
            double yo = y[r * wd + o];
            for (int j = 0; j < d; j++) m[o * d + j] = yo * (m[o * d + j] - ym[j]);
        }
        return m;
    }
}
