package ae4j.spark;

import ae4j.dsl.analysis.ScoreField;
import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedProgram;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.io.ModelMismatchException;
import ae4j.dsl.io.SafetensorsException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A trained ae4j model as Spark sees it: its program text, its weights and its generated class compiled on the
 * driver, shipped to the executors once (a broadcast), where each JVM loads the class once (no javac there, so a
 * JRE is enough) and keeps a few instances for its tasks. The transforms add a column computed from an
 * array&lt;float&gt; (or array&lt;double&gt;, or Spark ML vector) column in batches inside {@code mapPartitions}; each
 * gives, row for row,
 * what {@link ae4j.api.Model} gives in one JVM.
 *
 * <pre>{@code
 * SparkModel m = SparkModel.load(Path.of("dae.safetensors"));   // the program text is in the file's metadata
 * Dataset<Row> codes = m.encode(df, "pixels", "code");
 * Dataset<Row> hashed = m.hash(df, "pixels", "address", 32);
 * }</pre>
 *
 * A missing or malformed model file, a program with errors, weights that do not fit the model, a column that is
 * missing, of another type or of another width are refused here, on the driver, with a sentence saying what to do,
 * before any task of the transform runs.
 */
public final class SparkModel implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Rows per batch by default (one forward pass of the generated class). */
    public static final int DEFAULT_BATCH = 256;

    final String name;
    final String source;
    final String key;
    final float[][] params;
    final HashMap<String, byte[]> classes;
    final int inputWidth;
    final int codeWidth; // -1: no code layer
    final boolean reconstruction;
    final Double sigma;
    final int batch;
    final int threads; // 0: the task's cores

    private SparkModel(
            String name,
            String source,
            String key,
            float[][] params,
            HashMap<String, byte[]> classes,
            int inputWidth,
            int codeWidth,
            boolean reconstruction,
            Double sigma,
            int batch,
            int threads) {
        this.name = name;
        this.source = source;
        this.key = key;
        this.params = params;
        this.classes = classes;
        this.inputWidth = inputWidth;
        this.codeWidth = codeWidth;
        this.reconstruction = reconstruction;
        this.sigma = sigma;
        this.batch = batch;
        this.threads = threads;
    }

    /** A model file written by {@code save} or {@code ae4j run}: its metadata holds the program text. */
    public static SparkModel load(Path modelFile) {
        return load(modelFile, null, null);
    }

    /**
     * A model from its weights and the program that declares it: {@code sourceFile} may be null when the model
     * file holds the program text; {@code modelName} may be null when the file names the model or the program
     * declares one model.
     */
    public static SparkModel load(Path modelFile, Path sourceFile, String modelName) {
        Objects.requireNonNull(modelFile, "modelFile");
        if (!Files.exists(modelFile))
            throw new SparkModelException("model file " + modelFile + " not found; give the .safetensors file that "
                    + "ae4j run or Model.save wrote");
        ModelFile.Saved saved;
        try {
            saved = ModelFile.read(modelFile);
        } catch (NoSuchFileException e) {
            throw new SparkModelException("model file " + modelFile + " not found; give the .safetensors file that "
                    + "ae4j run or Model.save wrote");
        } catch (SafetensorsException e) {
            throw new SparkModelException("model file " + modelFile + " cannot be used: " + e.getMessage());
        } catch (IOException e) {
            throw new SparkModelException("cannot read model file " + modelFile + ": " + e.getMessage(), e);
        }
        String source = saved.source();
        String origin = modelFile + " (its program text)";
        if (sourceFile != null) {
            try {
                source = Files.readString(sourceFile, StandardCharsets.UTF_8);
                origin = sourceFile.toString();
            } catch (NoSuchFileException e) {
                throw new SparkModelException("program file " + sourceFile + " not found");
            } catch (IOException e) {
                throw new SparkModelException("cannot read program file " + sourceFile + ": " + e.getMessage(), e);
            }
        } else if (source.isBlank()) {
            throw new SparkModelException(modelFile + " holds no program text (weights exported elsewhere?); give the "
                    + ".ae file that declares the model as well");
        }
        FrontEnd.Result r = FrontEnd.check(origin, source);
        if (!r.ok() || r.checked() == null) {
            throw new SparkModelException("the program of the model has errors:\n"
                    + r.diagnostics().render().stripTrailing());
        }
        CheckedModel checked = pick(r.checked(), modelName != null ? modelName : saved.modelName(), origin);
        BuiltModel built;
        try {
            built = ModelBuilder.generated().build(checked, ModelBuilder.MIN_ROWS, 0);
        } catch (Lowering.LoweringException e) {
            throw new SparkModelException("cannot compile model " + checked.name() + ": " + e.getMessage());
        }
        try {
            ModelFile.copyInto(modelFile.toString(), saved.tensors(), built.model());
        } catch (ModelMismatchException e) {
            throw new SparkModelException(e.getMessage());
        }
        float[][] params = built.model().params().clone();
        for (int i = 0; i < params.length; i++) params[i] = params[i].clone();
        HashMap<String, byte[]> classes =
                new HashMap<>(ModelBuilder.classes(built.ir().graph()));
        Lowering.Lowered ir = built.ir();
        int code = ir.code() < 0 ? -1 : ir.graph().width(ir.code());
        return new SparkModel(
                checked.name(),
                source,
                key(checked.name(), source, params),
                params,
                classes,
                checked.input().size(),
                code,
                ir.reconstruction() >= 0,
                ScoreField.gaussianSigma(checked),
                DEFAULT_BATCH,
                0);
    }

    private static CheckedModel pick(CheckedProgram p, String wanted, String origin) {
        List<String> names = p.models().stream().map(CheckedModel::name).toList();
        if (wanted != null && !wanted.isEmpty()) {
            CheckedModel m = p.model(wanted);
            if (m == null)
                throw new SparkModelException(
                        origin + " declares no model '" + wanted + "'; it declares " + String.join(", ", names));
            return m;
        }
        if (names.size() != 1)
            throw new SparkModelException(origin + " declares "
                    + (names.isEmpty()
                            ? "no model"
                            : names.size() + " models (" + String.join(", ", names) + "); name the one to use"));
        return p.models().getFirst();
    }

    private static String key(String name, String source, float[][] params) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((name + "\n" + source + "\n").getBytes(StandardCharsets.UTF_8));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * 1024);
            for (float[] p : params) {
                for (float v : p) {
                    if (b.remaining() < 4) {
                        sha.update(b.array(), 0, b.position());
                        b.clear();
                    }
                    b.putFloat(v);
                }
            }
            sha.update(b.array(), 0, b.position());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The same model with {@code rows} rows per batch (at least 1). */
    public SparkModel withBatch(int rows) {
        if (rows < 1) throw new SparkModelException("the batch must be at least 1 row, got " + rows);
        return new SparkModel(
                name, source, key, params, classes, inputWidth, codeWidth, reconstruction, sigma, rows, threads);
    }

    /**
     * The same model with at most {@code n} threads per task for the kernels (0: as many as the task's cores,
     * {@code spark.task.cpus}); more than the task's cores is capped to them.
     */
    public SparkModel withThreads(int n) {
        if (n < 0) throw new SparkModelException("threads per task must be 0 (the task's cores) or more, got " + n);
        return new SparkModel(
                name, source, key, params, classes, inputWidth, codeWidth, reconstruction, sigma, batch, n);
    }

    public String name() {
        return name;
    }

    public int inputWidth() {
        return inputWidth;
    }

    /** Units of the code, or -1 when the model has no code layer. */
    public int codeWidth() {
        return codeWidth;
    }

    /** The sigma of the model's gaussian corruption (the score's), or null. */
    public Double sigma() {
        return sigma;
    }

    public int batch() {
        return batch;
    }

    public int threads() {
        return threads;
    }

    // ------------------------------------------------------------------ transforms

    /** Adds {@code out}, the code h = f(x) of column {@code in} (array&lt;float&gt;), as {@link ae4j.api.Model#encode}. */
    public Dataset<Row> encode(Dataset<Row> df, String in, String out) {
        if (codeWidth < 0) throw new SparkModelException("model '" + name + "' has no code layer to read");
        return Transforms.apply(this, df, in, out, Transforms.Op.ENCODE, 0, 0);
    }

    /** Adds {@code out}, the reconstruction r(x) = g(f(x)) (array&lt;float&gt;), as {@link ae4j.api.Model#reconstruct}. */
    public Dataset<Row> reconstruct(Dataset<Row> df, String in, String out) {
        requireReconstruction();
        return Transforms.apply(this, df, in, out, Transforms.Op.RECONSTRUCT, 0, 0);
    }

    /**
     * Adds {@code out}, the squared reconstruction error sum_j (r(x)_j - x_j)^2 of each row (double; summed in
     * double from the float reconstruction): the anomaly score.
     */
    public Dataset<Row> reconstructionError(Dataset<Row> df, String in, String out) {
        requireReconstruction();
        return Transforms.apply(this, df, in, out, Transforms.Op.ERROR, 0, 0);
    }

    /**
     * Adds {@code out}, the score estimate (r(x) - x) / sigma^2 of grad log p(x) (array&lt;float&gt;) with sigma the
     * model's gaussian corruption, as {@link ae4j.api.Model#score(float[][])}.
     */
    public Dataset<Row> score(Dataset<Row> df, String in, String out) {
        if (sigma == null)
            throw new SparkModelException("model '" + name + "' has no gaussian corruption: the score estimate "
                    + "(r(x) - x) / sigma^2 needs a denoising autoencoder trained with corrupt x~ = gaussian(x, sigma: "
                    + "...), or give sigma");
        return score(df, in, out, sigma);
    }

    /** The score estimate with an explicit sigma, as {@link ae4j.api.Model#score(float[][], double)}. */
    public Dataset<Row> score(Dataset<Row> df, String in, String out, double sigma) {
        requireReconstruction();
        if (!(sigma > 0) || Double.isInfinite(sigma))
            throw new SparkModelException("sigma must be a positive number, got " + sigma);
        return Transforms.apply(this, df, in, out, Transforms.Op.SCORE, 0, sigma);
    }

    /**
     * Adds {@code out}, the semantic-hashing address of each row (long): bit j set when code unit j is at least 0.5,
     * for the first {@code bits} units (1 to 64), as {@code analyze ... { retrieval(bits: ...) }} binarises codes.
     */
    public Dataset<Row> hash(Dataset<Row> df, String in, String out, int bits) {
        checkBits(bits, 64);
        return Transforms.apply(this, df, in, out, Transforms.Op.HASH_LONG, bits, 0);
    }

    /**
     * As {@link #hash}, as bytes (binary column) for codes of any width: bit j is bit (j mod 8) of byte j / 8, least
     * significant first, so the first 8 bytes read little-endian are the long of {@link #hash}.
     */
    public Dataset<Row> hashBytes(Dataset<Row> df, String in, String out, int bits) {
        checkBits(bits, Integer.MAX_VALUE);
        return Transforms.apply(this, df, in, out, Transforms.Op.HASH_BYTES, bits, 0);
    }

    private void checkBits(int bits, int most) {
        if (codeWidth < 0) throw new SparkModelException("model '" + name + "' has no code layer to hash");
        int max = Math.min(most, codeWidth);
        if (bits < 1 || bits > max)
            throw new SparkModelException("bits must be in 1.." + max + " (model '" + name + "' has a code of "
                    + codeWidth + " units" + (most == 64 ? "; a long holds 64 bits, use hashBytes for more" : "")
                    + "), got " + bits);
    }

    private void requireReconstruction() {
        if (!reconstruction) throw new SparkModelException("model '" + name + "' has no reconstruction to read");
    }

    /** The model shipped once to every executor of the session (a broadcast). */
    Broadcast<SparkModel> broadcast(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(this);
    }

    /** Bad input from the user (a file, a column, an option): the message says what to do. */
    public static final class SparkModelException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public SparkModelException(String message) {
            super(message);
        }

        public SparkModelException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public String toString() {
        return "SparkModel " + name + " (" + inputWidth + " inputs, code " + codeWidth + ", batch " + batch + ")";
    }

    /** For tests: the class files shipped (binary name to bytes). */
    Map<String, byte[]> classes() {
        return classes;
    }
}
