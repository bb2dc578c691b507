package ae4j.kernel;

import ae4j.dsl.report.Pictures;
import ae4j.dsl.train.Trainer;
import ae4j.dsl.train.TrainingListener;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One live display per training, and the training's only chart: a progress bar, epoch, the last batch's loss
 * and each of its terms, the last epoch's mean training (and validation) loss, examples/s, time left, and a
 * loss chart. It is shown once and updated in place (Jupyter's update_display_data) at most a few times per
 * second; the last update, when training ends, is the cell's final loss figure.
 *
 * <p>The chart's x axis is the epoch, from 0 (start of training) to the planned number of epochs: the smoothed
 * batch loss is drawn as training goes (a step of epoch k at k-1 plus the fraction done), and the mean loss of
 * epoch k (and the validation loss measured after it) at x = k, counting epochs from 1 as the summary does.
 */
final class LiveTraining implements TrainingListener {

    /** Minimum time between two updates of the display. */
    static final long INTERVAL_NANOS = 400_000_000L;

    static final String BATCH_SERIES = "batch loss (smoothed)";
    static final String EPOCH_SERIES = "training loss (epoch mean)";
    static final String VALIDATION_SERIES = "validation loss (after each epoch)";
    static final int WIDTH = 560;
    static final int HEIGHT = 320;

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
    private int plannedEpochs;
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

    /** True once the display was shown (the kernel then leaves out the separate loss.png). */
    boolean shown() {
        return shown;
    }

    @Override
    public void onStep(Progress p) {
        last = p;
        plannedEpochs = p.epochs();
        smoothed = Double.isNaN(smoothed) ? p.loss() : 0.95 * smoothed + 0.05 * p.loss();
        if (p.step() % Math.max(1, p.totalSteps() / 200) == 0) {
            stepLoss.add(smoothed);
            stepX.add(p.totalSteps() == 0 ? 0 : (double) p.step() * p.epochs() / p.totalSteps());
        }
        long now = System.nanoTime();
        if (!shown || now - lastUpdate >= INTERVAL_NANOS) publish(null);
    }

    /** {@code epoch} counts from 0 (the trainer's index); the chart and the text count from 1. */
    @Override
    public void onEpoch(int epoch, double trainLoss, double validationLoss) {
        epochX.add((double) epoch + 1);
        epochTrain.add(trainLoss);
        epochValidation.add(validationLoss);
    }

    @Override
    public void onEnd(Trainer.Result r) {
        String end;
        if (r.cancelled()) end = "interrupted after " + r.steps() + " steps; the model keeps its weights so far";
        else if (r.stoppedEarly())
            end = "stopped early (validation loss stopped improving); best epoch " + (r.bestEpoch() + 1);
        else
            end = String.format(
                    Locale.ROOT,
                    "done: %d epoch%s in %.1f s",
                    r.epochsRun(),
                    r.epochsRun() == 1 ? "" : "s",
                    r.seconds());
        publish(end);
    }

    private void publish(String end) {
        byte[] png = chartPng();
        DisplayData d = new DisplayData(text(end));
        d.putHTML(html(end, png));
        if (end != null && png != null) d.putData(MIMEType.IMAGE_PNG, Displays.base64(png));
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

    private String epochMeans() {
        if (epochX.isEmpty()) return "";
        int k = epochX.size() - 1;
        String s = String.format(
                Locale.ROOT, "epoch %d mean training loss %s", epochX.get(k).intValue(), num(epochTrain.get(k)));
        if (!epochValidation.get(k).isNaN()) s += ", validation loss " + num(epochValidation.get(k));
        return s;
    }

    private String text(String end) {
        Progress p = last;
        if (p == null) return title + (end == null ? "" : ": " + end);
        String means = epochMeans();
        return String.format(
                Locale.ROOT,
                "%s: step %d/%d, epoch %d/%d, last batch loss %s%s, %,.0f examples/s%s",
                title,
                p.step(),
                p.totalSteps(),
                Math.min(p.epoch() + 1, p.epochs()),
                p.epochs(),
                num(p.loss()),
                means.isEmpty() ? "" : ", " + means,
                p.examplesPerSecond(),
                end == null ? "" : " - " + end);
    }

    private String html(String end, byte[] png) {
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
                    "<div>epoch %d/%d &middot; step %d/%d &middot; last batch loss %s",
                    Math.min(p.epoch() + 1, p.epochs()),
                    p.epochs(),
                    p.step(),
                    p.totalSteps(),
                    num(p.loss())));
            if (p.terms() != null && termNames.length > 1) {
                b.append(" (");
                for (int i = 0; i < Math.min(termNames.length, p.terms().length); i++) {
                    b.append(i > 0 ? ", " : "")
                            .append(Displays.esc(termNames[i]))
                            .append(' ')
                            .append(num(p.terms()[i]));
                }
                b.append(')');
            }
            b.append(String.format(Locale.ROOT, " &middot; %,.0f examples/s", p.examplesPerSecond()));
            if (end == null && Double.isFinite(p.secondsLeft()))
                b.append(String.format(Locale.ROOT, " &middot; %.0f s left", p.secondsLeft()));
            b.append("</div>");
            String means = epochMeans();
            if (!means.isEmpty()) b.append("<div>").append(Displays.esc(means)).append("</div>");
        }
        if (end != null) b.append("<div>").append(Displays.esc(end)).append("</div>");
        if (png != null)
            b.append("<img alt=\"loss chart\" src=\"data:image/png;base64,")
                    .append(Displays.base64(png))
                    .append("\"/>");
        return b.append("</div>").toString();
    }

    private byte[] chartPng() {
        XYChart chart = chart();
        if (chart == null) return null;
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (java.io.IOException | RuntimeException e) {
            return null; // no chart this time; the numbers still show
        }
    }

    /** The chart as it stands (null before there is anything finite to draw). */
    XYChart chart() {
        List<double[]> batch = finite(stepX, stepLoss);
        List<double[]> epochs = finite(epochX, epochTrain);
        List<double[]> validation = finite(epochX, epochValidation);
        if (batch.size() < 2 && epochs.isEmpty()) return null;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<double[]> series : List.of(batch, epochs, validation))
            for (double[] xy : series) {
                lo = Math.min(lo, xy[1]);
                hi = Math.max(hi, xy[1]);
            }
        boolean log = lo > 0 && hi / lo > 30;
        // ae4j's one chart theme (the loss.png of a run and every analysis chart use it too)
        XYChart chart = Pictures.chart(title, "epoch", log ? "loss (log scale)" : "loss", WIDTH, HEIGHT);
        var st = chart.getStyler();
        st.setMarkerSize(6);
        st.setXAxisMin(0.0);
        st.setXAxisMax((double) Math.max(1, plannedEpochs));
        st.setYAxisLogarithmic(log);
        if (log) {
            st.setYAxisDecimalPattern(lo < 1e-4 || hi >= 1e6 ? "0E0" : tickPattern(lo, lo));
        } else {
            if (hi - lo <= 1e-9 * Math.max(Math.abs(hi), 1e-30)) {
                // one value (a single epoch's mean, or a flat loss): a visible range around it
                double pad = Math.max(Math.abs(hi) * 0.05, 1e-12);
                lo -= pad;
                hi += pad;
            } else {
                double pad = (hi - lo) * 0.05;
                lo -= pad;
                hi += pad;
            }
            st.setYAxisMin(lo);
            st.setYAxisMax(hi);
            st.setYAxisDecimalPattern(tickPattern(lo, hi));
        }
        if (batch.size() >= 2) add(chart, BATCH_SERIES, batch, new Color(0x9ecae1), SeriesMarkers.NONE);
        if (!epochs.isEmpty()) add(chart, EPOCH_SERIES, epochs, Pictures.color(0), SeriesMarkers.CIRCLE);
        if (!validation.isEmpty()) add(chart, VALIDATION_SERIES, validation, Pictures.color(1), SeriesMarkers.DIAMOND);
        return chart;
    }

    private static void add(
            XYChart chart, String name, List<double[]> xy, Color color, org.knowm.xchart.style.markers.Marker m) {
        double[] x = xy.stream().mapToDouble(a -> a[0]).toArray();
        double[] y = xy.stream().mapToDouble(a -> a[1]).toArray();
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(m);
    }

    private static List<double[]> finite(List<Double> x, List<Double> y) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++)
            if (Double.isFinite(x.get(i)) && Double.isFinite(y.get(i))) out.add(new double[] {x.get(i), y.get(i)});
        return out;
    }

    /**
     * A tick label pattern for values in [lo, hi]: up to enough decimals for ticks a twentieth of the range
     * apart (the chart library picks the spacing; optional digits, so 18.0 reads 18), no more: no
     * {@code .004264392324094}. Scientific notation for very small or large values.
     */
    static String tickPattern(double lo, double hi) {
        double mag = Math.max(Math.abs(lo), Math.abs(hi));
        double span = hi - lo > 0 ? hi - lo : mag;
        if (mag == 0) return "0";
        if (mag >= 1e7 || mag < 1e-4) return "0.##E0";
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(span / 20)));
        if (decimals > 7) return "0.###E0";
        return decimals == 0 ? "#,##0" : "#,##0." + "#".repeat(decimals);
    }

    /** A loss as people read it: four significant digits. */
    static String num(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        double a = Math.abs(v);
        if (a == 0) return "0";
        if (a >= 1e4 && a < 1e9) return String.format(Locale.ROOT, "%,.0f", v);
        if (a < 1e-4 || a >= 1e9) return String.format(Locale.ROOT, "%.3e", v);
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }
}
