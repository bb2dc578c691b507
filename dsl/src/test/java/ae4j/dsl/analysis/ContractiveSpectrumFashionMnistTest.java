package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 14.7 (Rifai et al. 2011): training a contractive autoencoder makes most singular values of the encoder's
 * Jacobian J = df/dx fall below 1, while a few stay above 1 - the directions of most local variance, which the
 * reconstruction term keeps; against a plain and a denoising autoencoder at equal reconstruction error, the
 * contractive spectrum falls faster.
 *
 * <p>Setting: Fashion-MNIST (pixels in [0, 1]), the first 10,000 training images; one sigmoid layer of 200 units,
 * an untied sigmoid decoder, Bernoulli loss; 15 epochs of Adam (lr 1e-3, batch 64), the same seed and initial
 * weights for every model. The denoising model uses gaussian corruption with sigma 0.3. The contractive weight
 * lambda is chosen on validation data (training images 50,000-51,999) from {0.05, 0.1, 0.2} as the one whose
 * reconstruction error (the Bernoulli term alone, without the penalty) is closest to the denoising model's; the
 * spectra are measured at 100 held-out test images (mean of the sorted singular values).
 *
 * <p>The exact Jacobian is checked against finite differences in {@link EncoderJacobianTest}.
 *
 * <p>Measured before the margins were chosen, seeds 1, 2, 3 (this test with -Dae4j.claimSeed=N): lambda 0.2 is
 * chosen every time (validation errors 222.68, 222.72, 222.97 against the denoising model's 223.24, 223.81,
 * 222.83; the plain model's 219.5-220.0); on the test images, mean singular values above 1: contractive 1, 1, 1,
 * denoising 8, 7, 7, plain 22, 21, 20 (fractions below 1: 0.992-0.994 / 0.959-0.963 / 0.891-0.897); largest
 * 1.153, 1.147, 1.116 / 1.43, 1.41, 1.41 / 2.49, 2.44, 2.44; singular values above a tenth of the largest: 76, 75,
 * 76 / 120, 117, 118 / 107, 107, 106; mean ||J||_F 4.23, 4.18, 4.16 / 5.84, 5.70, 5.70 / 8.22, 8.12, 8.07. The margin on "a few stay above 1" is thin (largest 1.12-1.15): at lambda 1
 * none stays above 1 (largest 0.79), at the price of a reconstruction error 5% above the plain model's. On a small
 * synthetic manifold (24 inputs, 12 units, the earlier test) no model had a singular value above 1, whatever
 * lambda: there the claim cannot show. The reconstruction error compared is the Bernoulli term alone: with the
 * penalty included (what {@code evaluate ... { reconstruction }} printed before), lambda 0.1 looked matched.
 *
 * <p>Needs Fashion-MNIST under {@code /usr/share/datasets/fashion-mnist} ({@code ./ae4j test} installs it).
 */
class ContractiveSpectrumFashionMnistTest {

    static final int TRAIN = 10_000, VALID = 2_000, TEST = 100, EPOCHS = 15, BATCH = 64;
    static final long SEED = Long.getLong("ae4j.claimSeed", 1); // -Dae4j.claimSeed=N re-measures on another seed
    static final double[] LAMBDAS = {0.05, 0.1, 0.2};

    static String program(String kind, double lambda) {
        String corrupt = kind.equals("dae") ? "corrupt x~ = gaussian(x, sigma: 0.3)" : "";
        String objective = switch (kind) {
            case "dae" -> "bernoulli_nll(x, g(f(x~)))";
            case "cae" -> "bernoulli_nll(x, g(f(x))) + " + lambda + " * jacobian_frobenius(f, x)";
            default -> "bernoulli_nll(x, g(f(x)))";
        };
        return """
                model m {
                  input x[784]
                  encoder f { dense 200 sigmoid }
                  decoder g { dense 784 sigmoid }
                  output bernoulli
                  %s
                  minimize %s
                }
                """.formatted(corrupt, objective);
    }

    record Trained(String label, Built model, double validError) {}

    static Trained train(String kind, double lambda, Dataset train, Dataset valid) {
        Built b = Built.of(program(kind, lambda), "m", BATCH, SEED);
        new Trainer(
                        b.model(),
                        TrainConfig.defaults()
                                .withEpochs(EPOCHS)
                                .withBatch(BATCH)
                                .withOptimizer("adam", Map.of("lr", 1e-3))
                                .withSeed(SEED),
                        null)
                .train(train.values(), train.size(), train.dim());
        String label = kind.equals("cae") ? "contractive (lambda " + lambda + ")" : kind;
        return new Trained(label, b, error(b, valid));
    }

    static double error(Built b, Dataset d) {
        return ReconstructionError.measure(b.model(), b.ir().graph(), d.values(), d.size(), d.dim())
                .reconstruction();
    }

    @Test
    void contractiveSpectrumHasMostValuesBelowOneAFewAboveAndFallsFastestAtEqualError_14_7() {
        for (String f : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"))
            assertTrue(
                    Files.isRegularFile(SemanticHashingFashionMnistTest.ROOT.resolve(f)),
                    "this test needs Fashion-MNIST; ./ae4j test installs it (apt-get install dataset-fashion-mnist)");
        Dataset all = SemanticHashingFashionMnistTest.read(
                "train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000);
        Dataset train = all.take(TRAIN);
        Dataset valid = all.skip(50_000).take(VALID);
        Dataset test = SemanticHashingFashionMnistTest.read(
                "test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 1_000);

        Trained plain = train("plain", 0, train, valid);
        Trained dae = train("dae", 0, train, valid);
        Trained cae = null;
        StringBuilder scan = new StringBuilder();
        for (double lambda : LAMBDAS) {
            Trained c = train("cae", lambda, train, valid);
            scan.append(String.format(Locale.ROOT, " lambda %s: %.2f;", lambda, c.validError()));
            if (cae == null
                    || Math.abs(c.validError() - dae.validError()) < Math.abs(cae.validError() - dae.validError()))
                cae = c;
        }
        Map<String, JacobianSpectrum.Result> spectra = new LinkedHashMap<>();
        Map<String, Double> testError = new LinkedHashMap<>();
        for (Trained t : List.of(plain, dae, cae)) {
            spectra.put(
                    t.label(),
                    JacobianSpectrum.measure(
                            new EncoderJacobian(
                                    t.model().model(),
                                    t.model().ir().graph(),
                                    t.model().ir().code()),
                            test,
                            TEST));
            testError.put(t.label(), error(t.model(), test));
        }
        System.out.printf(
                Locale.ROOT,
                "14.7 on Fashion-MNIST: validation reconstruction error plain %.2f, denoising %.2f; contractive%s"
                        + " chosen: %s%n",
                plain.validError(),
                dae.validError(),
                scan,
                cae.label());
        for (var e : spectra.entrySet()) {
            JacobianSpectrum.Result r = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "  %-26s test error %.2f; singular values above 1: %d (below 1: %.3f), largest %.3f,"
                            + " above a tenth of the largest: %d, ||J||_F %.3f%n",
                    e.getKey(),
                    testError.get(e.getKey()),
                    above(r, 1),
                    r.fractionBelowOne(),
                    r.meanLargest(),
                    above(r, 0.1 * r.meanSingularValues()[0]),
                    r.meanFrobenius());
        }
        JacobianSpectrum.Result c = spectra.get(cae.label()), d = spectra.get("dae"), p = spectra.get("plain");
        double matched = Math.abs(testError.get(cae.label()) / testError.get("dae") - 1);
        assertTrue(matched < 0.015, "the contractive and denoising models' test errors differ by " + matched);
        // Rifai et al. 2011, table 1: the smallest ||J||_F (the penalty's own quantity) at the same error.
        assertTrue(
                c.meanFrobenius() < 0.9 * d.meanFrobenius() && d.meanFrobenius() < p.meanFrobenius(),
                "||J||_F: contractive " + c.meanFrobenius() + ", denoising " + d.meanFrobenius() + ", plain "
                        + p.meanFrobenius());
        // Most singular values below 1: more of them than either other model, and at least 97%.
        assertTrue(c.fractionBelowOne() >= 0.97, "contractive: below 1 " + c.fractionBelowOne());
        assertTrue(
                above(c, 1) < above(d, 1) && above(d, 1) < above(p, 1),
                "singular values above 1: contractive " + above(c, 1) + ", denoising " + above(d, 1) + ", plain "
                        + above(p, 1));
        // Some stay above 1: the directions the reconstruction keeps.
        assertTrue(above(c, 1) >= 1, "contractive: no singular value above 1, largest " + c.meanLargest());
        // The spectrum falls faster: fewer directions within a tenth of the largest (measured gaps 10-24).
        int cs = above(c, 0.1 * c.meanSingularValues()[0]), ds = above(d, 0.1 * d.meanSingularValues()[0]);
        int ps = above(p, 0.1 * p.meanSingularValues()[0]);
        assertTrue(
                cs + 10 <= ds && cs + 5 <= ps,
                "directions above a tenth of the largest: contractive " + cs + ", denoising " + ds + ", plain " + ps);
    }

    /** How many of the mean sorted singular values exceed t. */
    static int above(JacobianSpectrum.Result r, double t) {
        int n = 0;
        for (double s : r.meanSingularValues()) if (s > t) n++;
        return n;
    }
}
