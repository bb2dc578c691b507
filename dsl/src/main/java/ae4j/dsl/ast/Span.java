package ae4j.dsl.ast;

/**
 * Where a node comes from: 1-based line and column of its first character, and of the character just
 * after its last one; plus 0-based character offsets [start, end) into the source.
 */
public record Span(int line, int col, int endLine, int endCol, int start, int end) {

    public static final Span NONE = new Span(0, 0, 0, 0, 0, 0);

    /** The smallest span covering both. */
    public Span to(Span other) {
        if (this == NONE) return other;
        if (other == NONE) return this;
        Span first = start <= other.start ? this : other;
        Span last = end >= other.end ? this : other;
        return new Span(first.line, first.col, last.endLine, last.endCol, first.start, last.end);
    }

    public int length() {
        return Math.max(1, end - start);
    }
}
