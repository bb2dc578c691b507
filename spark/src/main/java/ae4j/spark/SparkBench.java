package ae4j.spark;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.runtime.Forward;
import ae4j.vecmath.Parallel;
import ae4j.vecmath.SystemInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ae4j bench spark}: rows/s per core for encode and hash through Spark (local[N], mapPartitions over
 * array&lt;float&gt; rows) against the one-JVM path (Forward in batches on one thread) on the same rows: Fashion-MNIST's
 * 60,000 training images repeated to 10^6 rows; their ratio; the cost of the rows alone in Spark; and the index
 * build's time and shuffle size. Not a test: figures go to bench/RESULTS.md.
 */
public final class SparkBench {

    static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    static final String PROGRAM = """
            model bench {
              input x[784]
              encoder f { dense 256 relu; dense 32 sigmoid }
              decoder g { dense 256 relu; dense 784 sigmoid }
              minimize bernoulli_nll(x, g(f(x)))
            }
            """;

    private SparkBench() {}

    public static void main(String[] args) throws IOException {
        long rows = 1_000_000;
        int cores = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> rows = 100_000;
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--cores" -> cores = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println(
                            "ae4j bench spark: unknown option " + args[i] + "; use --rows N, --cores N, --quick");
                    System.exit(1);
                }
            }
        }
        if (!Files.exists(IMAGES)) {
            System.err.println("ae4j bench spark: " + IMAGES + " is missing (Debian package dataset-fashion-mnist)");
            System.exit(2);
        }
        Dataset images = IdxReader.read("train", IMAGES, null);
        float[] pixels = images.values().clone();
        for (int i = 0; i < pixels.length; i++) pixels[i] /= 255f;
        int d = images.dim();
        int n0 = images.size();

        Path tmp = Files.createTempDirectory("ae4j-bench-spark");
        try {
            run(rows, cores, pixels, n0, d, tmp);
        } finally {
            try (Stream<Path> all = Files.walk(tmp)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(long rows, int cores, float[] pixels, int n0, int d, Path tmp) throws IOException {
        var checked = FrontEnd.check("bench.ae", PROGRAM).checked().model("bench");
        BuiltModel built = ModelBuilder.generated().build(checked, SparkModel.DEFAULT_BATCH, 7);
        Path file = tmp.resolve("bench.safetensors");
        ModelFile.save(file, built.model(), PROGRAM, Map.of(), Map.of());
        SparkModel model = SparkModel.load(file);
        int code = built.ir().code();
        int w = model.codeWidth();
        int bits = 32;

        System.out.println("ae4j bench spark: " + SystemInfo.version() + ", JDK " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " processors");
        System.out.printf(
                Locale.ROOT,
                "model 784-256-32 (relu, sigmoid code; Glorot weights, seed 7), batch %d; %,d rows = Fashion-MNIST's "
                        + "%,d training images repeated; Spark local[%d], 1 thread per task%n%n",
                SparkModel.DEFAULT_BATCH,
                rows,
                n0,
                cores);

        // ---- one JVM, one thread
        Parallel.setThreads(1);
        oneJvm(built, code, w, rows / 10, pixels, n0, d, false); // warm-up
        double jvmEncode = oneJvm(built, code, w, rows, pixels, n0, d, false);
        double jvmHash = oneJvm(built, code, w, rows, pixels, n0, d, true);

        // ---- Spark
        SparkSession spark = SparkSession.builder()
                .master("local[" + cores + "]")
                .appName("ae4j bench spark")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", String.valueOf(4 * cores))
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        AtomicLong shuffleBytes = new AtomicLong();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null)
                    shuffleBytes.addAndGet(
                            end.taskMetrics().shuffleWriteMetrics().bytesWritten());
            }
        });
        try {
            Broadcast<float[]> data =
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(pixels);
            StructType schema = new StructType()
                    .add("id", DataTypes.LongType, false)
                    .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
            org.apache.spark.sql.Dataset<Row> frame = spark.range(0, rows, 1, 4 * cores)
                    .toDF()
                    .mapPartitions(new Repeat(data, n0, d), Encoders.row(schema));

            timeSpark(frame.select(functions.sum(functions.col("x").getItem(0))), rows / 10); // warm-up
            double sparkRows =
                    timeSpark(frame.select(functions.sum(functions.col("x").getItem(0))), rows);
            timeSpark(
                    model.encode(frame, "x", "code")
                            .select(functions.sum(functions.col("code").getItem(0))),
                    rows);
            double sparkEncode = timeSpark(
                    model.encode(frame, "x", "code")
                            .select(functions.sum(functions.col("code").getItem(0))),
                    rows);
            double sparkHash =
                    timeSpark(model.hash(frame, "x", "address", bits).select(functions.sum("address")), rows);

            System.out.println("rows/s per core         one JVM   Spark   one JVM / Spark");
            line("encode", jvmEncode, sparkEncode / cores);
            line("hash (32 bits)", jvmHash, sparkHash / cores);
            System.out.printf(
                    Locale.ROOT,
                    "%-20s %10s %9.0f   (making the array<float> rows alone, no model)%n",
                    "rows only",
                    "",
                    sparkRows / cores);

            // ---- the index: hash, group by address, write Parquet
            shuffleBytes.set(0);
            String path = tmp.resolve("index").toString();
            long t0 = System.nanoTime();
            SparkHammingIndex.build(model.hash(frame, "x", "address", bits), "address", "id", bits, 4, path);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long distinct = spark.read().parquet(path).count();
            long onDisk = size(Path.of(path));
            System.out.printf(
                    Locale.ROOT,
                    "%nindex of %,d rows (hash + group by address + Parquet, 16 partitions by the top 4 bits): "
                            + "%.1f s, %,.0f rows/s per core; %,d distinct addresses; shuffle written %.1f MB "
                            + "(%.1f bytes a row); %.1f MB of Parquet%n",
                    rows,
                    seconds,
                    rows / seconds / cores,
                    distinct,
                    shuffleBytes.get() / 1e6,
                    shuffleBytes.get() / (double) rows,
                    onDisk / 1e6);
        } finally {
            spark.stop();
        }
    }

    private static void line(String what, double jvm, double spark) {
        System.out.printf(Locale.ROOT, "%-20s %10.0f %9.0f   %.2f%n", what, jvm, spark, jvm / spark);
    }

    /** Rows/s of the one-JVM path: rows copied into a batch buffer, forward to the code, optionally binarised. */
    static double oneJvm(BuiltModel built, int code, int w, long rows, float[] pixels, int n0, int d, boolean hash) {
        int b = SparkModel.DEFAULT_BATCH;
        float[] buf = new float[b * d];
        long sink = 0;
        long t0 = System.nanoTime();
        for (long from = 0; from < rows; from += b) {
            int n = (int) Math.min(b, rows - from);
            for (int i = 0; i < n; i++) System.arraycopy(pixels, (int) ((from + i) % n0) * d, buf, i * d, d);
            float[] h = Forward.values(built.model(), code, buf, n, d, w);
            if (hash) for (int i = 0; i < n; i++) sink += Transforms.address(h, i * w, 32);
            else sink += Float.floatToIntBits(h[0]);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (sink == 42) System.out.print("");
        return rows / s;
    }

    private static double timeSpark(org.apache.spark.sql.Dataset<Row> job, long rows) {
        long t0 = System.nanoTime();
        job.collectAsList();
        return rows / ((System.nanoTime() - t0) / 1e9);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    /** Row i of a partition of spark.range: (i, image i mod 60,000). */
    static final class Repeat implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> data;
        private final int n0;
        private final int d;

        Repeat(Broadcast<float[]> data, int n0, int d) {
            this.data = data;
            this.n0 = n0;
            this.d = d;
        }

        @Override
        public java.util.Iterator<Row> call(java.util.Iterator<Row> ids) {
            float[] px = data.value();
            return new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    return ids.hasNext();
                }

                @Override
                public Row next() {
                    long id = ids.next().getLong(0);
                    int i = (int) (id % n0);
                    return RowFactory.create(id, Arrays.copyOfRange(px, i * d, (i + 1) * d));
                }
            };
        }
    }
}
