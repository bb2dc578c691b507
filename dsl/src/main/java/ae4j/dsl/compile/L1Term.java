package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.L1;

/** {@code l1(h)} (14.6): sum_i |h_i|, the sparsity penalty; gradient sign(h). */
final class L1Term {

    private L1Term() {}

    static int[] nodes(L1 t) {
        return new int[] {t.node()};
    }

    static String describe(L1 t, ClassLayout l) {
        return "l1(" + l.value(t.node()) + ")";
    }

    static void emit(L1 t, String tk, Emit e) {
        ClassLayout l = e.layout();
        if (ProximalCode.handles(l.g, t)) { // its gradient is the soft-threshold in optimizeCode
            e.w().line(tk + " = Norms.l1(" + l.count(t.node()) + ", " + l.value(t.node()) + ", " + l.off(t.node())
                    + ") * inv;   // no gradient: optimizeCode soft-thresholds the code");
            return;
        }
        GradientSeeds.norm(tk, t.node(), "Norms.l1", "Norms.l1Grad", e);
    }

    static double value(L1 t, RefState r) {
        double s = 0;
        for (double h : r.v()[t.node()]) s += Math.abs(h);
        return s;
    }

    static void gradient(L1 t, RefState r, double scale) {
        double[] h = r.v()[t.node()];
        for (int i = 0; i < h.length; i++) r.dv()[t.node()][i] += Math.signum(h[i]) * scale;
    }
}
