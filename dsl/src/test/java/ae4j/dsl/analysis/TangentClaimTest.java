package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * Section 14.6 / figure 14.10: with few training points on a known manifold, the tangent plane an
 * autoencoder learns generalises better than the nonparametric local-PCA estimate (figure 14.8), which only
 * sees the few noisy neighbours of each point.
 */
class TangentClaimTest {

    record Trained(CompiledModel model, int code, int codeSize, int rec) {}

    static Trained train(String source, String name, Dataset data, int epochs, int batch, long seed) {
        FrontEnd.Result r = FrontEnd.check(name + ".ae", source);
        assertTrue(r.ok(), r.diagnostics().render());
        CheckedModel cm = r.checked().model(name);
        BuiltModel b = ModelBuilder.generated().build(cm, 256, seed);
        CompiledModel m = b.model();
        Lowering.Lowered ir = b.ir();
        new Trainer(
                        m,
                        TrainConfig.defaults()
                                .withEpochs(epochs)
                                .withBatch(batch)
                                .withOptimizer("adam", Map.of("lr", 0.005))
                                .withSeed(seed),
                        null)
                .train(data.values(), data.size(), data.dim());
        return new Trained(m, ir.code(), cm.code().size(), ir.reconstruction());
    }

    /**
     * The autoencoder's tangent estimate at x: the leading {@code dims} right singular vectors of the encoder
     * Jacobian df/dx, by central finite differences of the code node (all 2d probes in one batch).
     */
    static DMatrixRMaj aeTangent(Trained t, float[] x, int dims) {
        int d = x.length, m = t.codeSize();
        double eps = 1e-2;
        float[] probes = new float[2 * d * d];
        for (int c = 0; c < d; c++) {
            System.arraycopy(x, 0, probes, (2 * c) * d, d);
            System.arraycopy(x, 0, probes, (2 * c + 1) * d, d);
            probes[(2 * c) * d + c] += (float) eps;
            probes[(2 * c + 1) * d + c] -= (float) eps;
        }
        t.model().loss(probes, 2 * d, 0, 0, false);
        float[] h = t.model().value(t.code());
        DMatrixRMaj j = new DMatrixRMaj(m, d);
        for (int c = 0; c < d; c++) {
            for (int u = 0; u < m; u++) j.set(u, c, (h[(2 * c) * m + u] - h[(2 * c + 1) * m + u]) / (2 * eps));
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, d, false, true, true);
        assertTrue(svd.decompose(j));
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(null, false, w, v, false);
        DMatrixRMaj basis = new DMatrixRMaj(d, dims);
        for (int i = 0; i < d; i++) for (int k = 0; k < dims; k++) basis.set(i, k, v.get(i, k));
        return basis;
    }

    static DMatrixRMaj recTangent(Trained t, float[] x, int dims) {
        int d = x.length;
        double eps = 1e-2;
        float[] probes = new float[2 * d * d];
        for (int c = 0; c < d; c++) {
            System.arraycopy(x, 0, probes, (2 * c) * d, d);
            System.arraycopy(x, 0, probes, (2 * c + 1) * d, d);
            probes[(2 * c) * d + c] += (float) eps;
            probes[(2 * c + 1) * d + c] -= (float) eps;
        }
        t.model().loss(probes, 2 * d, 0, 0, false);
        float[] r = t.model().value(t.rec());
        DMatrixRMaj j = new DMatrixRMaj(d, d);
        for (int c = 0; c < d; c++)
            for (int u = 0; u < d; u++) j.set(u, c, (r[(2 * c) * d + u] - r[(2 * c + 1) * d + u]) / (2 * eps));
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(d, d, true, false, true);
        assertTrue(svd.decompose(j));
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj u = svd.getU(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, null, false);
        DMatrixRMaj basis = new DMatrixRMaj(d, dims);
        for (int i = 0; i < d; i++) for (int k = 0; k < dims; k++) basis.set(i, k, u.get(i, k));
        return basis;
    }

    static double recAngle(Trained t, Dataset test) {
        double s = 0;
        for (int i = 0; i < test.size(); i++) {
            s += PrincipalAngles.mean(
                    recTangent(t, test.row(i), test.tangentCount()), PrincipalAngles.trueTangents(test, i));
        }
        return s / test.size();
    }

    static double aeAngle(Trained t, Dataset test) {
        double s = 0;
        for (int i = 0; i < test.size(); i++) {
            s += PrincipalAngles.mean(
                    aeTangent(t, test.row(i), test.tangentCount()), PrincipalAngles.trueTangents(test, i));
        }
        return s / test.size();
    }

