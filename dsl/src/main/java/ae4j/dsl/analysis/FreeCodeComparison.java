package ae4j.dsl.analysis;

import ae4j.dsl.compile.Lowering;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.util.Locale;

/**
 * A model with a free code (predictive sparse decomposition, 14.8) against itself as deployed: the code h* the
 * steps on it infer (what training sees) and the encoder's prediction f(x) (what the model gives once trained),
 * each with its reconstruction, over a data set without corruption or noise.
 */
public final class FreeCodeComparison {

    private FreeCodeComparison() {}

    /**
     * The measures, each over the n examples: the mean per example of sum_i (x_i - r_i)^2 with r from f(x) and
     * from h*; ||f(x) - h*|| / ||h*|| over every entry of the codes; the fractions of code entries exactly zero.
     */
    public record Result(
            int examples,
            double reconstructionFromEncoder,
            double reconstructionFromCode,
            double relativeGap,
            double zerosInCode,
            double zerosInEncoder) {

        /** One line: "reconstruction error per example 44.2 from f(x) ..., 27.2 from h* ...". */
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "reconstruction error per example %.4g from the encoder's code f(x) (the model as deployed),"
                            + " %.4g from the inferred code h*; ||f(x) - h*|| / ||h*|| = %.3g; exactly zero: %.1f%%"
                            + " of h*, %.1f%% of f(x)",
                    reconstructionFromEncoder,
                    reconstructionFromCode,
                    relativeGap,
                    100 * zerosInCode,
                    100 * zerosInEncoder);
        }
    }

    /** True when the model has a free code (and a reconstruction to compare). */
    public static boolean applies(Lowering.Lowered ir) {
        return ir.graph().freeCode() != null && ir.reconstruction() >= 0;
    }

    /** The measures on the n rows of x (n x d, row-major). */
    public static Result measure(CompiledModel m, Lowering.Lowered ir, float[] x, int n, int d) {
        if (!applies(ir)) throw new IllegalArgumentException("model " + m.name() + " has no free code");
        int code = ir.code();
        int width = ir.graph().width(code);
        int r = ir.reconstruction();
        float[] encoded = Forward.values(m, code, x, n, d, width);
        float[] fromEncoder = Forward.values(m, r, x, n, d, d);
        float[] inferred = Forward.valuesAfterCodeSteps(m, code, x, n, d, width);
        float[] fromCode = Forward.valuesAfterCodeSteps(m, r, x, n, d, d);
        double gap = 0, norm = 0;
        int zerosCode = 0, zerosEncoder = 0;
        for (int i = 0; i < inferred.length; i++) {
            double diff = (double) encoded[i] - inferred[i];
            gap += diff * diff;
            norm += (double) inferred[i] * inferred[i];
            if (inferred[i] == 0) zerosCode++;
            if (encoded[i] == 0) zerosEncoder++;
        }
        double entries = inferred.length;
        return new Result(
                n,
                squaredError(x, fromEncoder) / n,
                squaredError(x, fromCode) / n,
                Math.sqrt(gap / norm),
                zerosCode / entries,
                zerosEncoder / entries);
    }

    private static double squaredError(float[] x, float[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            double e = (double) x[i] - r[i];
            s += e * e;
        }
        return s;
    }
}
