package ae4j.dsl.analysis;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.util.Locale;

/**
 * How well a model reconstructs a data set, apart from its penalties: the weighted sum of the objective's loss
 * terms (mse, bernoulli_nll, gaussian_nll, categorical_nll: -log p_decoder(x | h) or the squared error) beside the
 * whole objective, which adds penalties such as a contractive or sparsity term. Models with different penalties
 * compare by the first (section 14.7 compares spectra at equal reconstruction error); without corruption or noise.
 *
 * @param reconstruction the loss terms' weighted mean over the examples
 * @param objective the whole objective's mean (the same when there is no penalty)
 * @param penalties whether the objective has terms besides the loss terms
 */
public record ReconstructionError(double reconstruction, double objective, boolean penalties) {

    /** Measures it on the n rows of x (n x d) in batches of the model's maxBatch. */
    public static ReconstructionError measure(CompiledModel m, Graph g, float[] x, int n, int d) {
        double[] means = Forward.meanTermsAndLoss(m, x, n, d);
        double rec = 0;
        boolean penalties = false;
        for (int k = 0; k < g.objective().size(); k++) {
            Graph.Term t = g.objective().get(k);
            if (isLoss(t)) rec += t.weight() * means[1 + k];
            else penalties = true;
        }
        return new ReconstructionError(penalties ? rec : means[0], means[0], penalties);
    }

    /** Whether the term compares the data with the decoder's output (a loss, not a penalty). */
    static boolean isLoss(Graph.Term t) {
        return t instanceof Graph.Mse
                || t instanceof Graph.BernoulliNll
                || t instanceof Graph.GaussianNll
                || t instanceof Graph.CategoricalNll;
    }

    /** "222.67103 (the loss terms, no corruption; the objective with its penalties: 226.15058)", or "(no corruption)". */
    public String describe() {
        return penalties
                ? String.format(
                        Locale.ROOT,
                        "%.5f (the loss terms, no corruption; the objective with its penalties: %.5f)",
                        reconstruction,
                        objective)
                : String.format(Locale.ROOT, "%.5f (no corruption)", objective);
    }
}
