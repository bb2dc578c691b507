package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph.Input;

/** The data x: the batch's rows, copied in. Nothing flows back into it. */
final class InputOp {

    private InputOp() {}

    static String describe(Input in, ClassLayout l) {
        return l.value(in.id()) + ": the input, " + in.width() + " values per example";
    }

    static void forward(Input in, Emit e) {
        ClassLayout l = e.layout();
        String o = l.off(in.id());
        e.w().line("System.arraycopy(data, " + o + ", " + l.value(in.id()) + ", " + o + ", " + l.count(in.id()) + ");");
    }

    static double[] reference(Input in, RefState r) {
        if (r.x().length != r.batch() * in.width()) {
            throw new IllegalArgumentException(
                    "input holds " + r.x().length + " values, expected batch " + r.batch() + " x width " + in.width());
        }
        return r.x().clone();
    }
}
