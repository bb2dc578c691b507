package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.GaussianNll;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.JacobianEstimate;
import ae4j.dsl.ir.Graph.KlSparsity;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.L2;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.ir.Graph.WeightDecay;
import ae4j.vecmath.Activation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reference executor's gradients against central finite differences of its own objective, in double
 * precision. Tolerance rule: |analytic - numeric| <= 1e-6 * max(1, |analytic|, |numeric|) with step
 * 1e-6 (central differences are accurate to O(h^2) ~ 1e-12 plus rounding ~ 1e-16 / h ~ 1e-10).
 */
class ReferenceExecutorTest {

    private static double[] random(SplittableRandom r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian() * scale;
        return a;
    }

    private static double[][] params(Graph g, SplittableRandom r) {
        double[][] p = new double[g.params().size()][];
        for (int i = 0; i < p.length; i++) p[i] = random(r, g.params().get(i).size(), 0.7);
        return p;
    }

    private static void checkGradients(Graph g, double[][] p, double[] x, int batch, double[][] sampled) {
        ReferenceExecutor ex = new ReferenceExecutor(g);
        ReferenceExecutor.Result res = ex.run(p, x, batch, sampled, true);
        double h = 1e-6;
        for (int pi = 0; pi < p.length; pi++) {
            for (int i = 0; i < p[pi].length; i++) {
                double keep = p[pi][i];
                p[pi][i] = keep + h;
                double up = ex.run(p, x, batch, sampled, false).loss();
                p[pi][i] = keep - h;
                double down = ex.run(p, x, batch, sampled, false).loss();
                p[pi][i] = keep;
                double numeric = (up - down) / (2 * h);
                double analytic = res.paramGrads()[pi][i];
                double tol = 1e-6 * Math.max(1, Math.max(Math.abs(analytic), Math.abs(numeric)));
                if (Math.abs(analytic - numeric) > tol) {
                    fail(g.name() + ": d loss / d " + g.params().get(pi).name() + "[" + i + "] = " + analytic
                            + ", finite differences give " + numeric);
                }
            }
        }
    }

    @Test
    void undercompleteBernoulliWithSparsityAndWeightDecay() {
        // x(5) -> dense 3 sigmoid (h) -> dense 5 (logits) ; bernoulli_nll(x, logits) + 0.01 l1(h) + 1e-3 wd + 0.1 l2(h)
        Graph g = new Graph(
                "sparse",
                List.of(
                        new Param("f.0.weight", 3, 5),
                        new Param("f.0.bias", 1, 3),
                        new Param("g.0.weight", 5, 3),
                        new Param("g.0.bias", 1, 5)),
                List.of(
                        new Input(0, 5),
                        new Dense(1, 0, 0, 1, false, 3),
                        new Activate(2, 1, Activation.SIGMOID, 3),
                        new Dense(3, 2, 2, 3, false, 5)),
                List.of(new BernoulliNll(1, 0, 3), new L1(0.01, 2), new WeightDecay(1e-3), new L2(0.1, 2)));
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[4 * 5];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble();
        checkGradients(g, params(g, r), x, 4, null);
    }

    @Test
    void tiedTanhWithContractivePenalty() {
        // x(4) -> dense 3 tanh (W0) -> dense^T(W0) 4 ; mse(x, r) + 0.3 * ||dh/dx||_F^2
        Graph g = new Graph(
                "cae",
                List.of(new Param("f.0.weight", 3, 4), new Param("f.0.bias", 1, 3), new Param("g.0.bias", 1, 4)),
                List.of(
                        new Input(0, 4),
                        new Dense(1, 0, 0, 1, false, 3),
                        new Activate(2, 1, Activation.TANH, 3),
                        new Dense(3, 2, 0, 2, true, 4)),
                List.of(new Mse(1, 0, 3), new Contractive(0.3, 2, 0, Activation.TANH)));
        SplittableRandom r = new SplittableRandom(2);
        checkGradients(g, params(g, r), random(r, 3 * 4, 1), 3, null);
    }

