package ae4j.dsl.format;

import ae4j.dsl.ast.Analysis;
import ae4j.dsl.ast.Arg;
import ae4j.dsl.ast.DataSource;
import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Layer;
import ae4j.dsl.ast.ModelItem;
import ae4j.dsl.ast.Name;
import ae4j.dsl.ast.Program;
import ae4j.dsl.ast.Span;
import ae4j.dsl.ast.Statement;
import ae4j.dsl.ast.Transform;
import ae4j.dsl.syntax.Diagnostics;
import ae4j.dsl.syntax.SizeLimits;
import ae4j.dsl.syntax.SourceParser;
import ae4j.grammar.AeLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Prints the canonical form of an ae4j program, keeping its comments.
 *
 * <p>Rules: statements one per line, one blank line between statements of different kinds (and around
 * every model); model items indented by 2, one per line; a layer list, argument block or analysis list in
 * braces stays on one line ({@code { dense 256 relu; dense 64 sigmoid }}) when the line fits in
 * {@value #WIDTH} columns and no comment sits inside the braces, otherwise one entry per line; named
 * arguments as {@code name: value}; binary operators with one space on each side; only the parentheses
 * precedence needs; numbers as written; strings re-escaped.
 *
 * <p>Comments come from the lexer's hidden channel and are placed by position: a comment that follows
 * code on its line stays at the end of the output line holding that code; a comment on a line of its own
 * goes, at that line's indentation, before the first output line that starts after it (a single blank
 * line after it in the source is kept). A comment inside a construct printed on one line goes just before
 * that line.
 */
public final class Formatter {

    /** Line width under which braces stay on one line. */
    public static final int WIDTH = 100;

    private static final String INDENT = "  ";

    /** The formatted text, or null when the source has syntax errors (then see the diagnostics). */
    public record Result(String text, Diagnostics diagnostics) {
        public boolean ok() {
            return text != null;
        }
    }

    /** Formats a source; refuses (text null) when it does not parse. Semantic errors do not matter here. */
    public static Result format(String file, String source) {
        return SizeLimits.onDeepStack(() -> formatHere(file, source));
    }

    private static Result formatHere(String file, String source) {
        SourceParser.Parsed parsed = SourceParser.parse(file, source);
        if (!parsed.ok()) return new Result(null, parsed.diagnostics());
        return new Result(new Formatter(parsed.program(), source).print(), parsed.diagnostics());
    }

    /** Formats an already parsed program; {@code source} is the text it was parsed from (for its comments). */
    public static String format(Program program, String source) {
        return new Formatter(program, source).print();
    }

    /** Formats a source that must parse; throws IllegalArgumentException with the diagnostics otherwise. */
    public static String format(String source) {
        Result r = format("<input>", source);
        if (!r.ok())
            throw new IllegalArgumentException(
                    "syntax errors:\n" + r.diagnostics().render());
        return r.text();
    }

    // ------------------------------------------------------------------ comments and lines

    /** A comment: its text (from '#', trailing blanks removed), offset, and where it sits. */
    private record Comment(String text, int offset, boolean trailing, int prevTokenOffset, boolean blankAfter) {}

    /** One output line: the source range [start, end) of the code it prints, and the comments placed on it. */
    private static final class Line {
        final int indent;
        final String text;
        final int start;
        final int end;
        final int commentIndent;
        final boolean blankBefore;
        final List<Comment> leading = new ArrayList<>();
        String trailing;

        Line(int indent, String text, int start, int end, int commentIndent, boolean blankBefore) {
            this.indent = indent;
            this.text = text;
            this.start = start;
            this.end = end;
            this.commentIndent = commentIndent;
            this.blankBefore = blankBefore;
        }
    }

    private final Program program;
    private final List<Comment> comments = new ArrayList<>();
    private final List<Token> lbraces = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();

    private Formatter(Program program, String source) {
        this.program = program;
        lex(source);
    }

