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
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.ir.Graph.WeightDecay;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential tests: the generated, compiled class against the double-precision reference executor on
 * the same parameters, inputs and (read back) noise. Tolerance rule: for each parameter tensor,
 * |generated - reference| <= 1e-4 * max|reference gradient of that tensor| + 1e-6, and the loss within
 * 1e-5 relative: float arithmetic over these sizes carries ~1e-6 relative error.
 */
class GeneratedCodeTest {

    static final String PKG = "ae4j.generated.test";

    /**
     * Random small models: random depth, odd sizes, activations (softmax too), corruption, noise before the
     * code, penalties (KL sparsity, closed-form and stochastic Jacobian), a free code, a softmax decoder with
     * categorical NLL, tied or not.
     */
    static Graph randomGraph(SplittableRandom r, int index) {
        int in = 3 + r.nextInt(15);
        List<Param> params = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Input(0, in));
        int cur = 0;
        boolean corrupt = r.nextBoolean();
        if (corrupt) {
            Corruption c = switch (r.nextInt(4)) {
                case 0 -> new Corruption.Gaussian(0.1 + r.nextDouble());
                case 1 -> new Corruption.Masking(0.1 + 0.5 * r.nextDouble());
                case 2 -> new Corruption.SaltPepper(0.1 + 0.3 * r.nextDouble());
                default -> new Corruption.Then(new Corruption.Gaussian(0.2), new Corruption.Masking(0.3));
            };
            nodes.add(new Corrupt(1, 0, c, in));
            cur = 1;
        }
        Activation[] acts = Activation.values();
        int depth = 1 + r.nextInt(3);
        int width = in;
        int firstWeight = -1;
        int firstCode = -1;
        Activation firstAct = null;
        Activation lastAct = null;
        List<int[]> layers = new ArrayList<>(); // {weight, bias, out, activation ordinal or -1 for softmax}
        for (int l = 0; l < depth; l++) {
            int out = 2 + r.nextInt(9);
            params.add(new Param("f." + l + ".weight", out, width));
            params.add(new Param("f." + l + ".bias", 1, out));
            nodes.add(new Dense(nodes.size(), cur, params.size() - 2, params.size() - 1, false, out));
            if (l == 0) firstWeight = params.size() - 2;
            if (l == depth - 1 && r.nextBoolean()) {
                nodes.add(new AddNoise(nodes.size(), nodes.size() - 1, 0.5, out));
            }
            Activation a = depth == 1
                    ? (r.nextBoolean() ? Activation.SIGMOID : Activation.TANH)
                    : acts[r.nextInt(acts.length)];
            boolean softmax = depth > 1 && r.nextInt(6) == 0;
            if (softmax) {
                nodes.add(new Softmax(nodes.size(), nodes.size() - 1, out));
                a = null;
            } else {
                nodes.add(new Activate(nodes.size(), nodes.size() - 1, a, out));
            }
            layers.add(new int[] {params.size() - 2, params.size() - 1, out, a == null ? -1 : a.ordinal()});
            if (l == 0) {
                firstCode = nodes.size() - 1;
                firstAct = a;
            }
            lastAct = a;
            cur = nodes.size() - 1;
            width = out;
        }
        int encoded = cur;
        boolean free = r.nextInt(4) == 0;
        if (free) {
            nodes.add(new FreeCode(nodes.size(), cur, 1 + r.nextInt(3), 0.05, width));
            cur = nodes.size() - 1;
        }
        int code = cur;
        boolean tied = depth == 1 && r.nextBoolean();
        int logits;
        if (tied) {
            params.add(new Param("g.0.bias", 1, in));
            nodes.add(new Dense(nodes.size(), cur, firstWeight, params.size() - 1, true, in));
        } else {
            params.add(new Param("g.0.weight", in, width));
            params.add(new Param("g.0.bias", 1, in));
            nodes.add(new Dense(nodes.size(), cur, params.size() - 2, params.size() - 1, false, in));
        }
        logits = nodes.size() - 1;
        boolean categorical = r.nextInt(4) == 0;
        if (categorical) nodes.add(new Softmax(nodes.size(), logits, in));
        else nodes.add(new Activate(nodes.size(), logits, Activation.SIGMOID, in));
        int recon = nodes.size() - 1;
        List<Graph.Term> terms = new ArrayList<>();
        if (categorical) {
            terms.add(new CategoricalNll(1, 0, logits));
        } else {
            switch (r.nextInt(3)) {
                case 0 -> terms.add(new BernoulliNll(1, 0, logits));
                case 1 -> terms.add(new Mse(1, 0, recon));
                default -> terms.add(new GaussianNll(1, 0, recon, 0.5 + r.nextDouble()));
            }
        }
        if (free) terms.add(new Mse(1, code, encoded));
        if (r.nextBoolean()) terms.add(new L1(0.01 + r.nextDouble() * 0.1, code));
        if (r.nextBoolean()) terms.add(new L2(0.05, code));
        if (r.nextBoolean()) terms.add(new WeightDecay(1e-3));
        if (!free && lastAct == Activation.SIGMOID && r.nextBoolean())
            terms.add(new KlSparsity(0.2, code, 0.05 + 0.3 * r.nextDouble()));
        if (depth == 1 && (firstAct == Activation.SIGMOID || firstAct == Activation.TANH) && r.nextBoolean()) {
            terms.add(new Contractive(0.1, firstCode, firstWeight, firstAct));
        } else if (r.nextInt(3) == 0) {
            // the stochastic Jacobian estimate: the encoder again on x + sigma eps (no code noise)
            double sigma = 0.3;
            int p = nodes.size();
            nodes.add(new Probe(p, 0, sigma, in));
            int c = p;
            for (int[] l : layers) {
                nodes.add(new Dense(nodes.size(), c, l[0], l[1], false, l[2]));
                if (l[3] < 0) nodes.add(new Softmax(nodes.size(), nodes.size() - 1, l[2]));
                else nodes.add(new Activate(nodes.size(), nodes.size() - 1, acts[l[3]], l[2]));
                c = nodes.size() - 1;
            }
            terms.add(new JacobianEstimate(0.1, c, encoded, sigma));
        }
        return new Graph("random" + index, params, nodes, terms);
    }

    static final int RANDOM_MODELS = 24;

    @Test
    void generatedCodeMatchesTheReferenceExecutorOnRandomModels() {
        SplittableRandom r = new SplittableRandom(2024);
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        List<Graph> graphs = new ArrayList<>();
        for (int i = 0; i < RANDOM_MODELS; i++) graphs.add(randomGraph(r, i));
        java.util.Map<Graph, CompiledModel> models = instantiateAll(graphs, 11); // one javac task for all
        for (Graph g : graphs) {
            for (Node n : g.nodes()) seen.add(n.getClass());
            for (Graph.Term t : g.objective()) seen.add(t.getClass());
            compareWithReference(g, models.get(g), r, 1 + r.nextInt(9));
        }
        for (Class<?> c : List.of(
                Softmax.class,
                FreeCode.class,
                Probe.class,
                CategoricalNll.class,
                KlSparsity.class,
                JacobianEstimate.class,
                Contractive.class,
                AddNoise.class,
                Corrupt.class)) {
            assertTrue(
                    seen.contains(c), "no random model has a " + c.getSimpleName() + ": change the seed or the count");
        }
    }

    /** An objective of 70 terms (past one method's 64 KB of bytecode at a few hundred) is split, same sums. */
    @Test
    void aLongObjectiveIsSplitIntoMethodsAndKeepsItsValueAndGradients() {
        SplittableRandom r = new SplittableRandom(7);
        Graph small = randomGraph(r, 100);
        List<Graph.Term> terms = new ArrayList<>();
        while (terms.size() < 70)
            terms.add(small.objective().get(terms.size() % small.objective().size()));
        Graph g = new Graph("long" + small.name(), small.params(), small.nodes(), terms);
        String source = JavaEmitter.emit(g, PKG);
        assertTrue(source.contains("private double objectiveFrom64("), "70 terms in methods of 32");
        compareWithReference(g, instantiate(g, 5), r, 5);
    }

    /** 35 contractive penalties: their parameter-gradient shares are split into methods too, same gradients. */
    @Test
    void manyParameterGradientSharesAreSplitIntoMethods() {
        SplittableRandom r = new SplittableRandom(11);
        Graph small = null;
        for (int i = 0; small == null; i++) {
            Graph c = randomGraph(r, 200 + i);
            if (c.objective().stream().anyMatch(t -> t instanceof Contractive)) small = c;
        }
        Graph.Term contractive = small.objective().stream()
                .filter(t -> t instanceof Contractive)
                .findFirst()
                .orElseThrow();
        List<Graph.Term> terms = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            terms.add(contractive);
            terms.add(small.objective().get(0));
        }
        Graph g = new Graph("shares" + small.name(), small.params(), small.nodes(), terms);
        String source = JavaEmitter.emit(g, PKG);
        assertTrue(source.contains("private void paramGradientsOfTermsFrom32("), "35 shares in methods of 32");
        compareWithReference(g, instantiate(g, 5), r, 5);
    }

    static CompiledModel instantiate(Graph g, int maxBatch) {
        String source = JavaEmitter.emit(g, PKG);
        Class<?> c = InMemoryCompiler.compile(PKG + "." + JavaEmitter.classNameFor(g), source);
        try {
            return (CompiledModel) c.getConstructor(int.class).newInstance(maxBatch);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Compiles every graph in one javac task; each model instantiated for maxBatch. */
    static java.util.Map<Graph, CompiledModel> instantiateAll(List<Graph> graphs, int maxBatch) {
        java.util.Map<String, String> sources = new java.util.LinkedHashMap<>();
        for (Graph g : graphs) sources.put(PKG + "." + JavaEmitter.classNameFor(g), JavaEmitter.emit(g, PKG));
        java.util.Map<String, Class<?>> classes = InMemoryCompiler.compileAll(sources);
        java.util.Map<Graph, CompiledModel> out = new java.util.LinkedHashMap<>();
        for (Graph g : graphs) {
            try {
                out.put(g, (CompiledModel) classes.get(PKG + "." + JavaEmitter.classNameFor(g))
                        .getConstructor(int.class)
                        .newInstance(maxBatch));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    private static void compareWithReference(Graph g, CompiledModel m, SplittableRandom r, int batch) {
        float[][] p = m.params();
        double[][] pd = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            pd[i] = new double[p[i].length];
            for (int j = 0; j < p[i].length; j++) {
                p[i][j] = (float) (r.nextGaussian() * 0.6);
                pd[i][j] = p[i][j];
            }
        }
        int in = g.width(0);
        float[] x = new float[batch * in];
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
            xd[i] = x[i];
        }
        double loss = m.forwardBackward(x, batch, 77, 3);
        double[][] sampled = new double[g.nodes().size()][];
        for (Node n : g.nodes()) {
            if (n instanceof Corrupt c) sampled[c.id()] = toDouble(m.value(c.id()), batch * c.width());
            if (n instanceof Probe a) {
                float[] y = m.value(a.id());
                float[] xin = m.value(a.input());
                double[] eps = new double[batch * a.width()];
                for (int i = 0; i < eps.length; i++) eps[i] = ((double) y[i] - xin[i]) / a.sigma();
                sampled[a.id()] = eps;
            }
            if (n instanceof AddNoise a) {
                float[] y = m.value(a.id());
                float[] xin = m.value(a.input());
                double[] eps = new double[batch * a.width()];
                for (int i = 0; i < eps.length; i++) eps[i] = ((double) y[i] - xin[i]) / a.sigma();
                sampled[a.id()] = eps;
            }
        }
        ReferenceExecutor.Result ref = new ReferenceExecutor(g).run(pd, xd, batch, sampled, true);
        assertEquals(ref.loss(), loss, 1e-5 * Math.max(1, Math.abs(ref.loss())), g.name() + " loss");
        float[][] grads = m.grads();
        for (int i = 0; i < grads.length; i++) {
            double max = 0;
            for (double v : ref.paramGrads()[i]) max = Math.max(max, Math.abs(v));
            double tol = 1e-4 * max + 1e-6;
            for (int j = 0; j < grads[i].length; j++) {
                if (Math.abs(grads[i][j] - ref.paramGrads()[i][j]) > tol) {
                    fail(g.name() + ": gradient of " + g.params().get(i).name() + "[" + j + "] = " + grads[i][j]
                            + ", reference " + ref.paramGrads()[i][j] + " (tolerance " + tol + ")\n"
                            + JavaEmitter.emit(g, PKG));
                }
            }
        }
    }

    private static double[] toDouble(float[] v, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = v[i];
        return d;
    }

    /** PSD from the DSL, small: the free code's steps in the generated class. */
    static Graph psd(int steps) {
        String src = """
                model psd%d {
                  input x[12]
                  encoder f { dense 6 tanh }
                  decoder g { dense 12 identity }
                  free code h { steps: %d, lr: 0.05 }
                  minimize mse(x, g(h)) + 0.1 * l1(h) + 1.0 * mse(h, f(x))
                }
                """.formatted(steps, Math.max(steps, 1));
        var r = ae4j.dsl.check.FrontEnd.check("psd.ae", src);
        assertTrue(r.ok(), r.diagnostics().render());
        Graph g = Lowering.lower(r.checked().models().get(0));
        if (steps > 0) return g;
        // zero steps: the same graph with the code left at f(x)
        List<Node> nodes = new ArrayList<>(g.nodes());
        FreeCode fc = g.freeCode();
        nodes.set(fc.id(), new FreeCode(fc.id(), fc.init(), 0, fc.lr(), fc.width()));
        return new Graph(g.name(), g.params(), nodes, g.objective(), g.origins());
    }

    @Test
    void freeCodeStepsLowerTheObjectiveOnAFixedBatch() {
        List<Graph> graphs = List.of(psd(0), psd(2), psd(10));
        var models = instantiateAll(graphs, 8);
        SplittableRandom r = new SplittableRandom(14);
        float[] x = new float[8 * 12];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        float[][] p0 = models.get(graphs.get(0)).params();
        for (float[] t : p0) for (int j = 0; j < t.length; j++) t[j] = (float) (r.nextGaussian() * 0.4);
        double last = Double.POSITIVE_INFINITY;
        for (Graph g : graphs) {
            CompiledModel m = models.get(g);
            float[][] p = m.params();
            for (int i = 0; i < p.length; i++) System.arraycopy(p0[i], 0, p[i], 0, p[i].length);
            double loss = m.loss(x, 8, 1, 0, false);
            assertTrue(loss < last, g.freeCode().steps() + " steps: objective " + loss + ", fewer steps: " + last);
            last = loss;
            // and forwardBackward reports the same objective, at the same final code
            assertEquals(loss, m.forwardBackward(x, 8, 1, 0), 1e-6 * Math.abs(loss));
        }
        // the generated steps agree with the reference executor's
        Graph g10 = graphs.get(2);
        double[][] pd = new double[p0.length][];
        for (int i = 0; i < p0.length; i++) {
            pd[i] = new double[p0[i].length];
            for (int j = 0; j < p0[i].length; j++) pd[i][j] = p0[i][j];
        }
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) xd[i] = x[i];
        ReferenceExecutor.Result ref = new ReferenceExecutor(g10).run(pd, xd, 8, null, true);
        assertEquals(ref.loss(), last, 1e-5 * Math.abs(ref.loss()));
        // the proximal steps (l1 on the code): the same final code, with the same exact zeros
        int h = g10.freeCode().id();
        float[] code = models.get(g10).value(h);
        int zeros = 0;
        for (int i = 0; i < ref.values()[h].length; i++) {
            assertEquals(ref.values()[h][i], code[i], 1e-5, "code entry " + i);
            if (ref.values()[h][i] == 0) {
                assertEquals(0f, code[i], "code entry " + i + " is zero in the reference");
                zeros++;
            }
        }
        assertTrue(zeros > 0, "no code entry is exactly zero after 10 proximal steps");
    }

    @Test
    void generatedSourceIsReadable() {
        String src = JavaEmitter.emit(randomGraph(new SplittableRandom(1), 0), PKG);
        assertTrue(src.contains("// Generated by ae4j from model"), src);
        assertTrue(src.contains("Gemm.gemm("), src);
        assertTrue(src.lines().allMatch(l -> l.length() < 220), "overlong line in:\n" + src);
    }
}
