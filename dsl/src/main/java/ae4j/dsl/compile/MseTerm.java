package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;

import ae4j.dsl.ir.Graph.Mse;

/** {@code mse(a, b)}: sum_i (a_i - b_i)^2 per example; gradient 2 (a - b) into a, the opposite into b. */
final class MseTerm {

    private MseTerm() {}

    static int[] nodes(Mse m) {
        return new int[] {m.a(), m.b()};
    }

    static String describe(Mse m, ClassLayout l) {
        return "mse(" + l.value(m.a()) + ", " + l.value(m.b()) + ")";
    }

    static void emit(Mse m, String tk, Emit e) {
        ClassLayout l = e.layout();
        String n = l.count(m.a());
        String o = l.off(m.a());
        e.w().line(tk + " = Losses.mse(" + n + ", " + l.value(m.a()) + ", " + o + ", " + l.value(m.b()) + ", " + o
                + ", scale, seedGradients ? scratch : null, " + SCR + ") * inv;");
        GradientSeeds.block(
                l, e.w(), n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {m.a(), m.b()
                });
    }

    static double value(Mse m, RefState r) {
        double[][] v = r.v();
        double s = 0;
        for (int i = 0; i < v[m.a()].length; i++) {
            double d = v[m.a()][i] - v[m.b()][i];
            s += d * d;
        }
        return s;
    }

    static void gradient(Mse m, RefState r, double scale) {
        double[][] v = r.v();
        for (int i = 0; i < v[m.a()].length; i++) {
            double d = 2 * (v[m.a()][i] - v[m.b()][i]) * scale;
            r.dv()[m.a()][i] += d;
            r.dv()[m.b()][i] -= d;
        }
    }
}
