package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The training step (forwardBackward) computes only what the objective's gradient needs: nodes no term
 * depends on are skipped (the clean code of a denoising model, the decoder's output sigmoid under a
 * Bernoulli loss), and a gradient buffer written once per step is overwritten instead of zeroed and
 * accumulated. loss(...) still computes every node, for value(id).
 */
class TrainingStepTest {

    static final String PKG = GeneratedCodeTest.PKG;

    static Lowering.Lowered lower(String src) {
        var r = ae4j.dsl.check.FrontEnd.check("m.ae", src);
        assertTrue(r.ok(), r.diagnostics().render());
        return Lowering.lowerWithRoles(r.checked().models().get(0));
    }

    static final String DAE = """
            model daeStep {
              input x[20]
              encoder f { dense 9 relu; dense 4 sigmoid }
              decoder g { dense 9 relu; dense 20 sigmoid }
              output bernoulli
              corrupt x~ = gaussian(x, sigma: 0.3)
              code h = f(x)
              minimize bernoulli_nll(x, g(f(x~)))
            }
            """;

    static final String MID = """
            model midStep {
              input x[20]
              encoder f { dense 9 relu; dense 4 sigmoid }
              decoder g { dense 9 relu; dense 20 sigmoid }
              output bernoulli
              minimize bernoulli_nll(x, g(f(x)))
            }
            """;

    static final String CAE = """
            model caeStep {
              input x[20]
              encoder f { dense 7 sigmoid }
              decoder g tied
              output bernoulli
              minimize bernoulli_nll(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x) + 0.01 * weight_decay()
            }
            """;

    private static String method(String src, String signature) {
        int from = src.indexOf(signature);
        assertTrue(from >= 0, signature + " in\n" + src);
        int to = src.indexOf("\n    }\n", from);
        return src.substring(from, to);
    }

