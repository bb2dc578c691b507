package ae4j.spark;

import ae4j.api.Ae4j;
import ae4j.api.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The one local[2] SparkSession of the module's tests (started once, small: no UI, 2 shuffle partitions) and the
 * one-JVM model they compare against: a denoising autoencoder with a sigmoid code, trained briefly through ae4j's
 * own API (ae4j.api) and saved to a safetensors file.
 */
final class SharedSpark {

    static final int ROWS = 1000;
    static final int DIM = 8;
    static final int CODE = 12;

    private static SparkSession spark;
    private static Path folder;
    private static Path modelFile;

    private SharedSpark() {}

    static synchronized SparkSession session() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("ae4j-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("ERROR");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
        }
        return spark;
    }

    static synchronized Path folder() {
        if (folder == null) {
            try {
                folder = Files.createTempDirectory("ae4j-spark-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path made = folder;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(made)));
        }
        return folder;
    }

    private static void deleteTree(Path p) {
        try (var all = Files.walk(p)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort at exit
        }
    }

    /** The trained model's file (the program text in its metadata). */
    static synchronized Path modelFile() {
        if (modelFile == null) {
            // ae4j's session with its reports in this test's folder (removed at exit), not a new temporary folder
            Ae4j.use(new ae4j.dsl.run.Session(folder(), folder().resolve("reports"), null));
            Ae4j.eval("""
                    data blobs = gaussian_mixture(k: 4, dim: 8, n: 1000, spread: 0.3, seed: 5)
                    model sparkdae {
                      input x[8]
                      encoder f { dense 16 tanh; dense 12 sigmoid }
                      decoder g { dense 16 tanh; dense 8 }
                      corrupt x~ = gaussian(x, sigma: 0.2)
                      code h = f(x~)
                      minimize mse(x, g(f(x~)))
                    }
                    train sparkdae on blobs { epochs: 3, batch: 32, optimizer: adam(lr: 1e-2), seed: 2 }
                    """);
            modelFile = folder().resolve("sparkdae.safetensors");
            model().save(modelFile.toString());
        }
        return modelFile;
    }

    static Model model() {
        modelFile();
        return Ae4j.model("sparkdae");
    }

    /** The examples of the data set, one a row. */
    static float[][] examples() {
        modelFile();
        return Ae4j.data("blobs").rows(0, ROWS);
    }

    /** Columns id (long) and x (array of float); row i holds example i. */
    static Dataset<Row> frame(float[][] x, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) rows.add(RowFactory.create((long) i, x[i]));
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), true);
        return session().createDataFrame(rows, schema).repartition(partitions);
    }
}