    @Test
    void sigmoidContractivePenaltyIsTheFrobeniusNormOfTheFiniteDifferenceJacobian() {
        int in = 6, m = 4;
        Graph g = new Graph(
                "cae",
                List.of(new Param("w", m, in), new Param("b", 1, m)),
                List.of(new Input(0, in), new Dense(1, 0, 0, 1, false, m), new Activate(2, 1, Activation.SIGMOID, m)),
                List.of(new Contractive(1, 2, 0, Activation.SIGMOID)));
        SplittableRandom r = new SplittableRandom(3);
        double[][] p = params(g, r);
        double[] x = random(r, in, 1);
        ReferenceExecutor ex = new ReferenceExecutor(g);
        double penalty = ex.run(p, x, 1, null, false).loss();
        double frob = 0;
        double h = 1e-6;
        for (int i = 0; i < in; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            double[] hu = ex.run(p, up, 1, null, false).values()[2];
            double[] hd = ex.run(p, down, 1, null, false).values()[2];
            for (int j = 0; j < m; j++) {
                double jij = (hu[j] - hd[j]) / (2 * h);
                frob += jij * jij;
            }
        }
        // The sum of squares (Frobenius norm squared), not the mean over entries.
        assertEquals(frob, penalty, 1e-8 * Math.max(1, frob));
    }

    @Test
    void denoisingDeepWithNoiseBeforeTheCode() {
        // x(6) -> x~ (given) -> dense 4 relu -> dense 3 (+ noise) -> sigmoid (h) -> dense 4 softplus -> dense 6 ; mse +
        // gaussian nll
        Graph g = new Graph(
                "dae",
                List.of(
                        new Param("f.0.weight", 4, 6),
                        new Param("f.0.bias", 1, 4),
                        new Param("f.1.weight", 3, 4),
                        new Param("f.1.bias", 1, 3),
                        new Param("g.0.weight", 4, 3),
                        new Param("g.0.bias", 1, 4),
                        new Param("g.1.weight", 6, 4),
                        new Param("g.1.bias", 1, 6)),
                List.of(
                        new Input(0, 6),
                        new Corrupt(
                                1,
                                0,
                                new Corruption.Then(new Corruption.Gaussian(0.3), new Corruption.Masking(0.2)),
                                6),
                        new Dense(2, 1, 0, 1, false, 4),
                        new Activate(3, 2, Activation.RELU, 4),
                        new Dense(4, 3, 2, 3, false, 3),
                        new AddNoise(5, 4, 0.5, 3),
                        new Activate(6, 5, Activation.SIGMOID, 3),
                        new Dense(7, 6, 4, 5, false, 4),
                        new Activate(8, 7, Activation.SOFTPLUS, 4),
                        new Dense(9, 8, 6, 7, false, 6)),
                List.of(new Mse(1, 0, 9), new GaussianNll(0.5, 0, 9, 0.7)));
        SplittableRandom r = new SplittableRandom(4);
        int batch = 5;
        double[] x = random(r, batch * 6, 1);
        double[][] sampled = new double[g.nodes().size()][];
        sampled[1] = random(r, batch * 6, 1);
        sampled[5] = random(r, batch * 3, 1);
        checkGradients(g, params(g, r), x, batch, sampled);
    }

    @Test
    void predictiveSparseDecompositionTermsOnBothSides() {
        // x(5) -> dense 3 tanh = f(x); h = the same code; mse(x, g(h)) + 0.5 l1(h) + mse(h, f(x)): gradient on both
        // sides of the last term
        Graph g = new Graph(
                "psd",
                List.of(
                        new Param("f.0.weight", 3, 5),
                        new Param("f.0.bias", 1, 3),
                        new Param("g.0.weight", 5, 3),
                        new Param("g.0.bias", 1, 5)),
                List.of(
                        new Input(0, 5),
                        new Dense(1, 0, 0, 1, false, 3),
                        new Activate(2, 1, Activation.TANH, 3),
                        new Dense(3, 2, 2, 3, false, 5),
                        new Activate(4, 3, Activation.IDENTITY, 5)),
                List.of(new Mse(1, 0, 4), new L1(0.5, 2), new Mse(1, 2, 1)));
        SplittableRandom r = new SplittableRandom(5);
        checkGradients(g, params(g, r), random(r, 2 * 5, 1), 2, null);
    }

    @Test
    void softmaxDecoderWithCategoricalNllOnUnnormalisedTargetsAndASoftmaxInTheMiddle() {
        // x(5) -> dense 4 -> softmax -> dense 3 sigmoid (h) -> dense 5 (logits) -> softmax ; categorical_nll(x, .)
        // targets are uniform in [0, 1): rows do not sum to 1 (the exact gradient is T softmax - t)
        // + categorical_nll(h, h): a target with a gradient of its own
        Graph g = new Graph(
                "cat",
                List.of(
                        new Param("f.0.weight", 4, 5),
                        new Param("f.0.bias", 1, 4),
                        new Param("f.1.weight", 3, 4),
                        new Param("f.1.bias", 1, 3),
                        new Param("g.0.weight", 5, 3),
                        new Param("g.0.bias", 1, 5)),
                List.of(
                        new Input(0, 5),
                        new Dense(1, 0, 0, 1, false, 4),
                        new Softmax(2, 1, 4),
                        new Dense(3, 2, 2, 3, false, 3),
                        new Activate(4, 3, Activation.SIGMOID, 3),
                        new Dense(5, 4, 4, 5, false, 5),
                        new Softmax(6, 5, 5)),
                List.of(new CategoricalNll(1, 0, 5), new CategoricalNll(0.3, 4, 3), new Mse(0.2, 0, 6)));
        SplittableRandom r = new SplittableRandom(6);
        double[] x = new double[3 * 5];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble();
        checkGradients(g, params(g, r), x, 3, null);
    }

