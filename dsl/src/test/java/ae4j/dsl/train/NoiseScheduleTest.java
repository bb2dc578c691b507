package ae4j.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The noise before the code (section 14.9) follows its schedule during training: the sigma set before each
 * step is the schedule's value at that step's fractional epoch, the noise the step adds has that standard
 * deviation, and training ends with the final value.
 */
class NoiseScheduleTest {

    private static CheckedModel model(String noise) {
        String src = "model m {\n  input x[6]\n  encoder f { dense 8 sigmoid }\n  decoder g { dense 6 sigmoid }\n"
                + "  noise before h = " + noise
                + "\n  minimize bernoulli_nll(x, g(h))\n}\nsave m to \"m.safetensors\"\n";
        FrontEnd.Result r = FrontEnd.check("noise.ae", src);
        assertTrue(r.ok(), r.diagnostics().render());
        return r.checked().models().get(0);
    }

    @Test
    void schedulesGiveTheSigmaOverTraining() {
        assertNull(Schedule.noiseSigma(model("gaussian(sigma: 4)").noiseBeforeCode()), "a constant needs no driving");
        Schedule ramp = Schedule.noiseSigma(
                model("gaussian(sigma: ramp(start: 0, end: 4))").noiseBeforeCode());
        assertEquals(0, ramp.at(0, 10), 1e-12);
        assertEquals(1, ramp.at(2.5, 10), 1e-12);
        assertEquals(4, ramp.at(10, 10), 1e-12);
        Schedule step = Schedule.noiseSigma(
                model("gaussian(sigma: 1, schedule: step(every: 2, factor: 3))").noiseBeforeCode());
        assertEquals(1, step.at(1.9, 10), 1e-12);
        assertEquals(3, step.at(2, 10), 1e-12);
        assertEquals(9, step.at(5, 10), 1e-12);
        Schedule cosine = Schedule.noiseSigma(
                model("gaussian(sigma: 4, schedule: cosine(min: 1))").noiseBeforeCode());
        assertEquals(4, cosine.at(0, 10), 1e-12);
        assertEquals(2.5, cosine.at(5, 10), 1e-12); // halfway: (4 + 1) / 2
        assertEquals(1, cosine.at(10, 10), 1e-12);
        Schedule warm = Schedule.noiseSigma(model("gaussian(sigma: warmup(epochs: 2, then: ramp(start: 2, end: 6)))")
                .noiseBeforeCode());
        assertEquals(1, warm.at(1, 10), 1e-12); // halfway up to the ramp's start
        assertEquals(2, warm.at(2, 10), 1e-12);
        assertEquals(6, warm.at(10, 10), 1e-12);
    }

    @Test
    void eachStepAddsNoiseOfTheScheduledSigma() {
        CheckedModel m = model("gaussian(sigma: ramp(start: 0.5, end: 4))");
        BuiltModel built = ModelBuilder.generated().build(m, 256, 3);
        CompiledModel model = built.model();
        Graph g = built.ir().graph();
        Graph.AddNoise noise = (Graph.AddNoise) g.nodes().stream()
                .filter(n -> n instanceof Graph.AddNoise)
                .findFirst()
                .orElseThrow();
        int n = 64, d = 6, batch = 16, epochs = 3;
        float[] x = new float[n * d];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        Schedule schedule = Schedule.noiseSigma(m.noiseBeforeCode());
        List<double[]> seen = new ArrayList<>(); // per step: sigma set, the noise's sample standard deviation
        TrainingListener watch = new TrainingListener() {
            @Override
            public void onStep(Progress p) {
                float[] noisy = model.value(noise.id());
                float[] clean = model.value(noise.input());
                double sq = 0;
                int count = batch * noise.width();
                for (int i = 0; i < count; i++) sq += Math.pow(noisy[i] - clean[i], 2);
                seen.add(new double[] {model.noiseSigma(), Math.sqrt(sq / count)});
            }
        };
        TrainConfig c = TrainConfig.defaults().withEpochs(epochs).withBatch(batch);
        new Trainer(model, c, watch, built.termNames()).noise(schedule).train(x, n, d);
        int perEpoch = n / batch;
        assertEquals(epochs * perEpoch, seen.size());
        for (int s = 0; s < seen.size(); s++) {
            double expected = schedule.at(s / perEpoch + (double) (s % perEpoch) / perEpoch, epochs);
            assertEquals(expected, seen.get(s)[0], 1e-6, "sigma at step " + s);
            // 16 x 8 unit normals: their sample deviation is within 25% of 1 far beyond 4 standard errors
            assertEquals(expected, seen.get(s)[1], 0.25 * expected, "the noise added at step " + s);
        }
        assertEquals(0.5, seen.get(0)[0], 1e-6);
        assertTrue(seen.get(seen.size() - 1)[0] > 3.5, "ramped up");
        assertEquals(4, model.noiseSigma(), 1e-6, "left at the final value");
    }
}
