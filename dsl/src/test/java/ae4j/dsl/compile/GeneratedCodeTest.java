package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.GaussianNll;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.L2;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.WeightDecay;
import ae4j.dsl.ir.ReferenceExecutor;
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

    /** Random small models: random depth, odd sizes, activations, corruption, penalties, tied or not. */
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
        for (int l = 0; l < depth; l++) {
            int out = 2 + r.nextInt(9);
            params.add(new Param("f." + l + ".weight", out, width));
            params.add(new Param("f." + l + ".bias", 1, out));
            nodes.add(new Dense(nodes.size(), cur, params.size() - 2, params.size() - 1, false, out));
            if (l == 0) firstWeight = params.size() - 2;
            if (l == depth - 1 && r.nextBoolean()) {
                nodes.add(new AddNoise(nodes.size(), nodes.size() - 1, 0.5, out));
            }
            Activation a = depth == 1 ? (r.nextBoolean() ? Activation.SIGMOID : Activation.TANH) : acts[r.nextInt(acts.length)];
            nodes.add(new Activate(nodes.size(), nodes.size() - 1, a, out));
            if (l == 0) {
                firstCode = nodes.size() - 1;
                firstAct = a;
            }
            cur = nodes.size() - 1;
            width = out;
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
        nodes.add(new Activate(nodes.size(), logits, Activation.SIGMOID, in));
        int recon = nodes.size() - 1;
        List<Graph.Term> terms = new ArrayList<>();
        switch (r.nextInt(3)) {
            case 0 -> terms.add(new BernoulliNll(1, 0, logits));
            case 1 -> terms.add(new Mse(1, 0, recon));
            default -> terms.add(new GaussianNll(1, 0, recon, 0.5 + r.nextDouble()));
        }
        if (r.nextBoolean()) terms.add(new L1(0.01 + r.nextDouble() * 0.1, code));
        if (r.nextBoolean()) terms.add(new L2(0.05, code));
        if (r.nextBoolean()) terms.add(new WeightDecay(1e-3));
        if (depth == 1 && (firstAct == Activation.SIGMOID || firstAct == Activation.TANH) && r.nextBoolean()) {
            terms.add(new Contractive(0.1, firstCode, firstWeight, firstAct));
        }
        return new Graph("random" + index, params, nodes, terms);
    }

    @Test
    void generatedCodeMatchesTheReferenceExecutorOnRandomModels() {
        SplittableRandom r = new SplittableRandom(2024);
        for (int i = 0; i < 12; i++) {
            Graph g = randomGraph(r, i);
            compareWithReference(g, r, 1 + r.nextInt(9));
        }
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

    private static void compareWithReference(Graph g, SplittableRandom r, int batch) {
        CompiledModel m = instantiate(g, batch + 2);
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
                            + ", reference " + ref.paramGrads()[i][j] + " (tolerance " + tol + ")\n" + JavaEmitter.emit(g, PKG));
                }
            }
        }
    }

    private static double[] toDouble(float[] v, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = v[i];
        return d;
    }

    @Test
    void generatedSourceIsReadable() {
        String src = JavaEmitter.emit(randomGraph(new SplittableRandom(1), 0), PKG);
        assertTrue(src.contains("// Generated by ae4j from model"), src);
        assertTrue(src.contains("Gemm.gemm("), src);
        assertTrue(src.lines().allMatch(l -> l.length() < 220), "overlong line in:\n" + src);
    }
}
