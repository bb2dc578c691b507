package ae4j.dsl.run;

import ae4j.dsl.io.BadTargetException;
import ae4j.dsl.io.SafetensorsException;
import ae4j.dsl.syntax.SourceText;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The one exit-code rule of the command line (README and {@code ./ae4j help} state it too):
 *
 * <ul>
 *   <li>{@link #OK} 0: done (warnings allowed);
 *   <li>{@link #INPUT} 1: something the user gave needs fixing: the program, the command line, a data, model
 *       or checkpoint file (missing, malformed, or not matching the model), a save path, training that diverges
 *       or a model too large for memory. The message says what to change.
 *   <li>{@link #ENVIRONMENT} 2: the machine failed an operation on a well-formed request: a file that cannot be
 *       read or written (permissions, a full disk, an I/O error), Java out of memory.
 *   <li>{@link #BUG} 3: an ae4j bug: one line on the terminal, the details in a report file to send.
 * </ul>
 */
public final class ExitCode {

    public static final int OK = 0;
    public static final int INPUT = 1;
    public static final int ENVIRONMENT = 2;
    public static final int BUG = 3;

    private ExitCode() {}

    /**
     * The code for a failed read or write: a missing file, one that is not UTF-8, or a malformed or mismatched
     * model or checkpoint is the user's input ({@link #INPUT}); anything else is the environment's.
     */
    public static int of(IOException e) {
        if (e instanceof NoSuchFileException
                || e instanceof SourceText.NotUtf8Exception
                || e instanceof SafetensorsException
                || e instanceof BadTargetException) return INPUT;
        return ENVIRONMENT;
    }

    /** Reports a program file that could not be read, in the user's words, and returns its exit code. */
    public static int reportUnreadable(Path file, IOException e, PrintStream err) {
        if (e instanceof NoSuchFileException) {
            err.println("ae4j: " + file + ": no such file");
            return INPUT;
        }
        if (e instanceof SourceText.NotUtf8Exception) {
            err.println("ae4j: " + e.getMessage());
            return INPUT;
        }
        if (Files.isDirectory(file)) {
            err.println("ae4j: " + file + " is a folder; give a program file (.ae)");
            return INPUT;
        }
        err.println("ae4j: " + file + ": cannot read (" + e.getMessage() + ")");
        return of(e);
    }

    /**
     * Writes what an ae4j bug needs for a report (the command, the Java and ae4j versions, the stack trace) to
     * a file in the temporary folder and returns its path, or null when even that fails.
     */
    public static Path bugReport(Throwable t, String command) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        String text = "ae4j bug report, " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "\n"
                + "command: " + command + "\n"
                + "java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")\n"
                + "os: " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "\n\n"
                + trace;
        try {
            Path p = Files.createTempFile("ae4j-bug-", ".txt");
            Files.writeString(p, text);
            return p;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
