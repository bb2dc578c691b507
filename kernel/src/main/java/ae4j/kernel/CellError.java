package ae4j.kernel;

import java.util.List;

/**
 * A cell that failed for a reason its author can fix: the kernel shows {@link #lines()} (diagnostics with
 * the cell's line, column and a caret, or an exception trimmed to the cell's frames), never the kernel's
 * own stack trace. The subclass's simple name is the error name the notebook shows (AeError: ...).
 */
abstract class CellError extends Exception {

    private final List<String> lines;

    private CellError(String message, List<String> lines) {
        super(message);
        this.lines = List.copyOf(lines);
    }

    /** A cell error of the given kind: AeError, BadRequest, CompileError, IncompleteInput, Interrupted, MagicError, or an exception's name. */
    static CellError of(String kind, String message, List<String> lines) {
        return switch (kind) {
            case "AeError" -> new AeError(message, lines);
            case "BadRequest" -> new BadRequest(message, lines);
            case "CompileError" -> new CompileError(message, lines);
            case "IncompleteInput" -> new IncompleteInput(message, lines);
            case "Interrupted" -> new Interrupted(message, lines);
            case "MagicError" -> new MagicError(message, lines);
            default -> new JavaException(message, lines);
        };
    }

    List<String> lines() {
        return lines;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** ae4j language text with errors, or a program whose run failed (bad data, divergence). */
    static final class AeError extends CellError {
        AeError(String m, List<String> l) {
            super(m, l);
        }
    }

    /** A request the kernel cannot run: the client left out a field the Jupyter protocol requires. */
    static final class BadRequest extends CellError {
        BadRequest(String m, List<String> l) {
            super(m, l);
        }
    }

    /** Java code that does not compile. */
    static final class CompileError extends CellError {
        CompileError(String m, List<String> l) {
            super(m, l);
        }
    }

    /** Java code that ends mid-statement. */
    static final class IncompleteInput extends CellError {
        IncompleteInput(String m, List<String> l) {
            super(m, l);
        }
    }

    /** The user interrupted the cell. */
    static final class Interrupted extends CellError {
        Interrupted(String m, List<String> l) {
            super(m, l);
        }
    }

    /** A magic (%maven, %classpath, %time, ...) with a wrong name or argument, or one that failed. */
    static final class MagicError extends CellError {
        MagicError(String m, List<String> l) {
            super(m, l);
        }
    }

    /** Java code threw an exception. */
    static final class JavaException extends CellError {
        JavaException(String m, List<String> l) {
            super(m, l);
        }
    }
}