    private void lex(String source) {
        AeLexer lexer = new AeLexer(CharStreams.fromString(source));
        lexer.removeErrorListeners();
        List<? extends Token> all = lexer.getAllTokens();
        for (int i = 0; i < all.size(); i++) {
            Token t = all.get(i);
            if (t.getType() == AeLexer.LBRACE) lbraces.add(t);
            if (t.getType() != AeLexer.COMMENT) continue;
            boolean trailing = false;
            int prev = -1;
            for (int j = i - 1; j >= 0; j--) {
                Token p = all.get(j);
                if (p.getType() == AeLexer.WS) {
                    if (p.getText().indexOf('\n') >= 0) break;
                    continue;
                }
                if (p.getChannel() == Token.DEFAULT_CHANNEL) {
                    trailing = true;
                    prev = p.getStartIndex();
                }
                break;
            }
            boolean blankAfter = false;
            if (i + 2 < all.size()) {
                Token n = all.get(i + 1);
                if (n.getType() == AeLexer.WS) {
                    String ws = n.getText().replace("\r", "");
                    blankAfter = ws.indexOf('\n') != ws.lastIndexOf('\n');
                }
            }
            comments.add(new Comment(t.getText().stripTrailing(), t.getStartIndex(), trailing, prev, blankAfter));
        }
    }

    private String print() {
        Class<?> previous = null;
        for (Statement s : program.statements()) {
            boolean blank = previous != null && (previous != s.getClass() || s instanceof Statement.ModelDecl);
            statement(s, blank);
            previous = s.getClass();
        }
        List<Comment> trailer = placeComments();
        return render(trailer);
    }

    private List<Comment> placeComments() {
        List<Comment> trailer = new ArrayList<>();
        for (Comment c : comments) {
            Line inside = null;
            for (Line l : lines) {
                if (l.start <= c.offset && c.offset < l.end) inside = l;
            }
            if (inside != null) {
                inside.leading.add(c);
                continue;
            }
            if (c.trailing) {
                Line owner = null;
                for (Line l : lines) {
                    if (l.start <= c.prevTokenOffset) owner = l;
                }
                if (owner != null) {
                    owner.trailing = owner.trailing == null ? c.text : owner.trailing + " " + c.text;
                    continue;
                }
            }
            Line next = null;
            for (Line l : lines) {
                if (l.start > c.offset) {
                    next = l;
                    break;
                }
            }
            if (next != null) next.leading.add(c);
            else trailer.add(c);
        }
        return trailer;
    }

    private String render(List<Comment> trailer) {
        StringBuilder b = new StringBuilder();
        for (Line l : lines) {
            if (l.blankBefore && !b.isEmpty()) b.append('\n');
            for (Comment c : l.leading) {
                b.append(INDENT.repeat(l.commentIndent)).append(c.text).append('\n');
                if (c.blankAfter) b.append('\n');
            }
            b.append(INDENT.repeat(l.indent)).append(l.text);
            if (l.trailing != null) b.append("  ").append(l.trailing);
            b.append('\n');
        }
        for (int i = 0; i < trailer.size(); i++) {
            Comment c = trailer.get(i);
            b.append(c.text).append('\n');
            if (c.blankAfter && i + 1 < trailer.size()) b.append('\n');
        }
        return b.toString();
    }

    private void line(int indent, String text, int start, int end, boolean blankBefore) {
        lines.add(new Line(indent, text, start, end, indent, blankBefore));
    }

    private boolean commentBetween(int from, int to) {
        for (Comment c : comments) {
            if (from < c.offset && c.offset < to) return true;
        }
        return false;
    }

    /** Offset of the first '{' at or after {@code from}. */
    private int lbrace(int from) {
        for (Token t : lbraces) {
            if (t.getStartIndex() >= from) return t.getStartIndex();
        }
        throw new IllegalStateException("no '{' after offset " + from);
    }

    /**
     * Prints {@code head { e1<sep> e2 }} on one line when short and free of comments, else head, entries
     * one per line (indented), and the closing brace.
     */
    private void block(
            int indent,
            String head,
            Span span,
            List<String> entries,
            List<Span> entrySpans,
            String sep,
            String lastSep,
            boolean blankBefore) {
        int open = lbrace(span.start());
        int close = span.end() - 1;
        String oneLine = entries.isEmpty() ? head + " {}" : head + " { " + joinOne(entries, sep) + " }";
        if (!commentBetween(open, close) && INDENT.length() * indent + oneLine.length() <= WIDTH) {
            line(indent, oneLine, span.start(), span.end(), blankBefore);
            return;
        }
        line(indent, head + " {", span.start(), open + 1, blankBefore);
        for (int i = 0; i < entries.size(); i++) {
            String s = i + 1 < entries.size() ? sep.strip() : lastSep;
            line(
                    indent + 1,
                    entries.get(i) + s,
                    entrySpans.get(i).start(),
                    entrySpans.get(i).end(),
                    false);
        }
        lines.add(new Line(indent, "}", close, close + 1, indent + 1, false));
    }

