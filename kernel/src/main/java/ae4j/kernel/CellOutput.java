package ae4j.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What one cell writes to {@code System.out} or {@code System.err}, on its way to the notebook's stream.
 *
 * <ul>
 *   <li>At most one stream message per {@value #FLUSH_MS} ms: the base kernel sent one per {@code println}, and
 *       ZeroMQ dropped most of a flood of them (200,000 printlns arrived as 34,000 lines).
 *   <li>Past {@value #LIMIT} bytes the cell's output is dropped, and a note at its end says how much it wrote and
 *       what to do: 50 MB of output no longer floods the notebook.
 *   <li>Closing it only flushes: a cell's {@code System.out.close()} used to silence every later cell.
 * </ul>
 */
final class CellOutput extends OutputStream {

    static final int LIMIT = 1 << 20;
    private static final long FLUSH_MS = 50;
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ae4j-cell-output");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final PrintStream notebook;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long written;
    private long lastSent;
    private boolean sendScheduled;
    private int lastByte = '\n';

    /** {@code name} is the stream's name for the note (stdout, stderr); {@code notebook} the stream it feeds. */
    CellOutput(String name, PrintStream notebook) {
        this.name = name;
        this.notebook = notebook;
    }

    /** A print stream over it, for {@code System.setOut}. */
    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = (int) Math.max(0, Math.min(len, LIMIT - written));
        // Cut before a UTF-8 continuation byte, not inside a character.
        while (room > 0 && room < len && (b[off + room] & 0xC0) == 0x80) room--;
        pending.write(b, off, room);
        written += len;
    }

    @Override
    public synchronized void flush() {
        if (pending.size() == 0) return;
        if (System.nanoTime() - lastSent >= TimeUnit.MILLISECONDS.toNanos(FLUSH_MS)) {
            send();
        } else if (!sendScheduled) {
            sendScheduled = true;
            LATER.schedule(this::sendScheduled, FLUSH_MS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void sendScheduled() {
        sendScheduled = false;
        send();
    }

    /** Sends what is pending now: at the end of the cell, and before a display so that the order is kept. */
    synchronized void send() {
        if (pending.size() > 0) {
            byte[] bytes = pending.toByteArray();
            lastByte = bytes[bytes.length - 1];
            notebook.write(bytes, 0, bytes.length);
            notebook.flush();
            pending.reset();
        }
        lastSent = System.nanoTime();
    }

    /** Writes a line at once, past the limit: the kernel's own notes about the cell. */
    synchronized void note(String line) {
        send();
        notebook.print((lastByte == '\n' ? "" : "\n") + line + "\n");
        notebook.flush();
        lastByte = '\n';
    }

    /** The cell ended: sends what is pending, and the note if its output was cut. */
    synchronized void finish() {
        send();
        if (written > LIMIT) {
            note(String.format(
                    Locale.ROOT,
                    "[ae4j: output truncated: the cell wrote %.1f MB to %s; the notebook shows the first %.1f MB."
                            + " Write large results to a file instead]",
                    written / (double) (1 << 20),
                    name,
                    LIMIT / (double) (1 << 20)));
        }
    }

    /** A cell's close() only flushes: the notebook's stream stays open for the cells after it. */
    @Override
    public void close() {
        flush();
    }
}
