package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.train.Trainer;
import ae4j.dsl.train.TrainingListener;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class LiveTrainingTest {

    @Test
    void showsOnceThenUpdatesTheSameDisplayAtALimitedRate() {
        List<DisplayData> shown = new ArrayList<>();
        List<DisplayData> updated = new ArrayList<>();
        LiveTraining live = new LiveTraining("train m", new String[] {"mse", "l1"}, shown::add, updated::add);
        long t0 = System.nanoTime();
        int steps = 20_000;
        for (int s = 1; s <= steps; s++) {
            live.onStep(new TrainingListener.Progress(
                    s, steps, (s - 1) / 10_000, 2, 1.0 / s, new double[] {1.0 / s, 0.5}, 1000, 1));
            if (s % 10_000 == 0) live.onEpoch(s / 10_000 - 1, 1.0 / s, Double.NaN); // the trainer counts from 0
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        live.onEnd(new Trainer.Result(
                2, steps, List.of(0.5, 0.25), List.of(Double.NaN, Double.NaN), false, false, 2, seconds));
        assertEquals(1, shown.size());
        String id = shown.get(0).getDisplayId();
        assertTrue(updated.stream().allMatch(d -> id.equals(d.getDisplayId())));
        // At most one update per interval while training, plus the final one.
        long allowed = (long) Math.ceil(seconds * 1e9 / LiveTraining.INTERVAL_NANOS) + 1;
        assertTrue(updated.size() <= allowed, updated.size() + " updates in " + seconds + " s");
        String html = (String) updated.get(updated.size() - 1).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<progress value=\"20000\" max=\"20000\""), html);
        assertTrue(html.contains("mse") && html.contains("l1"), "each loss term is shown");
        assertTrue(html.contains("last batch loss"), "the live loss is named as the last batch's");
        assertTrue(html.contains("epoch 2 mean training loss"), "the epoch mean is named, epochs from 1");
        assertTrue(html.contains("data:image/png;base64,"), "a loss chart");
        assertTrue(html.contains("done: 2 epochs"), html);
        assertTrue(updated.get(updated.size() - 1).hasDataForType(MIMEType.IMAGE_PNG), "the final figure as PNG");
    }

    /** Feeds a run of {@code epochs} epochs of {@code stepsPerEpoch} steps with loss {@code f(step)}. */
    private static LiveTraining run(int epochs, int stepsPerEpoch, java.util.function.LongToDoubleFunction f) {
        LiveTraining live = new LiveTraining("train m", new String[] {"mse"}, d -> {}, d -> {});
        long total = (long) epochs * stepsPerEpoch;
        for (int e = 0; e < epochs; e++) {
            double sum = 0;
            for (int b = 0; b < stepsPerEpoch; b++) {
                long step = (long) e * stepsPerEpoch + b + 1;
                sum += f.applyAsDouble(step);
                live.onStep(new TrainingListener.Progress(
                        step, total, e, epochs, f.applyAsDouble(step), new double[] {f.applyAsDouble(step)}, 1, 1));
            }
            live.onEpoch(e, sum / stepsPerEpoch, Double.NaN);
        }
        return live;
    }

    @Test
    void epochsCountFromOneAndTheStepCurveEndsWhereItsEpochMeanIs() {
        LiveTraining live = run(3, 50, s -> 1.0 / s);
        XYChart c = live.chart();
        double[] ex = toArray(c.getSeriesMap().get(LiveTraining.EPOCH_SERIES).getXData());
        assertArrayEquals(new double[] {1, 2, 3}, ex);
        double[] sx = toArray(c.getSeriesMap().get(LiveTraining.BATCH_SERIES).getXData());
        assertTrue(sx[0] > 0 && sx[0] <= 1.0 / 50 + 1e-12, "the first step is at 1/50 of epoch 1: " + sx[0]);
        assertEquals(3.0, sx[sx.length - 1], 1e-12, "the last step ends epoch 3");
        assertEquals(0.0, c.getStyler().getXAxisMin());
        assertEquals(3.0, c.getStyler().getXAxisMax());
        // 1/step spans 150x: a log axis, said in its title
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertEquals("loss (log scale)", c.getYAxisTitle());
    }

    @Test
    void aSingleEpochIsReadable() {
        // A flat loss over one epoch: the old chart was one dot with a y label like 285.7933332377116.
        LiveTraining live = run(1, 40, s -> 285.7933332377116);
        XYChart c = live.chart();
        assertTrue(c.getSeriesMap().containsKey(LiveTraining.BATCH_SERIES), "the batch curve over the epoch");
        assertArrayEquals(
                new double[] {1},
                toArray(c.getSeriesMap().get(LiveTraining.EPOCH_SERIES).getXData()));
        double lo = c.getStyler().getYAxisMin();
        double hi = c.getStyler().getYAxisMax();
        assertTrue(lo < 285.79 && hi > 285.80 && hi - lo < 60, lo + " .. " + hi);
        String tick = new DecimalFormat(
                        c.getStyler().getYAxisDecimalPattern(), DecimalFormatSymbols.getInstance(Locale.ROOT))
                .format(285.7933332377116);
        assertTrue(tick.length() <= 6, tick);
    }

    @Test
    void tickLabelsHaveAFewDigitsNotFifteen() {
        for (double[] range : new double[][] {{0.0042, 0.0051}, {0.9, 1.3}, {120, 480}, {0.01, 0.011}, {2e-6, 3e-6}}) {
            DecimalFormat f = new DecimalFormat(
                    LiveTraining.tickPattern(range[0], range[1]), DecimalFormatSymbols.getInstance(Locale.ROOT));
            String lo = f.format(range[0]);
            String mid = f.format((range[0] + range[1]) / 2 + 1e-13);
            assertTrue(mid.length() <= 8, range[0] + ": " + mid);
            // ticks a fifth of the range apart read differently
            assertNotEquals(lo, f.format(range[0] + (range[1] - range[0]) / 5), range[0] + " " + lo);
        }
        assertEquals("0.004264", LiveTraining.num(0.004264392324094));
        assertEquals("285.8", LiveTraining.num(285.7933332377116));
        assertEquals("12,346", LiveTraining.num(12345.6));
    }

    private static double[] toArray(double[] d) {
        return d;
    }
}
