package ae4j.dsl.check;

import java.util.Locale;

/** The nonlinearity after a layer, as the language names it ({@code linear} is {@code identity}). */
public enum Nonlinearity {
    IDENTITY,
    RELU,
    SIGMOID,
    TANH,
    SOFTPLUS,
    SOFTMAX;

    /** The activation of that name in the language (a name the checker has accepted). */
    public static Nonlinearity of(String word) {
        return word.equals("linear") ? IDENTITY : valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** The language's word: {@code relu}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
