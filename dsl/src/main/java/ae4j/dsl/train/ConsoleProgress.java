package ae4j.dsl.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The terminal's view of training. Each finished epoch prints its line when it ends (training loss, each
 * term, validation loss, examples/s). On a terminal a live bar (epoch, steps, percent, loss, examples/s,
 * elapsed and time left) is redrawn in place, at most five times a second, on the line below the last
 * epoch line, and is cut to the terminal's width. Anywhere else (a pipe, a log file) there is no bar: only
 * whole lines, one per epoch, with no carriage returns and nothing cut.
 *
 * <p>Whether the stream is a terminal: the system property {@code ae4j.terminal} ({@code true}/{@code
 * false}, set by the launcher, which can test the very stream) or else {@link java.io.Console#isTerminal()};
 * the width: {@code ae4j.columns} (set by the launcher from the terminal), else the environment's {@code
 * COLUMNS}, else 80.
 */
public final class ConsoleProgress implements TrainingListener {

    /** Redraw the bar at most this often (nanoseconds). */
    private static final long REDRAW_NANOS = 200_000_000L;

    private final String task;
    private final String[] termNames;
    private final PrintStream out;
    private final boolean live;
    private final int columns;
    private final long start = System.nanoTime();
    private long lastDraw;
    /** Whether the bar is on screen (a line without its newline yet). */
    private boolean drawn;

    public ConsoleProgress(String task, PrintStream out, String... termNames) {
        this(task, out, isTerminal(), terminalColumns(), termNames);
    }

    /** A progress view that draws the live bar only when {@code live} (a terminal of {@code columns} columns). */
    public ConsoleProgress(String task, PrintStream out, boolean live, int columns, String... termNames) {
        this.task = task;
        this.termNames = termNames;
        this.out = out;
        this.live = live;
        this.columns = Math.max(20, columns);
    }

    /** Whether standard error (where the bar goes) is a terminal, as far as Java can tell. */
    public static boolean isTerminal() {
        String p = System.getProperty("ae4j.terminal");
        if (p != null) return Boolean.parseBoolean(p);
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    static int terminalColumns() {
        for (String v : new String[] {System.getProperty("ae4j.columns"), System.getenv("COLUMNS")}) {
            if (v == null) continue;
            try {
                int n = Integer.parseInt(v.trim());
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // not a number: try the next source
            }
        }
        return 80;
    }

    @Override
    public void onStep(Progress p) {
        if (!live) return;
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && p.step() < p.totalSteps()) return;
        lastDraw = now;
        String line = bar(p, (now - start) / 1e9);
        if (line.length() > columns - 1) line = line.substring(0, columns - 1);
        // \r back to the line's start, the bar, then erase what a longer previous bar left behind.
        out.print("\r" + line + "\033[K");
        out.flush();
        drawn = true;
    }

    /** The bar's text: task, a 20-cell gauge, percent, epoch, step counts, loss and terms, speed, times. */
    String bar(Progress p, double elapsed) {
        double f = p.totalSteps() > 0 ? Math.min(1, (double) p.step() / p.totalSteps()) : 0;
        int cells = 20;
        int full = (int) Math.floor(f * cells);
        StringBuilder b = new StringBuilder(task).append(" [");
        for (int i = 0; i < cells; i++) b.append(i < full ? '=' : i == full ? '>' : ' ');
        b.append(String.format(
                Locale.ROOT,
                "] %3.0f%% epoch %d/%d step %d/%d loss %.4f",
                100 * f,
                p.epoch() + 1,
                p.epochs(),
                p.step(),
                p.totalSteps(),
                p.loss()));
        appendTerms(b, p.terms());
        b.append(String.format(Locale.ROOT, " %,.0f ex/s, %s elapsed", p.examplesPerSecond(), clock(elapsed)));
        if (Double.isFinite(p.secondsLeft()))
            b.append(", ").append(clock(p.secondsLeft())).append(" left");
        return b.toString();
    }

    private void appendTerms(StringBuilder b, double[] terms) {
        if (terms == null || terms.length < 2) return;
        b.append(" (");
        for (int k = 0; k < terms.length; k++) {
            if (k > 0) b.append(", ");
            b.append(k < termNames.length ? termNames[k] : "t" + (k + 1))
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.4g", terms[k]));
        }
        b.append(')');
    }

    static String clock(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Takes the bar off the screen so that a whole line can be printed in its place. */
    private void clearBar() {
        if (!drawn) return;
        out.print("\r\033[K");
        drawn = false;
    }

    @Override
    public void onEpoch(Epoch e) {
        clearBar();
        out.println(epochLine(e));
        out.flush();
    }

    /** "train m epoch 3/200 train 0.12345 (mse 0.1, l1 0.02) validation 0.13000 12,345 ex/s 1.2 s". */
    String epochLine(Epoch e) {
        StringBuilder b = new StringBuilder(task)
                .append(String.format(
                        Locale.ROOT, " epoch %d/%d train %.5f", e.epoch() + 1, e.epochs(), e.trainLoss()));
        appendTerms(b, e.terms());
        if (!Double.isNaN(e.validationLoss()))
            b.append(String.format(Locale.ROOT, " validation %.5f", e.validationLoss()));
        b.append(String.format(Locale.ROOT, " %,.0f ex/s %.1f s", e.examplesPerSecond(), e.seconds()));
        return b.toString();
    }

    @Override
    public void onEnd(Trainer.Result r) {
        clearBar();
        String how = r.cancelled()
                ? "cancelled"
                : r.stoppedEarly() ? "stopped early (best epoch " + (r.bestEpoch() + 1) + ", restored)" : "done";
        out.printf(Locale.ROOT, "%s: %s after %d steps in %.1f s%n", task, how, r.steps(), r.seconds());
        out.flush();
    }
}
