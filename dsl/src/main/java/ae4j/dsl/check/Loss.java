package ae4j.dsl.check;

/** The losses an objective's terms can use (the {@code LOSS} built-ins), by their names in the language. */
public enum Loss implements LanguageWord {
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
        return LanguageWord.of(Loss.class, word);
    }

    @Override
    public String toString() {
        return word();
    }
}
