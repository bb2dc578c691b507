package ae4j.bench;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Initializer;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import ae4j.vecmath.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ae4j bench train}: examples per second for one epoch of Fashion-MNIST through the whole training
 * runtime (data copy, shuffle, forward, backward, Adam), for models built from .ae source the way
 * {@code ae4j run} builds them (FrontEnd, Lowering, JavaEmitter, ModelCompiler), with the final loss.
 */
public final class TrainBench {

    static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    /** The models (mid and cae are used here), shared with the PyTorch comparison. */
    static final String SOURCE = CompareModels.SOURCE;

    record Case(String label, String model, int batch, int threads) {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        for (String a : args) {
            if (!a.equals("--quick")) {
                System.err.println("ae4j bench train: unknown option '" + a + "' (option: --quick)");
                System.exit(2);
            }
        }
        if (!Files.isReadable(IMAGES)) {
            System.err.println("ae4j bench train: Fashion-MNIST is not installed (" + IMAGES + " is missing).\n"
                    + "  Install it with: sudo apt-get install dataset-fashion-mnist   (./ae4j demo also installs it)");
            System.exit(1);
        }
        Dataset ds = IdxReader.read("train", IMAGES, null);
        int d = ds.dim();
        int n = quick ? Math.min(10_000, ds.size()) : ds.size();
        float[] x = Arrays.copyOf(ds.values(), n * d);
        for (int i = 0; i < x.length; i++) x[i] *= 1f / 255f;

        System.out.println(ae4j.vecmath.SystemInfo.report());
        System.out.println("date: " + java.time.LocalDate.now());
        System.out.printf(
                Locale.ROOT,
                "one epoch of Fashion-MNIST train, %,d examples%s, scaled 1/255; Adam lr 1e-3, seed 1%n",
                n,
                quick ? " (--quick subset)" : "");

        FrontEnd.Result checked = FrontEnd.check("bench-train.ae", SOURCE);
        if (!checked.ok() || checked.checked() == null) {
            System.err.print(checked.diagnostics().render());
            throw new IllegalStateException("ae4j bug: the benchmark's models do not check");
        }
        Path cache = Files.createTempDirectory("ae4j-bench-cache");
        ModelCompiler compiler = new ModelCompiler(cache);
        int maxThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        List<Case> cases = new java.util.ArrayList<>();
        for (int b : new int[] {128, 32}) {
            for (int t = 1; t <= maxThreads; t++) cases.add(new Case("784-256-64-256-784, Bernoulli", "mid", b, t));
        }
        for (int t = 1; t <= maxThreads; t++) cases.add(new Case("tied CAE 784-512, lambda 0.1", "cae", 128, t));

        System.out.printf(
                Locale.ROOT,
                "%-32s %6s %8s %12s %10s %12s%n",
                "model",
                "batch",
                "threads",
                "examples/s",
                "seconds",
                "final loss");
        for (Case c : cases) {
            CompiledModel m = ModelBuilder.generated(compiler)
                    .build(checked.checked().model(c.model()), c.batch(), 1)
                    .model();
            TrainConfig cfg = TrainConfig.defaults()
                    .withEpochs(1)
                    .withBatch(c.batch())
                    .withSeed(1)
                    .withOptimizer("adam", Map.of("lr", 1e-3));
            Parallel.setThreads(c.threads());
            // Warm-up: the JIT compiles the step on a small subset; then fresh weights for the timed epoch.
            int warm = Math.min(n, 40 * c.batch());
            new Trainer(m, cfg, null).train(Arrays.copyOf(x, warm * d), warm, d);
            Initializer.glorot(m, 1);
            Trainer.Result r = new Trainer(m, cfg, null).train(x, n, d);
            System.out.printf(
                    Locale.ROOT,
                    "%-32s %6d %8d %12.0f %10.2f %12.4f%n",
                    c.label(),
                    c.batch(),
                    c.threads(),
                    n / r.seconds(),
                    r.seconds(),
                    r.finalTrainLoss());
        }
    }
}
