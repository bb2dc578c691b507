package ae4j.dsl.analysis;

import ae4j.dsl.ir.Graph;
import ae4j.vecmath.Losses;
import java.util.SplittableRandom;

/**
 * The decoder's distribution p_decoder(x | h) (section 14.4), read off the objective term that reconstructs the
 * input: {@code bernoulli_nll} gives independent Bernoullis with p = sigmoid(logits); {@code gaussian_nll} a
 * Gaussian N(mean, sigma^2 I) with its sigma; {@code categorical_nll} one category drawn from softmax(logits),
 * as a one-hot vector; {@code mse} a Gaussian whose sigma the caller estimates (the root mean square
 * reconstruction error per value is its maximum-likelihood estimate), see {@link #withSigma}.
 *
 * @param node the IR node whose values parameterise it: logits (Bernoulli, categorical) or the mean (Gaussian)
 */
public record DecoderDistribution(Kind kind, int node, double sigma) {

    /** The three families of output distribution. */
    public enum Kind {
        BERNOULLI,
        GAUSSIAN,
        CATEGORICAL
    }

    /** The distribution of the first objective term that reconstructs the input (node 0); null when none does. */
    public static DecoderDistribution of(Graph g) {
        for (Graph.Term t : g.objective()) {
            switch (t) {
                case Graph.BernoulliNll b
                when b.target() == 0 -> {
                    return new DecoderDistribution(Kind.BERNOULLI, b.logits(), Double.NaN);
                }
                case Graph.GaussianNll gn
                when gn.target() == 0 -> {
                    return new DecoderDistribution(Kind.GAUSSIAN, gn.mean(), gn.sigma());
                }
                case Graph.CategoricalNll c
                when c.target() == 0 -> {
                    return new DecoderDistribution(Kind.CATEGORICAL, c.logits(), Double.NaN);
                }
                case Graph.Mse m
                when m.a() == 0 && m.b() != 0 -> {
                    return new DecoderDistribution(Kind.GAUSSIAN, m.b(), Double.NaN);
                }
                case Graph.Mse m
                when m.b() == 0 && m.a() != 0 -> {
                    return new DecoderDistribution(Kind.GAUSSIAN, m.a(), Double.NaN);
                }
                default -> {}
            }
        }
        return null;
    }

    /** This Gaussian with sigma {@code s} (for an mse-trained decoder, which does not state one). */
    public DecoderDistribution withSigma(double s) {
        return new DecoderDistribution(kind, node, s);
    }

    /** Whether sampling needs a sigma that is not known yet (an mse decoder). */
    public boolean needsSigma() {
        return kind == Kind.GAUSSIAN && !(sigma >= 0);
    }

    /** The mean of p(x | h) for n rows of width d of the node's values: probabilities or the Gaussian mean. */
    public void mean(float[] v, int n, int d, float[] out) {
        switch (kind) {
            case BERNOULLI -> {
                for (int i = 0; i < n * d; i++) out[i] = (float) (1 / (1 + Math.exp(-v[i])));
            }
            case GAUSSIAN -> System.arraycopy(v, 0, out, 0, n * d);
            case CATEGORICAL -> Losses.softmax(n, d, v, 0, d, out, 0, d);
        }
    }

    /** One draw from p(x | h) for each of n rows of width d of the node's values. */
    public void sample(float[] v, int n, int d, SplittableRandom rng, float[] out) {
        if (needsSigma()) throw new IllegalStateException("the Gaussian decoder's sigma is not set (withSigma)");
        mean(v, n, d, out);
        switch (kind) {
            case BERNOULLI -> {
                for (int i = 0; i < n * d; i++) out[i] = rng.nextDouble() < out[i] ? 1f : 0f;
            }
            case GAUSSIAN -> {
                for (int i = 0; i < n * d; i++) out[i] += (float) (sigma * gaussian(rng));
            }
            case CATEGORICAL -> {
                for (int r = 0; r < n; r++) {
                    double u = rng.nextDouble();
                    int pick = d - 1;
                    double c = 0;
                    for (int j = 0; j < d; j++) {
                        c += out[r * d + j];
                        if (u < c) {
                            pick = j;
                            break;
                        }
                    }
                    for (int j = 0; j < d; j++) out[r * d + j] = j == pick ? 1f : 0f;
                }
            }
        }
    }

    /** "Bernoulli", "Gaussian (sigma 0.1)", "categorical". */
    public String words() {
        return switch (kind) {
            case BERNOULLI -> "Bernoulli";
            case GAUSSIAN -> String.format(java.util.Locale.ROOT, "Gaussian (sigma %.4g)", sigma);
            case CATEGORICAL -> "categorical";
        };
    }

    /** A standard normal by Box-Muller (one of the pair; simple and exact). */
    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble(); // (0, 1]
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
