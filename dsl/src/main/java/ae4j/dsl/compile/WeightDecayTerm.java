package ae4j.dsl.compile;

import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph.WeightDecay;

/**
 * {@code weight_decay}: the sum of the squared dense weights (biases excluded, a tied weight once), a per-example
 * constant counted once per batch; its gradient 2 W goes straight into the parameters' gradients.
 */
final class WeightDecayTerm {

    private WeightDecayTerm() {}

    static int[] nodes(WeightDecay w) {
        return new int[0];
    }

    static String describe(WeightDecay w, ClassLayout l) {
        return "weight_decay";
    }

    static void emit(WeightDecay wd, String tk, Emit e) {
        ClassLayout l = e.layout();
        SourceWriter w = e.w();
        w.line(tk + " = 0;");
        w.line(
                "if (r0 == 0) {   // a penalty on the parameters: counted once, in the first part (gradient: paramGradients)");
        for (int pi : l.denseWeights()) {
            String p = l.param(pi);
            w.line("    " + tk + " += Norms.l2sq(" + p + ".length, " + p + ", 0);");
        }
        w.line("}");
    }

    /** In paramGradients: rows [lo, hi) of each dense weight's gradient get weight * 2 W. */
    static void emitParamGradients(WeightDecay wd, Emit e, ParamGradientEmitter pg) {
        ClassLayout l = e.layout();
        for (int pi : l.denseWeights()) {
            boolean ow = l.claimWrite(l.paramGrad(pi), true);
            pg.range(pi);
            e.w().line("Norms.l2sqGrad(" + pg.unitOffset(pi, "(hi - lo)") + ", " + f(wd.weight()) + ", " + l.param(pi)
                    + ", " + pg.unitOffset(pi, "lo") + ", " + l.paramGrad(pi) + ", " + pg.unitOffset(pi, "lo") + ", "
                    + !ow + ");");
        }
    }

    /** The sum times the batch: a per-example constant, so the batch mean is the plain sum. */
    static double value(WeightDecay w, RefState r) {
        double s = 0;
        for (int pi : r.g().denseWeights()) for (double x : r.p()[pi]) s += x * x;
        return s * r.batch();
    }

    static void gradient(WeightDecay w, RefState r, double scale) {
        for (int pi : r.g().denseWeights()) {
            for (int i = 0; i < r.p()[pi].length; i++) r.dp()[pi][i] += 2 * r.p()[pi][i] * scale * r.batch();
        }
    }
}
