package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.DataPaths;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Section 14.9, semantic hashing: additive noise just before the sigmoid of the code layer during training makes
 * the code saturate (the sigmoids end near 0 or 1, so the code is nearly binary), and the binarised code retrieves
 * held-out images of the same class better than random-hyperplane LSH with as many bits.
 *
 * <p>Two models of the same shape (784-256-32 with a sigmoid code, decoder 32-256-784, Bernoulli loss), trained
 * the same way on the first 6,000 Fashion-MNIST training images (30 epochs of Adam, seeded), one with
 * {@code noise before h = gaussian(sigma: 4)} and one without; then the 10,000 test images are indexed by their
 * 32-bit addresses and 2,000 of them queried against the others. The baselines (LSH, PCA-sign) are fitted on
 * the same 6,000 training images.
 *
 * <p>Measured over seeds 1, 2 and 3 (training seed; LSH seeds 0..4) before the margins were chosen: saturated
 * fraction 0.912, 0.933, 0.919 with noise against 0.440, 0.447, 0.460 without (margin asserted: 0.25);
 * precision@10 of the noisy autoencoder 0.6736, 0.6587, 0.6643 against LSH's 0.6052..0.6173 (margin asserted over
 * the best LSH seed: 0.02). Not asserted, and not in the book's favour: without noise the autoencoder's precision@10
 * is higher (0.6882, 0.6839, 0.6789; its codes are less saturated and spread over more addresses), and PCA-sign
 * at 32 bits has 0.6947, above both; the noise buys a code that binarisation barely changes and larger Hamming
 * balls at a given radius (recall at radius 2: 0.17, 0.23, 0.21 with noise, 0.06, 0.06, 0.08 without).
 *
 * <p>Needs Fashion-MNIST under {@code /usr/share/datasets/fashion-mnist} (Debian package
 * {@code dataset-fashion-mnist}; {@code ./ae4j test} installs it).
 */
class SemanticHashingFashionMnistTest {

    static final Path ROOT = DataPaths.SHARED_ROOT.resolve("fashion-mnist");
    static final int BITS = 32;
    static final int TRAIN = 6000;
    static final int EPOCHS = 30;
    static final long SEED = 1;

    static String program(boolean noise) {
        return """
                model hash {
                  input x[784]
                  encoder f { dense 256 relu; dense 32 sigmoid }
                  decoder g { dense 256 relu; dense 784 sigmoid }
                  %s
                  minimize bernoulli_nll(x, g(h))
                }
                """.formatted(noise ? "noise before h = gaussian(sigma: 4)" : "");
    }

    static Dataset read(String name, String images, String labels, int n) {
        Dataset d = IdxReader.read(name, ROOT.resolve(images), ROOT.resolve(labels));
        d = d.take(Math.min(n, d.size()));
        float[] v = d.values().clone();
        for (int i = 0; i < v.length; i++) v[i] /= 255f;
        return d.withValues(v);
    }

    /** The comparison for a model trained with or without noise before the code. */
    static Retrieval.Report trainAndMeasure(boolean noise, long seed, Dataset train, Dataset test) {
        Built b = Built.of(program(noise), "hash", 128, seed)
                .train(train.values(), train.size(), train.dim(), EPOCHS, 128, 2e-3, seed);
        float[] h = Codes.compute(b.model(), b.ir().code(), BITS, test);
        return Retrieval.measure(noise ? "noisy" : "plain", h, BITS, test, train, BITS, 2, 10, 0);
    }

    @Test
    void noiseBeforeTheSigmoidSaturatesTheCodeAndItsHashesBeatLsh_14_9() {
        for (String f : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz")) {
            assertTrue(
                    Files.isRegularFile(ROOT.resolve(f)),
                    "this test needs Fashion-MNIST: " + ROOT.resolve(f) + " is missing;"
                            + " ./ae4j test installs it (or: sudo apt-get install dataset-fashion-mnist)");
        }
        long start = System.nanoTime();
        Dataset train = read("train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", TRAIN);
        Dataset test = read("test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", Integer.MAX_VALUE);
        // Another seed: AE4J_HASHING_SEED=2 (how the seeds below were measured).
        long seed = Long.parseLong(System.getenv().getOrDefault("AE4J_HASHING_SEED", Long.toString(SEED)));
        Retrieval.Report noisy = trainAndMeasure(true, seed, train, test);
        Retrieval.Report plain = trainAndMeasure(false, seed, train, test);
        System.out.print(noisy.table());
        System.out.print(plain.table());
        // LSH's own spread over seeds: the autoencoder must beat the best of them, not one lucky draw.
        double bestLsh = 0;
        StringBuilder lshs = new StringBuilder();
        for (long s = 0; s < 5; s++) {
            SignProjection lsh = RandomHyperplaneLsh.fit(train.values(), train.size(), train.dim(), BITS, s);
            double p = HammingRetrieval.evaluate(
                            "LSH",
                            lsh.addresses(test.values(), test.size()),
                            BITS,
                            test.labels(),
                            10,
                            0,
                            LocalPca.sampleIndices(test.size(), Retrieval.QUERIES))
                    .precisionAtK();
            bestLsh = Math.max(bestLsh, p);
            lshs.append(String.format(Locale.ROOT, " %.4f", p));
        }
        double ae = noisy.method(Retrieval.AUTOENCODER).precisionAtK();
        System.out.printf(
                Locale.ROOT,
                "14.9, seed %d: %d-bit codes of 10,000 Fashion-MNIST test images; saturated (within 0.05 of 0 or 1):"
                        + " %.3f with noise before the sigmoid, %.3f without; precision@10: autoencoder with noise"
                        + " %.4f, without %.4f, LSH (seeds 0..4)%s, PCA-sign %.4f; chance %.4f; %.1f s%n",
                seed,
                BITS,
                noisy.saturated(),
                plain.saturated(),
                ae,
                plain.method(Retrieval.AUTOENCODER).precisionAtK(),
                lshs,
                noisy.method(Retrieval.PCA_SIGN).precisionAtK(),
                noisy.chance(),
                (System.nanoTime() - start) / 1e9);

        assertTrue(
                noisy.saturated() > plain.saturated() + 0.25,
                "noise before the sigmoid should saturate the code: " + noisy.saturated() + " of the values within"
                        + " 0.05 of 0 or 1 with noise, " + plain.saturated() + " without");
        assertTrue(
                ae > bestLsh + 0.02,
                "the noisy autoencoder's 32-bit hashes should retrieve same-class test images better than LSH with"
                        + " 32 bits (by 0.02): precision@10 " + ae + " against LSH's best " + bestLsh);
    }
}
