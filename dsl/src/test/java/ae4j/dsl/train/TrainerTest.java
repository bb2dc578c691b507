package ae4j.dsl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import ae4j.vecmath.Parallel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    static int counter;

    /** in -> hidden (act) -> in, MSE, with optional gaussian corruption. */
    static CompiledModel model(int in, int hidden, Activation act, boolean corrupt, int maxBatch, long initSeed) {
        var nodes = new java.util.ArrayList<Graph.Node>();
        nodes.add(new Input(0, in));
        int src = 0;
        if (corrupt) {
            nodes.add(new Corrupt(1, 0, new Corruption.Gaussian(0.1), in));
            src = 1;
        }
        nodes.add(new Dense(nodes.size(), src, 0, 1, false, hidden));
        nodes.add(new Activate(nodes.size(), nodes.size() - 1, act, hidden));
        nodes.add(new Dense(nodes.size(), nodes.size() - 1, 2, 3, false, in));
        Graph g = new Graph(
                "trainer" + (counter++),
                List.of(
                        new Param("f.0.weight", hidden, in),
                        new Param("f.0.bias", 1, hidden),
                        new Param("g.0.weight", in, hidden),
                        new Param("g.0.bias", 1, in)),
                nodes,
                List.of(new Mse(1, 0, nodes.size() - 1)));
        CompiledModel m = ModelBuilder.generated().instantiate(g, maxBatch, initSeed);
        SplittableRandom r =
                new SplittableRandom(initSeed); // N(0, 0.3^2) weights and biases, not Glorot: biases move too
        for (float[] p : m.params()) for (int i = 0; i < p.length; i++) p[i] = (float) (r.nextGaussian() * 0.3);
        return m;
    }

    /** n points near a 2-D plane in R^d (a known low-rank structure) plus small noise. */
    static float[] lowRankData(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] basis = new double[2][d];
        for (double[] b : basis) for (int j = 0; j < d; j++) b[j] = r.nextGaussian();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian() * 2, b = r.nextGaussian();
            for (int j = 0; j < d; j++)
                x[i * d + j] = (float) (a * basis[0][j] + b * basis[1][j] + 0.01 * r.nextGaussian());
        }
        return x;
    }

    @Test
    void lossFallsOnLowRankData() {
        CompiledModel m = model(8, 3, Activation.IDENTITY, false, 16, 1);
        float[] x = lowRankData(256, 8, 2);
        Trainer.Result r = new Trainer(
                        m,
                        TrainConfig.defaults().withEpochs(30).withBatch(16).withOptimizer("adam", Map.of("lr", 0.01)),
                        null)
                .train(x, 256, 8);
        assertEquals(30, r.epochsRun());
        assertEquals(30 * 16, r.steps());
        assertTrue(
                r.finalTrainLoss() < r.trainLoss().get(0) / 20,
                "loss went from " + r.trainLoss().get(0) + " to " + r.finalTrainLoss());
    }

    @Test
    void sameSeedSameWeightsAnyThreadCount() {
        float[] x = lowRankData(300, 40, 3);
        float[][][] results = new float[3][][];
        int[] threads = {1, 2, 1};
        int before = Parallel.threads();
        for (int k = 0; k < 3; k++) {
            CompiledModel m = model(40, 24, Activation.SIGMOID, true, 64, 5);
            Parallel.setThreads(threads[k]);
            try {
                new Trainer(
                                m,
                                TrainConfig.defaults()
                                        .withEpochs(3)
                                        .withBatch(64)
                                        .withSeed(11),
                                null)
                        .train(x, 300, 40);
            } finally {
                Parallel.setThreads(before);
            }
            results[k] = m.params();
        }
        for (int k = 1; k < 3; k++) {
            for (int i = 0; i < results[0].length; i++)
                assertArrayEquals(results[0][i], results[k][i], 0f, "run " + k + " tensor " + i);
        }
        CompiledModel other = model(40, 24, Activation.SIGMOID, true, 64, 5);
        new Trainer(other, TrainConfig.defaults().withEpochs(3).withBatch(64).withSeed(12), null).train(x, 300, 40);
        assertTrue(
                !java.util.Arrays.equals(results[0][0], other.params()[0]), "a different seed must change the weights");
    }

    /** Large enough for the optimizer to update tensors on several threads: still bit-identical. */
    @Test
    void parallelOptimizerUpdatesDoNotChangeTheWeights() {
        float[] x = lowRankData(64, 300, 13);
        int before = Parallel.threads();
        float[][][] results = new float[2][][];
        for (int k = 0; k < 2; k++) {
            CompiledModel m = model(300, 120, Activation.TANH, false, 32, 3);
            Parallel.setThreads(k + 1);
            try {
                new Trainer(
                                m,
                                TrainConfig.defaults()
                                        .withEpochs(2)
                                        .withBatch(32)
                                        .withSeed(2),
                                null)
                        .train(x, 64, 300);
            } finally {
                Parallel.setThreads(before);
            }
            results[k] = m.params();
        }
        for (int i = 0; i < results[0].length; i++) assertArrayEquals(results[0][i], results[1][i], 0f, "tensor " + i);
    }

    @Test
    void divergenceStopsWithAnActionableMessage() {
        CompiledModel m = model(8, 4, Activation.IDENTITY, false, 16, 1);
        float[] x = lowRankData(64, 8, 4);
        for (int i = 0; i < x.length; i++) x[i] *= 1000;
        DivergenceException e = assertThrows(
                DivergenceException.class,
                () -> new Trainer(
                                m,
                                TrainConfig.defaults()
                                        .withEpochs(50)
                                        .withBatch(16)
                                        .withOptimizer("sgd", Map.of("lr", 10.0)),
                                null,
                                "mse")
                        .train(x, 64, 8));
        assertTrue(e.getMessage().contains("at step " + e.step()), e.getMessage());
        assertTrue(e.getMessage().contains("smaller learning rate"), e.getMessage());
        assertTrue(e.getMessage().contains("(mse)") || e.getMessage().contains("the loss"), e.getMessage());
    }

    /** Adam at lr 1e6 multiplies the loss while it stays finite (1e28 before): stopped at the blow-up. */
    @Test
    void aLossThatBlowsUpWhileFiniteStopsTraining() {
        CompiledModel m = model(8, 4, Activation.IDENTITY, false, 16, 1);
        float[] x = lowRankData(64, 8, 4);
        double[] worst = {0};
        DivergenceException e = assertThrows(
                DivergenceException.class,
                () -> new Trainer(
                                m,
                                TrainConfig.defaults()
                                        .withEpochs(50)
                                        .withBatch(16)
                                        .withOptimizer("adam", Map.of("lr", 1e6)),
                                new TrainingListener() {
                                    @Override
                                    public void onStep(Progress p) {
                                        worst[0] = Math.max(worst[0], p.loss());
                                    }
                                },
                                "mse")
                        .train(x, 64, 8));
        assertTrue(e.getMessage().startsWith("training diverged: the loss grew from "), e.getMessage());
        assertTrue(e.getMessage().contains("more than 10,000-fold"), e.getMessage());
        assertTrue(e.getMessage().contains("lr: 1000000.0 -> 100000.0"), e.getMessage());
        assertTrue(Double.isFinite(worst[0]), "stopped while the loss was still finite");
    }

    @Test
    void cancellationKeepsAUsableModel() {
        CompiledModel m = model(8, 4, Activation.TANH, false, 8, 1);
        float[] x = lowRankData(128, 8, 5);
        Trainer[] t = new Trainer[1];
        t[0] = new Trainer(m, TrainConfig.defaults().withEpochs(100).withBatch(8), new TrainingListener() {
            @Override
            public void onStep(Progress p) {
                if (p.step() == 5) t[0].cancel();
            }
        });
        Trainer.Result r = t[0].train(x, 128, 8);
        assertTrue(r.cancelled());
        assertEquals(5, r.steps());
        assertTrue(Double.isFinite(m.loss(x, 8, 0, 0, false)));
    }

    @Test
    void earlyStoppingRestoresTheBestWeights() {
        // Few examples, a wide model and many epochs: validation loss stops improving.
        CompiledModel m = model(12, 32, Activation.TANH, false, 32, 7);
        SplittableRandom r = new SplittableRandom(8);
        float[] x = new float[40 * 12];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Trainer.Result res = new Trainer(
                        m,
                        TrainConfig.defaults()
                                .withEpochs(400)
                                .withBatch(32)
                                .withOptimizer("adam", Map.of("lr", 0.02))
                                .withValidation(0.25, 3),
                        null)
                .train(x, 40, 12);
        assertTrue(res.stoppedEarly(), "expected an early stop; validation losses " + res.validationLoss());
        double best = res.validationLoss().stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElseThrow();
        assertEquals(best, res.validationLoss().get(res.bestEpoch()), 0.0);
        assertTrue(res.epochsRun() < 400);
    }

    @Test
    void consoleProgressPrintsOneWholeLinePerEpochWhenNotATerminal() {
        CompiledModel m = model(8, 3, Activation.IDENTITY, false, 16, 1);
        float[] x = lowRankData(64, 8, 9);
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        java.util.List<String> seenAtEpochEnd = new java.util.ArrayList<>();
        ConsoleProgress console = new ConsoleProgress("train m", out, false, 80, "mse");
        Trainer.Result res = new Trainer(
                        m,
                        TrainConfig.defaults().withEpochs(3).withBatch(16).withValidation(0.25, 0),
                        new TrainingListener() {
                            @Override
                            public void onStep(Progress p) {
                                console.onStep(p);
                            }

                            @Override
                            public void onEpoch(Epoch e) {
                                console.onEpoch(e);
                                // what the stream holds right after the epoch: its line is already there
                                seenAtEpochEnd.add(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
                            }

                            @Override
                            public void onEnd(Trainer.Result r) {
                                console.onEnd(r);
                            }
                        })
                .train(x, 64, 8);
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), text);
        assertFalse(text.contains("\033"), text);
        String[] lines = text.split("\n");
        assertEquals(4, lines.length, text); // three epochs and the end
        for (int e = 0; e < 3; e++) {
            assertTrue(
                    lines[e].startsWith("train m epoch " + (e + 1) + "/3 train "
                            + String.format(
                                    java.util.Locale.ROOT,
                                    "%.5f",
                                    res.trainLoss().get(e))),
                    lines[e]);
            assertTrue(
                    lines[e].contains(String.format(
                            java.util.Locale.ROOT,
                            "validation %.5f",
                            res.validationLoss().get(e))),
                    lines[e]);
            assertEquals(e + 1, seenAtEpochEnd.get(e).split("\n").length, "epoch " + (e + 1) + " printed late");
        }
        assertTrue(lines[3].startsWith("train m: done after 9 steps"), text);
    }

    @Test
    void consoleProgressOnATerminalRedrawsTheBarInPlaceAndCutsItToTheWidth() {
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        ConsoleProgress c = new ConsoleProgress("train m", out, true, 40, "rec", "l1");
        c.onStep(new TrainingListener.Progress(1, 400, 0, 200, 0.5, new double[] {0.4, 0.1}, 1000, 12));
        String bar = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(bar.startsWith("\rtrain m [>"), bar);
        assertFalse(bar.contains("\n"), bar);
        String visible = bar.substring(1, bar.indexOf("\033[K"));
        assertEquals(39, visible.length(), visible); // cut at the width, minus the cursor's column
        c.onEpoch(new TrainingListener.Epoch(0, 200, 0.25, new double[] {0.2, 0.05}, Double.NaN, 100, 0.5));
        String all = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        String epochPart = all.substring(bar.length());
        // the bar is erased, then the epoch's whole line (not cut: it is a record, not the bar)
        assertEquals("\r\033[Ktrain m epoch 1/200 train 0.25000 (rec 0.2000, l1 0.05000) 200 ex/s 0.5 s\n", epochPart);
    }

    @Test
    void schedules() {
        assertEquals(1.0, Schedule.CONSTANT.at(3.3, 10));
        assertEquals(0.25, Schedule.step(2, 0.5).at(4.5, 10), 1e-12);
        assertEquals(1.0, Schedule.cosine(0).at(0, 10), 1e-12);
        assertEquals(0.5, Schedule.cosine(0).at(5, 10), 1e-12);
        assertEquals(0.1, Schedule.cosine(0.1).at(10, 10), 1e-12);
        assertEquals(0.5, Schedule.warmup(2, Schedule.CONSTANT).at(1, 10), 1e-12);
        assertEquals(1.0, Schedule.warmup(2, Schedule.CONSTANT).at(3, 10), 1e-12);
        assertEquals(8.0, Schedule.ramp(0, 16).at(5, 10), 1e-12);
    }

    @Test
    void rejectsDataOfTheWrongWidth() {
        CompiledModel m = model(8, 4, Activation.TANH, false, 8, 1);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Trainer(m, TrainConfig.defaults(), null).train(new float[70], 10, 7));
        assertTrue(e.getMessage().contains("7 features") && e.getMessage().contains("takes 8"), e.getMessage());
    }

    /** A checkpoint whose history does not read back (a damaged file) is refused on resume, naming the field. */
    @Test
    void aCheckpointWithADamagedHistoryIsRefusedOnResume(@TempDir java.nio.file.Path dir) throws Exception {
        float[] x = lowRankData(64, 8, 5);
        TrainConfig two = TrainConfig.defaults().withEpochs(2).withBatch(16).withSeed(4);
        java.nio.file.Path cp = dir.resolve("ck.safetensors");
        new Trainer(model(8, 3, Activation.TANH, true, 16, 1), two.withCheckpoint(cp.toString()), null).train(x, 64, 8);
        String bytes = new String(java.nio.file.Files.readAllBytes(cp), java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(best_loss\\\\?\":\\\\?\")([^\"\\\\]+)")
                .matcher(bytes);
        assertTrue(m.find(), "the checkpoint holds best_loss");
        String damaged = bytes.substring(0, m.start(2)) + "x".repeat(m.group(2).length()) + bytes.substring(m.end(2));
        java.nio.file.Files.write(cp, damaged.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Trainer(model(8, 3, Activation.TANH, true, 16, 1), two, null).resume(cp));
        assertTrue(e.getMessage().contains("its best_loss is 'x"), e.getMessage());
    }

    /** The claim: 4 epochs straight == 2 epochs, a checkpoint, and 2 more in a fresh model from it. */
    @Test
    void resumingFromACheckpointGivesBitIdenticalWeights(@TempDir java.nio.file.Path dir) throws Exception {
        float[] x = lowRankData(300, 8, 5);
        TrainConfig four = TrainConfig.defaults()
                .withEpochs(4)
                .withBatch(16)
                .withSeed(9)
                .withOptimizer("adam", Map.of("lr", 0.01))
                .withValidation(0.2, 10)
                .withSchedule("cosine", Map.of());
        CompiledModel straight = model(8, 3, Activation.TANH, true, 16, 1);
        Trainer.Result whole = new Trainer(straight, four, null).train(x, 300, 8);

        // First half: the same 4-epoch run, interrupted after epoch 2 (a crash or Ctrl-C).
        java.nio.file.Path cp = dir.resolve("run/ck.safetensors");
        CompiledModel first = model(8, 3, Activation.TANH, true, 16, 1);
        Trainer[] self = new Trainer[1];
        self[0] = new Trainer(first, four.withCheckpoint(cp.toString()), new TrainingListener() {
            @Override
            public void onEpoch(int epoch, double trainLoss, double validationLoss) {
                if (epoch == 1) self[0].cancel();
            }
        });
        Trainer.Result half = self[0].train(x, 300, 8);
        assertTrue(half.cancelled());
        assertEquals(2, half.epochsRun());
        var written = ae4j.dsl.io.Checkpoint.read(cp);
        assertEquals(2, written.progress().epoch());
        assertEquals(half.steps(), written.progress().step());
        assertEquals(
                java.util.Set.of("m", "v", "best"), written.optimizerState().keySet());

        // Second half: a fresh model (different initial weights, overwritten by the checkpoint).
        CompiledModel resumed = model(8, 3, Activation.TANH, true, 16, 77);
        Trainer.Result rest = new Trainer(resumed, four.withCheckpoint(cp.toString()), null)
                .resume(cp)
                .train(x, 300, 8);
        assertEquals(4, rest.epochsRun());
        assertEquals(whole.steps(), rest.steps());
        assertEquals(whole.trainLoss(), rest.trainLoss());
        assertEquals(whole.validationLoss(), rest.validationLoss());
        for (int i = 0; i < straight.params().length; i++) {
            assertArrayEquals(straight.params()[i], resumed.params()[i], "parameter " + i);
        }
        assertEquals(4, ae4j.dsl.io.Checkpoint.read(cp).progress().epoch());

        // Also the plain form: a 2-epoch run, then the same options with epochs: 4 (constant schedule).
        TrainConfig c4 = four.withSchedule("constant", Map.of());
        CompiledModel a = model(8, 3, Activation.TANH, true, 16, 1);
        new Trainer(a, c4, null).train(x, 300, 8);
        java.nio.file.Path cp2 = dir.resolve("two.safetensors");
        CompiledModel b = model(8, 3, Activation.TANH, true, 16, 1);
        new Trainer(b, c4.withEpochs(2).withCheckpoint(cp2.toString()), null).train(x, 300, 8);
        CompiledModel c = model(8, 3, Activation.TANH, true, 16, 3);
        new Trainer(c, c4, null).resume(cp2).train(x, 300, 8);
        for (int i = 0; i < a.params().length; i++) assertArrayEquals(a.params()[i], c.params()[i], "parameter " + i);

        // A different seed is refused with a message.
        CompiledModel d = model(8, 3, Activation.TANH, true, 16, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(d, c4.withSeed(1), null).resume(cp2));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }
}