    private static String joinOne(List<String> entries, String sep) {
        return String.join(sep, entries);
    }

    // ------------------------------------------------------------------ statements

    private void statement(Statement s, boolean blank) {
        Span sp = s.span();
        switch (s) {
            case Statement.DataDecl d -> line(0, data(d), sp.start(), sp.end(), blank);
            case Statement.ModelDecl m -> {
                int open = lbrace(sp.start());
                line(0, "model " + m.name().text() + " {", sp.start(), open + 1, blank);
                for (ModelItem item : m.items()) modelItem(item);
                int close = sp.end() - 1;
                lines.add(new Line(0, "}", close, close + 1, 1, false));
            }
            case Statement.Train t -> {
                String head = "train " + t.model().text() + " on " + t.data().text();
                if (t.args().isEmpty()) line(0, head, sp.start(), sp.end(), blank);
                else argBlock(0, head, sp, t.args(), blank);
            }
            case Statement.Analyze a -> {
                String head =
                        a.verb() + " " + a.model().text() + " on " + a.data().text();
                if (a.analyses().isEmpty()) {
                    line(0, head, sp.start(), sp.end(), blank);
                } else {
                    List<String> entries = new ArrayList<>();
                    List<Span> spans = new ArrayList<>();
                    for (Analysis an : a.analyses()) {
                        entries.add(an.name().text() + (an.parenthesized() ? "(" + args(an.args()) + ")" : ""));
                        spans.add(an.span());
                    }
                    block(0, head, sp, entries, spans, ", ", "", blank);
                }
            }
            case Statement.Save v ->
                line(0, "save " + v.model().text() + " to " + string(v.path().value()), sp.start(), sp.end(), blank);
            case Statement.Load v ->
                line(0, "load " + v.model().text() + " from " + string(v.path().value()), sp.start(), sp.end(), blank);
            case Statement.Export e ->
                line(
                        0,
                        "export " + e.model().text()
                                + (e.part() == null ? "" : "." + e.part().text()) + " to "
                                + string(e.path().value())
                                + (e.format() == null ? "" : " as " + e.format().text()),
                        sp.start(),
                        sp.end(),
                        blank);
        }
    }

    private void argBlock(int indent, String head, Span span, List<Arg> args, boolean blank) {
        List<String> entries = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        for (Arg a : args) {
            entries.add(arg(a));
            spans.add(a.span());
        }
        block(indent, head, span, entries, spans, ", ", "", blank);
    }

