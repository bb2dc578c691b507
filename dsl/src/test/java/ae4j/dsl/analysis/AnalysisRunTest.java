package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.run.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ae4j run} of programs with {@code score_field} (14.5.1) and {@code pca_baseline} (14.9): files and printed numbers. */
class AnalysisRunTest {

    static RunOutcome run(Path file, Path outDir) {
        return RunOutcome.of(file, outDir);
    }

    /** Section 14.5.1: score_field on a 2-D DAE, sigma taken from the model's gaussian corruption. */
    @Test
    void scoreFieldRuns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("score.ae");
        Files.writeString(f, """
                data gm = gaussian_mixture(k: 4, dim: 2, spread: 0.4, n: 800, seed: 1)
                model dae {
                  input x[2]
                  encoder f { dense 32 relu; dense 32 relu }
                  decoder g { dense 32 relu; dense 2 identity }
                  corrupt x~ = gaussian(x, sigma: 0.35)
                  minimize mse(x, g(f(x~)))
                }
                train dae on gm { epochs: 10, batch: 50, optimizer: adam(lr: 3e-3), seed: 2 }
                analyze dae on gm { score_field(grid: 12) }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        System.out.print(r.out());
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().contains("score_field dae on gm: estimated score (r(x) - x) / sigma^2, sigma 0.35"), r.out());
        Matcher m = Pattern.compile("mean \\|score\\| at the data ([0-9.]+), \\|mean score\\| ([0-9.]+)")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0, r.out());
        List<String> csv = Files.readAllLines(dir.resolve("out/dae/score-field.csv"));
        assertEquals("x1,x2,score1,score2", csv.get(0));
        assertEquals(1 + 12 * 12, csv.size());
        // Grid points outside the data point back towards it: at the box's corner (x, y < 0) the score is (+, +).
        String[] corner = csv.get(1).split(",");
        assertTrue(Double.parseDouble(corner[0]) < 0 && Double.parseDouble(corner[1]) < 0);
        assertTrue(Double.parseDouble(corner[2]) > 0 && Double.parseDouble(corner[3]) > 0, csv.get(1));
        assertEquals(
                800,
                ImageIO.read(dir.resolve("out/dae/score-field.png").toFile()).getWidth());
    }

    /** Section 14.9: pca_baseline with k defaulting to the code size; printed numbers match the csv. */
    @Test
    void pcaBaselineRuns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pca.ae");
        Files.writeString(f, """
                data pts = embedded_manifold(intrinsic: 2, ambient: 6, n: 600, seed: 3)
                model ae {
                  input x[6]
                  encoder f { dense 32 tanh; dense 2 identity }
                  decoder g { dense 32 tanh; dense 6 identity }
                  minimize mse(x, g(f(x)))
                }
                train ae on pts { epochs: 5, batch: 50, optimizer: adam(lr: 3e-3), seed: 2 }
                evaluate ae on pts { pca_baseline }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        System.out.print(r.out());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pca_baseline ae on pts: mean squared reconstruction error"), r.out());
        assertTrue(r.out().contains("PCA-2 ("), r.out());
        Matcher m = Pattern.compile("ratio autoencoder / PCA: ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("out/ae/pca-baseline.csv"));
        assertEquals("method,k,error,error_per_feature", csv.get(0));
        assertTrue(csv.get(1).startsWith("pca,2,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("autoencoder,2,"), csv.get(2));
        double pca = Double.parseDouble(csv.get(1).split(",")[2]);
        double ae = Double.parseDouble(csv.get(2).split(",")[2]);
        double ratio = Double.parseDouble(csv.get(3).split(",")[2]);
        assertEquals(ae / pca, ratio, 1e-9 * ratio);
        assertEquals(ratio, Double.parseDouble(m.group(1)), 1e-4);
        assertTrue(pca > 0 && ae > 0);
    }

    /**
     * pca_baseline fits PCA on the data the model was trained on by default (out of sample, like the autoencoder);
     * fitted on the measured data itself, PCA's error there can only be lower (it minimises exactly that error).
     */
    @Test
    void pcaBaselineFitsOnTheTrainingDataByDefault(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pca.ae");
        Files.writeString(f, """
                data pts = embedded_manifold(intrinsic: 2, ambient: 6, n: 300, seed: 3, noise: 0.05)
                data held = embedded_manifold(intrinsic: 2, ambient: 6, n: 200, seed: 4, noise: 0.05)
                model ae {
                  input x[6]
                  encoder f { dense 2 identity }
                  decoder g { dense 6 identity }
                  minimize mse(x, g(f(x)))
                }
                train ae on pts { epochs: 2, batch: 50, seed: 2 }
                evaluate ae on held { pca_baseline }
                evaluate ae on held { pca_baseline(fit: held) }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PCA fitted on pts (300 examples)"), r.out());
        assertTrue(r.out().contains("PCA fitted on held\n"), r.out());
        Matcher m = Pattern.compile("PCA-2 \\([0-9.]+% var\\) +([0-9.e+-]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double outOfSample = Double.parseDouble(m.group(1));
        assertTrue(m.find(), r.out());
        double inSample = Double.parseDouble(m.group(1));
        assertTrue(inSample < outOfSample, "in-sample " + inSample + " vs fitted on the training data " + outOfSample);
    }

    /** A model without gaussian corruption: the checker asks for sigma, nothing runs. */
    @Test
    void scoreFieldWithoutGaussianCorruptionIsAnError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mask.ae");
        Files.writeString(f, """
                data gm = gaussian_mixture(k: 4, dim: 2, n: 100, seed: 1)
                model dae {
                  input x[2]
                  encoder f { dense 8 relu }
                  decoder g { dense 2 identity }
                  corrupt x~ = masking(x, p: 0.2)
                  minimize mse(x, g(f(x~)))
                }
                analyze dae on gm { score_field }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("score_field needs sigma"), r.err());
    }
}
