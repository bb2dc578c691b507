package ae4j.dsl.check;

/** The kinds of layer the language has (the {@code LAYER} built-ins). */
public enum LayerKind implements LanguageWord {
    DENSE;

    /** The kind of that name in the language (a name the checker has accepted). */
    public static LayerKind of(String word) {
        return LanguageWord.of(LayerKind.class, word);
    }

    @Override
    public String toString() {
        return word();
    }
}