    @Test
    void theDenoisingTrainingStepSkipsTheCleanCodeAndTheOutputSigmoid() {
        Lowering.Lowered l = lower(DAE);
        Graph g = l.graph();
        // the clean path: the encoder applied to x (node 0), which the objective does not use
        List<Integer> clean = new ArrayList<>();
        for (Graph.Node n : g.nodes()) if (n instanceof Dense d && d.input() == 0) clean.add(d.id());
        assertEquals(1, clean.size(), "one dense layer reads the clean input");
        assertTrue(l.code() > clean.get(0) && l.code() < l.reconstruction(), "code " + l.code());

        String src = JavaEmitter.emit(g, PKG);
        // the backward pass takes no gradient through the clean path: nothing in it reads x
        String backward = method(src, "private void backward(");
        assertFalse(backward.contains(", v0, "), backward);
        assertFalse(backward.contains("d" + l.code() + ","), backward);

        CompiledModel m = GeneratedCodeTest.instantiate(g, 6);
        SplittableRandom r = new SplittableRandom(5);
        for (float[] p : m.params()) for (int j = 0; j < p.length; j++) p[j] = (float) (r.nextGaussian() * 0.5);
        float[] x = new float[6 * 20];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        java.util.Arrays.fill(m.value(l.code()), Float.NaN);
        java.util.Arrays.fill(m.value(l.reconstruction()), Float.NaN);
        double loss = m.forwardBackward(x, 6, 1, 2);
        assertTrue(Double.isFinite(loss));
        assertTrue(Float.isNaN(m.value(l.code())[0]), "the training step computed the clean code");
        assertTrue(Float.isNaN(m.value(l.reconstruction())[0]), "the training step computed the output sigmoid");

        // the roles are right after loss(...): the clean code f(x), the reconstruction sigmoid(logits)
        m.loss(x, 6, 1, 2, false);
        float[] logits = m.value(((Graph.Activate) g.node(l.reconstruction())).input());
        float[] want = new float[6 * 20];
        Activation.SIGMOID.forward(want.length, logits, 0, want, 0);
        assertArrayEquals(want, java.util.Arrays.copyOf(m.value(l.reconstruction()), want.length));
        double[][] pd = new double[m.params().length][];
        for (int i = 0; i < pd.length; i++) {
            pd[i] = new double[m.params()[i].length];
            for (int j = 0; j < pd[i].length; j++) pd[i][j] = m.params()[i][j];
        }
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) xd[i] = x[i];
        double[][] sampled = new double[g.nodes().size()][];
        sampled[l.corrupted()] = xd; // no corruption in evaluation: x~ = x
        var ref = new ae4j.dsl.compile.ReferenceExecutor(g).run(pd, xd, 6, sampled, false);
        float[] h = m.value(l.code());
        for (int i = 0; i < 6 * 4; i++) assertEquals(ref.values()[l.code()][i], h[i], 1e-5, "code[" + i + "]");
    }

    @Test
    void gradientsWrittenOnceAreNotZeroedFirst() {
        String mid = JavaEmitter.emit(lower(MID).graph(), PKG);
        assertFalse(method(mid, "private double objective(").contains("Arrays.fill"), mid);
        // a tied weight has two contributions and the closed-form penalty accumulates: still correct below
        String cae = JavaEmitter.emit(lower(CAE).graph(), PKG);
        assertTrue(method(cae, "private double objective(").contains("Arrays.fill"), cae);
    }

    /**
     * Without zeroing, a step must not see the previous step's buffers: two steps on different batches
     * give, to the bit, the gradients of one step on a fresh model (whose buffers start at zero).
     */
    @Test
    void aStepAfterAnotherGivesTheGradientsOfAFreshModel() {
        SplittableRandom r = new SplittableRandom(77);
        List<Graph> graphs = graphs(r, "_step");
        graphs.add(GeneratedCodeTest.psd(3));
        Map<Graph, CompiledModel> first = GeneratedCodeTest.instantiateAll(graphs, 9);
        Map<Graph, CompiledModel> fresh = GeneratedCodeTest.instantiateAll(graphs, 9);
        for (Graph g : graphs) {
            CompiledModel a = first.get(g);
            CompiledModel b = fresh.get(g);
            for (int i = 0; i < a.params().length; i++) {
                for (int j = 0; j < a.params()[i].length; j++) {
                    a.params()[i][j] = b.params()[i][j] = (float) (r.nextGaussian() * 0.5);
                }
            }
            int in = g.width(0);
            float[] x1 = new float[9 * in];
            float[] x2 = new float[9 * in];
            for (int i = 0; i < x1.length; i++) {
                x1[i] = (float) r.nextDouble();
                x2[i] = (float) r.nextDouble();
            }
            int batch = 1 + r.nextInt(9);
            a.forwardBackward(x1, 9, 3, 1);
            a.loss(x1, 9, 3, 1, false);
            double la = a.forwardBackward(x2, batch, 4, 2);
            double lb = b.forwardBackward(x2, batch, 4, 2);
            assertEquals(lb, la, 0.0, g.name() + " loss");
            for (int i = 0; i < a.grads().length; i++) {
                assertArrayEquals(
                        b.grads()[i],
                        a.grads()[i],
                        g.name() + ": gradient of " + g.params().get(i).name());
            }
        }
    }

    /**
     * A batch split into parts (each taking its rows through the forward pass, the objective and the node
     * gradients; the parameter gradients then over the whole batch) gives the gradients of the unsplit step
     * to the bit: every gradient element is computed by the same operations (so the parts draw the same
     * corruption noise, and a parameter penalty counts once). The terms are sums over the parts, equal up to
     * rounding. One thread and two give the same bits.
     */
    @Test
    void aSplitBatchGivesTheGradientsOfTheWholeBatch() {
        SplittableRandom r = new SplittableRandom(91);
        List<Graph> graphs = graphs(r, "_split");
        assertTrue(JavaEmitter.emit(lower(DAE).graph(), PKG).contains("BatchSplit.parts(batch)"));
        Map<Graph, CompiledModel> models = GeneratedCodeTest.instantiateAll(graphs, 96);
        int threadsBefore = ae4j.vecmath.Parallel.threads();
        int minRowsBefore = ae4j.dsl.runtime.BatchSplit.minRows();
        int split = 0;
        try {
            for (Graph g : graphs) {
                CompiledModel m = models.get(g);
                for (float[] p : m.params()) for (int j = 0; j < p.length; j++) p[j] = (float) (r.nextGaussian() * 0.5);
                float[] x = new float[96 * g.width(0)];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
                int batch = 64 + r.nextInt(33);
                ae4j.dsl.runtime.BatchSplit.setMinRows(1 << 20);
                double whole = m.forwardBackward(x, batch, 5, 3);
                double[] wholeTerms = m.lastTerms();
                float[][] wholeGrads = copy(m.grads());
                ae4j.dsl.runtime.BatchSplit.setMinRows(32);
                if (JavaEmitter.emit(g, PKG).contains("BatchSplit.parts(batch)")) split++;
                float[][][] byThreads = new float[2][][];
                for (int t = 1; t <= 2; t++) {
                    ae4j.vecmath.Parallel.setThreads(t);
                    double parts = m.forwardBackward(x, batch, 5, 3);
                    assertEquals(whole, parts, 1e-5 * Math.abs(whole) + 1e-9, g.name() + " loss");
                    double[] terms = m.lastTerms();
                    for (int k = 0; k < terms.length; k++) {
                        assertEquals(
                                wholeTerms[k],
                                terms[k],
                                1e-5 * Math.abs(wholeTerms[k]) + 1e-9,
                                g.name() + " term " + k);
                    }
                    byThreads[t - 1] = copy(m.grads());
                }
                for (int i = 0; i < wholeGrads.length; i++) {
                    assertArrayEquals(
                            wholeGrads[i],
                            byThreads[0][i],
                            0f,
                            g.name() + ": gradient of " + g.params().get(i).name());
                    assertArrayEquals(byThreads[0][i], byThreads[1][i], 0f, g.name() + ": one thread vs two");
                }
                // loss(...) splits the rows the same way: every node's values to the bit, the terms up to rounding
                ae4j.dsl.runtime.BatchSplit.setMinRows(1 << 20);
                double wholeLoss = m.loss(x, batch, 5, 3, true);
                float[][] wholeValues = values(m, g, batch);
                ae4j.dsl.runtime.BatchSplit.setMinRows(32);
                double partsLoss = m.loss(x, batch, 5, 3, true);
                assertEquals(wholeLoss, partsLoss, 1e-5 * Math.abs(wholeLoss) + 1e-9, g.name() + " loss(...)");
                float[][] partValues = values(m, g, batch);
                for (int id = 0; id < wholeValues.length; id++) {
                    assertArrayEquals(
                            wholeValues[id], partValues[id], 0f, g.name() + ": node " + id + " after loss(...)");
                }
                // forwardTo(node): the values loss(..., training = false) gives, up to that node and no further
                m.loss(x, batch, 0, 0, false);
                float[][] evalValues = values(m, g, batch);
                int last = g.nodes().size() - 1;
                int to = last / 2;
                java.util.Arrays.fill(m.value(last), Float.NaN);
                m.forwardTo(x, batch, to);
                float[][] toValues = values(m, g, batch);
                // a free code's model runs as deployed: the code at f(x) (no steps)
                int free =
                        g.freeCode() == null ? Integer.MAX_VALUE : g.freeCode().id();
                for (int id = 0; id <= Math.min(to, free - 1); id++) {
                    assertArrayEquals(
                            evalValues[id],
                            toValues[id],
                            0f,
                            g.name() + ": node " + id + " after forwardTo(" + to + ")");
                }
                assertTrue(Float.isNaN(m.value(last)[0]), g.name() + ": forwardTo(" + to + ") computed the last node");
                if (g.freeCode() != null) {
                    m.forwardTo(x, batch, free);
                    assertArrayEquals(
                            values(m, g, batch)[g.freeCode().init()],
                            values(m, g, batch)[free],
                            0f,
                            g.name() + ": the code after forwardTo is f(x)");
                }
            }
        } finally {
            ae4j.dsl.runtime.BatchSplit.setMinRows(minRowsBefore);
            ae4j.vecmath.Parallel.setThreads(threadsBefore);
        }
        assertTrue(split >= graphs.size() / 2, "only " + split + " of " + graphs.size() + " models split their batch");
    }

    /**
     * The optimizer's update inside the step (each thread updating, and packing for the next step, the rows of
     * the parameters it computed) gives every parameter the bits of the step followed by a separate update of
     * each whole tensor; on one thread and two, over enough steps that the threads' cost model tries both
     * choices for every phase, with an evaluation (which packs the weights too) between some steps.
     */
    @Test
    void theUpdateInsideTheStepGivesTheBitsOfTheUpdateAfterIt() {
        SplittableRandom r = new SplittableRandom(17);
        List<Graph> graphs = graphs(r, "_fused");
        Map<Graph, CompiledModel> models = GeneratedCodeTest.instantiateAll(graphs, 80);
        int threadsBefore = ae4j.vecmath.Parallel.threads();
        int minRowsBefore = ae4j.dsl.runtime.BatchSplit.minRows();
        try {
            ae4j.dsl.runtime.BatchSplit.setMinRows(16);
            for (Graph g : graphs) {
                CompiledModel m = models.get(g);
                for (float[] p : m.params()) for (int j = 0; j < p.length; j++) p[j] = (float) (r.nextGaussian() * 0.3);
                float[][] init = copy(m.params());
                float[] x = new float[80 * g.width(0)];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
                String opt = r.nextBoolean() ? "adam" : "momentum";
                int batch = 8 + r.nextInt(73);
                ae4j.vecmath.Parallel.setThreads(1);
                float[][] separate = train(m, init, x, batch, opt, false);
                for (int t = 1; t <= 2; t++) {
                    ae4j.vecmath.Parallel.setThreads(t);
                    float[][] fused = train(m, init, x, batch, opt, true);
                    for (int i = 0; i < separate.length; i++) {
                        assertArrayEquals(
                                separate[i],
                                fused[i],
                                0f,
                                g.name() + " (" + opt + ", batch " + batch + ", " + t + " threads): "
                                        + g.params().get(i).name());
                    }
                }
            }
        } finally {
            ae4j.dsl.runtime.BatchSplit.setMinRows(minRowsBefore);
            ae4j.vecmath.Parallel.setThreads(threadsBefore);
        }
    }

    /** 60 steps from {@code init}, the update after each step or inside it; the final parameters. */
    private static float[][] train(CompiledModel m, float[][] init, float[] x, int batch, String opt, boolean inside) {
        float[][] params = m.params();
        for (int i = 0; i < params.length; i++) System.arraycopy(init[i], 0, params[i], 0, init[i].length);
        float[][] grads = m.grads();
        ae4j.dsl.train.Optimizer o = ae4j.dsl.train.Optimizer.of(opt, Map.of("lr", 1e-2), params);
        for (int s = 0; s < 60; s++) {
            double lr = 1e-2 / (1 + s * 0.01);
            if (inside) {
                m.forwardBackward(x, batch, 3, s, o.inside(lr, params, grads, objective -> true));
            } else {
                m.forwardBackward(x, batch, 3, s);
                o.step(params, grads, lr);
            }
            if (s % 25 == 24) m.loss(x, Math.min(batch, 70), 3, s, false);
        }
        return copy(params);
    }

    /** GeneratedCodeTest's random graphs (renamed with {@code suffix}: their classes must not clash) and DAE, MID, CAE. */
    private static List<Graph> graphs(SplittableRandom r, String suffix) {
        List<Graph> graphs = new ArrayList<>();
        for (int i = 0; i < GeneratedCodeTest.RANDOM_MODELS; i++) {
            Graph g = GeneratedCodeTest.randomGraph(r, i);
            graphs.add(new Graph(g.name() + suffix, g.params(), g.nodes(), g.objective(), g.origins()));
        }
        for (String s : List.of(DAE, MID, CAE)) graphs.add(lower(s).graph());
        return graphs;
    }

    /** Rows [0, batch) of every node's values. */
    private static float[][] values(CompiledModel m, Graph g, int batch) {
        float[][] v = new float[g.nodes().size()][];
        for (int id = 0; id < v.length; id++) v[id] = java.util.Arrays.copyOf(m.value(id), batch * g.width(id));
        return v;
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }
}
