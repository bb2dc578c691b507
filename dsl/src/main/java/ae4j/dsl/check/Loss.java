package ae4j.dsl.check;

import java.util.Locale;

/** The losses an objective's terms can use (the {@code LOSS} built-ins), by their names in the language. */
public enum Loss {
    MSE,
    GAUSSIAN_NLL,
    BERNOULLI_NLL,
    CATEGORICAL_NLL,
    L1,
    L2,
    KL_SPARSITY,
    JACOBIAN_FROBENIUS,
    WEIGHT_DECAY;

    /** The loss of that name in the language (a name the checker has accepted). */
    public static Loss of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** The language's word: {@code bernoulli_nll}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the loss compares the data with a reconstruction (the likelihood terms and mse). */
    public boolean comparesTwoValues() {
        return this == MSE || this == GAUSSIAN_NLL || this == BERNOULLI_NLL || this == CATEGORICAL_NLL;
    }

    @Override
    public String toString() {
        return word();
    }
}
