package ae4j.dsl.syntax;

import ae4j.dsl.ast.Span;

/**
 * One message for the user: where (file and span), how bad, what is wrong, and optionally what to do.
 * Rendered by {@link Diagnostics#render} as {@code file:line:col: error: message}, the source line and a
 * caret under the span.
 */
public record Diagnostic(Severity severity, String file, Span span, String message, String hint) {

    public enum Severity {
        ERROR,
        WARNING;

        public String word() {
            return this == ERROR ? "error" : "warning";
        }
    }

    public static Diagnostic error(String file, Span span, String message) {
        return new Diagnostic(Severity.ERROR, file, span, message, null);
    }

    public static Diagnostic warning(String file, Span span, String message) {
        return new Diagnostic(Severity.WARNING, file, span, message, null);
    }

    public Diagnostic withHint(String h) {
        return new Diagnostic(severity, file, span, message, h);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: error: message}. */
    public String headline() {
        return file + ":" + span.line() + ":" + span.col() + ": " + severity.word() + ": " + message;
    }
}
