package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.FreeCode;

/**
 * A free code (predictive sparse decomposition, 14.19): starts at its initial value (normally f(x)) and is then
 * moved by gradient steps on the objective ({@code optimizeCode}; proximal steps for an l1 term on the code, {@link
 * ProximalCode}); no gradient reaches the initial value.
 */
final class FreeCodeOp {

    private FreeCodeOp() {}

    static String describe(FreeCode fc, ClassLayout l) {
        return l.value(fc.id()) + ": the free code, starting at " + l.value(fc.init()) + ", then " + fc.steps()
                + (ProximalCode.lambda(l.g) > 0 ? " proximal" : "") + " gradient steps of size "
                + Comments.number(fc.lr());
    }

    static void forward(FreeCode fc, Emit e) {
        ClassLayout l = e.layout();
        String o = l.off(fc.id());
        e.w().line("System.arraycopy(" + l.value(fc.init()) + ", " + o + ", " + l.value(fc.id()) + ", " + o + ", "
                + l.count(fc.id()) + ");   // optimizeCode improves it");
    }

    /** The initial value, or {@code sampled[id]} when given (a check holding the code fixed). */
    static double[] reference(FreeCode fc, RefState r) {
        double[][] s = r.sampled();
        return (s != null && s[fc.id()] != null ? s[fc.id()] : r.v()[fc.init()]).clone();
    }
}
