package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;

import ae4j.dsl.ir.Graph.Activate;

/**
 * A pointwise nonlinearity {@code Y = f(X)}; backward {@code dX = dY * f'(X)} with f' written through the output
 * (vecmath's {@link ae4j.vecmath.Activation} defines f and f' for the kernels and for this reference alike).
 */
final class ActivateOp {

    private ActivateOp() {}

    static String describe(Activate a, ClassLayout l) {
        return l.value(a.id()) + " = " + a.activation().name().toLowerCase(java.util.Locale.ROOT) + "("
                + l.value(a.input()) + ")";
    }

    static void forward(Activate a, Emit e) {
        ClassLayout l = e.layout();
        String o = l.off(a.id());
        e.w().line("Activation." + a.activation() + ".forward(" + l.count(a.id()) + ", " + l.value(a.input()) + ", " + o
                + ", " + l.value(a.id()) + ", " + o + ");");
    }

    /** Straight into dX where this is its first write, else through the scratch rows and added. */
    static void backward(Activate a, Emit e) {
        ClassLayout l = e.layout();
        int id = a.id();
        String count = l.count(id);
        String o = l.off(id);
        String dy = l.grad(id);
        String dx = l.grad(a.input());
        String y = l.value(id);
        if (l.claimWrite(dx, true)) {
            e.w().line("Activation." + a.activation() + ".backward(" + count + ", " + y + ", " + o + ", " + dy + ", "
                    + o + ", " + dx + ", " + o + ");");
        } else {
            e.w().line("Activation." + a.activation() + ".backward(" + count + ", " + y + ", " + o + ", " + dy + ", "
                    + o + ", scratch, " + SCR + ");");
            e.w().line("Elementwise.axpy(" + count + ", 1f, scratch, " + SCR + ", " + dx + ", " + o + ");");
        }
    }

    static double[] reference(Activate a, RefState r) {
        double[] x = r.v()[a.input()];
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = a.activation().apply(x[i]);
        return y;
    }

    static void referenceBackward(Activate a, RefState r) {
        double[] dx = r.dv()[a.input()];
        double[] y = r.v()[a.id()];
        for (int i = 0; i < dx.length; i++)
            dx[i] += r.dv()[a.id()][i] * a.activation().derivativeFromOutput(y[i]);
    }

    /** Forward-mode Jacobian for row {@code r}: {@code diag(f'(z)) M}, z the pre-activation (in place; m not null). */
    static double[] jacobian(Activate a, double[] m, int d, float[] z, int r) {
        int wd = a.width();
        for (int o = 0; o < wd; o++) {
            double s = a.activation().derivativeFromOutput(a.activation().apply((double) z[r * wd + o]));
            int off = o * d;
            for (int j = 0; j < d; j++) m[off + j] *= s;
        }
        return m;
    }
}
