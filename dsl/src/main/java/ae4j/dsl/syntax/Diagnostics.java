package ae4j.dsl.syntax;

import ae4j.dsl.ast.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The diagnostics of one source, in source order, and their rendering with the offending line and a caret. */
public final class Diagnostics {

    private final String file;
    private final String source;
    private final List<Diagnostic> list = new ArrayList<>();

    public Diagnostics(String file, String source) {
        this.file = file;
        this.source = source;
    }

    public String file() {
        return file;
    }

    public String source() {
        return source;
    }

    public Diagnostic error(Span span, String message) {
        return add(Diagnostic.error(file, span, message));
    }

    public Diagnostic warning(Span span, String message) {
        return add(Diagnostic.warning(file, span, message));
    }

    public Diagnostic add(Diagnostic d) {
        // Error recovery can report the same position twice; keep the first.
        for (Diagnostic old : list) {
            if (old.span().start() == d.span().start()
                    && old.severity() == d.severity()
                    && old.span().line() == d.span().line()
                    && old.message().equals(d.message())) {
                return old;
            }
        }
        list.add(d);
        return d;
    }

    /** Replaces the last diagnostic added (to attach a hint). */
    public void replaceLast(Diagnostic d) {
        list.set(list.size() - 1, d);
    }

    public List<Diagnostic> all() {
        List<Diagnostic> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line())
                .thenComparingInt(d -> d.span().col()));
        return sorted;
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(Diagnostic::isError);
    }

    public long errorCount() {
        return list.stream().filter(Diagnostic::isError).count();
    }

    public long warningCount() {
        return list.stream().filter(d -> !d.isError()).count();
    }

    /** All diagnostics, each as headline, source line, caret line and optional hint. */
    public String render() {
        StringBuilder b = new StringBuilder();
        for (Diagnostic d : all()) b.append(render(d, source));
        return b.toString();
    }

    /** Source lines longer than this are shown as a window of this many characters around the caret. */
    static final int SHOWN_LINE = 100;

    /**
     * One diagnostic (a line longer than {@link #SHOWN_LINE} is shown around the caret):
     * <pre>
     * model.ae:3:27: error: unknown activation 'rleu'; did you mean 'relu'?
     *     encoder f { dense 256 rleu }
     *                           ^^^^
     * </pre>
     */
    public static String render(Diagnostic d, String source) {
        StringBuilder b = new StringBuilder(d.headline()).append('\n');
        String line = lineText(source, d.span().line());
        if (line != null) {
            // Tabs as spaces and invisible characters (a NUL byte) as '?', so the caret lines up and the terminal shows
            // it.
            StringBuilder visible = new StringBuilder(line.length());
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                visible.append(ch == '\t' ? ' ' : Character.isISOControl(ch) ? '?' : ch);
            }
            String shown = visible.toString();
            int col = Math.max(1, d.span().col());
            int width = d.span().endLine() == d.span().line()
                    ? Math.max(1, d.span().endCol() - d.span().col())
                    : 1;
            width = Math.max(1, Math.min(width, Math.max(1, shown.length() - col + 1)));
            // A long line is shown as a window around the caret, elided with "...".
            if (shown.length() > SHOWN_LINE) {
                int from = Math.max(0, Math.min(col - 1 - SHOWN_LINE / 2, shown.length() - SHOWN_LINE));
                int to = Math.min(shown.length(), from + SHOWN_LINE);
                String window =
                        (from > 0 ? "..." : "") + shown.substring(from, to) + (to < shown.length() ? "..." : "");
                col = col - from + (from > 0 ? 3 : 0);
                width = Math.max(1, Math.min(width, to - (d.span().col() - 1)));
                shown = window;
            }
            b.append("    ").append(shown).append('\n');
            b.append("    ")
                    .append(" ".repeat(col - 1))
                    .append("^".repeat(width))
                    .append('\n');
        }
        if (d.hint() != null) b.append("    = help: ").append(d.hint()).append('\n');
        return b.toString();
    }

    static String lineText(String source, int line) {
        if (line < 1) return null;
        int start = 0;
        for (int l = 1; l < line; l++) {
            int nl = source.indexOf('\n', start);
            if (nl < 0) return null;
            start = nl + 1;
        }
        int end = source.indexOf('\n', start);
        String text = end < 0 ? source.substring(start) : source.substring(start, end);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
