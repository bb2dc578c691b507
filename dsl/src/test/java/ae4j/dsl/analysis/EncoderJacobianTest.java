package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exact encoder Jacobian against central finite differences of the compiled model's code node. */
class EncoderJacobianTest {

    /** Compiles an IR graph with random parameters (biases too, so every unit sits somewhere else). */
    static CompiledModel compile(Graph g, int maxBatch, long seed, double gain) {
        CompiledModel m = ModelBuilder.generated().instantiate(g, maxBatch, seed);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < m.params().length; i++) {
            var info = m.paramInfo().get(i);
            double scale = info.rows() == 1 ? 0.5 : gain * Math.sqrt(2.0 / (info.rows() + info.cols()));
            float[] p = m.params()[i];
            for (int j = 0; j < p.length; j++) p[j] = (float) (r.nextGaussian() * scale);
        }
        return m;
    }

    /**
     * An encoder d -> widths[0] -> ... with activation a after each dense, a linear decoder back to d and an
     * MSE objective; returns the graph and the code node. Options: a gaussian corruption on the input (the
     * code is f(x~)), noise before the code's activation, the last layer transposed (tied-style), softmax code.
     */
    static Graph encoder(
            int d,
            int[] widths,
            Activation a,
            boolean corrupt,
            boolean noise,
            boolean transposedLast,
            boolean softmaxCode) {
        List<Param> params = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Input(0, d));
        int src = 0;
        if (corrupt) {
            nodes.add(new Corrupt(1, 0, new Corruption.Gaussian(0.5), d));
            src = 1;
        }
        int in = d;
        for (int l = 0; l < widths.length; l++) {
            boolean last = l == widths.length - 1;
            boolean tr = last && transposedLast;
            params.add(
                    tr
                            ? new Param("f." + l + ".weight", in, widths[l])
                            : new Param("f." + l + ".weight", widths[l], in));
            params.add(new Param("f." + l + ".bias", 1, widths[l]));
            nodes.add(new Dense(nodes.size(), src, params.size() - 2, params.size() - 1, tr, widths[l]));
            src = nodes.size() - 1;
            if (last && noise) {
                nodes.add(new AddNoise(nodes.size(), src, 0.3, widths[l]));
                src = nodes.size() - 1;
            }
            if (last && softmaxCode) {
                nodes.add(new Softmax(nodes.size(), src, widths[l]));
            } else {
                nodes.add(new Activate(nodes.size(), src, a, widths[l]));
            }
            src = nodes.size() - 1;
            in = widths[l];
        }
        int code = src;
        params.add(new Param("g.0.weight", d, in));
        params.add(new Param("g.0.bias", 1, d));
        nodes.add(new Dense(nodes.size(), code, params.size() - 2, params.size() - 1, false, d));
        return new Graph("jac", params, nodes, List.of(new Mse(1, 0, nodes.size() - 1)));
    }

    static int codeNode(Graph g) {
        return g.nodes().size() - 2;
    }

    /** max over points of ||J - J_fd||_F / ||J||_F. */
    static double relativeError(CompiledModel m, Graph g, int code, float[] x, int n, int d, double h) {
        EncoderJacobian jac = new EncoderJacobian(m, g, code);
        EncoderJacobian.Batch b = jac.at(x, n);
        int k = jac.codeWidth();
        double worst = 0;
        float[] row = new float[2 * d * d];
        for (int p = 0; p < n; p++) {
            double[] step = new double[d];
            for (int i = 0; i < d; i++) {
                for (int s = 0; s < 2; s++) {
                    System.arraycopy(x, p * d, row, (2 * i + s) * d, d);
                    row[(2 * i + s) * d + i] += (float) (s == 0 ? h : -h);
                }
                step[i] = row[2 * i * d + i] - (double) row[(2 * i + 1) * d + i];
            }
            float[] codes = new float[2 * d * k];
            int mb = m.maxBatch();
            float[] buf = new float[mb * d];
            for (int from = 0; from < 2 * d; from += mb) {
                int rows = Math.min(mb, 2 * d - from);
                System.arraycopy(row, from * d, buf, 0, rows * d);
                m.loss(buf, rows, 0, 0, false);
                System.arraycopy(m.value(code), 0, codes, from * k, rows * k);
            }
            double err = 0, norm = 0;
            double[] j = b.jacobians()[p];
            for (int o = 0; o < k; o++) {
                for (int i = 0; i < d; i++) {
                    double fd = (codes[(2 * i) * k + o] - (double) codes[(2 * i + 1) * k + o]) / step[i];
                    err += (fd - j[o * d + i]) * (fd - j[o * d + i]);
                    norm += j[o * d + i] * j[o * d + i];
                }
            }
            worst = Math.max(
                    worst, norm == 0 ? Math.sqrt(err) : Math.sqrt(err / norm)); // a dead relu net: J = 0 exactly
            // The codes returned with the Jacobians are the model's.
            m.loss(java.util.Arrays.copyOfRange(x, p * d, p * d + d), 1, 0, 0, false);
            for (int o = 0; o < k; o++) assertEquals(m.value(code)[o], b.codes()[p * k + o], 0f);
        }
        return worst;
    }

    @Test
    void exactJacobianMatchesFiniteDifferencesForEveryActivationAndDepth() {
        int d = 7, n = 9;
        SplittableRandom r = new SplittableRandom(42);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int seed = 1;
        for (Activation a : Activation.values()) {
            for (int[] widths : List.of(new int[] {6, 5, 4})) {
                Graph g = encoder(d, widths, a, false, false, false, false);
                CompiledModel m = compile(g, 4, seed++, 1.5); // maxBatch 4 < n: the batching is exercised
                // A small step for relu (no kink crossed), a larger one for smooth maps (float rounding).
                double e = relativeError(m, g, codeNode(g), x, n, d, a == Activation.RELU ? 1e-3 : 1e-2);
                System.out.printf("EncoderJacobian %s depth %d: max relative error %.2e%n", a, widths.length, e);
                assertTrue(e < 1e-3, a + " depth " + widths.length + ": relative error " + e);
            }
        }
        // Corrupted input (the code is f(x~); evaluation does not corrupt), noise before h, a transposed
        // (tied-style) layer, and a softmax code.
        for (boolean softmax : new boolean[] {false, true}) {
            Graph g = encoder(d, new int[] {6, 5}, Activation.TANH, true, true, true, softmax);
            CompiledModel m = compile(g, 4, seed++, 1.5);
            EncoderJacobian jac = new EncoderJacobian(m, g, codeNode(g));
            assertEquals(1, jac.sourceNode());
            double e = relativeError(m, g, codeNode(g), x, n, d, 1e-2);
            System.out.printf(
                    "EncoderJacobian corrupt+noise+transposed softmax=%b: max relative error %.2e%n", softmax, e);
            assertTrue(e < 1e-3, "softmax=" + softmax + ": relative error " + e);
        }
    }

    @Test
    void svdOfAKnownMatrix() {
        // diag(3, 1, 0.5) rotated in the input space: singular values 3, 1, 0.5; first right vector e_0 rotated.
        double c = Math.cos(0.3), s = Math.sin(0.3);
        double[] j = {3 * c, 3 * s, 0, -s, c, 0, 0, 0, 0.5};
        JacobianSvd svd = JacobianSvd.of(j, 3, 3, true);
        assertEquals(3, svd.singularValues()[0], 1e-12);
        assertEquals(1, svd.singularValues()[1], 1e-12);
        assertEquals(0.5, svd.singularValues()[2], 1e-12);
        assertEquals(1, Math.abs(svd.rightVectors()[0][0] * c + svd.rightVectors()[0][1] * s), 1e-12);
        double[] deg = Tangents.principalAnglesDegrees(new double[][] {{1, 0, 0}}, new double[][] {{c, s, 0}}, 3);
        assertEquals(Math.toDegrees(0.3), deg[0], 1e-9);
    }
}
