package ae4j.bench;

import ae4j.dsl.analysis.Codes;
import ae4j.dsl.analysis.HammingIndex;
import ae4j.dsl.analysis.Retrieval;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import ae4j.vecmath.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code ae4j bench hashing}: the hash table of semantic hashing (section 14.9). Builds a {@link HammingIndex} of
 * 1,000,000 random 20-bit and 32-bit addresses, times the build, and the latency of one query (all items within
 * Hamming distance r, found by flipping bits, and the 10 nearest) for r = 0..4: median and 99th percentile over
 * many queries at the addresses of random items. Then the whole path from images to a hash table: a 784-256-32
 * autoencoder with a sigmoid code (noise before it, sigma 4) is trained here for 5 epochs on 10,000 Fashion-MNIST
 * images, and the 60,000 training images are encoded, binarised and indexed (images per second), with the query
 * latency on that index, whose addresses cluster as the images do.
 */
public final class HashingBench {

    static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    /** Epochs of the model's training on 10,000 images (one epoch left it with ~120 distinct addresses). */
    static final int EPOCHS = 5;

    static final String MODEL = """
            model hash {
              input x[784]
              encoder f { dense 256 relu; dense 32 sigmoid }
              decoder g { dense 256 relu; dense 784 sigmoid }
              noise before h = gaussian(sigma: 4)
              minimize bernoulli_nll(x, g(h))
            }
            """;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        for (String a : args) {
            if (!a.equals("--quick")) {
                System.err.println("ae4j bench hashing: unknown option '" + a + "' (option: --quick)");
                System.exit(1);
            }
        }
        System.out.println(ae4j.vecmath.SystemInfo.report());
        System.out.println("date: " + java.time.LocalDate.now());
        int items = quick ? 100_000 : 1_000_000;
        System.out.printf(
                Locale.ROOT,
                "%nHamming index of %,d random addresses (uniform; queries at the addresses of random items)%n",
                items);
        for (int bits : new int[] {20, 32}) {
            long[] codes = new long[items];
            SplittableRandom r = new SplittableRandom(bits);
            long mask = (1L << bits) - 1;
            for (int i = 0; i < items; i++) codes[i] = r.nextLong() & mask;
            double[] build = new double[quick ? 3 : 7];
            HammingIndex index = null;
            for (int t = 0; t < build.length; t++) {
                long t0 = System.nanoTime();
                index = HammingIndex.build(codes, bits);
                build[t] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%d bits: build %.0f ms (median of %d; %.1f M items/s), %,d distinct addresses%n",
                    bits,
                    median(build),
                    build.length,
                    items / median(build) / 1e3,
                    index.distinctAddresses());
            queryTable(index, codes, quick, bits);
        }
        encodeAndHash(quick);
    }

    /** Latency of ball queries for r = 0..4 and of the 10 nearest, at the addresses of random items. */
    static void queryTable(HammingIndex index, long[] codes, boolean quick, long seed) {
        int bits = index.bits();
        System.out.printf(
                Locale.ROOT,
                "  %-10s %12s %8s %12s %12s %14s%n",
                "query",
                "addresses",
                "queries",
                "median us",
                "p99 us",
                "items found");
        SplittableRandom r = new SplittableRandom(seed);
        for (int radius = 0; radius <= Math.min(4, bits); radius++) {
            long lookups = HammingIndex.ballAddresses(bits, radius);
            // About 3 s of look-ups per radius at 50 ns each, between 1,000 and 20,000 queries (--quick: 10x fewer).
            int n = (int) Math.max(1000, Math.min(20_000, 60_000_000L / lookups)) / (quick ? 10 : 1);
            int rr = radius;
            Stats s = time(n, () -> index.ball(codes[r.nextInt(codes.length)], rr).length);
            System.out.printf(
                    Locale.ROOT,
                    "  %-10s %12s %8d %12.2f %12.2f %14.1f%n",
                    "r = " + radius,
                    index.flipsBitsAt(radius) ? String.format(Locale.ROOT, "%,d", lookups) : "scan",
                    s.queries,
                    s.median,
                    s.p99,
                    s.meanFound);
        }
        int n = quick ? 2000 : 20_000;
        Stats s = time(n, () -> index.nearest(codes[r.nextInt(codes.length)], 10).length);
        System.out.printf(
                Locale.ROOT,
                "  %-10s %12s %8d %12.2f %12.2f %14.1f%n",
                "10 nearest",
                "grows",
                s.queries,
                s.median,
                s.p99,
                s.meanFound);
    }

    record Stats(int queries, double median, double p99, double meanFound) {}

    /**
     * Up to n timed calls (fewer when they take more than 5 s, but at least 200) after a warm-up of n / 4 untimed
     * ones or 1 s (the JIT); microseconds.
     */
    static Stats time(int n, java.util.function.IntSupplier query) {
        long sink = 0;
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < Math.max(50, n / 4) && System.nanoTime() < warmEnd; i++) sink += query.getAsInt();
        double[] us = new double[n];
        long found = 0;
        long end = System.nanoTime() + 5_000_000_000L;
        int done = 0;
        for (; done < n && (done < 200 || System.nanoTime() < end); done++) {
            long t0 = System.nanoTime();
            int f = query.getAsInt();
            us[done] = (System.nanoTime() - t0) / 1e3;
            found += f;
        }
        n = done;
        us = Arrays.copyOf(us, n);
        if (sink == Long.MIN_VALUE) System.out.print(""); // keep the warm-up's results alive
        Arrays.sort(us);
        return new Stats(n, us[n / 2], us[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)], (double) found / n);
    }

    static void encodeAndHash(boolean quick) throws Exception {
        if (!Files.isReadable(IMAGES)) {
            System.out.println("\nencode + hash: skipped, Fashion-MNIST is not installed (" + IMAGES
                    + " is missing; sudo apt-get install dataset-fashion-mnist)");
            return;
        }
        Dataset all = IdxReader.read("train", IMAGES, null);
        float[] v = all.values().clone();
        for (int i = 0; i < v.length; i++) v[i] /= 255f;
        Dataset images = all.withValues(v);
        int trainN = 10_000, d = images.dim();
        FrontEnd.Result checked = FrontEnd.check("bench-hashing.ae", MODEL);
        if (!checked.ok())
            throw new IllegalStateException("ae4j bug: " + checked.diagnostics().render());
        BuiltModel b = ModelBuilder.generated().build(checked.checked().model("hash"), 1024, 1);
        long t0 = System.nanoTime();
        Trainer.Result tr = new Trainer(
                        b.model(),
                        TrainConfig.defaults()
                                .withEpochs(EPOCHS)
                                .withBatch(128)
                                .withSeed(1)
                                .withOptimizer("adam", Map.of("lr", 2e-3)),
                        null)
                .train(Arrays.copyOf(images.values(), trainN * d), trainN, d);
        double trainS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%nencode + hash: 784-256-32 autoencoder (sigmoid code, noise sigma 4 before it) trained here for %d"
                        + " epochs on %,d Fashion-MNIST images (%.1f s, final loss %.2f); then all %,d training images"
                        + " encoded (batches of 1024), binarised at 0.5 and put in a hash table%n",
                EPOCHS,
                trainN,
                trainS,
                tr.finalTrainLoss(),
                images.size());
        System.out.printf(
                Locale.ROOT,
                "  %-8s %14s %14s %14s %14s%n",
                "threads",
                "encode ms",
                "hash+index ms",
                "total ms",
                "images/s");
        int maxThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        HammingIndex index = null;
        long[] addresses = null;
        for (int threads = 1; threads <= maxThreads; threads++) {
            Parallel.setThreads(threads);
            int reps = quick ? 2 : 5;
            double[] enc = new double[reps], hash = new double[reps], total = new double[reps];
            for (int t = 0; t <= reps; t++) { // the first run warms up
                long a = System.nanoTime();
                float[] h = Codes.compute(b.model(), b.ir().code(), 32, images);
                long c = System.nanoTime();
                long[][] words = Retrieval.binarise(h, images.size(), 32, 32);
                addresses = new long[words.length];
                for (int i = 0; i < words.length; i++) addresses[i] = words[i][0];
                index = HammingIndex.build(addresses, 32);
                long e = System.nanoTime();
                if (t > 0) {
                    enc[t - 1] = (c - a) / 1e6;
                    hash[t - 1] = (e - c) / 1e6;
                    total[t - 1] = (e - a) / 1e6;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "  %-8d %14.1f %14.1f %14.1f %14.0f%n",
                    threads,
                    median(enc),
                    median(hash),
                    median(total),
                    images.size() / median(total) * 1e3);
        }
        System.out.printf(
                Locale.ROOT,
                "Hamming index of the %,d Fashion-MNIST codes: %,d distinct 32-bit addresses (clustered, unlike the"
                        + " random ones)%n",
                images.size(),
                index.distinctAddresses());
        queryTable(index, addresses, quick, 7);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
