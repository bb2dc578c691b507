package ae4j.dsl.check;

import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Name;
import ae4j.dsl.ast.Span;
import ae4j.dsl.check.Builtins.Kind;
import ae4j.dsl.syntax.Diagnostic;
import ae4j.dsl.syntax.Diagnostics;
import java.util.Collection;
import java.util.Optional;

/**
 * What the parts of the checker share ({@link Checker}: statements, {@link ModelChecker}: a model's items,
 * {@link ObjectiveChecker}: the objective and model expressions, {@link Arguments}: arguments against the
 * built-ins): the diagnostics, the source text, and how a problem is reported and an expression shown.
 */
abstract class CheckerPart {

    protected final Diagnostics diags;
    protected final String source;

    CheckerPart(Diagnostics diags) {
        this.diags = diags;
        this.source = diags.source() == null ? "" : diags.source();
    }

    /** "line N: text" for a span of the source: whitespace collapsed, comments dropped, at most 100 characters. */
    protected String origin(Span span) {
        String src = diags.source();
        if (src == null || span == null || span.end() > src.length() || span.start() >= span.end()) {
            return span == null ? null : "line " + span.line();
        }
        StringBuilder b = new StringBuilder();
        for (String line : src.substring(span.start(), span.end()).split("\n")) {
            int hash = line.indexOf('#');
            String code = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!code.isEmpty()) b.append(b.length() > 0 ? " " : "").append(code);
        }
        String text = b.toString().replaceAll("\\s+", " ");
        while (text.endsWith(";")) text = text.substring(0, text.length() - 1).strip();
        if (text.length() > 100) text = text.substring(0, 97) + "...";
        return "line " + span.line() + ": " + text;
    }

    /** The expression as written: numbers and strings as is, anything else quoted. */
    protected String shown(Expr e) {
        String text = shownPlain(e);
        if (e instanceof Expr.Str || Arguments.constant(e) != null) return text;
        return "'" + text + "'";
    }

    protected String shownPlain(Expr e) {
        Span s = e.span();
        if (s.start() >= 0 && s.end() <= source.length() && s.start() < s.end()) {
            return source.substring(s.start(), s.end()).replaceAll("\\s+", " ");
        }
        return e.toString();
    }

    protected void unknownBuiltin(Kind kind, Name n) {
        unknown(kind.words(), n, Builtins.names(kind), null);
    }

    protected void unknown(String what, Name n, Collection<String> candidates, String suffix) {
        String msg = "unknown " + what + " '" + n.text() + "'" + (suffix == null ? "" : suffix);
        Optional<String> s = Names.suggest(n.text(), candidates);
        if (s.isPresent()) {
            error(n.span(), msg + "; did you mean '" + s.get() + "'?");
        } else if (!candidates.isEmpty() && candidates.size() <= 30) {
            errorHint(n.span(), msg, "expected one of: " + String.join(", ", candidates));
        } else {
            error(n.span(), msg);
        }
    }

    protected void error(Span span, String message) {
        diags.error(span, message);
    }

    protected void errorHint(Span span, String message, String hint) {
        diags.add(Diagnostic.error(diags.file(), span, message).withHint(hint));
    }

    protected int errorCount() {
        return (int) diags.errorCount();
    }
}
