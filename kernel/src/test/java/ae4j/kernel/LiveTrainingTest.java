package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.train.Trainer;
import ae4j.dsl.train.TrainingListener;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
            if (s % 10_000 == 0) live.onEpoch(s / 10_000, 1.0 / s, Double.NaN);
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
        assertTrue(html.contains("data:image/png;base64,"), "a loss chart");
        assertTrue(html.contains("done: 2 epochs"), html);
    }
}
