package ae4j.spark;

import ae4j.dsl.data.CsvReader;
import ae4j.dsl.data.DataException;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import ae4j.dsl.data.NpyReader;
import ae4j.dsl.run.ExitCode;
import ae4j.spark.SparkModel.SparkModelException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ae4j spark OP ...}: a trained model over a file of examples with Spark (local or on a cluster through
 * spark-submit), writing Parquet. OP is encode, reconstruct, error, score or hash; {@code index} groups a hashed
 * Parquet file by address into a {@link SparkHammingIndex}, {@code query} finds the Hamming balls of query
 * addresses in one.
 */
public final class SparkMain {

    static final String USAGE = """
            usage: ae4j spark encode|reconstruct|error|score|hash --model FILE.safetensors --in PATH --out PATH [options]
                   ae4j spark index --in HASHED.parquet --out DIR --bits N [--prefix-bits P] [--address COL] [--id COL]
                   ae4j spark query --index DIR --in QUERIES.parquet --radius R --out PATH [--address COL] [--id COL]
            options: --program FILE.ae (when the model file holds no program text)  --name MODEL
                     --column COL (the input array or vector column of a Parquet input; default: its only one)
                     --output-column COL  --bits N (hash: 1..64, default all code units up to 64)  --bytes (hash as bytes)
                     --sigma S (score: instead of the model's corruption)  --batch N (rows per batch, default 256)
                     --threads N (per task, at most its cores; default its cores)  --master URL (default local[*])
                     --scale S (multiply IDX/NPY/CSV inputs, e.g. 1/255)  --header, --label-column N (CSV)""";

    private static final Set<String> FLAGS = Set.of("bytes", "header");

