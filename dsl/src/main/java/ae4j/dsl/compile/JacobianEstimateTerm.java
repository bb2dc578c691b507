package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;

import ae4j.dsl.ir.Graph.JacobianEstimate;

/**
 * The stochastic estimate of {@code jacobian_frobenius(f, x)} for any encoder: ||f(x + sigma eps) - f(x)||^2 /
 * sigma^2, one sample per example and step (expectation ||J||_F^2 + O(sigma^2)).
 */
final class JacobianEstimateTerm {

    private JacobianEstimateTerm() {}

    static int[] nodes(JacobianEstimate je) {
        return new int[] {je.perturbed(), je.clean()};
    }

    static String describe(JacobianEstimate je, ClassLayout l) {
        return "jacobian_frobenius, estimated from " + l.value(je.perturbed()) + " and " + l.value(je.clean());
    }

    static void emit(JacobianEstimate je, String tk, Emit e) {
        ClassLayout l = e.layout();
        String n = l.count(je.perturbed());
        String o = l.off(je.perturbed());
        double c = 1 / (je.sigma() * je.sigma());
        e.w().line("// ||f(x + sigma eps) - f(x)||^2 / sigma^2: a one-sample estimate of ||df/dx||_F^2");
        e.w().line(tk + " = " + c + " * Losses.mse(" + n + ", " + l.value(je.perturbed()) + ", " + o + ", "
                + l.value(je.clean()) + ", " + o + ", (float) (scale * " + c + "), seedGradients ? scratch : null, "
                + SCR
                + ") * inv;");
        GradientSeeds.block(l, e.w(), n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {
            je.perturbed(), je.clean()
        });
    }

    static double value(JacobianEstimate je, RefState r) {
        double[][] v = r.v();
        double s = 0;
        for (int i = 0; i < v[je.perturbed()].length; i++) {
            double d = v[je.perturbed()][i] - v[je.clean()][i];
            s += d * d;
        }
        return s / (je.sigma() * je.sigma());
    }

    static void gradient(JacobianEstimate je, RefState r, double scale) {
        double[][] v = r.v();
        double c = 2 / (je.sigma() * je.sigma()) * scale;
        for (int i = 0; i < v[je.perturbed()].length; i++) {
            double d = (v[je.perturbed()][i] - v[je.clean()][i]) * c;
            r.dv()[je.perturbed()][i] += d;
            r.dv()[je.clean()][i] -= d;
        }
    }
}
