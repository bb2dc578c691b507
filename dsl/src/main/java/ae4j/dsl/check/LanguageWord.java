package ae4j.dsl.check;

import java.util.Locale;

/**
 * An enum of the checked model whose constants are words of the language ({@code BERNOULLI_NLL} is
 * {@code bernoulli_nll}): the word, and the constant of a word the checker has accepted.
 */
public interface LanguageWord {

    String name();

    /** The language's word: {@code bernoulli_nll}. */
    default String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} for a word of the language. */
    static <E extends Enum<E>> E of(Class<E> type, String word) {
        return Enum.valueOf(type, word.toUpperCase(Locale.ROOT));
    }
}
