package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PcaBaseline}: PCA-k against the autoencoder at equal code size (section 14.9, Hinton and Salakhutdinov 2006). */
class PcaBaselineTest {

    /**
     * Section 14.9 (and 14.1): PCA-k's mean squared reconstruction error equals the sum of the discarded
     * eigenvalues. The data has an exactly known sample spectrum: x_i = sum_c sd_c w_c(i) q_c with Walsh
     * functions w_c (entries +-1, orthogonal, zero mean over the 256 rows) and a random orthonormal basis q,
     * so the sample covariance is exactly sum_c sd_c^2 q_c q_c^T.
     */
    @Test
    void pcaErrorIsTheSumOfTheDiscardedEigenvalues_14_9() {
        int n = 256, d = 8;
        double[] sd = {3, 2, 1.5, 1, 0.5, 0.3, 0.2, 0.1};
        double[][] q = randomOrthonormal(d, new SplittableRandom(7));
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double w = Integer.bitCount(i & (c + 1)) % 2 == 0 ? 1 : -1;
                for (int j = 0; j < d; j++) x[i * d + j] += (float) (sd[c] * w * q[c][j]);
            }
        }
        PcaBaseline.Pca pca = PcaBaseline.fit(x, n, d);
        for (int c = 0; c < d; c++)
            assertEquals(sd[c] * sd[c], pca.eigenvalues()[c], 1e-4 * sd[0] * sd[0], "eigenvalue " + c);
        for (int k = 0; k <= d; k++) {
            double discarded = 0;
            for (int c = k; c < d; c++) discarded += sd[c] * sd[c];
            double err = PcaBaseline.meanSquaredError(x, pca.reconstruct(x, n, k), n, d);
            assertEquals(discarded, err, 1e-4 * (1 + discarded), "PCA-" + k);
            assertEquals(discarded, pca.discarded(k), 1e-4 * (1 + discarded), "PCA-" + k + " from the eigenvalues");
        }
        // the first component is +-q_0
        double dot = 0;
        for (int j = 0; j < d; j++) dot += pca.components()[0][j] * q[0][j];
        assertEquals(1, Math.abs(dot), 1e-5);
        System.out.printf(
                "14.9: PCA-3 error on the known spectrum %.6f (discarded eigenvalues %.6f)%n",
                PcaBaseline.meanSquaredError(x, pca.reconstruct(x, n, 3), n, d), pca.discarded(3));
    }

    /**
     * The two fitting routes agree: from the covariance (a blocked product and EJML's symmetric
     * eigendecomposition, used when there are at least as many examples as features) and from EJML's SVD of
     * the centred data. On correlated data with a decaying spectrum, more rows than one block, the
     * eigenvalues agree and the leading subspaces coincide; {@code errors} on the fitted set is the sum of
     * the discarded eigenvalues and on another set equals the reconstruction error.
     */
    @Test
    void covarianceAndSvdRoutesAgree() {
        int n = 5000, d = 40;
        SplittableRandom r = new SplittableRandom(3);
        double[][] q = randomOrthonormal(d, r);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double z = r.nextGaussian() * 3 * Math.pow(0.8, c);
                for (int j = 0; j < d; j++) x[i * d + j] += (float) (z * q[c][j]);
            }
            for (int j = 0; j < d; j++) x[i * d + j] += 0.5f; // a mean to remove
        }
        PcaBaseline.Pca cov = PcaBaseline.fitByCovariance(x, n, d);
        PcaBaseline.Pca svd = PcaBaseline.fitBySvd(x, n, d);
        for (int c = 0; c < d; c++) {
            assertEquals(svd.eigenvalues()[c], cov.eigenvalues()[c], 1e-5 * svd.eigenvalues()[0], "eigenvalue " + c);
        }
        for (int c = 0; c < 10; c++) {
            double dot = 0;
            for (int j = 0; j < d; j++) dot += cov.components()[c][j] * svd.components()[c][j];
            assertEquals(1, Math.abs(dot), 1e-6, "component " + c);
        }
        double[] errors = cov.errors(x, n, 12);
        for (int k = 0; k <= 12; k++)
            assertEquals(cov.discarded(k), errors[k], 1e-5 * cov.discarded(0), "errors[" + k + "]");
        float[] other = java.util.Arrays.copyOf(x, 300 * d);
        for (int i = 0; i < other.length; i++) other[i] += (float) (0.1 * r.nextGaussian());
        double[] onOther = cov.errors(other, 300, 12);
        for (int k : new int[] {0, 1, 5, 12}) {
            assertEquals(
                    PcaBaseline.meanSquaredError(other, cov.reconstruct(other, 300, k), 300, d),
                    onOther[k],
                    1e-5 * onOther[0]);
        }
    }

    static final String SPIRAL_AE = """
            model ae {
              input x[2]
              encoder f { dense 64 tanh; dense 64 tanh; dense 1 identity }
              decoder g { dense 64 tanh; dense 64 tanh; dense 2 identity }
              minimize mse(x, g(f(x)))
            }
            """;

    /**
     * Section 14.9: on a nonlinear manifold (a noisy one-turn spiral, a curve) a small deep autoencoder with a
     * 1-unit code reconstructs much better than PCA with 1 component, which keeps only a line.
     */
    @Test
    void deepAutoencoderBeatsPcaOnANonlinearManifold_14_9(@TempDir Path dir) throws Exception {
        int n = 1000;
        Dataset ds = Synthetic.spiral("spiral", n, 1, 0.02, 1);
        Built b = Built.of(SPIRAL_AE, "ae", 100, 2);
        // constant lr 1e-2: with a decaying 3e-3 some seeds stay on the linear (PCA-like) plateau
        new Trainer(
                        b.model(),
                        TrainConfig.defaults()
                                .withEpochs(50)
                                .withBatch(32)
                                .withOptimizer("adam", Map.of("lr", 1e-2))
                                .withSeed(2),
                        null)
                .train(ds.values(), n, 2);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Map<String, Double> r = PcaBaseline.ANALYSIS.run(new AnalysisContext(
                "pca_baseline",
                Map.of(),
                b.model(),
                b.ir(),
                b.checked(),
                ds,
                dir,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                System.err));
        String printed = o.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        System.out.printf(
                "14.9: spiral, code size 1: autoencoder / PCA-1 error ratio %.4f (AE %.5f, PCA %.5f)%n",
                r.get("ratio"), r.get("autoencoder_error"), r.get("pca_error"));
        assertEquals(1.0, r.get("k"), "k defaults to the code size");
        assertEquals(
                PcaBaseline.fit(ds.values(), n, 2).discarded(1),
                r.get("pca_error"),
                1e-4,
                "PCA-1: the discarded eigenvalue");
        assertEquals(r.get("autoencoder_error") / r.get("pca_error"), r.get("ratio"), 1e-12);
        assertTrue(r.get("ratio") < 0.5, "ratio " + r.get("ratio"));
        assertTrue(printed.contains("ratio autoencoder / PCA"), printed);
        assertTrue(Files.readString(dir.resolve("pca-baseline.csv"))
                .startsWith("method,k,error,error_per_feature\npca,1,"));
    }

    static double[][] randomOrthonormal(int d, SplittableRandom r) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) q[i][j] = r.nextGaussian();
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += q[i][j] * q[p][j];
                for (int j = 0; j < d; j++) q[i][j] -= dot * q[p][j];
            }
            double norm = 0;
            for (int j = 0; j < d; j++) norm += q[i][j] * q[i][j];
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) q[i][j] /= norm;
        }
        return q;
    }
}
