package ae4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.execution.LocalExecutionControlProvider;

/**
 * Java cells: JShell running in the kernel's own JVM (so snippets share objects with %%ae cells), with the
 * Vector API module, the usual default imports and ae4j's facade imported.
 */
final class JavaCells implements AutoCloseable {

    static final List<String> IMPORTS = List.of(
            "java.util.*",
            "java.util.function.*",
            "java.util.stream.*",
            "java.io.*",
            "java.nio.file.*",
            "java.math.*",
            "java.util.concurrent.*",
            "java.util.regex.*",
            "ae4j.api.*",
            "static ae4j.kernel.Notebook.*");

    /** The value of a cell's last expression: JShell's text and the object itself (null if none). */
    record Value(String text, Object object, boolean present) {
        static final Value NONE = new Value(null, null, false);
    }

    private final JShell shell;
    private final AtomicBoolean interrupted = new AtomicBoolean();

    JavaCells() {
        shell = JShell.builder()
                .executionEngine(new LocalExecutionControlProvider(), Map.of())
                .compilerOptions("--add-modules", "jdk.incubator.vector")
                .build();
        for (String i : IMPORTS) {
            List<SnippetEvent> ev = shell.eval("import " + i + ";");
            for (SnippetEvent e : ev) {
                if (e.status() == Snippet.Status.REJECTED)
                    throw new IllegalStateException("cannot import " + i + " in JShell");
            }
        }
    }

    JShell shell() {
        return shell;
    }

    /** Stops the running snippet (JShell's own stop; loops in snippet code check it on back-edges). */
    void stop() {
        interrupted.set(true);
        shell.stop();
    }