    static double localPcaAngle(Dataset train, Dataset test, int k) {
        double s = 0;
        for (int i = 0; i < test.size(); i++) {
            LocalPca.Result r =
                    LocalPca.around(train.values(), train.size(), train.dim(), test.row(i), k, test.tangentCount());
            s += PrincipalAngles.mean(r.basis(), PrincipalAngles.trueTangents(test, i));
        }
        return s / test.size();
    }

    /** Mean angles (degrees) at 100 clean test points: the autoencoder's, then local PCA's for each k. */
    static double[] measure(
            int intrinsic, int n, double noise, long seed, String variant, String corrupt, String objective, int[] ks) {
        int ambient = 50;
        Dataset train = Synthetic.embeddedManifold("train", n, seed, noise, intrinsic, ambient);
        Dataset test = Synthetic.embeddedManifold("test", 100, 100 + seed, 0, intrinsic, ambient);
        String name = "tangent_i" + intrinsic + "_s" + seed + "_" + variant;
        String src = """
                model %s {
                  input x[%d]
                  encoder f { dense 64 tanh; dense 2 tanh }
                  decoder g { dense 64 tanh; dense %d }
                  %s
                  minimize %s
                }
                """.formatted(name, ambient, ambient, corrupt, objective);
        Trained t = train(src, name, train, 3 * 4000 * 10 / n, 10, 5);
        double[] out = new double[ks.length + 2];
        out[0] = aeAngle(t, test);
        out[1] = recAngle(t, test);
        for (int j = 0; j < ks.length; j++) out[j + 2] = localPcaAngle(train, test, ks[j]);
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < ks.length; j++) b.append(String.format(" k=%d %.1f", ks[j], out[j + 2]));
        System.out.printf(
                "tangent claim: intrinsic %d, ambient %d, n %d, noise %.2f, seed %d, %s: encoder-Jacobian tangent %.1f deg "
                        + "(reconstruction-Jacobian %.1f); local PCA%s%n",
                intrinsic, ambient, n, noise, seed, variant, out[0], out[1], b);
        return out;
    }

    /**
     * Section 14.6, as a function of the training-set size: a curve in R^50 with noise 0.1 per coordinate,
     * training sets of 40, 160 and 640 points, the same denoising autoencoder and number of steps, local PCA
     * of the k nearest training points for k = 4, 8, ..., n/2, both scored at 100 clean test points. Both
     * estimates improve as the examples come to cover the curve ("as long as the number of examples is
     * large enough to cover the curvature ... these approaches work well"): the autoencoder's angle falls,
     * and so does local PCA's at its best k. Local PCA needs a neighbourhood wider than the noise: its best k
     * grows with n, and at a fixed small k more data makes it worse (the k neighbours span less of the curve
     * and more of the noise). Measured: autoencoder 27.4, 22.2, 19.4 degrees; local PCA at its best k 22.0
     * (k 16), 16.2 (k 64), 12.4 (k 128); at k = 8: 38.8, 60.7, 72.3.
     */
    @Test
    void bothTangentEstimatesImproveWithMoreTrainingPoints_14_6() {
        int[] sizes = {40, 160, 640};
        int[] grid = {4, 8, 16, 32, 64, 128, 256};
        double[] ae = new double[sizes.length], best = new double[sizes.length];
        int[] bestK = new int[sizes.length];
        StringBuilder table = new StringBuilder("14.6: mean angle to the true tangent (degrees) by training-set size:");
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            int[] ks = java.util.Arrays.stream(grid).filter(k -> k <= n / 2).toArray();
            double[] r = measure(1, n, 0.1, 1, "dae", "corrupt x~ = gaussian(x, sigma: 0.5)", "mse(x, g(f(x~)))", ks);
            ae[i] = r[0];
            best[i] = Double.MAX_VALUE;
            for (int j = 0; j < ks.length; j++) {
                if (r[j + 2] < best[i]) {
                    best[i] = r[j + 2];
                    bestK[i] = ks[j];
                }
            }
            table.append(String.format(
                    java.util.Locale.ROOT,
                    " n %d: autoencoder %.1f, local PCA %.1f (best k %d);",
                    n,
                    ae[i],
                    best[i],
                    bestK[i]));
        }
        System.out.println(table);
        for (int i = 1; i < sizes.length; i++) {
            assertTrue(
                    ae[i] < ae[i - 1],
                    "autoencoder with " + sizes[i] + " points " + ae[i] + " vs " + sizes[i - 1] + ": " + ae[i - 1]);
            assertTrue(
                    best[i] < best[i - 1],
                    "local PCA with " + sizes[i] + " points " + best[i] + " vs " + sizes[i - 1] + ": " + best[i - 1]);
            assertTrue(bestK[i] > bestK[i - 1], "local PCA's best k: " + java.util.Arrays.toString(bestK));
        }
    }

    /**
     * Figure 14.10: "although both local PCA and the CAE can capture local tangents, the CAE is able to form more
     * accurate estimates from limited training data". Measured on a 2-D surface in R^50 (40 training points with
     * noise 0.1 per coordinate; 100 clean validation points, 100 clean test points, each with its true tangent
     * plane): a contractive autoencoder (50-64-2 tanh encoder, 2-64-50 decoder, squared error plus lambda
     * ||df/dx||_F^2, lambda from {0.01, 0.1, 1} chosen on validation), its tangent the leading right singular
     * vectors of df/dx; local PCA of the k nearest training points, k from {4, 8, 12, 16, 24, 32} chosen on
     * validation. Mean angle to the true tangent plane on the test points, data seeds 1, 2, 3: contractive 30.9,
     * 27.4, 29.6 degrees (lambda 1, 1, 1); local PCA 26.8, 22.8, 25.1 (k 32 each time). The claim does NOT
     * reproduce against local PCA at its best k: with 40 points the best neighbourhood is most of the data,
     * and the surface is flat enough for it. It holds only against local PCA confined to small neighbourhoods
     * (k at most 16, 40% of the data: 35.6, 29.2, 31.4), which is what the earlier version of this test
     * asserted. On a closed curve (intrinsic 1) local PCA wins at its best k (k 16: 22.0, 20.6, 21.5 against
     * 38.1, 36.5, 44.5). Asserted: the measured order at the validated settings, with half the smallest gap.
     */
    @Test
    void figure14_10_localPcaAtItsValidatedKBeatsTheContractiveTangentOnFewPoints_claimDoesNotReproduce() {
        int n = 40, seed = 1;
        Dataset train = Synthetic.embeddedManifold("train", n, seed, 0.1, 2, 50);
        Dataset valid = Synthetic.embeddedManifold("valid", 100, 200 + seed, 0, 2, 50);
        Dataset test = Synthetic.embeddedManifold("test", 100, 100 + seed, 0, 2, 50);
        double caeValid = Double.MAX_VALUE, caeTest = 0, lambda = 0;
        for (double l : new double[] {0.01, 0.1, 1}) {
            String src = """
                    model m {
                      input x[50]
                      encoder f { dense 64 tanh; dense 2 tanh }
                      decoder g { dense 64 tanh; dense 50 }
                      minimize mse(x, g(f(x))) + %s * jacobian_frobenius(f, x)
                    }
                    """.formatted(l);
            Trained t = train(src, "m", train, 3 * 4000 * 10 / n, 10, 4 + seed);
            double v = aeAngle(t, valid);
            if (v < caeValid) {
                caeValid = v;
                caeTest = aeAngle(t, test);
                lambda = l;
            }
        }
        double pcaValid = Double.MAX_VALUE, pcaTest = 0, smallValid = Double.MAX_VALUE, smallTest = 0;
        int bestK = 0;
        for (int k : new int[] {4, 8, 12, 16, 24, 32}) {
            double v = localPcaAngle(train, valid, k);
            if (v < pcaValid) {
                pcaValid = v;
                pcaTest = localPcaAngle(train, test, k);
                bestK = k;
            }
            if (k <= 16 && v < smallValid) {
                smallValid = v;
                smallTest = localPcaAngle(train, test, k);
            }
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "figure 14.10 (2-D surface in R^50, %d noisy points): mean test angle to the true tangent plane:"
                        + " contractive autoencoder %.1f degrees (lambda %s, chosen on validation); local PCA %.1f"
                        + " (k %d, chosen on validation); local PCA confined to k <= 16: %.1f%n",
                n,
                caeTest,
                lambda,
                pcaTest,
                bestK,
                smallTest);
        assertTrue(
                pcaTest < caeTest - 2,
                "local PCA at its validated k " + pcaTest + " vs the contractive autoencoder " + caeTest
                        + ": if the autoencoder now wins, the claim reproduces; update this test and docs/claims.md");
        assertTrue(caeTest < smallTest, "contractive " + caeTest + " vs local PCA confined to k <= 16: " + smallTest);
    }
}
