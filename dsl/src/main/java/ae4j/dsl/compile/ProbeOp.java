package ae4j.dsl.compile;

import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph.Probe;

/**
 * Y = X + sigma * N(0, I) always, in training and evaluation: the probe of the stochastic Jacobian estimate
 * ({@code jacobian_frobenius} of a deep encoder). The gradient passes through unchanged.
 */
final class ProbeOp {

    private ProbeOp() {}

    static String describe(Probe pr, ClassLayout l) {
        return l.value(pr.id()) + " = " + l.value(pr.input()) + " + " + Comments.number(pr.sigma())
                + " * N(0, I), always: the probe of the Jacobian estimate";
    }

    static void forward(Probe pr, Emit e) {
        ClassLayout l = e.layout();
        int id = pr.id();
        e.copy(pr.input(), id);
        e.w().line("Philox.addGaussian(seed, " + (id * 8) + ", " + e.counter(id) + ", " + f(pr.sigma()) + ", "
                + l.value(id) + ", " + l.off(id) + ", " + l.count(id) + ");");
    }

    static void backward(Probe pr, Emit e) {
        GradientSeeds.pass(e, pr.id(), pr.input());
    }

    static double[] reference(Probe pr, RefState r) {
        double[] y = r.v()[pr.input()].clone();
        double[] eps = r.sampled()[pr.id()];
        for (int i = 0; i < y.length; i++) y[i] += pr.sigma() * eps[i];
        return y;
    }

    static void referenceBackward(Probe pr, RefState r) {
        r.passGradient(pr.id(), pr.input());
    }
}
