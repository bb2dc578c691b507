package ae4j.dsl.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The terminal's view of training: one live progress bar (steps, percent, elapsed and time left, from the
 * progressbar library) with the epoch, the loss and each term, and examples/s; one line per finished epoch
 * with the training and validation loss.
 */
public final class ConsoleProgress implements TrainingListener {

    private final String task;
    private final String[] termNames;
    private final PrintStream out;
    private ProgressBar bar;
    private long lastUpdate;

    public ConsoleProgress(String task, PrintStream out, String... termNames) {
        this.task = task;
        this.termNames = termNames;
        this.out = out;
    }

    @Override
    public void onStep(Progress p) {
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(p.totalSteps())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(System.console() == null ? 2000 : 200)
                    .setUnit(" steps", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .showSpeed()
                    .build();
        }
        long now = System.nanoTime();
        if (now - lastUpdate < 100_000_000L && p.step() < p.totalSteps()) return;
        lastUpdate = now;
        bar.stepTo(p.step());
        bar.setExtraMessage(message(p));
    }

    private String message(Progress p) {
        StringBuilder b = new StringBuilder(
                String.format(Locale.ROOT, " epoch %d/%d loss %.4f", p.epoch() + 1, p.epochs(), p.loss()));
        if (p.terms() != null && p.terms().length > 1) {
            b.append(" (");
            for (int k = 0; k < p.terms().length; k++) {
                if (k > 0) b.append(", ");
                b.append(k < termNames.length ? termNames[k] : "t" + (k + 1))
                        .append(' ')
                        .append(String.format(Locale.ROOT, "%.4g", p.terms()[k]));
            }
            b.append(')');
        }
        b.append(String.format(Locale.ROOT, " %,.0f ex/s", p.examplesPerSecond()));
        return b.toString();
    }

    @Override
    public void onEpoch(int epoch, double trainLoss, double validationLoss) {
        if (bar != null)
            bar.setExtraMessage(String.format(
                    Locale.ROOT,
                    " epoch %d done: train %.4f%s",
                    epoch + 1,
                    trainLoss,
                    Double.isNaN(validationLoss)
                            ? ""
                            : String.format(Locale.ROOT, ", validation %.4f", validationLoss)));
    }

    @Override
    public void onEnd(Trainer.Result r) {
        if (bar != null) {
            bar.stepTo(r.steps());
            bar.close();
        }
        for (int e = 0; e < r.trainLoss().size(); e++) {
            double v = r.validationLoss().get(e);
            out.printf(
                    Locale.ROOT,
                    "  epoch %3d  train %.5f%s%n",
                    e + 1,
                    r.trainLoss().get(e),
                    Double.isNaN(v) ? "" : String.format(Locale.ROOT, "  validation %.5f", v));
        }
        String how = r.cancelled()
                ? "cancelled"
                : r.stoppedEarly() ? "stopped early (best epoch " + (r.bestEpoch() + 1) + ", restored)" : "done";
        out.printf(Locale.ROOT, "%s: %s after %d steps in %.1f s%n", task, how, r.steps(), r.seconds());
    }
}
