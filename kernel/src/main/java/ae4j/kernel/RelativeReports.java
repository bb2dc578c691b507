package ae4j.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A %%ae cell's output with the kernel's reports folder (a temporary folder) cut out of every line: "wrote
 * /tmp/ae4j-notebook-reports123/dae/score-field.png" shows as "wrote dae/score-field.png", so a saved notebook
 * holds no temporary paths and reads the same on every machine. Lines pass through whole (the folder's name
 * is only recognised within a line, so an unfinished line waits for its end, for {@link #finish()} or for
 * {@value #LONG_LINE} bytes); {@link #flush()} flushes what has passed.
 */
final class RelativeReports extends OutputStream {

    private static final int LONG_LINE = 1 << 16;

    private final PrintStream out;
    private final String folder;
    /** What the folder becomes: its path from the notebook's folder, or "" (cut out) when it lies elsewhere. */
    private final String shown;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** Writes to {@code out}, with {@code reports} and the separator after it removed. */
    RelativeReports(PrintStream out, Path reports) {
        this(out, reports, null);
    }

    /**
     * As above, but a reports folder inside {@code base} (the notebook's folder) shows as its path from there
     * ("wrote ae4j-outputs/dae/score-field.png"), which is also a link that works from the notebook.
     */
    RelativeReports(PrintStream out, Path reports, Path base) {
        this.out = out;
        Path abs = reports.toAbsolutePath().normalize();
        this.folder = abs.toString();
        Path b = base == null ? null : base.toAbsolutePath().normalize();
        this.shown = b != null && abs.startsWith(b) && !abs.equals(b)
                ? b.relativize(abs).toString()
                : "";
    }

    /** A print stream over it, flushed at every line. */
    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    /** Passes on the unfinished line, if any, as it is (the end of a cell). */
    synchronized void finish() {
        if (line.size() > 0) passLine();
        out.flush();
    }

    /** {@code text} with the reports folder removed from the paths in it. */
    String relative(String text) {
        String sep = Path.of(folder).getFileSystem().getSeparator();
        return shown.isEmpty() ? text.replace(folder + sep, "").replace(folder, ".") : text.replace(folder, shown);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n' || b == '\r' || line.size() >= LONG_LINE) passLine();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) write(b[i]);
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }

    private void passLine() {
        out.print(relative(line.toString(StandardCharsets.UTF_8)));
        line.reset();
    }

    @Override
    public void close() {
        finish();
    }
}
