package ae4j.dsl.ast;

/** An identifier as written, e.g. {@code dae}, {@code relu}, or {@code x~} (tilde included). */
public record Name(String text, Span span) implements Node {
    public boolean isTilde() {
        return text.endsWith("~");
    }

    /** The name without a trailing tilde: {@code x~} is the corrupted version of {@code x}. */
    public String base() {
        return isTilde() ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public String toString() {
        return text;
    }
}
