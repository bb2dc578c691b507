package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.L2;

/** {@code l2(v)}: sum_i v_i^2; gradient 2 v. */
final class L2Term {

    private L2Term() {}

    static int[] nodes(L2 t) {
        return new int[] {t.node()};
    }

    static String describe(L2 t, ClassLayout l) {
        return "l2(" + l.value(t.node()) + ")";
    }

    static void emit(L2 t, String tk, Emit e) {
        GradientSeeds.norm(tk, t.node(), "Norms.l2sq", "Norms.l2sqGrad", e);
    }

    static double value(L2 t, RefState r) {
        double s = 0;
        for (double h : r.v()[t.node()]) s += h * h;
        return s;
    }

    static void gradient(L2 t, RefState r, double scale) {
        double[] h = r.v()[t.node()];
        for (int i = 0; i < h.length; i++) r.dv()[t.node()][i] += 2 * h[i] * scale;
    }
}
