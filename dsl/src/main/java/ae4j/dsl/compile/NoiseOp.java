package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.AddNoise;

/**
 * Y = X + sigma * N(0, I) in training (sigma the model's {@code noiseSigma}, set per step by the trainer when the
 * noise has a schedule) (noise before a code nonlinearity, section 14.9), the identity otherwise;
 * the gradient passes through unchanged.
 */
final class NoiseOp {

    private NoiseOp() {}

    static String describe(AddNoise a, ClassLayout l) {
        return l.value(a.id()) + " = " + l.value(a.input())
                + " + noiseSigma * N(0, I) in training (noise before the code; sigma " + Comments.number(a.sigma())
                + " unless its schedule drives it)";
    }

    static void forward(AddNoise a, Emit e) {
        ClassLayout l = e.layout();
        int id = a.id();
        e.copy(a.input(), id);
        e.w().line((e.training() ? "" : "if (noisy) ") + "Philox.addGaussian(seed, " + (id * 8) + ", " + e.counter(id)
                + ", noiseSigma, " + l.value(id) + ", " + l.off(id) + ", " + l.count(id) + ");");
    }

    static void backward(AddNoise a, Emit e) {
        GradientSeeds.pass(e, a.id(), a.input());
    }

    /** The unit noise is supplied in {@code sampled[id]} (absent: no noise, as in an evaluation). */
    static double[] reference(AddNoise a, RefState r) {
        double[] y = r.v()[a.input()].clone();
        double[] eps = r.sampled() == null ? null : r.sampled()[a.id()];
        if (eps != null) for (int i = 0; i < y.length; i++) y[i] += a.sigma() * eps[i];
        return y;
    }

    static void referenceBackward(AddNoise a, RefState r) {
        r.passGradient(a.id(), a.input());
    }
}
