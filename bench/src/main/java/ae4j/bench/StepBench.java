package ae4j.bench;

import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.compile.ReferenceExecutor;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import ae4j.vecmath.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code ae4j bench step}: forward + backward per batch of 128 for 784-256(relu)-64(sigmoid)-256(relu)-784
 * with a Bernoulli loss: the generated class, the reference executor, and the step's GEMMs timed alone (the
 * floor: {@link StepGemms}, the packing and the row split the generated step uses), with the ratios.
 */
public final class StepBench {

    static final int[] SIZES = {784, 256, 64, 256, 784};
    static final Activation[] ACTS = {Activation.RELU, Activation.SIGMOID, Activation.RELU, Activation.IDENTITY};
    static final int BATCH = 128;

    /** The benchmark model as IR (the logits are the last dense layer's output). */
    static Graph midGraph(String name) {
        List<Param> params = new ArrayList<>();
        List<Graph.Node> nodes = new ArrayList<>();
        nodes.add(new Input(0, SIZES[0]));
        int cur = 0;
        for (int l = 0; l < ACTS.length; l++) {
            String prefix = l < 2 ? "f." + l : "g." + (l - 2);
            params.add(new Param(prefix + ".weight", SIZES[l + 1], SIZES[l]));
            params.add(new Param(prefix + ".bias", 1, SIZES[l + 1]));
            nodes.add(new Dense(nodes.size(), cur, params.size() - 2, params.size() - 1, false, SIZES[l + 1]));
            cur = nodes.size() - 1;
            if (ACTS[l] != Activation.IDENTITY) {
                nodes.add(new Activate(nodes.size(), cur, ACTS[l], SIZES[l + 1]));
                cur = nodes.size() - 1;
            }
        }
        return new Graph(name, params, nodes, List.of(new BernoulliNll(1, 0, cur)));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Harness h = quick ? new Harness(1000, 30, 5) : new Harness(2000, 150, 9);
        System.out.println(ae4j.vecmath.SystemInfo.report());
        System.out.println("date: " + java.time.LocalDate.now());
        System.out.println("model 784-256(relu)-64(sigmoid)-256(relu)-784, Bernoulli loss, batch " + BATCH);
        Graph g = midGraph("bench_mid");
        Path cache = Files.createTempDirectory("ae4j-bench-cache");
        CompiledModel m = ModelBuilder.generated(new ModelCompiler(cache)).instantiate(g, BATCH, 1);
        float[][] p = m.params();
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[BATCH * SIZES[0]];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();

        int maxThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        StepGemms gemms = new StepGemms(
                java.util.Arrays.copyOf(SIZES, SIZES.length - 1),
                java.util.Arrays.copyOfRange(SIZES, 1, SIZES.length),
                BATCH,
                false);
        System.out.printf(Locale.ROOT, "%-34s %8s %12s %10s%n", "", "threads", "us / batch", "ratio");
        for (int t = 1; t <= maxThreads; t++) {
            Parallel.setThreads(t);
            long[] step = {0};
            Harness.Result gen = h.rate(() -> m.forwardBackward(x, BATCH, 1, step[0]++), 1);
            Harness.Result floor = h.rate(gemms::run, 1);
            double genUs = 1e6 / gen.median();
            double floorUs = 1e6 / floor.median();
            System.out.printf(
                    Locale.ROOT, "%-34s %8d %12.1f %10s%n", "GEMMs of one step alone (floor)", t, floorUs, "1.00");
            System.out.printf(
                    Locale.ROOT,
                    "%-34s %8d %12.1f %9.2fx   (spread %.0f%%)%n",
                    "generated class, forward+backward",
                    t,
                    genUs,
                    genUs / floorUs,
                    gen.spreadPercent());
        }
        Parallel.setThreads(maxThreads);
        // The reference executor in double precision: slow by design; a few steps are enough.
        double[][] pd = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            pd[i] = new double[p[i].length];
            for (int j = 0; j < p[i].length; j++) pd[i][j] = p[i][j];
        }
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) xd[i] = x[i];
        ReferenceExecutor ref = new ReferenceExecutor(g);
        ref.run(pd, xd, BATCH, null, true);
        long t0 = System.nanoTime();
        int n = 3;
        for (int i = 0; i < n; i++) ref.run(pd, xd, BATCH, null, true);
        double refUs = (System.nanoTime() - t0) / 1e3 / n;
        Parallel.setThreads(1);
        double genUs1 = 1e6 / h.rate(() -> m.forwardBackward(x, BATCH, 1, 0), 1).median();
        System.out.printf(
                Locale.ROOT,
                "%-34s %8d %12.1f %9.0fx slower than generated%n",
                "reference executor (double)",
                1,
                refUs,
                refUs / genUs1);
    }
}
