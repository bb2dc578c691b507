package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.data.DataLoader;
import ae4j.dsl.data.DataPaths;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.run.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Section 14.9 (Hinton and Salakhutdinov 2006): with equal code size, a deep autoencoder reconstructs
 * Fashion-MNIST test images better than PCA. Hinton and Salakhutdinov's MNIST numbers were 3.00 (deep
 * autoencoder, pretrained 784-1000-500-250-30) against 13.87 (PCA-30), a ratio of 0.22.
 *
 * <p>Needs Fashion-MNIST under {@code /usr/share/datasets/fashion-mnist} (Debian package
 * {@code dataset-fashion-mnist}; {@code ./ae4j test} installs it).
 */
class DeepVersusPcaFashionMnistTest {

    static final int CODE = 30;

    /** A small deep autoencoder that trains in well under a minute on two cores: ReLU hidden layers, linear 30-unit code. */
    static final String PROGRAM = """
            data train = idx("fashion-mnist/train-images-idx3-ubyte.gz") scale 1 / 255
            data test = idx("fashion-mnist/t10k-images-idx3-ubyte.gz") scale 1 / 255

            model deep {
              input x[784]
              encoder f { dense 256 relu; dense 128 relu; dense 30 identity }
              decoder g { dense 128 relu; dense 256 relu; dense 784 sigmoid }
              minimize mse(x, g(f(x)))
            }

            train deep on train { epochs: 5, batch: 128, optimizer: adam(lr: 1e-3), seed: 1 }

            evaluate deep on test { pca_baseline(k: 30, fit: train) }
            """;

    /**
     * The whole pipeline: {@code ae4j run} trains the autoencoder on the 60,000 training images and runs
     * {@code pca_baseline(k: 30, fit: train)} on the 10,000 test images. The test then checks the printed
     * table against its own computation: the saved weights loaded into a fresh model, its squared
     * reconstruction error per test image, and PCA-30 fitted (EJML) on the training images.
     */
    @Test
    void deepAutoencoderReconstructsTestImagesBetterThanPca30_14_9(@TempDir Path dir) throws Exception {
        Path root = DataPaths.SHARED_ROOT.resolve("fashion-mnist");
        for (String f : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz")) {
            assertTrue(
                    Files.isRegularFile(root.resolve(f)),
                    "this test needs Fashion-MNIST: " + root.resolve(f) + " is missing;"
                            + " ./ae4j test installs it (or: sudo apt-get install dataset-fashion-mnist)");
        }
        Path file = dir.resolve("deep.ae");
        Files.writeString(file, PROGRAM);
        long start = System.nanoTime();
        RunOutcome r = RunOutcome.of(file, dir.resolve("out"));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.print(r.out());
        assertEquals(0, r.code(), r.err());

        // Independent of the analysis: the saved model's error and PCA-30's, computed here.
        var program = FrontEnd.check(file.toString(), PROGRAM).checked();
        DataLoader data = new DataLoader(program, dir);
        Dataset train = data.get("train"), test = data.get("test");
        Built b = Built.of(PROGRAM, "deep", 256, 0);
        ModelFile.load(dir.resolve("out/deep/deep.safetensors"), b.model());
        int n = test.size(), d = test.dim();
        float[] buf = new float[b.model().maxBatch() * d];
        double ae = 0;
        for (int from = 0; from < n; from += b.model().maxBatch()) {
            int rows = Math.min(b.model().maxBatch(), n - from);
            test.batch(from, rows, buf);
            b.model().loss(buf, rows, 0, 0, false);
            float[] rec = b.model().value(b.ir().reconstruction());
            for (int i = 0; i < rows * d; i++) ae += (rec[i] - (double) buf[i]) * (rec[i] - (double) buf[i]);
        }
        ae /= n;
        PcaBaseline.Pca pca = PcaBaseline.fit(train.values(), train.size(), d);
        double pcaErr = PcaBaseline.meanSquaredError(test.values(), pca.reconstruct(test.values(), n, CODE), n, d);
        double ratio = ae / pcaErr;
        System.out.printf(
                Locale.ROOT,
                "14.9: Fashion-MNIST test set (%d images), code size %d: deep autoencoder %.4f, PCA-%d"
                        + " (fitted on %d training images) %.4f per image; ratio %.4f (Hinton & Salakhutdinov, MNIST:"
                        + " 3.00 / 13.87 = %.4f); training and analysis %.1f s%n",
                n,
                CODE,
                ae,
                CODE,
                train.size(),
                pcaErr,
                ratio,
                3.00 / 13.87,
                seconds);

        Matcher pcaRow =
                Pattern.compile("PCA-30 \\([0-9.]+% var\\)\\s+([0-9.e+-]+)").matcher(r.out());
        Matcher aeRow =
                Pattern.compile("autoencoder \\(code 30\\)\\s+([0-9.e+-]+)").matcher(r.out());
        Matcher ratioRow = Pattern.compile("ratio autoencoder / PCA: ([0-9.]+)").matcher(r.out());
        assertTrue(pcaRow.find() && aeRow.find() && ratioRow.find(), r.out());
        assertEquals(pcaErr, Double.parseDouble(pcaRow.group(1)), 1e-4 * pcaErr, "printed PCA-30 error");
        assertEquals(ae, Double.parseDouble(aeRow.group(1)), 1e-4 * ae, "printed autoencoder error");
        assertEquals(ratio, Double.parseDouble(ratioRow.group(1)), 1e-3, "printed ratio");
        assertTrue(r.out().contains("PCA fitted on train (60000 examples)"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("out/deep/pca-errors.png")));
        assertTrue(Files.isRegularFile(dir.resolve("out/deep/pca-reconstructions.png")));

        assertTrue(
                ratio < 1,
                "the deep autoencoder's test error " + ae + " is not below PCA-30's " + pcaErr + " (ratio " + ratio
                        + ")");
    }
}
