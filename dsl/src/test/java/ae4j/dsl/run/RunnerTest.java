package ae4j.dsl.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.io.ModelFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ae4j run} end to end on small synthetic programs: outputs written, errors reported with exit 1. */
class RunnerTest {

    static RunOutcome run(Path file, Path outDir) {
        return RunOutcome.of(file, outDir);
    }

    @Test
    void trainsEvaluatesSavesAndLoads(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("moons.ae");
        Files.writeString(f, """
                data moons = two_moons(n: 600, noise: 0.05, seed: 1)
                data (fit, held) = split(moons, 0.8)
                model ae {
                  input x[2]
                  encoder f { dense 16 tanh; dense 1 tanh }
                  decoder g { dense 16 tanh; dense 2 }
                  corrupt x~ = gaussian(x, sigma: 0.1)
                  minimize mse(x, g(f(x~)))
                }
                train ae on fit { epochs: 4, batch: 32, optimizer: adam(lr: 0.01), seed: 3, validation: 0.1 }
                evaluate ae on held { loss }
                save ae to "ae.safetensors"
                load ae from "ae.safetensors"
                export ae to "ae.csv"
                export ae to "onnx/ae.onnx"
                export ae.f to "onnx/ae-encoder.onnx"
                """);
        Path out = dir.resolve("out");
        RunOutcome r = run(f, out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train ae on fit: 480 examples, 4 epochs"), r.out());
        assertTrue(r.out().contains("evaluate ae on held: loss"), r.out());
        assertTrue(r.out().contains("loaded ae from"), r.out());
        assertEquals(5, Files.readAllLines(out.resolve("ae/metrics.csv")).size(), "header + 4 epochs");
        assertTrue(Files.readString(out.resolve("ae/metrics.csv")).startsWith("epoch,train_loss,validation_loss"));
        assertTrue(ImageIO.read(out.resolve("ae/loss.png").toFile()).getWidth() > 100);
        assertEquals("ae", ModelFile.read(out.resolve("ae.safetensors")).modelName());
        assertTrue(Files.readString(out.resolve("ae.csv")).startsWith("# f.0.weight 16 x 2"));
        assertTrue(r.out().contains("exported ae to " + out.resolve("onnx/ae.onnx")), r.out());
        assertTrue(r.out().contains("exported ae's encoder f to " + out.resolve("onnx/ae-encoder.onnx")), r.out());
        var env = ae4j.dsl.onnx.OnnxRuntimeForTests.environment();
        try (var s = env.createSession(out.resolve("onnx/ae.onnx").toString())) {
            assertEquals(java.util.Set.of("x"), s.getInputNames());
            assertEquals(java.util.Set.of("r"), s.getOutputNames());
        }
        try (var s = env.createSession(out.resolve("onnx/ae-encoder.onnx").toString())) {
            assertEquals(java.util.Set.of("h"), s.getOutputNames());
        }
        // Points are not images: no reconstruction grid.
        assertTrue(!Files.exists(out.resolve("ae/reconstructions.png")));
    }

    /**
     * Each file once: a model trained and then saved by the program has its weights in the saved file only
     * (with the training's options and metrics), not a second copy in its report folder; a model that is
     * trained and not saved still gets its weights in the report folder; one trained again after the save
     * gets both (they are different weights).
     */
    @Test
    void weightsAreWrittenOncePerTraining(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.ae");
        Files.writeString(f, """
                data moons = two_moons(n: 200, seed: 1)
                model a { input x[2]  encoder f { dense 2 tanh }  decoder g { dense 2 }  minimize mse(x, g(f(x))) }
                model b { input x[2]  encoder f { dense 2 tanh }  decoder g { dense 2 }  minimize mse(x, g(f(x))) }
                model c { input x[2]  encoder f { dense 2 tanh }  decoder g { dense 2 }  minimize mse(x, g(f(x))) }
                train a on moons { epochs: 2, seed: 1 }
                train b on moons { epochs: 2, seed: 1 }
                train c on moons { epochs: 1, seed: 1 }
                save a to "a.safetensors"
                save c to "c-first.safetensors"
                train c on moons { epochs: 1, seed: 2 }
                """);
        Path out = dir.resolve("out");
        RunOutcome r = run(f, out);
        assertEquals(0, r.code(), r.err());
        List<String> written;
        try (var files = Files.walk(out)) {
            written = files.filter(p -> p.toString().endsWith(".safetensors"))
                    .map(p -> out.relativize(p).toString())
                    .sorted()
                    .toList();
        }
        assertEquals(List.of("a.safetensors", "b/b.safetensors", "c-first.safetensors", "c/c.safetensors"), written);
        ModelFile.Saved a = ModelFile.read(out.resolve("a.safetensors"));
        assertEquals(
                2L, ((Number) a.config().get("epochs")).longValue(), a.config().toString());
        // the saved file's final loss is the one the run printed for a's training
        double printed = Double.parseDouble(r.out().replaceAll("(?s).*train a: loss ([0-9.]+) after 2 epochs.*", "$1"));
        assertEquals(printed, ((Number) a.metrics().get("train_loss")).doubleValue(), 5e-6);
        // c's file and c's report folder hold different weights (the second training changed them)
        float[] first = ModelFile.read(out.resolve("c-first.safetensors"))
                .tensors()
                .firstEntry()
                .getValue()
                .data();
        float[] second = ModelFile.read(out.resolve("c/c.safetensors"))
                .tensors()
                .firstEntry()
                .getValue()
                .data();
        assertTrue(!java.util.Arrays.equals(first, second));
    }

    /**
     * pretrain: greedy (section 14.3) trains one shallow autoencoder per encoder layer, reports each, and hands
     * the deep model a lower objective than its random initialisation before fine-tuning.
     */
    @Test
    void greedyPretrainingRunsLevelByLevelBeforeFineTuning(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("greedy.ae");
        Files.writeString(f, """
                data roll = swiss_roll(n: 800, seed: 2)
                model deep {
                  input x[3]
                  encoder f { dense 32 tanh; dense 16 tanh; dense 2 identity }
                  decoder g { dense 16 tanh; dense 32 tanh; dense 3 identity }
                  minimize mse(x, g(f(x)))
                }
                train deep on roll { epochs: 2, batch: 32, optimizer: adam(lr: 3e-3), seed: 4, pretrain: greedy, pretrain_epochs: 3 }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        System.out.print(r.out());
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.err().contains("not implemented"), r.err());
        assertTrue(r.out().contains("pretrain deep: greedy, 3 levels, 3 epochs each"), r.out());
        assertTrue(
                r.out()
                        .contains(
                                "pretrain deep: level 1 of 3: 3 -> 32 tanh, decoder 32 -> 3 identity (becomes g.2), mse"),
                r.out());
        assertTrue(
                r.out()
                        .contains(
                                "pretrain deep: level 3 of 3: 16 -> 2 identity, decoder 2 -> 16 tanh (becomes g.0), mse"),
                r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "objective on roll ([0-9.]+) at initialisation, ([0-9.]+) after pretraining")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(2)) < Double.parseDouble(m.group(1)), m.group());
        assertTrue(
                r.out().indexOf("after pretraining") < r.out().indexOf("train deep: loss"),
                "fine-tuning follows pretraining");
        assertTrue(Files.readString(dir.resolve("out/deep/pretrain.csv")).startsWith("level,epoch,train_loss\n1,1,"));
    }

    @Test
    void programErrorsAndDataMismatchesExitWithOne(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.ae");
        Files.writeString(bad, "model m { input x[2] encoder f { dense 2 rleu } minimize mse(x, x) }\n");
        RunOutcome r = run(bad, dir.resolve("o1"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("did you mean 'relu'"), r.err());
        assertTrue(r.err().contains("nothing was run"), r.err());

        Path wrong = dir.resolve("wrong.ae");
        Files.writeString(wrong, """
                data moons = two_moons(n: 100)
                model m {
                  input x[3]
                  encoder f { dense 2 tanh }
                  decoder g { dense 3 }
                  minimize mse(x, g(f(x)))
                }
                train m on moons { epochs: 1 }
                """);
        r = run(wrong, dir.resolve("o2"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the data has 2 features per example but the model's input has 3"), r.err());
    }

    @Test
    void imageDataGetsAReconstructionGrid(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("img.ae");
        Files.writeString(f, """
                data images = translated_template(size: 12, shift: 3, n: 200, seed: 2)
                model dae {
                  input x[12, 12]
                  encoder f { dense 16 sigmoid }
                  decoder g { dense 144 sigmoid }
                  corrupt x~ = masking(x, p: 0.3)
                  minimize bernoulli_nll(x, g(f(x~)))
                }
                train dae on images { epochs: 2, batch: 50 }
                """);
        RunOutcome r = run(f, dir.resolve("o"));
        assertEquals(0, r.code(), r.err());
        var grid = ImageIO.read(dir.resolve("o/dae/reconstructions.png").toFile());
        // 3 rows (originals, corrupted, reconstructions) of 8 cells of 12 px at scale 3, 2 px gaps, at the right of
        // a column with the rows' names (white).
        int gridWidth = 8 * 36 + 9 * 2;
        assertEquals(3 * 36 + 4 * 2, grid.getHeight());
        int labels = grid.getWidth() - gridWidth;
        assertTrue(labels > 40 && labels < 200, "label column " + labels + " px");
        assertEquals(0xffffff, grid.getRGB(0, 0) & 0xffffff, "the label column is white");
        int gap = grid.getRGB(grid.getWidth() - 1, 0) & 0xff;
        assertEquals(128, gap, "the grid's gap gray at the top right");
        boolean text = false;
        for (int y = 0; y < grid.getHeight() && !text; y++)
            for (int x = 0; x < labels && !text; x++) text = (grid.getRGB(x, y) & 0xff) < 128;
        assertTrue(text, "the rows are named");
    }

    /**
     * {@code load m from FILE} without declaring m builds the model from the program saved in the file: the loaded
     * model's loss on the same data is the saved one's, to the printed digit.
     */
    @Test
    void loadingAnUndeclaredModelRebuildsItFromTheSavedProgram(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.ae");
        Files.writeString(a, """
                data ring = circle(radius: 2, n: 200)
                model tiny {
                  input x[2]
                  encoder f { dense 3 tanh }
                  decoder g { dense 2 }
                  minimize mse(x, g(f(x)))
                }
                train tiny on ring { epochs: 2, seed: 3 }
                save tiny to "tiny.safetensors"
                evaluate tiny on ring { loss }
                """);
        RunOutcome first = run(a, dir.resolve("o"));
        assertEquals(0, first.code(), first.err());
        Path b = dir.resolve("b.ae");
        Files.writeString(b, """
                data ring = circle(radius: 2, n: 200)
                load pretrained from "o/tiny.safetensors"
                evaluate pretrained on ring { loss }
                """);
        RunOutcome second = run(b, dir.resolve("o2"));
        assertEquals(0, second.code(), second.err());
        Matcher m1 = Pattern.compile("evaluate tiny on ring: loss ([0-9.]+)").matcher(first.out());
        Matcher m2 =
                Pattern.compile("evaluate pretrained on ring: loss ([0-9.]+)").matcher(second.out());
        assertTrue(m1.find(), first.out());
        assertTrue(m2.find(), second.out());
        assertEquals(m1.group(1), m2.group(1));

        Files.writeString(dir.resolve("plain.safetensors"), "not a model");
        Files.writeString(b, """
                data ring = circle(radius: 2, n: 200)
                load other from "plain.safetensors"
                evaluate other on ring { loss }
                """);
        RunOutcome bad = run(b, dir.resolve("o3"));
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue(!bad.err().contains("bug"), bad.err());
    }

    @Test
    void referenceRunTrainsTheSameModelWithTheInterpreter(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("small.ae");
        Files.writeString(f, """
                data moons = two_moons(n: 64, seed: 1)
                model ae {
                  input x[2]
                  encoder f { dense 4 tanh }
                  decoder g { dense 2 }
                  minimize mse(x, g(f(x)))
                }
                train ae on moons { epochs: 2, batch: 16, seed: 4 }
                """);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Runner.run(
                f,
                new Runner.Options(dir.resolve("ref"), 0, true),
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(0, code, e.toString(StandardCharsets.UTF_8));
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("running the reference executor"));
        RunOutcome gen = run(f, dir.resolve("gen"));
        assertEquals(0, gen.code());
        // Same initialisation, same data order, same noise: the losses agree to float precision.
        var refLog = Files.readAllLines(dir.resolve("ref/ae/metrics.csv"));
        var genLog = Files.readAllLines(dir.resolve("gen/ae/metrics.csv"));
        for (int i = 1; i < refLog.size(); i++) {
            double a = Double.parseDouble(refLog.get(i).split(",")[1]);
            double b = Double.parseDouble(genLog.get(i).split(",")[1]);
            assertEquals(a, b, 1e-4 * Math.abs(a), "epoch " + i);
        }
    }

    static RunOutcome run(Path file, Runner.Options options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Runner.run(
                file,
                options,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new RunOutcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void checkpointsEveryEpochAndResumesToTheSameWeights(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("moons.ae");
        Files.writeString(f, """
                data moons = two_moons(n: 400, noise: 0.05, seed: 1)
                model ae {
                  input x[2]
                  encoder f { dense 8 tanh; dense 1 tanh }
                  decoder g { dense 8 tanh; dense 2 }
                  corrupt x~ = gaussian(x, sigma: 0.1)
                  minimize mse(x, g(f(x~)))
                }
                train ae on moons { epochs: 4, batch: 32, optimizer: adam(lr: 0.01), seed: 3, checkpoint: "ck/ae.ckpt" }
                """);
        RunOutcome whole = run(f, new Runner.Options(dir.resolve("whole"), 0));
        assertEquals(0, whole.code(), whole.err());
        var full = ae4j.dsl.io.Checkpoint.read(dir.resolve("whole/ck/ae.ckpt"));
        assertEquals(4, full.progress().epoch());
        assertEquals(java.util.Set.of("m", "v"), full.optimizerState().keySet());

        RunOutcome half = run(f, new Runner.Options(dir.resolve("half"), 2));
        assertEquals(0, half.code(), half.err());
        Path ck = dir.resolve("half/ck/ae.ckpt");
        assertEquals(2, ae4j.dsl.io.Checkpoint.read(ck).progress().epoch());

        RunOutcome rest = run(f, new Runner.Options(dir.resolve("rest"), 0, false, ck));
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.out().contains("resuming from " + ck + " after epoch 2"), rest.out());
        var resumed = ae4j.dsl.io.Checkpoint.read(dir.resolve("rest/ck/ae.ckpt"));
        assertEquals(4, resumed.progress().epoch());
        for (String p : full.params().keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    full.params().get(p).data(), resumed.params().get(p).data(), p);
        }
        assertEquals(5, Files.readAllLines(dir.resolve("rest/ae/metrics.csv")).size(), "header + all 4 epochs");

        RunOutcome missing = run(f, new Runner.Options(dir.resolve("x"), 0, false, dir.resolve("nope.ckpt")));
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("--resume"), missing.err());
    }
}
