package ae4j.kernel;

import ae4j.dsl.report.Pictures;
import ae4j.dsl.train.Trainer;
import ae4j.dsl.train.TrainingListener;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One live display per training: a progress bar, epoch, each loss term, examples/s, time left and a small
 * loss chart, shown once and then updated in place (Jupyter's update_display_data) at most a few times per
 * second, and a last time when training ends.
 */
final class LiveTraining implements TrainingListener {

    /** Minimum time between two updates of the display. */
    static final long INTERVAL_NANOS = 400_000_000L;

    private final String title;
    private final String[] termNames;
    private final Consumer<DisplayData> show;
    private final Consumer<DisplayData> update;
    private final String displayId = "ae4j-train-" + UUID.randomUUID();
    private final List<Double> stepLoss = new ArrayList<>();
    private final List<Double> stepX = new ArrayList<>();
    private final List<Double> epochX = new ArrayList<>();
    private final List<Double> epochTrain = new ArrayList<>();
    private final List<Double> epochValidation = new ArrayList<>();
    private long lastUpdate;
    private boolean shown;
    private int updates;
    private Progress last;
    private double smoothed = Double.NaN;

    LiveTraining(String title, String[] termNames, Consumer<DisplayData> show, Consumer<DisplayData> update) {
        this.title = title;
        this.termNames = termNames.clone();
        this.show = show;
        this.update = update;
    }

    /** How many times the display was sent or updated (for tests of the rate limit). */
    int updates() {
        return updates;
    }

    @Override
    public void onStep(Progress p) {
        last = p;
        smoothed = Double.isNaN(smoothed) ? p.loss() : 0.95 * smoothed + 0.05 * p.loss();
        if (p.step() % Math.max(1, p.totalSteps() / 200) == 0) {
            stepLoss.add(smoothed);
            stepX.add(p.totalSteps() == 0 ? 0 : (double) p.step() * p.epochs() / p.totalSteps());
        }
        long now = System.nanoTime();
        if (!shown || now - lastUpdate >= INTERVAL_NANOS) publish(null);
    }

    @Override
    public void onEpoch(int epoch, double trainLoss, double validationLoss) {
        epochX.add((double) epoch);
        epochTrain.add(trainLoss);
        epochValidation.add(validationLoss);
    }

    @Override
    public void onEnd(Trainer.Result r) {
        String end;
        if (r.cancelled()) end = "interrupted after " + r.steps() + " steps; the model keeps its weights so far";
        else if (r.stoppedEarly())
            end = "stopped early (validation loss stopped improving); best epoch " + r.bestEpoch();
        else end = String.format(Locale.ROOT, "done: %d epochs in %.1f s", r.epochsRun(), r.seconds());
        publish(end);
    }

    private void publish(String end) {
        DisplayData d = new DisplayData(text(end));
        d.putHTML(html(end));
        d.setDisplayId(displayId);
        if (!shown) {
            show.accept(d);
            shown = true;
        } else {
            update.accept(d);
        }
        updates++;
        lastUpdate = System.nanoTime();
    }

    private String text(String end) {
        Progress p = last;
        if (p == null) return title + (end == null ? "" : ": " + end);
        return String.format(
                Locale.ROOT,
                "%s: step %d/%d, epoch %d/%d, loss %.5f, %,.0f examples/s%s",
                title,
                p.step(),
                p.totalSteps(),
                Math.min(p.epoch() + 1, p.epochs()),
                p.epochs(),
                p.loss(),
                p.examplesPerSecond(),
                end == null ? "" : " - " + end);
    }

    private String html(String end) {
        Progress p = last;
        StringBuilder b = new StringBuilder("<div class=\"ae4j-train\"><b>")
                .append(Displays.esc(title))
                .append("</b>");
        if (p != null) {
            double frac = p.totalSteps() == 0 ? 1 : (double) p.step() / p.totalSteps();
            b.append(String.format(
                    Locale.ROOT,
                    "<div><progress value=\"%d\" max=\"%d\" style=\"width:60%%\"></progress> %.0f%%</div>",
                    p.step(),
                    p.totalSteps(),
                    100 * frac));
            b.append(String.format(
                    Locale.ROOT,
                    "<div>epoch %d/%d &middot; step %d/%d &middot; loss %.5f",
                    Math.min(p.epoch() + 1, p.epochs()),
                    p.epochs(),
                    p.step(),
                    p.totalSteps(),
                    p.loss()));
            if (p.terms() != null && termNames.length > 1) {
                for (int i = 0; i < Math.min(termNames.length, p.terms().length); i++) {
                    b.append(String.format(Locale.ROOT, " &middot; %s %.5f", Displays.esc(termNames[i]), p.terms()[i]));
                }
            }
            b.append(String.format(Locale.ROOT, " &middot; %,.0f examples/s", p.examplesPerSecond()));
            if (end == null && Double.isFinite(p.secondsLeft()))
                b.append(String.format(Locale.ROOT, " &middot; %.0f s left", p.secondsLeft()));
            b.append("</div>");
        }
        if (end != null) b.append("<div>").append(Displays.esc(end)).append("</div>");
        byte[] chart = chart();
        if (chart != null)
            b.append("<img src=\"data:image/png;base64,")
                    .append(Displays.base64(chart))
                    .append("\"/>");
        return b.append("</div>").toString();
    }

    /** A small chart: the loss per epoch once there are two epochs, the smoothed step loss before. */
    private byte[] chart() {
        double[] x;
        double[] y;
        double[] v = null;
        if (epochX.size() >= 2) {
            x = epochX.stream().mapToDouble(Double::doubleValue).toArray();
            y = epochTrain.stream().mapToDouble(Double::doubleValue).toArray();
            if (epochValidation.stream().anyMatch(d -> !d.isNaN()))
                v = epochValidation.stream().mapToDouble(Double::doubleValue).toArray();
        } else if (stepLoss.size() >= 3) {
            y = stepLoss.stream().mapToDouble(Double::doubleValue).toArray();
            x = stepX.stream().mapToDouble(Double::doubleValue).toArray();
        } else {
            return null;
        }
        try {
            return Pictures.lossCurvePng(x, y, v, false, 360, 200);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null; // no chart this time (e.g. no finite loss yet); the numbers still show
        }
    }
}
