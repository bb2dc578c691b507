package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;
import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph.GaussianNll;

/**
 * {@code gaussian_nll(x, r, sigma)}: sum_i (x_i - r_i)^2 / (2 sigma^2), a Gaussian decoder with fixed sigma (the
 * constant dropped); gradient (r - x) / sigma^2 into r, the opposite into x.
 */
final class GaussianNllTerm {

    private GaussianNllTerm() {}

    static int[] nodes(GaussianNll gn) {
        return new int[] {gn.target(), gn.mean()};
    }

    static String describe(GaussianNll gn, ClassLayout l) {
        return "gaussian_nll(" + l.value(gn.target()) + ", mean " + l.value(gn.mean()) + ", sigma: "
                + Comments.number(gn.sigma()) + ")";
    }

    static void emit(GaussianNll gn, String tk, Emit e) {
        ClassLayout l = e.layout();
        String n = l.count(gn.mean());
        String o = l.off(gn.mean());
        double c = 1 / (2 * gn.sigma() * gn.sigma());
        e.w().line(tk + " = " + f(c) + " * Losses.mse(" + n + ", " + l.value(gn.mean()) + ", " + o + ", "
                + l.value(gn.target()) + ", " + o + ", (float) (scale * " + f(c) + "), seedGradients ? scratch : null, "
                + SCR + ") * inv;");
        GradientSeeds.block(l, e.w(), n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {
            gn.mean(), gn.target()
        });
    }

    static double value(GaussianNll gn, RefState r) {
        double[][] v = r.v();
        double s = 0;
        for (int i = 0; i < v[gn.mean()].length; i++) {
            double d = v[gn.target()][i] - v[gn.mean()][i];
            s += d * d / (2 * gn.sigma() * gn.sigma());
        }
        return s;
    }

    static void gradient(GaussianNll gn, RefState r, double scale) {
        double[][] v = r.v();
        double s2 = gn.sigma() * gn.sigma();
        for (int i = 0; i < v[gn.mean()].length; i++) {
            double d = (v[gn.mean()][i] - v[gn.target()][i]) / s2 * scale;
            r.dv()[gn.mean()][i] += d;
            r.dv()[gn.target()][i] -= d;
        }
    }
}
