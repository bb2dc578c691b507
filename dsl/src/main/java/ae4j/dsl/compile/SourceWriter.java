package ae4j.dsl.compile;

/**
 * Indented lines of Java source, with a {@code // line N: ...} comment each time the DSL origin of what
 * follows changes. The emitters of one generated class share one writer.
 */
final class SourceWriter {

    private final StringBuilder out = new StringBuilder();
    private int indent;
    private String lastOrigin;

    /** One line at the current indentation. */
    void line(String s) {
        out.append("    ".repeat(indent)).append(s).append('\n');
    }

    /** A line that opens a block ({@code "... {"}); what follows is indented. */
    void open(String s) {
        line(s);
        indent++;
    }

    /** Ends the block {@link #open} started with {@code s} (usually {@code "}"}). */
    void close(String s) {
        indent--;
        line(s);
    }

    void indent() {
        indent++;
    }

    void outdent() {
        indent--;
    }

    int indentation() {
        return indent;
    }

    /** A "// line N: ..." comment when the DSL origin changes (null: unknown, nothing written). */
    void origin(String o) {
        if (o == null || o.equals(lastOrigin)) return;
        lastOrigin = o;
        // No unicode escapes in generated comments: javac would decode them, even there.
        line("// " + o.replace("\\u", "\\ u"));
    }

    /** Forgets the last origin: the next one is written even if it is the same (a new method starts). */
    void resetOrigin() {
        lastOrigin = null;
    }

    /** Appends lines another writer produced (already indented). */
    void append(SourceWriter other) {
        out.append(other.out);
    }

    String text() {
        return out.toString();
    }

    /** A float literal: {@code 0.3f}. */
    static String f(double v) {
        return Float.toString((float) v) + "f";
    }
}
