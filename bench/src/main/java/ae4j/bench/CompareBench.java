package ae4j.bench;

import ae4j.dsl.compile.ModelCompiler;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * {@code ae4j bench compare}: ae4j against PyTorch on the same CPU, side by side. For every row (model,
 * batch, threads) it starts one ae4j worker ({@link CompareWorker}, a JVM) and one PyTorch worker
 * (bench/python/compare_torch.py under Debian's python3), gives both the same initial weights and data,
 * then asks them in turn for a timed epoch (the workers of a model and batch's thread counts all take turns,
 * the order rotating from run to run), and reports the median
 * examples/s of each side, the ratio, the GEMM GFLOP/s both reach as a fraction of the two-core FMA peak
 * measured in this process, the objective before and after the epoch, and each worker's peak resident
 * memory. {@code --check} compares the two sides' objective and gradients on identical weights instead.
 */
public final class CompareBench {

    static final Path IMAGES = TrainBench.IMAGES;

    /** What to run. */
    record Options(
            List<String> models,
            List<Integer> batches,
            List<Integer> threads,
            int runs,
            int examples,
            boolean encode,
            int encodeBatch,
            int encodePasses,
            boolean check,
            boolean profile,
            boolean quick,
            String python,
            Path script,
            String dl4jClasspath,
            int dl4jExamples) {
        /** Whether the Deeplearning4j column is measured (its worker was built: the launcher's profile dl4j). */
        boolean dl4j() {
            return dl4jClasspath != null && !dl4jClasspath.isBlank();
        }
    }

    /** Models the Deeplearning4j side can express as a MultiLayerNetwork of standard layers (not the tied CAE). */
    static final List<String> DL4J_MODELS = List.of("mid", "deep", "dae");

    /** One row of the table. */
    record Row(String model, boolean encode, int batch, int threads) {
        String label() {
            return encode ? "encode-only " + model + " 784-256-64" : CompareModels.label(model);
        }

        double flopsPerExample() {
            return encode ? CompareModels.encodeFlopsPerExample(model) : CompareModels.trainFlopsPerExample(model);
        }
    }

    /**
     * One side's measurements for a row; {@code gemmsAlone}: examples/s of the GEMMs of one training step timed
     * alone (ae4j's side of a training row, {@link StepGemms}; NaN otherwise).
     */
    record SideResult(
            double[] rates,
            double initialLoss,
            double finalLoss,
            long rssKb,
            Map<String, Object> ready,
            double gemmsAlone,
            double[] trips) {
        double median() {
            return CompareBench.median(rates);
        }

        /** The fastest run's rate. */
        double best() {
            return Arrays.stream(rates).max().orElse(Double.NaN);
        }

        /**
         * The median rate of the runs whose epoch began with the processors near each other (a round trip of at most
         * {@link HostProbe#FAR_NANOS} before it); NaN where none did or none was probed.
         */
        double nearMedian() {
            double[] near = java.util.stream.IntStream.range(0, rates.length)
                    .filter(r -> trips[r] <= HostProbe.FAR_NANOS)
                    .mapToDouble(r -> rates[r])
                    .toArray();
            return near.length == 0 ? Double.NaN : CompareBench.median(near);
        }

        /** (max - min) / median of the runs' rates, in percent. */
        double spreadPercent() {
            return 100
                    * (Arrays.stream(rates).max().orElse(0)
                            - Arrays.stream(rates).min().orElse(0))
                    / median();
        }
    }

    /** The sides' names, by side index (0 ae4j, 1 PyTorch, 2 Deeplearning4j). */
    static final String[] SIDES = {"ae4j", "pytorch", "dl4j"};

    static final String USAGE = """
            usage: ae4j bench compare [--quick] [--check] [--models LIST] [--batches LIST] [--threads LIST]
                                      [--runs N] [--examples N] [--encode-batch N] [--encode-passes N] [--no-encode]
                                      [--no-dl4j] [--dl4j-examples N] [--python PATH]
              --models     comma-separated, of mid, deep, dae, cae (default: all)
              --batches    default 32,128;  --threads  default 1,2;  --runs  default 3 (median)
                           (a model and batch's workers for every thread count run side by side, taking turns:
                           with --threads 1,2 that is four processes alive at once, six with Deeplearning4j)
              --examples   first N Fashion-MNIST training images (default: all 60,000)
              --encode-batch / --encode-passes   the encode-only row of mid (default 1024 / 10 passes)
              --no-encode  leave the encode-only row out
              --no-dl4j    leave the Deeplearning4j column out (the launcher then does not build its worker)
              --dl4j-examples  examples per timed Deeplearning4j run, the first of the same shuffled epoch
                           (default 10,000: it is about ten times slower; its final loss is then after fewer steps)
              --quick      smoke run: 10,000 examples, 1 run, mid and cae at batch 128 on the most threads,
                           encode 2 passes (explicit options still win)
              --check      no timing: both sides compute the objective and its gradient on the same weights
                           and data; exit 1 if they disagree
              --profile    ae4j side only: where its training time goes, for each selected model, batch and
                           thread count (a JFR recording of the timed epochs, and an epoch timed per phase)
            """;

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ae4j bench compare: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (!Files.isReadable(IMAGES)) {
            System.err.println(
                    "ae4j bench compare: Fashion-MNIST is not installed (" + IMAGES + " is missing).\n"
                            + "  Install it with: sudo apt-get install dataset-fashion-mnist   (./ae4j bench compare installs it)");
            System.exit(1);
        }
        int status = o.check()
                ? CompareModes.check(o, System.out)
                : o.profile() ? CompareModes.profile(o, System.out) : compare(o, System.out);
        System.exit(status);
    }

    // ------------------------------------------------------------------------------------------ options

    static Options parse(String[] args) {
        Map<String, String> v = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        List<String> valued = List.of(
                "--models",
                "--batches",
                "--threads",
                "--runs",
                "--examples",
                "--encode-batch",
                "--encode-passes",
                "--python",
                "--script",
                "--dl4j-examples");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (valued.contains(a)) {
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                v.put(a, args[++i]);
            } else if (List.of("--quick", "--check", "--profile", "--no-encode", "--no-dl4j")
                    .contains(a)) {
                flags.add(a);
            } else {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        boolean quick = flags.contains("--quick");
        int maxThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        List<String> models = v.containsKey("--models")
                ? List.of(v.get("--models").split(","))
                : quick ? List.of("mid", "cae") : CompareModels.NAMES;
        for (String m : models) {
            if (!CompareModels.NAMES.contains(m)) {
                throw new IllegalArgumentException(
                        "unknown model '" + m + "' (models: " + String.join(", ", CompareModels.NAMES) + ")");
            }
        }
        List<Integer> batches = v.containsKey("--batches")
                ? ints("--batches", v.get("--batches"))
                : quick ? List.of(128) : List.of(32, 128);
        List<Integer> threads = v.containsKey("--threads")
                ? ints("--threads", v.get("--threads"))
                : quick ? List.of(maxThreads) : maxThreads >= 2 ? List.of(1, 2) : List.of(1);
        int runs = v.containsKey("--runs") ? ints("--runs", v.get("--runs")).getFirst() : quick ? 1 : 3;
        int examples = v.containsKey("--examples")
                ? ints("--examples", v.get("--examples")).getFirst()
                : quick ? 10_000 : 0;
        int encodeBatch = v.containsKey("--encode-batch")
                ? ints("--encode-batch", v.get("--encode-batch")).getFirst()
                : 1024;
        int encodePasses = v.containsKey("--encode-passes")
                ? ints("--encode-passes", v.get("--encode-passes")).getFirst()
                : quick ? 2 : 10;
        boolean encode = !flags.contains("--no-encode") && (models.contains("mid") || !v.containsKey("--models"));
        String python = v.getOrDefault("--python", System.getProperty("ae4j.python", "/usr/bin/python3"));
        Path script = Path.of(v.getOrDefault(
                "--script",
                System.getProperty("ae4j.compare.script", defaultScript().toString())));
        String dl4j = flags.contains("--no-dl4j") ? null : System.getProperty("ae4j.dl4j.classpath");
        int dl4jExamples = v.containsKey("--dl4j-examples")
                ? ints("--dl4j-examples", v.get("--dl4j-examples")).getFirst()
                : 10_000;
        return new Options(
                models,
                batches,
                threads,
                runs,
                examples,
                encode,
                encodeBatch,
                encodePasses,
                flags.contains("--check"),
                flags.contains("--profile"),
                quick,
                python,
                script,
                dl4j,
                dl4jExamples);
    }

    private static List<Integer> ints(String name, String text) {
        List<Integer> out = new ArrayList<>();
        for (String s : text.split(",")) {
            try {
                int x = Integer.parseInt(s.trim());
                if (x < 1) throw new NumberFormatException();
                out.add(x);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " takes positive integers, got '" + text + "'");
            }
        }
        return out;
    }

    /** bench/python/compare_torch.py next to this class's bench/target/classes (a source checkout). */
    static Path defaultScript() {
        try {
            Path classes = Path.of(CompareBench.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return classes.getParent().getParent().resolve("python").resolve("compare_torch.py");
        } catch (Exception e) {
            return Path.of("bench", "python", "compare_torch.py");
        }
    }

    static List<Row> rows(Options o) {
        List<Row> rows = new ArrayList<>();
        for (String m : o.models()) {
            for (int b : o.batches()) {
                for (int t : o.threads()) rows.add(new Row(m, false, b, t));
            }
        }
        if (o.encode()) {
            for (int t : o.threads()) rows.add(new Row("mid", true, o.encodeBatch(), t));
        }
        return rows;
    }

    /** The rows in runs of the same model, kind and batch (their thread counts), in table order. */
    static List<List<Row>> groups(List<Row> rows) {
        List<List<Row>> out = new ArrayList<>();
        for (Row row : rows) {
            List<Row> last = out.isEmpty() ? null : out.getLast();
            Row first = last == null ? null : last.getFirst();
            if (first != null
                    && first.model().equals(row.model())
                    && first.encode() == row.encode()
                    && first.batch() == row.batch()) {
                last.add(row);
            } else {
                out.add(new ArrayList<>(List.of(row)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ compare

    static int compare(Options o, PrintStream out) throws Exception {
        List<Row> rows = rows(o);
        Path tmp = Files.createTempDirectory("ae4j-compare");
        int imagesInFile = imagesIn(IMAGES);
        int n = o.examples() > 0 ? Math.min(o.examples(), imagesInFile) : imagesInFile;
        out.println(ae4j.vecmath.SystemInfo.report());
        out.println("date: " + java.time.ZonedDateTime.now().withNano(0));
        out.println("load average at start: " + loadAverage());
        out.printf(
                Locale.ROOT,
                "data: Fashion-MNIST train, first %,d images, scaled 1/255; Adam lr 1e-3; seed 1; %d run%s per side "
                        + "per row, alternating sides and thread counts; median%n",
                n,
                o.runs(),
                o.runs() == 1 ? "" : "s");
        warmClassCache(o);

        double[] peak = peakFma(out, "at start");
        if (HostProbe.useful()) {
            HostProbe.roundTripNanos(); // its first call compiles it
            out.printf(
                    Locale.ROOT,
                    "round trip of a cache line between two threads: %.0f ns (on a 2-vCPU VM: 52-117 ns with the"
                            + " processors near each other, 340-440 ns when the host had put them apart, and epochs on"
                            + " several threads then ran at about half speed; counted as apart above %.0f ns)%n",
                    HostProbe.roundTripNanos(),
                    HostProbe.FAR_NANOS);
        }
        out.println();

        Map<Integer, String> torchConfigShown = new LinkedHashMap<>();
        List<Row> done = new ArrayList<>();
        List<SideResult[]> results = new ArrayList<>();
        for (List<Row> group : groups(rows)) {
            results.addAll(measureGroup(o, group, n, tmp, out, torchConfigShown));
            done.addAll(group);
        }
        out.println();
        out.println("load average at end: " + loadAverage());
        double[] after = peakFma(out, "at end");
        double peak2 = Math.max(peak[peak.length - 1], after[after.length - 1]);
        double peak1 = Math.max(peak[1], after[1]);
        int cores = peak.length - 1;
        if (cores > 1 && peak2 < 0.8 * cores * peak1) {
            // Seen on a 2-vCPU Zen 4 VM with the loop run through Parallel's pool: 94-104 GFLOP/s instead of
            // 225-233 (the pool's worker ran a slower compilation of the loop; PeakFma now runs plain threads).
            out.printf(
                    Locale.ROOT,
                    "the FMA loop on %d threads reached only %.1f GFLOP/s against %.1f on one (at times no faster than"
                            + " one thread); the percentages below use %d x the one-thread peak, %.1f GFLOP/s%n",
                    cores,
                    peak2 / 1e9,
                    peak1 / 1e9,
                    cores,
                    cores * peak1 / 1e9);
            peak2 = cores * peak1;
        }
        List<String> apart = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            int probed = 0, far = 0;
            for (SideResult[] res : results) {
                if (res[s] == null) continue;
                for (double trip : res[s].trips()) {
                    if (Double.isNaN(trip)) continue;
                    probed++;
                    if (trip > HostProbe.FAR_NANOS) far++;
                }
            }
            if (probed > 0) apart.add(SIDES[s] + " " + far + " of " + probed);
        }
        if (!apart.isEmpty())
            out.printf(
                    Locale.ROOT,
                    "epochs on several threads that began with the processors apart (round trip above %.0f ns): %s%n",
                    HostProbe.FAR_NANOS,
                    String.join(", ", apart));
        out.println();
        CompareTable.print(out, done, results, peak2, n);
        deleteTree(tmp);
        return 0;
    }

    /**
     * The rows of one model and batch at every thread count, measured together: one worker per side and row, all
     * started first; then each run gives every worker its turn in the order {@link #turns} gives, so a slow period of
     * a shared host is not borne by one side or one thread count alone. (Measured one row after the other, minutes
     * apart, the two rows compared the host's periods as much as the thread counts.) Each ae4j epoch of a training
     * row is followed at once by the same worker's GEMMs-alone figure; the row reports the median of those.
     */
    private static List<SideResult[]> measureGroup(
            Options o, List<Row> group, int n, Path tmp, PrintStream out, Map<Integer, String> torchConfigShown)
            throws Exception {
        int g = group.size();
        Workers.Worker[][] sides = new Workers.Worker[g][3];
        List<List<Map<String, Object>>> ready = new ArrayList<>();
        try {
            for (int i = 0; i < g; i++) {
                Row row = group.get(i);
                Path init = tmp.resolve(row.model() + "-" + row.batch() + "-" + row.threads() + ".safetensors");
                List<String> common = common(o, row, n);
                List<Map<String, Object>> r = new ArrayList<>(List.of(Map.of(), Map.of(), Map.of()));
                sides[i][0] = Workers.Worker.start(
                        "ae4j",
                        Workers.javaCommand(
                                row.model(),
                                common,
                                "--init-out",
                                init.toString(),
                                "--gemm-reps",
                                Integer.toString(o.quick() ? 5 : 9)),
                        tmp);
                r.set(0, sides[i][0].await("ready"));
                sides[i][1] = Workers.Worker.start(
                        "pytorch", Workers.pythonCommand(o, common, "--init", init.toString()), tmp);
                r.set(1, sides[i][1].await("ready"));
                if (o.dl4j() && !row.encode() && DL4J_MODELS.contains(row.model())) {
                    sides[i][2] = Workers.Worker.start(
                            "dl4j",
                            Workers.dl4jCommand(o, common, "--init", init.toString()),
                            tmp,
                            Workers.dl4jEnvironment(row.threads()));
                    r.set(2, sides[i][2].await("ready"));
                }
                ready.add(r);
                showTorchConfig(out, row.threads(), r.get(1), torchConfigShown);
                if (sides[i][2] != null && !torchConfigShown.containsKey(-row.threads())) {
                    torchConfigShown.put(-row.threads(), "shown");
                    out.printf(
                            Locale.ROOT,
                            "Deeplearning4j 1.0.0-M2.1, %s thread(s): ND4J %s, BLAS %s, OMP_NUM_THREADS %s%n",
                            r.get(2).get("threads"),
                            r.get(2).get("backend"),
                            r.get(2).get("blas"),
                            r.get(2).get("omp_threads"));
                }
            }
            int[] count = new int[g];
            for (int i = 0; i < g; i++) count[i] = sides[i][2] != null ? 3 : 2;
            double[][][] rates = new double[g][3][o.runs()];
            double[][][] trips = new double[g][3][o.runs()]; // round trip before each epoch; NaN: not probed
            double[][] gemms = new double[g][o.runs()]; // ae4j's GEMMs alone after each epoch (training rows)
            double[][] initial = new double[g][3];
            double[][] fin = new double[g][3];
            String[][] parts = new String[g][3];
            for (int r = 0; r < o.runs(); r++) {
                List<String> order = new ArrayList<>();
                for (int[] turn : turns(count, r)) {
                    int i = turn[0], s = turn[1];
                    Row row = group.get(i);
                    Workers.Worker w = sides[i][s];
                    // Where the host has put the processors right now (HostProbe): on several threads an epoch
                    // that begins with them far apart runs at about half speed, on either side.
                    boolean probe = row.threads() > 1 && HostProbe.useful();
                    double trip = probe ? HostProbe.roundTripNanos() : Double.NaN;
                    trips[i][s][r] = trip;
                    w.send("run");
                    Map<String, Object> res = w.await("result");
                    double secs = num(res.get("seconds"));
                    rates[i][s][r] = num(res.get("examples")) / secs;
                    initial[i][s] = num(res.get("initial_loss"));
                    fin[i][s] = num(res.get("final_loss"));
                    order.add(SIDES[s] + " t" + row.threads());
                    String g1 = "";
                    if (s == 0 && !row.encode()) {
                        // The same step's GEMMs alone, right after the epoch in the same worker: the two are
                        // measured seconds apart, so the distance between them is the step's, not the host's.
                        w.send("gemms");
                        gemms[i][r] = num(w.await("gemms").get("examples_per_second"));
                        g1 = String.format(Locale.ROOT, "; its GEMMs alone %,.0f ex/s", gemms[i][r]);
                    }
                    parts[i][s] = String.format(
                            Locale.ROOT,
                            " %s %,.0f ex/s (%.2f s%s%s%s)",
                            SIDES[s],
                            rates[i][s][r],
                            secs,
                            row.encode()
                                    ? ""
                                    : String.format(Locale.ROOT, ", loss %.4f -> %.4f", initial[i][s], fin[i][s]),
                            g1,
                            Double.isNaN(trip) ? "" : String.format(Locale.ROOT, "; round trip before %.0f ns", trip));
                }
                String load = loadAverage().split(" ")[0];
                out.printf(
                        Locale.ROOT,
                        "%-34s b%-5d run %d/%d in this order: %s%n",
                        group.getFirst().label(),
                        group.getFirst().batch(),
                        r + 1,
                        o.runs(),
                        String.join(", ", order));
                for (int i = 0; i < g; i++) {
                    Row row = group.get(i);
                    StringBuilder line = new StringBuilder(String.format(
                            Locale.ROOT,
                            "%-34s b%-5d t%d run %d/%d:",
                            row.label(),
                            row.batch(),
                            row.threads(),
                            r + 1,
                            o.runs()));
                    List<String> shown = new ArrayList<>();
                    for (int s = 0; s < 3; s++) if (parts[i][s] != null) shown.add(parts[i][s]);
                    line.append(String.join(" |", shown)).append(" | load ").append(load);
                    if (r == 0 && !row.encode())
                        line.append(" | torch Adam foreach=")
                                .append(ready.get(i).get(1).get("adam_foreach"));
                    out.println(line);
                }
            }
            List<SideResult[]> results = new ArrayList<>();
            for (int i = 0; i < g; i++) {
                SideResult[] res = new SideResult[3];
                for (int s = 0; s < 3; s++) {
                    if (sides[i][s] == null) continue;
                    res[s] = new SideResult(
                            rates[i][s],
                            initial[i][s],
                            fin[i][s],
                            sides[i][s].quit(),
                            ready.get(i).get(s),
                            s == 0 && !group.get(i).encode() ? median(gemms[i]) : Double.NaN,
                            trips[i][s]);
                }
                results.add(res);
            }
            return results;
        } finally {
            for (Workers.Worker[] row : sides) {
                for (Workers.Worker w : row) if (w != null) w.close();
            }
        }
    }

    /**
     * The order of run {@code run}'s turns among the workers of a group: {@code sides[i]} workers for row i (side 0
     * ae4j, 1 PyTorch, 2 Deeplearning4j; rows in their thread counts' order), as pairs (row, side). The rows with
     * more threads go first, and within each row the sides start one place further along from run to run: every
     * side of a row goes first in turn, and which worker follows which changes between runs.
     *
     * <p>Why the rows with more threads first: on the 2-vCPU VM the host moved the two processors apart (HostProbe)
     * mostly right after a one-thread epoch, PyTorch's above all, and an epoch on two threads that begins apart runs
     * at about half speed. With the rows rotating as well, ae4j's two-thread epoch followed PyTorch's one-thread
     * epoch in two runs of three, and began apart in 11 and 13 of 27 (PyTorch's in 3 and 6); with each side's
     * two-thread epoch right after its own one-thread epoch, PyTorch's began apart in 17 of 27 and ae4j's in 8.
     * Two-thread epochs first, most of them follow another two-thread epoch.
     */
    static List<int[]> turns(int[] sides, int run) {
        List<int[]> out = new ArrayList<>();
        for (int i = sides.length - 1; i >= 0; i--)
            for (int j = 0; j < sides[i]; j++) out.add(new int[] {i, (run + j) % sides[i]});
        return out;
    }

    /** The arguments every side's worker gets for a row. */
    private static List<String> common(Options o, Row row, int n) {
        return List.of(
                "--model",
                row.model(),
                "--mode",
                row.encode() ? "encode" : "train",
                "--batch",
                Integer.toString(row.batch()),
                "--threads",
                Integer.toString(row.threads()),
                "--examples",
                Integer.toString(n),
                "--passes",
                Integer.toString(o.encodePasses()));
    }

    private static void showTorchConfig(
            PrintStream out, int threads, Map<String, Object> ready, Map<Integer, String> shown) {
        if (shown.containsKey(threads)) return;
        @SuppressWarnings("unchecked")
        Map<String, Object> blas = (Map<String, Object>) ready.getOrDefault("blas", Map.of());
        String text = String.format(
                Locale.ROOT,
                "PyTorch %s, %s thread(s), own kernels %s: BLAS %s %s, kernel %s, threading %s, %s; "
                        + "1024^3 matmul %.1f GFLOP/s; env %s",
                ready.get("torch"),
                ready.get("threads"),
                ready.get("cpu_capability"),
                blas.get("internal_api"),
                blas.get("version"),
                blas.get("architecture"),
                blas.get("threading_layer"),
                blas.get("filepath"),
                num(ready.get("gemm1024_gflops")),
                ready.get("env"));
        shown.put(threads, text);
        out.println(text);
    }

    // ------------------------------------------------------------------------------------------ workers

    /** Compiles every selected model once here, so the workers load their class from the cache (no javac in them). */
    static void warmClassCache(Options o) throws ReflectiveOperationException {
        ModelCompiler c = ModelCompiler.withDefaultCache();
        for (String m : o.models()) CompareModels.compile(m, 1, c, 0);
        if (o.encode()) CompareModels.compile("mid", 1, c, 0);
    }

    /**
     * The FMA peak on 1 and 2 threads (index = threads), measured now in this process: the best of several
     * short repetitions of {@link PeakFma}'s loop (other load on the machine can only slow a repetition
     * down, so the best one is the closest to the hardware's peak).
     */
    static double[] peakFma(PrintStream out, String when) {
        int maxThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        double[] peak = new double[maxThreads + 1];
        for (int t = 1; t <= maxThreads; t++) {
            Harness.Result r = PeakFma.measure(t, 800, 9, 60);
            peak[t] = r.max();
            out.printf(
                    Locale.ROOT,
                    "peak FMA loop (Java, %d thread%s, %s): best %.1f GFLOP/s, median %.1f, min %.1f%n",
                    t,
                    t == 1 ? "" : "s",
                    when,
                    r.max() / 1e9,
                    r.median() / 1e9,
                    r.min() / 1e9);
        }
        return peak;
    }

    /** The number of images in an IDX images file (gzip), from its header. */
    static int imagesIn(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in =
                        new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            in.readInt();
            return in.readInt();
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : 0.5 * (s[k / 2 - 1] + s[k / 2]);
    }

    static double relDiff(double a, double b) {
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return scale == 0 ? 0 : Math.abs(a - b) / scale;
    }

    static double num(Object o) {
        return o instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    private CompareBench() {}
}