    /**
     * Evaluates a cell: one snippet after another, stopping at the first error. Compile errors come back as
     * {@link CellError} with the cell's line and a caret; exceptions thrown by the code with their stack
     * trace cut to the snippet frames.
     */
    Value eval(String cell, String cellName) throws CellError {
        interrupted.set(false);
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = cell;
        int consumed = 0;
        Value last = Value.NONE;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String source = info.source();
            if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE
                    || info.completeness() == SourceCodeAnalysis.Completeness.CONSIDERED_INCOMPLETE && source == null) {
                int line = lineOf(cell, consumed + leadingBlank(remaining));
                throw CellError.of(
                        "IncompleteInput",
                        cellName + ":" + line + ": the code is incomplete (a missing ';', '}' or ')'?)",
                        List.of(cellName + ":" + line
                                + ": error: the code is incomplete (a missing ';', '}' or ')'?)"));
            }
            if (source == null || source.isBlank()) {
                source = remaining;
            }
            int at = remaining.indexOf(source);
            int start = consumed + (at >= 0 ? at : leadingBlank(remaining));
            last = evalSnippet(source, cell, cellName, start);
            if (interrupted.get()) throw interruptedError();
            consumed += remaining.length() - info.remaining().length();
            remaining = info.remaining();
        }
        return last;
    }

    private Value evalSnippet(String source, String cell, String cellName, int offsetInCell) throws CellError {
        List<SnippetEvent> events = shell.eval(source);
        Value value = Value.NONE;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            if (e.status() == Snippet.Status.REJECTED) {
                throw compileError(e.snippet(), cell, cellName, offsetInCell);
            }
            if (e.exception() != null) {
                // A sleep or wait the interrupt woke up throws; the cell was still interrupted.
                throw interrupted.get() ? interruptedError() : runtimeError(e.exception(), cellName);
            }
            Snippet s = e.snippet();
            if (s.kind() == Snippet.Kind.EXPRESSION || s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
                String name = s instanceof jdk.jshell.ExpressionSnippet ex
                        ? ex.name()
                        : s instanceof jdk.jshell.VarSnippet v ? v.name() : null;
                if (e.value() != null && name != null && !isVoid(s)) {
                    value = new Value(e.value(), fetch(name), true);
                }
            }
        }
        return value;
    }

    private static CellError interruptedError() {
        return CellError.of("Interrupted", "the cell was interrupted", List.of("Interrupted: the cell was stopped"));
    }

    private boolean isVoid(Snippet s) {
        return s instanceof jdk.jshell.VarSnippet v && "void".equals(v.typeName());
    }

    /** The object behind a JShell variable, through a static holder both sides see (same JVM, same class). */
    private Object fetch(String variable) {
        Results.clear();
        List<SnippetEvent> ev = shell.eval("ae4j.kernel.Results.hold(" + variable + ");");
        for (SnippetEvent e : ev) {
            if (e.status() == Snippet.Status.REJECTED || e.exception() != null) return null;
        }
        Object o = Results.take();
        // The helper snippet is an implementation detail: drop it from the session's history.
        for (SnippetEvent e : ev) shell.drop(e.snippet());
        return o;
    }

    private CellError compileError(Snippet snippet, String cell, String cellName, int offsetInCell) {
        List<String> lines = new ArrayList<>();
        String headline = null;
        for (Diag d : shell.diagnostics(snippet).toList()) {
            if (!d.isError()) continue;
            int pos = (int) Math.max(0, d.getStartPosition());
            int abs = offsetInCell + pos;
            int line = lineOf(cell, abs);
            int col = abs - lineStart(cell, abs) + 1;
            String msg = d.getMessage(null).lines().findFirst().orElse("error");
            String h = cellName + ":" + line + ":" + col + ": error: " + msg;
            if (headline == null) headline = h;
            lines.add(h);
            String text = cell.lines().skip(line - 1).findFirst().orElse("");
            lines.add("    " + text);
            int width = (int) Math.max(1, Math.min(d.getEndPosition() - d.getStartPosition(), text.length() - col + 1));
            lines.add("    " + " ".repeat(Math.max(0, col - 1)) + "^".repeat(Math.max(1, width)));
        }
        if (headline == null) {
            // Rejected without an error diagnostic: usually an unresolved reference in a declaration.
            headline =
                    cellName + ": the snippet was rejected: " + snippet.source().strip();
            lines.add(headline);
        }
        return CellError.of("CompileError", headline, lines);
    }

    private static CellError runtimeError(Exception ex, String cellName) {
        List<String> lines = new ArrayList<>();
        String cls = ex instanceof EvalException ee
                ? ee.getExceptionClassName()
                : ex instanceof UnresolvedReferenceException
                        ? "UnresolvedReference"
                        : ex.getClass().getName();
        String msg = ex instanceof UnresolvedReferenceException u
                ? "'" + u.getSnippet().source().strip() + "' refers to something not defined yet"
                : ex.getMessage();
        if (msg == null && cls.equals("java.lang.StackOverflowError"))
            msg = "the calls nested too deeply (a recursion that does not reach its base case?); the kernel is"
                    + " still running";
        lines.add(cls + (msg == null ? "" : ": " + msg));
        if (!cls.equals("ae4j.api.AeException")) {
            for (StackTraceElement el : ex.getStackTrace()) {
                String s = el.toString();
                if (s.startsWith("jdk.jshell.")
                        || s.startsWith("java.base/jdk.internal.reflect")
                        || s.startsWith("java.base/java.lang.reflect")) continue;
                boolean snippet = el.getClassName().startsWith("REPL.")
                        || el.getFileName() != null && el.getFileName().startsWith("#");
                lines.add("\tat "
                        + (snippet ? cellName + (wrapper(el.getMethodName()) ? "" : " " + el.getMethodName()) : s));
            }
            lines = collapseRepeats(lines);
            Throwable cause = ex.getCause();
            while (cause != null) {
                lines.add("Caused by: " + cause);
                cause = cause.getCause();
            }
        }
        return CellError.of(
                cls.equals("ae4j.api.AeException") ? "AeError" : "JavaException", msg == null ? cls : msg, lines);
    }

    /** JShell's wrapper around a cell's statements: its frames name no method, or do_it$. */
    private static boolean wrapper(String method) {
        return method.isEmpty() || method.startsWith("do_it$");
    }

    /** Runs of one line (a deep recursion's frames) as the line and how many more times it repeats. */
    private static List<String> collapseRepeats(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); ) {
            int j = i + 1;
            while (j < lines.size() && lines.get(j).equals(lines.get(i))) j++;
            out.add(lines.get(i));
            if (j - i > 1) out.add("\t... the line above repeated " + (j - i - 1) + " more times");
            i = j;
        }
        return out;
    }

    /** Completions for Java code at {@code cursor}: the replacement texts and where they go. */
    record Completions(List<String> texts, int start, int end) {}

    Completions complete(String code, int cursor) {
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> sug =
                shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor);
        List<String> texts = new ArrayList<>();
        for (SourceCodeAnalysis.Suggestion s : sug) {
            if (!texts.contains(s.continuation())) texts.add(s.continuation());
        }
        return new Completions(texts, anchor[0], cursor);
    }

    /** Documentation of the Java element at the cursor, or null. */
    String documentation(String code, int cursor) {
        List<SourceCodeAnalysis.Documentation> docs = shell.sourceCodeAnalysis().documentation(code, cursor, true);
        if (docs.isEmpty()) return null;
        StringBuilder b = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            b.append(d.signature()).append('\n');
            if (d.javadoc() != null) b.append(d.javadoc().strip()).append('\n');
        }
        return b.toString();
    }

    /** Jupyter's is_complete for Java: "complete", "incomplete" (with indent) or "invalid". */
    String isComplete(String code) {
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
            switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return "incomplete";
                }
                case UNKNOWN -> {
                    return "invalid";
                }
                default -> remaining = info.remaining();
            }
        }
        return "complete";
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    private static int lineStart(String text, int offset) {
        int i = Math.min(offset, text.length());
        while (i > 0 && text.charAt(i - 1) != '\n') i--;
        return i;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    @Override
    public void close() {
        shell.close();
    }
}
