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

/** {@code ae4j run} with the analyses local_pca, codes and retrieval on small synthetic programs. */
class ManifoldAnalysisRunTest {

    static RunOutcome run(Path file, Path outDir) {
        return RunOutcome.of(file, outDir);
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in " + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void localPcaAndCodesOnACurveWithKnownTangents(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("curve.ae");
        Files.writeString(f, """
                data curve = embedded_manifold(intrinsic: 1, ambient: 10, n: 600, seed: 1)
                model ae {
                  input x[10]
                  encoder f { dense 16 tanh; dense 2 tanh }
                  decoder g { dense 16 tanh; dense 10 }
                  minimize mse(x, g(f(x)))
                }
                train ae on curve { epochs: 3, batch: 50, optimizer: adam(lr: 0.01), seed: 2 }
                evaluate ae on curve { local_pca(k: 8), codes }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        // Noiseless, 600 points on a closed curve: local PCA with 8 neighbours is close to the true tangent.
        double angle = number(r.out(), "mean principal angle to the true tangent line ([0-9.]+) degrees");
        assertTrue(angle < 3, r.out());
        List<String> pca = Files.readAllLines(dir.resolve("out/ae/local-pca.csv"));
        assertEquals("index,mean_angle_deg,largest_angle_deg", pca.get(0));
        assertEquals(1 + LocalPca.SAMPLES, pca.size());
        assertTrue(r.out().contains("codes of ae on curve: 600 codes of size 2"), r.out());
        List<String> codes = Files.readAllLines(dir.resolve("out/ae/codes.csv"));
        assertEquals("index,h1,h2", codes.get(0));
        assertEquals(601, codes.size());
        assertTrue(ImageIO.read(dir.resolve("out/ae/codes.png").toFile()).getWidth() > 100);
    }

    /**
     * local_pca(fit: train) at held-out points: the neighbours come from the training set. Checked against
     * the same computation done here (local PCA of the 8 nearest training points, principal angle to the
     * closed-form tangent of the curve), and against local PCA of the sparse test set's own points.
     */
    @Test
    void localPcaWithNeighboursFromTheTrainingSet(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("held.ae");
        Files.writeString(f, """
                data train = embedded_manifold(intrinsic: 1, ambient: 10, n: 600, seed: 1)
                data test = embedded_manifold(intrinsic: 1, ambient: 10, n: 50, seed: 9)
                model ae {
                  input x[10]
                  encoder f { dense 8 tanh; dense 1 tanh }
                  decoder g { dense 8 tanh; dense 10 }
                  minimize mse(x, g(f(x)))
                }
                train ae on train { epochs: 1, batch: 50, seed: 2 }
                evaluate ae on test { local_pca(k: 8, fit: train) }
                evaluate ae on test { local_pca(k: 8) }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        double withTrain = number(
                r.out(),
                "local_pca\\(k: 8\\) of ae on test \\(neighbours from train, 600 examples\\): mean principal angle"
                        + " to the true tangent line ([0-9.]+) degrees");
        double own = number(
                r.out(),
                "local_pca\\(k: 8\\) of ae on test: mean principal angle to the true tangent line ([0-9.]+) degrees");
        ae4j.dsl.data.Dataset train = ae4j.dsl.data.Synthetic.embeddedManifold("train", 600, 1, 0, 1, 10);
        ae4j.dsl.data.Dataset test = ae4j.dsl.data.Synthetic.embeddedManifold("test", 50, 9, 0, 1, 10);
        double sum = 0;
        for (int i = 0; i < test.size(); i++) {
            LocalPca.Result lp = LocalPca.around(train.values(), 600, 10, test.row(i), 8, 1);
            double[] v = new double[10];
            for (int c = 0; c < 10; c++) v[c] = lp.basis().get(c, 0);
            float[] t = test.tangent(i, 0);
            double dot = 0, nt = 0;
            for (int c = 0; c < 10; c++) {
                dot += v[c] * t[c];
                nt += t[c] * (double) t[c];
            }
            sum += Math.toDegrees(Math.acos(Math.min(1, Math.abs(dot) / Math.sqrt(nt))));
        }
        System.out.printf(
                "local_pca at 50 held-out points: neighbours from 600 training points %.3f degrees (computed here %.3f),"
                        + " from the 50 test points themselves %.3f%n",
                withTrain, sum / 50, own);
        assertEquals(sum / 50, withTrain, 0.01);
        assertTrue(withTrain < 3 && withTrain < own, r.out());
    }

    @Test
    void spectraCodesPrincipalComponentsAndRetrievalOnLabelledClusters(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("blobs.ae");
        Files.writeString(f, """
                data blobs = gaussian_mixture(k: 4, dim: 8, spread: 0.3, n: 400, seed: 3)
                model hash {
                  input x[8]
                  encoder f { dense 16 tanh; dense 6 sigmoid }
                  decoder g { dense 16 tanh; dense 8 }
                  minimize mse(x, g(f(x)))
                }
                train hash on blobs { epochs: 20, batch: 40, optimizer: adam(lr: 0.01), seed: 4 }
                evaluate hash on blobs { local_pca(k: 12), codes, retrieval(k: 5) }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        // No known tangents: the mean local spectrum, 8 standard deviations.
        assertTrue(r.out().contains("mean local spectrum"), r.out());
        assertEquals(
                "index,sd1,sd2,sd3,sd4,sd5,sd6,sd7,sd8",
                Files.readAllLines(dir.resolve("out/hash/local-pca.csv")).get(0));
        // A 6-unit code: labels and the first two principal components in the table, a scatter of them.
        assertEquals(
                "index,label,h1,h2,h3,h4,h5,h6,pc1,pc2",
                Files.readAllLines(dir.resolve("out/hash/codes.csv")).get(0));
        assertTrue(r.out().contains("first two principal components explain"), r.out());
        assertTrue(Files.exists(dir.resolve("out/hash/codes.png")));
        // The table: the autoencoder's row, then LSH and PCA-sign at the same 6 bits.
        double precision = number(r.out(), "\\n  autoencoder +\\d+ +([0-9.]+)");
        double chance = number(r.out(), "chance precision ([0-9.]+)");
        assertTrue(precision > chance, r.out());
        assertTrue(r.out().contains("\n  LSH "), r.out());
        assertTrue(r.out().contains("\n  PCA-sign "), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("out/hash/retrieval.csv"));
        assertTrue(csv.get(0).startsWith("method,bits,k,precision_at_k,"), csv.get(0));
        assertEquals(4, csv.size());
        assertEquals(precision, Double.parseDouble(csv.get(1).split(",")[3]), 1e-4);
        assertTrue(Files.exists(dir.resolve("out/hash/retrieval-pr.png")));
    }

    @Test
    void unlabelledDataAndAOneUnitCode(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ring.ae");
        Files.writeString(f, """
                data ring = circle(n: 200, noise: 0.05, seed: 5)
                model one {
                  input x[2]
                  encoder f { dense 8 tanh; dense 1 sigmoid }
                  decoder g { dense 8 tanh; dense 2 }
                  minimize mse(x, g(f(x)))
                }
                train one on ring { epochs: 2, batch: 20, seed: 1 }
                evaluate one on ring { codes, retrieval, local_pca(k: 500) }
                """);
        RunOutcome r = run(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "index,h1", Files.readAllLines(dir.resolve("out/one/codes.csv")).get(0));
        assertTrue(Files.exists(dir.resolve("out/one/codes.png")));
        assertTrue(
                r.out()
                        .contains("retrieval(bits: 1, radius: 1, k: 10) of one on ring: 200 items in a hash table of"
                                + " 1-bit addresses, 200 queries, each against the other items; the data has no labels, so no"
                                + " precision or recall"),
                r.out());
        assertTrue(r.err().contains("local_pca: k = 500 but the data has 200 examples; using 200"), r.err());
        // The circle has known tangents; with all 200 points as "neighbours" local PCA is global PCA, far from them.
        assertTrue(
                number(
                                r.out(),
                                "local_pca\\(k: 200\\) of one on ring: mean principal angle to the true tangent line ([0-9.]+)")
                        > 20,
                r.out());
    }
}