    @Test
    void softmaxRowsAreDistributionsAndCategoricalNllIsTheCrossEntropy() {
        Graph g = new Graph(
                "sm", List.of(), List.of(new Input(0, 3), new Softmax(1, 0, 3)), List.of(new CategoricalNll(1, 0, 0)));
        double[] z = {1, 2, 3, -1000, 0, 1000};
        ReferenceExecutor.Result res = new ReferenceExecutor(g).run(new double[0][], z, 2, null, false);
        double[] y = res.values()[1];
        assertEquals(1, y[0] + y[1] + y[2], 1e-12);
        assertEquals(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), y[0], 1e-12);
        assertEquals(1, y[5], 1e-12);
        // sum_j t_j (lse - z_j) with t = z itself: a plain formula check on row 0
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double row0 = 1 * (lse - 1) + 2 * (lse - 2) + 3 * (lse - 3);
        double row1 = -1000 * (1000 - -1000) + 0 + 1000 * 0;
        assertEquals((row0 + row1) / 2, res.loss(), 1e-9);
    }

    @Test
    void klSparsityOnASigmoidCode() {
        // x(4) -> dense 6 sigmoid (h) -> dense 4 ; mse + 0.5 * sum_j KL(0.1 || mean_batch h_j)
        Graph g = new Graph(
                "kl",
                List.of(
                        new Param("f.0.weight", 6, 4),
                        new Param("f.0.bias", 1, 6),
                        new Param("g.0.weight", 4, 6),
                        new Param("g.0.bias", 1, 4)),
                List.of(
                        new Input(0, 4),
                        new Dense(1, 0, 0, 1, false, 6),
                        new Activate(2, 1, Activation.SIGMOID, 6),
                        new Dense(3, 2, 2, 3, false, 4)),
                List.of(new Mse(1, 0, 3), new KlSparsity(0.5, 2, 0.1)));
        SplittableRandom r = new SplittableRandom(7);
        double[][] p = params(g, r);
        double[] x = random(r, 5 * 4, 1);
        checkGradients(g, p, x, 5, null);
        // The value is the KL of the batch means, not a per-example mean.
        ReferenceExecutor.Result res = new ReferenceExecutor(g).run(p, x, 5, null, false);
        double[] h = res.values()[2];
        double kl = 0;
        for (int j = 0; j < 6; j++) {
            double q = 0;
            for (int b = 0; b < 5; b++) q += h[b * 6 + j] / 5;
            kl += 0.1 * Math.log(0.1 / q) + 0.9 * Math.log(0.9 / (1 - q));
        }
        assertEquals(kl, res.terms()[1], 1e-12);
        assertTrue(kl > 0);
    }

    @Test
    void stochasticJacobianEstimateThroughAProbe() {
        // deep encoder x(4) -> 3 tanh -> 2 sigmoid, applied to x and to x + sigma eps ; mse(x, g(f(x))) + 0.2 estimate
        Graph g = new Graph(
                "je",
                List.of(
                        new Param("f.0.weight", 3, 4),
                        new Param("f.0.bias", 1, 3),
                        new Param("f.1.weight", 2, 3),
                        new Param("f.1.bias", 1, 2),
                        new Param("g.0.weight", 4, 2),
                        new Param("g.0.bias", 1, 4)),
                List.of(
                        new Input(0, 4),
                        new Dense(1, 0, 0, 1, false, 3),
                        new Activate(2, 1, Activation.TANH, 3),
                        new Dense(3, 2, 2, 3, false, 2),
                        new Activate(4, 3, Activation.SIGMOID, 2),
                        new Dense(5, 4, 4, 5, false, 4),
                        new Probe(6, 0, 0.3, 4),
                        new Dense(7, 6, 0, 1, false, 3),
                        new Activate(8, 7, Activation.TANH, 3),
                        new Dense(9, 8, 2, 3, false, 2),
                        new Activate(10, 9, Activation.SIGMOID, 2)),
                List.of(new Mse(1, 0, 5), new JacobianEstimate(0.2, 10, 4, 0.3)));
        SplittableRandom r = new SplittableRandom(8);
        double[][] sampled = new double[g.nodes().size()][];
        sampled[6] = random(r, 3 * 4, 1);
        checkGradients(g, params(g, r), random(r, 3 * 4, 1), 3, sampled);
    }

    @Test
    void stochasticJacobianEstimateAgreesWithTheClosedFormOnAverage() {
        // one sigmoid layer: E ||f(x + s eps) - f(x)||^2 / s^2 -> ||J||_F^2 as s -> 0
        int in = 5, m = 3;
        double sigma = 1e-3;
        Graph g = new Graph(
                "je1",
                List.of(new Param("w", m, in), new Param("b", 1, m)),
                List.of(
                        new Input(0, in),
                        new Dense(1, 0, 0, 1, false, m),
                        new Activate(2, 1, Activation.SIGMOID, m),
                        new Probe(3, 0, sigma, in),
                        new Dense(4, 3, 0, 1, false, m),
                        new Activate(5, 4, Activation.SIGMOID, m)),
                List.of(new Graph.Contractive(1, 2, 0, Activation.SIGMOID), new JacobianEstimate(1, 5, 2, sigma)));
        SplittableRandom r = new SplittableRandom(9);
        double[][] p = params(g, r);
        double[] x = random(r, in, 1);
        ReferenceExecutor ex = new ReferenceExecutor(g);
        int samples = 4000;
        double mean = 0;
        double closed = 0;
        for (int k = 0; k < samples; k++) {
            double[][] sampled = new double[g.nodes().size()][];
            sampled[3] = random(r, in, 1);
            ReferenceExecutor.Result res = ex.run(p, x, 1, sampled, false);
            closed = res.terms()[0];
            mean += res.terms()[1] / samples;
        }
        // one sample's relative spread is about sqrt(2) (a weighted chi-square): the mean of 4000 is within ~5%
        assertEquals(closed, mean, 0.07 * closed);
    }

    /** x(5) -> dense 3 tanh = f(x); h free; mse(x, g(h)) + 0.1 l1(h) + mse(h, f(x)). */
    static Graph psd(int steps, double lr) {
        return new Graph(
                "psd" + steps,
                List.of(
                        new Param("f.0.weight", 3, 5),
                        new Param("f.0.bias", 1, 3),
                        new Param("g.0.weight", 5, 3),
                        new Param("g.0.bias", 1, 5)),
                List.of(
                        new Input(0, 5),
                        new Dense(1, 0, 0, 1, false, 3),
                        new Activate(2, 1, Activation.TANH, 3),
                        new FreeCode(3, 2, steps, lr, 3),
                        new Dense(4, 3, 2, 3, false, 5)),
                List.of(new Mse(1, 0, 4), new L1(0.1, 3), new Mse(1, 3, 2)));
    }

    @Test
    void freeCodeStepsLowerTheObjectiveAndTheParameterGradientIsTakenAtTheFinalCode() {
        SplittableRandom r = new SplittableRandom(10);
        Graph g0 = psd(0, 0.05);
        double[][] p = params(g0, r);
        int batch = 4;
        double[] x = random(r, batch * 5, 1);
        double before = new ReferenceExecutor(g0).run(p, x, batch, null, false).loss();
        double last = before;
        for (int steps : new int[] {1, 3, 10}) {
            double after = new ReferenceExecutor(psd(steps, 0.05))
                    .run(p, x, batch, null, false)
                    .loss();
            assertTrue(after < last, steps + " steps: " + after + " after, " + last + " before");
            last = after;
        }
        // The parameter gradient with 10 steps is the gradient at the final code, held fixed ...
        Graph g10 = psd(10, 0.05);
        ReferenceExecutor.Result res = new ReferenceExecutor(g10).run(p, x, batch, null, true);
        double[][] sampled = new double[g0.nodes().size()][];
        sampled[3] = res.values()[3];
        ReferenceExecutor.Result fixed = new ReferenceExecutor(g0).run(p, x, batch, sampled, true);
        assertEquals(res.loss(), fixed.loss(), 1e-12);
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p[i].length; j++) assertEquals(fixed.paramGrads()[i][j], res.paramGrads()[i][j], 1e-12);
        }
        // ... which finite differences confirm with the code held there.
        checkGradients(g0, p, x, batch, sampled);
    }

    @Test
    void rejectsAnInputOfTheWrongSize() {
        Graph g = new Graph("m", List.of(), List.of(new Input(0, 3)), List.of(new L2(1, 0)));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new ReferenceExecutor(g).run(new double[0][], new double[5], 2, null, false));
        assertEquals("input holds 5 values, expected batch 2 x width 3", e.getMessage());
    }
}
