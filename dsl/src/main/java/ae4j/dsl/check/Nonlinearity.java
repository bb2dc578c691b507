package ae4j.dsl.check;

/** The nonlinearity after a layer, as the language names it ({@code linear} is {@code identity}). */
public enum Nonlinearity implements LanguageWord {
    IDENTITY,
    RELU,
    SIGMOID,
    TANH,
    SOFTPLUS,
    SOFTMAX;

    /** The activation of that name in the language (a name the checker has accepted). */
    public static Nonlinearity of(String word) {
        return word.equals("linear") ? IDENTITY : LanguageWord.of(Nonlinearity.class, word);
    }

    @Override
    public String toString() {
        return word();
    }
}
