package ae4j.dsl.check;

/** The corruption processes C(x~ | x) of section 14.5, by their names in the language. */
public enum CorruptionKind implements LanguageWord {
    GAUSSIAN,
    MASKING,
    SALT_PEPPER;

    /** The process of that name in the language (a name the checker has accepted). */
    public static CorruptionKind of(String word) {
        return LanguageWord.of(CorruptionKind.class, word);
    }

    @Override
    public String toString() {
        return word();
    }
}
