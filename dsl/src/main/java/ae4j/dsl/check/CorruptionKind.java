package ae4j.dsl.check;

import java.util.Locale;

/** The corruption processes C(x~ | x) of section 14.5, by their names in the language. */
public enum CorruptionKind {
    GAUSSIAN,
    MASKING,
    SALT_PEPPER;

    /** The process of that name in the language (a name the checker has accepted). */
    public static CorruptionKind of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** The language's word: {@code salt_pepper}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
