package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import ae4j.vecmath.Activation;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Section 14.7, measured with the analysis classes (exact Jacobians, EJML singular values). */
class JacobianClaimsTest {

    /**
     * 14.7: a contractive autoencoder (one sigmoid layer, tied linear decoder, closed-form penalty) has most
     * singular values of df/dx below 1 and a smaller ||df/dx||_F than a plain autoencoder of the same shape,
     * initialisation and training; a few directions stay large (the reconstruction term keeps them).
     */
    @Test
    void contractiveEncoderHasMostSingularValuesBelowOne_14_7() {
        int n = 3000, nt = 500, d = 24, k = 12;
        float[] x = manifoldData(n + nt, d, new SplittableRandom(3));
        float[] train = java.util.Arrays.copyOf(x, n * d);
        Dataset test = Dataset.of("held", java.util.Arrays.copyOfRange(x, n * d, (n + nt) * d), d);
        JacobianSpectrum.Result plain = trainAndMeasure(train, n, test, d, k, 0);
        JacobianSpectrum.Result cae = trainAndMeasure(train, n, test, d, k, 0.3);
        System.out.printf(
                java.util.Locale.ROOT,
                "14.7 (exact Jacobians, 200 held-out points): singular values below 1: "
                        + "contractive %.4f, plain %.4f; mean ||J||_F %.4f vs %.4f; mean largest singular value %.4f vs %.4f;"
                        + " saturated units %.4f vs %.4f%n  contractive mean spectrum %s%n  plain mean spectrum %s%n",
                cae.fractionBelowOne(),
                plain.fractionBelowOne(),
                cae.meanFrobenius(),
                plain.meanFrobenius(),
                cae.meanLargest(),
                plain.meanLargest(),
                cae.saturated(),
                plain.saturated(),
                fmt(cae.meanSingularValues()),
                fmt(plain.meanSingularValues()));
        assertTrue(
                cae.fractionBelowOne() > 0.5,
                "contractive: fraction of singular values below 1 " + cae.fractionBelowOne());
        assertTrue(
                cae.meanFrobenius() < plain.meanFrobenius(),
                "contractive ||J||_F " + cae.meanFrobenius() + " vs plain " + plain.meanFrobenius());
        // The contraction is selective: the CAE's spectrum falls off faster (more directions below a tenth of
        // the largest), while the plain AE spreads its sensitivity over many directions.
        assertTrue(
                smallDirections(cae) > smallDirections(plain),
                "directions below 0.1 sigma_max: contractive " + smallDirections(cae) + ", plain "
                        + smallDirections(plain));
    }

    private static int smallDirections(JacobianSpectrum.Result r) {
        int c = 0;
        for (double s : r.meanSingularValues()) if (s < 0.1 * r.meanSingularValues()[0]) c++;
        return c;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) b.append(String.format(java.util.Locale.ROOT, "%.3f ", x));
        return b.toString().trim();
    }

    private static JacobianSpectrum.Result trainAndMeasure(
            float[] train, int n, Dataset test, int d, int k, double lambda) {
        List<Graph.Node> nodes = List.of(
                new Input(0, d),
                new Dense(1, 0, 0, 1, false, k),
                new Activate(2, 1, Activation.SIGMOID, k),
                new Dense(3, 2, 0, 2, true, d));
        List<Term> terms = lambda > 0
                ? List.of(new Mse(1, 0, 3), new Contractive(lambda, 2, 0, Activation.SIGMOID))
                : List.of(new Mse(1, 0, 3));
        Graph g = new Graph(
                "cae",
                List.of(new Param("f.0.weight", k, d), new Param("f.0.bias", 1, k), new Param("g.0.bias", 1, d)),
                nodes,
                terms);
        CompiledModel m = EncoderJacobianTest.compile(g, 100, 7, 1);
        // Glorot weights, zero biases (as the claims tests).
        for (int i = 1; i < m.params().length; i++) java.util.Arrays.fill(m.params()[i], 0f);
        new Trainer(
                        m,
                        TrainConfig.defaults()
                                .withEpochs(30)
                                .withBatch(50)
                                .withOptimizer("adam", Map.of("lr", 0.005))
                                .withSeed(5),
                        null)
                .train(train, n, d);
        return JacobianSpectrum.measure(new EncoderJacobian(m, g, 2), test, 200);
    }

    /** Points on a smooth 2-D manifold (a warped plane) in R^d (as in BookClaimsTest). */
    static float[] manifoldData(int n, int d, SplittableRandom r) {
        double[][] a = new double[d][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        double[][] q = Tangents.orthonormalize(a);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() * 2 - 1, v = r.nextDouble() * 2 - 1;
            double[] coords = {u, v, u * v, Math.sin(2 * u), Math.cos(2 * v) - 0.5};
            for (int c = 0; c < coords.length; c++)
                for (int j = 0; j < d; j++) x[i * d + j] += (float) (coords[c] * q[c][j]);
        }
        return x;
    }
}
