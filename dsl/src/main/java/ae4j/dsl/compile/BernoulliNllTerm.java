package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;

import ae4j.dsl.ir.Graph.BernoulliNll;

/**
 * {@code bernoulli_nll(x, r)} on the decoder's logits z: sum_i max(z, 0) - z x + log(1 + e^-|z|), stable for large
 * |z|; gradient sigmoid(z) - x into z, -z into x.
 */
final class BernoulliNllTerm {

    private BernoulliNllTerm() {}

    static int[] nodes(BernoulliNll b) {
        return new int[] {b.target(), b.logits()};
    }

    static String describe(BernoulliNll b, ClassLayout l) {
        return "bernoulli_nll(" + l.value(b.target()) + ", logits " + l.value(b.logits()) + ")";
    }

    static void emit(BernoulliNll b, String tk, Emit e) {
        ClassLayout l = e.layout();
        String n = l.count(b.logits());
        String o = l.off(b.logits());
        String z = l.value(b.logits());
        e.w().line(tk + " = Losses.bceWithLogits(" + n + ", " + z + ", " + o + ", " + l.value(b.target()) + ", " + o
                + ", scale, seedGradients ? scratch : null, " + SCR + ") * inv;");
        GradientSeeds.block(l, e.w(), n, o, new String[] {"1f", "-scale"}, new String[] {"scratch", z}, new int[] {
            b.logits(), b.target()
        });
    }

    static double value(BernoulliNll b, RefState r) {
        double[][] v = r.v();
        double s = 0;
        for (int i = 0; i < v[b.logits()].length; i++) {
            double z = v[b.logits()][i];
            double x = v[b.target()][i];
            s += Math.max(z, 0) - z * x + Math.log1p(Math.exp(-Math.abs(z)));
        }
        return s;
    }

    static void gradient(BernoulliNll b, RefState r, double scale) {
        double[][] v = r.v();
        for (int i = 0; i < v[b.logits()].length; i++) {
            double z = v[b.logits()][i];
            double x = v[b.target()][i];
            r.dv()[b.logits()][i] += (1 / (1 + Math.exp(-z)) - x) * scale;
            r.dv()[b.target()][i] += (-z) * scale;
        }
    }
}