    private SparkMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit code (see {@link ExitCode}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.println(USAGE);
            return args.length == 0 ? ExitCode.INPUT : ExitCode.OK;
        }
        String op = args[0];
        SparkSession spark = null;
        boolean ours = SparkSession.getDefaultSession().isEmpty(); // a caller's session (a test) is left running
        try {
            Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
            List<String> commands = List.of("encode", "reconstruct", "error", "score", "hash", "index", "query");
            if (!commands.contains(op))
                throw new SparkModelException("unknown spark command '" + op + "'"
                        + ae4j.dsl.check.Names.suggest(op, commands)
                                .map(c -> "; did you mean '" + c + "'?")
                                .orElse("")
                        + " (use encode, reconstruct, error, score, hash, index or query)\n" + USAGE);
            spark = session(o.get("master"));
            String done = switch (op) {
                case "index" -> index(spark, o);
                case "query" -> query(spark, o);
                default -> transform(spark, op, o);
            };
            out.println(done);
            return ExitCode.OK;
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes, thrown unchecked from Scala
            String user = userProblem(e);
            if (user != null) {
                err.println("ae4j: " + user);
                return ExitCode.INPUT;
            }
            IOException io = cause(e, IOException.class);
            if (io != null) {
                err.println("ae4j: " + io.getMessage());
                return ExitCode.of(io);
            }
            if (cause(e, OutOfMemoryError.class) != null) {
                err.println("ae4j: out of memory; give Spark more (--driver-memory, --executor-memory)");
                return ExitCode.ENVIRONMENT;
            }
            Path report = ExitCode.bugReport(e, "ae4j spark " + String.join(" ", args));
            err.println("ae4j: internal error (a bug): " + e + (report != null ? "; details in " + report : ""));
            return ExitCode.BUG;
        } finally {
            if (spark != null && ours) spark.stop();
        }
    }

    /** The message of a problem with the user's input, looked for along the causes (a task wraps it), or null. */
    static String userProblem(Throwable e) {
        SparkModelException s = cause(e, SparkModelException.class);
        if (s != null) return s.getMessage();
        DataException d = cause(e, DataException.class);
        if (d != null) return d.getMessage();
        AnalysisException a = cause(e, AnalysisException.class);
        if (a != null) return a.getMessage();
        return null;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return type.cast(t);
        return null;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() < 3)
                throw new SparkModelException("unexpected argument '" + a + "'\n" + USAGE);
            String k = a.substring(2);
            if (FLAGS.contains(k)) {
                o.put(k, "true");
                continue;
            }
            if (i + 1 >= args.length) throw new SparkModelException("--" + k + " needs a value\n" + USAGE);
            o.put(k, args[++i]);
        }
        return o;
    }

    private static String need(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isBlank()) throw new SparkModelException("--" + key + " is required\n" + USAGE);
        return v;
    }

    private static int integer(Map<String, String> o, String key, int dflt) {
        String v = o.get(key);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new SparkModelException("--" + key + " must be a whole number, got '" + v + "'");
        }
    }

    /** A number, or a fraction a/b (--scale 1/255). */
    static double number(String key, String v) {
        try {
            int slash = v.indexOf('/');
            if (slash > 0)
                return Double.parseDouble(v.substring(0, slash).trim())
                        / Double.parseDouble(v.substring(slash + 1).trim());
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new SparkModelException("--" + key + " must be a number (or a fraction like 1/255), got '" + v + "'");
        }
    }

    private static SparkSession session(String master) {
        SparkSession.Builder b = SparkSession.builder().appName("ae4j spark");
        // Under spark-submit the master comes from its --master; on the command line, local[*] unless given.
        if (master != null) b.master(master);
        else if (System.getProperty("spark.master") == null) b.master("local[*]");
        if (System.getProperty("spark.ui.enabled") == null) b.config("spark.ui.enabled", "false");
        SparkSession s = b.getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }

    private static String transform(SparkSession spark, String op, Map<String, String> o) {
        Path modelFile = Path.of(need(o, "model"));
        String in = need(o, "in");
        String outPath = need(o, "out");
        checkFree(spark, outPath);
        SparkModel m = SparkModel.load(
                        modelFile, o.containsKey("program") ? Path.of(o.get("program")) : null, o.get("name"))
                .withBatch(integer(o, "batch", SparkModel.DEFAULT_BATCH))
                .withThreads(integer(o, "threads", 0));
        Input input = read(spark, in, o);
        String col = o.containsKey("column") ? o.get("column") : input.column;
        String outCol = o.getOrDefault(
                "output-column",
                switch (op) {
                    case "encode" -> "code";
                    case "reconstruct" -> "reconstruction";
                    case "error" -> "error";
                    case "score" -> "score";
                    default -> "address";
                });
        org.apache.spark.sql.Dataset<Row> df = input.frame;
        org.apache.spark.sql.Dataset<Row> result = switch (op) {
            case "encode" -> m.encode(df, col, outCol);
            case "reconstruct" -> m.reconstruct(df, col, outCol);
            case "error" -> m.reconstructionError(df, col, outCol);
            case "score" ->
                o.containsKey("sigma")
                        ? m.score(df, col, outCol, number("sigma", o.get("sigma")))
                        : m.score(df, col, outCol);
            default -> {
                int bits = integer(o, "bits", Math.min(64, Math.max(1, m.codeWidth())));
                yield o.containsKey("bytes") ? m.hashBytes(df, col, outCol, bits) : m.hash(df, col, outCol, bits);
            }
        };
        write(spark, result, outPath);
        return String.format(
                Locale.ROOT,
                "%s: %s of column '%s' by model %s written to %s (column '%s', Parquet)",
                op,
                in,
                col,
                m.name(),
                outPath,
                outCol);
    }

    private static String index(SparkSession spark, Map<String, String> o) {
        String in = need(o, "in");
        String outPath = need(o, "out");
        int bits = integer(o, "bits", -1);
        if (bits < 0) throw new SparkModelException("--bits is required: the bits of the addresses (as hashed)");
        int prefix = integer(o, "prefix-bits", Math.min(8, bits));
        org.apache.spark.sql.Dataset<Row> hashed = spark.read().parquet(in);
        SparkHammingIndex ix = SparkHammingIndex.build(
                hashed, o.getOrDefault("address", "address"), o.getOrDefault("id", "id"), bits, prefix, outPath);
        long addresses = ix.table().count();
        return String.format(
                Locale.ROOT,
                "index: %s grouped into %,d distinct %d-bit addresses in %s (%d partitions by the top bits)",
                in,
                addresses,
                bits,
                outPath,
                1 << prefix);
    }

    private static String query(SparkSession spark, Map<String, String> o) {
        SparkHammingIndex ix = SparkHammingIndex.open(spark, need(o, "index"));
        String outPath = need(o, "out");
        checkFree(spark, outPath);
        int radius = integer(o, "radius", -1);
        if (radius < 0) throw new SparkModelException("--radius is required (0 to " + ix.bits() + ")");
        org.apache.spark.sql.Dataset<Row> queries = spark.read().parquet(need(o, "in"));
        write(
                spark,
                ix.ball(queries, o.getOrDefault("id", "id"), o.getOrDefault("address", "address"), radius),
                outPath);
        return "query: the items within Hamming distance " + radius + " of each query written to " + outPath
                + " (columns query, id, distance; Parquet)";
    }

    /** An input as a frame and the name of its array column. */
    record Input(org.apache.spark.sql.Dataset<Row> frame, String column) {}

    /** Parquet (a file or a folder) as it is; IDX, NPY and CSV through ae4j's readers as (id, x[, label]). */
    static Input read(SparkSession spark, String in, Map<String, String> o) {
        if (!exists(spark, in)) throw new SparkModelException("--in " + in + ": no such file or folder");
        String lower = in.toLowerCase(Locale.ROOT);
        Dataset data = null;
        if (lower.endsWith(".npy")) data = NpyReader.read("in", Path.of(in), null);
        else if (lower.endsWith(".csv") || lower.endsWith(".csv.gz"))
            data = CsvReader.read("in", Path.of(in), o.containsKey("header"), integer(o, "label-column", -1));
        else if (lower.contains("idx") || lower.contains("-ubyte")) data = IdxReader.read("in", Path.of(in), null);
        if (data == null) {
            org.apache.spark.sql.Dataset<Row> df = spark.read().parquet(in);
            return new Input(df, o.containsKey("column") ? o.get("column") : onlyArrayColumn(df.schema(), in));
        }
        if (o.containsKey("scale")) {
            float s = (float) number("scale", o.get("scale"));
            float[] v = data.values().clone();
            for (int i = 0; i < v.length; i++) v[i] *= s;
            data = data.withValues(v);
        }
        int n = data.size();
        int d = data.dim();
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] x = Arrays.copyOfRange(data.values(), i * d, (i + 1) * d);
            rows.add(data.hasLabels() ? RowFactory.create((long) i, x, data.label(i)) : RowFactory.create((long) i, x));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        if (data.hasLabels()) schema = schema.add("label", DataTypes.IntegerType, false);
        // Slices of at most about 1 MB (Spark warns of bigger tasks), at least one per core: small tasks, all cores
        // busy.
        int slices =
                (int) Math.max(spark.sparkContext().defaultParallelism(), Math.min(10_000, 4L * n * d / (1 << 20)));
        var rdd = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(rows, slices);
        return new Input(spark.createDataFrame(rdd, schema), "x");
    }

    private static String onlyArrayColumn(StructType schema, String in) {
        List<String> arrays = new ArrayList<>();
        for (StructField f : schema.fields())
            if (f.dataType() instanceof ArrayType
                    || f.dataType() instanceof org.apache.spark.sql.types.UserDefinedType<?> u
                            && Transforms.isVector(u)) arrays.add(f.name());
        if (arrays.size() == 1) return arrays.getFirst();
        throw new SparkModelException(in + " has "
                + (arrays.isEmpty()
                        ? "no array or vector column"
                        : "array or vector columns " + String.join(", ", arrays))
                + "; name the input column with --column (its columns: "
                + String.join(", ", schema.fieldNames()) + ")");
    }

    private static void checkFree(SparkSession spark, String path) {
        if (exists(spark, path)) throw new SparkModelException(path + " exists; remove it or give another --out");
    }

    private static boolean exists(SparkSession spark, String path) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot look at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes Parquet to a temporary folder beside {@code path} and renames it into place, so a failed job leaves no
     * half-written output under the name asked for.
     */
    static void write(SparkSession spark, org.apache.spark.sql.Dataset<Row> result, String path) {
        try {
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(
                    target.getParent() == null ? new org.apache.hadoop.fs.Path(".") : target.getParent(),
                    "." + target.getName() + ".tmp-" + System.nanoTime());
            try {
                result.write().parquet(tmp.toString());
                if (!fs.rename(tmp, target))
                    throw new IOException("cannot rename " + tmp + " to " + target + " (does it exist now?)");
            } finally {
                if (fs.exists(tmp)) fs.delete(tmp, true);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
