package ae4j.dsl.check;

import java.util.Locale;

/** The kinds of layer the language has (the {@code LAYER} built-ins). */
public enum LayerKind {
    DENSE;

    /** The kind of that name in the language (a name the checker has accepted). */
    public static LayerKind of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** The language's word: {@code dense}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