    private String data(Statement.DataDecl d) {
        StringBuilder b = new StringBuilder("data ");
        if (d.names().size() == 1) {
            b.append(d.names().get(0).text());
        } else {
            b.append('(');
            for (int i = 0; i < d.names().size(); i++) {
                if (i > 0) b.append(", ");
                b.append(d.names().get(i).text());
            }
            b.append(')');
        }
        b.append(" = ");
        switch (d.source()) {
            case DataSource.FromCall c -> b.append(expr(c.call()));
            case DataSource.FromData r -> b.append(r.name().text());
        }
        for (Transform t : d.transforms()) {
            b.append(' ').append(t.name().text());
            if (t.parenthesized()) b.append('(').append(args(t.args())).append(')');
            else if (t.value() != null) b.append(' ').append(expr(t.value()));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ model items

    private void modelItem(ModelItem item) {
        Span sp = item.span();
        switch (item) {
            case ModelItem.Input in -> {
                List<String> dims = new ArrayList<>();
                for (Expr d : in.dims()) dims.add(expr(d));
                line(1, "input " + in.name().text() + "[" + String.join(", ", dims) + "]", sp.start(), sp.end(), false);
            }
            case ModelItem.Encoder e -> layerBlock(named("encoder", e.name()), sp, e.layers());
            case ModelItem.Decoder d -> {
                if (d.tied()) line(1, named("decoder", d.name()) + " tied", sp.start(), sp.end(), false);
                else layerBlock(named("decoder", d.name()), sp, d.layers());
            }
            case ModelItem.Code c ->
                line(
                        1,
                        "code " + c.name().text() + (c.value() == null ? "" : " = " + expr(c.value())),
                        sp.start(),
                        sp.end(),
                        false);
            case ModelItem.Output o ->
                line(
                        1,
                        "output " + o.distribution().text() + (o.parenthesized() ? "(" + args(o.args()) + ")" : ""),
                        sp.start(),
                        sp.end(),
                        false);
            case ModelItem.Corrupt c ->
                line(1, "corrupt " + c.target().text() + " = " + expr(c.process()), sp.start(), sp.end(), false);
            case ModelItem.Noise n ->
                line(1, "noise before " + n.code().text() + " = " + expr(n.process()), sp.start(), sp.end(), false);
            case ModelItem.FreeCode f -> {
                String head = "free code " + f.code().text();
                if (f.args().isEmpty()) line(1, head, sp.start(), sp.end(), false);
                else argBlock(1, head, sp, f.args(), false);
            }
            case ModelItem.Minimize m -> line(1, "minimize " + expr(m.objective()), sp.start(), sp.end(), false);
        }
    }

    private static String named(String keyword, Name name) {
        return name == null ? keyword : keyword + " " + name.text();
    }

    private void layerBlock(String head, Span span, List<Layer> layers) {
        int open = lbrace(span.start());
        int close = span.end() - 1;
        List<String> texts = new ArrayList<>();
        for (Layer l : layers) texts.add(layer(l));
        String oneLine = layers.isEmpty() ? head + " {}" : head + " { " + String.join("; ", texts) + " }";
        if (!commentBetween(open, close) && INDENT.length() + oneLine.length() <= WIDTH) {
            line(1, oneLine, span.start(), span.end(), false);
            return;
        }
        line(1, head + " {", span.start(), open + 1, false);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            // Without an activation or arguments, the next layer's kind would read as this one's activation.
            boolean needsSemi =
                    i + 1 < layers.size() && l.activation() == null && l.args().isEmpty();
            line(
                    2,
                    texts.get(i) + (needsSemi ? ";" : ""),
                    l.span().start(),
                    l.span().end(),
                    false);
        }
        lines.add(new Line(1, "}", close, close + 1, 2, false));
    }

    private String layer(Layer l) {
        String size = expr(l.size());
        // dense n(a: 1) would read as a call n(a: 1): parenthesize a size ending in a name before '('.
        if (l.activation() == null && !l.args().isEmpty() && endsWithName(l.size())) size = "(" + size + ")";
        StringBuilder b = new StringBuilder(l.kind().text()).append(' ').append(size);
        if (l.activation() != null) b.append(' ').append(l.activation().text());
        if (!l.args().isEmpty()) b.append('(').append(args(l.args())).append(')');
        return b.toString();
    }

    private static boolean endsWithName(Expr e) {
        return switch (e) {
            case Expr.Ref r -> true;
            case Expr.Binary bin -> endsWithName(bin.right());
            case Expr.Neg n -> endsWithName(n.operand());
            default -> false;
        };
    }

    // ------------------------------------------------------------------ expressions

    private String args(List<Arg> args) {
        List<String> out = new ArrayList<>();
        for (Arg a : args) out.add(arg(a));
        return String.join(", ", out);
    }

    private String arg(Arg a) {
        return a.isNamed() ? a.name().text() + ": " + expr(a.value()) : expr(a.value());
    }

    /** Prints an expression with only the parentheses that precedence requires. */
    public static String expr(Expr e) {
        return switch (e) {
            case Expr.Num n -> n.text();
            case Expr.Str s -> string(s.value());
            case Expr.Ref r -> r.name().text();
            case Expr.Call c -> {
                StringBuilder b = new StringBuilder(c.fn().text()).append('(');
                for (int i = 0; i < c.args().size(); i++) {
                    if (i > 0) b.append(", ");
                    Arg a = c.args().get(i);
                    if (a.isNamed()) b.append(a.name().text()).append(": ");
                    b.append(expr(a.value()));
                }
                yield b.append(')').toString();
            }
            case Expr.Neg n ->
                "-" + (n.operand() instanceof Expr.Binary ? "(" + expr(n.operand()) + ")" : expr(n.operand()));
            case Expr.Binary bin -> {
                int p = precedence(bin.op());
                String left = expr(bin.left());
                if (bin.left() instanceof Expr.Binary l && precedence(l.op()) < p) left = "(" + left + ")";
                String right = expr(bin.right());
                if (bin.right() instanceof Expr.Binary r && precedence(r.op()) <= p) right = "(" + right + ")";
                yield left + " " + bin.op() + " " + right;
            }
        };
    }

    private static int precedence(char op) {
        return op == '+' || op == '-' ? 1 : 2;
    }

    /** A string literal with backslash, quote, newline and tab escaped. */
    public static String string(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
