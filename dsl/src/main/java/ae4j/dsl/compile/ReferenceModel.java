package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Philox;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference executor behind the {@link CompiledModel} interface, for {@code ae4j run --reference}:
 * the same model, trained by the plain double-precision interpreter instead of generated code. Slow, and
 * meant for debugging a suspected code-generation problem: both draw their corruption and noise from
 * Philox with the same (seed, stream, counter) addresses as the generated class, so the two runs see the
 * same x~ and the same noise.
 */
public final class ReferenceModel implements CompiledModel {

    private Graph g; // replaced when the noise sigma changes
    private ReferenceExecutor ex;
    private final int maxBatch;
    private final float[][] params;
    private final float[][] grads;
    private final float[][] values;
    private double[] terms;

    public ReferenceModel(Graph g, int maxBatch) {
        this.g = g;
        this.ex = new ReferenceExecutor(g);
        this.maxBatch = maxBatch;
        params = new float[g.params().size()][];
        grads = new float[g.params().size()][];
        for (int i = 0; i < params.length; i++) {
            params[i] = new float[g.params().get(i).size()];
            grads[i] = new float[g.params().get(i).size()];
        }
        values = new float[g.nodes().size()][];
        for (Node n : g.nodes()) values[n.id()] = new float[maxBatch * n.width()];
        terms = new double[g.objective().size()];
    }

    @Override
    public String name() {
        return g.name();
    }

    @Override
    public double noiseSigma() {
        return g.nodes().stream()
                .filter(n -> n instanceof AddNoise)
                .mapToDouble(n -> ((AddNoise) n).sigma())
                .findFirst()
                .orElse(Double.NaN);
    }

    @Override
    public void setNoiseSigma(double sigma) {
        if (Double.isNaN(noiseSigma())) CompiledModel.super.setNoiseSigma(sigma);
        g = g.withNoiseSigma((float) sigma); // the precision the generated class keeps it in
        ex = new ReferenceExecutor(g);
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public int inputWidth() {
        return g.width(0);
    }

    @Override
    public List<ParamInfo> paramInfo() {
        List<ParamInfo> out = new ArrayList<>();
        for (Graph.Param p : g.params()) out.add(new ParamInfo(p.name(), p.rows(), p.cols()));
        return out;
    }

    @Override
    public float[][] params() {
        return params;
    }

    @Override
    public float[][] grads() {
        return grads;
    }

    @Override
    public double forwardBackward(float[] x, int batch, long seed, long step) {
        return pass(x, batch, seed, step, true, true);
    }

    @Override
    public double loss(float[] x, int batch, long seed, long step, boolean training) {
        return pass(x, batch, seed, step, training, false);
    }

    @Override
    public double[] lastTerms() {
        return terms.clone();
    }

    @Override
    public float[] value(int id) {
        return values[id];
    }

    private double pass(float[] x, int batch, long seed, long step, boolean training, boolean gradients) {
        if (batch < 1 || batch > maxBatch)
            throw new IllegalArgumentException("batch " + batch + " outside [1, " + maxBatch + "]");
        int in = g.width(0);
        double[][] p = new double[params.length][];
        for (int i = 0; i < params.length; i++) p[i] = toDouble(params[i], params[i].length);
        double[][] sampled = new double[g.nodes().size()][];
        for (Node n : g.nodes()) {
            int count = batch * n.width();
            long base = step * (long) maxBatch * n.width();
            switch (n) {
                case Corrupt c -> {
                    float[] v = java.util.Arrays.copyOf(x, count);
                    if (training) corrupt(c.process(), c.id(), new int[] {0}, seed, base, v, count);
                    sampled[c.id()] = toDouble(v, count);
                }
                case AddNoise a ->
                    sampled[a.id()] = training ? unitNoise(seed, a.id() * 8, base, count) : new double[count];
                case Probe pr -> sampled[pr.id()] = unitNoise(seed, pr.id() * 8, base, count);
                default -> {}
            }
        }
        ReferenceExecutor.Result r = ex.run(p, toDouble(x, batch * in), batch, sampled, gradients);
        terms = r.terms();
        for (Node n : g.nodes()) {
            double[] v = r.values()[n.id()];
            for (int i = 0; i < v.length; i++) values[n.id()][i] = (float) v[i];
        }
        if (gradients) {
            for (int i = 0; i < grads.length; i++) {
                for (int j = 0; j < grads[i].length; j++) grads[i][j] = (float) r.paramGrads()[i][j];
            }
        }
        return r.loss();
    }

    /** The generated class's corruption, step for step (same streams, same order). */
    private static void corrupt(Corruption c, int node, int[] k, long seed, long base, float[] v, int count) {
        switch (c) {
            case Corruption.Then t -> {
                corrupt(t.first(), node, k, seed, base, v, count);
                corrupt(t.then(), node, k, seed, base, v, count);
            }
            case Corruption.Gaussian gs ->
                Philox.addGaussian(seed, node * 8 + k[0]++, base, (float) gs.sigma(), v, 0, count);
            case Corruption.Masking m -> {
                float[] keep = new float[count];
                Philox.bernoulli(seed, node * 8 + k[0]++, base, (float) (1 - m.p()), 1f, keep, 0, count);
                for (int i = 0; i < count; i++) v[i] *= keep[i];
            }
            case Corruption.SaltPepper sp -> {
                float[] u = new float[count];
                Philox.uniform(seed, node * 8 + k[0]++, base, u, 0, count);
                for (int i = 0; i < count; i++) {
                    if (u[i] < (float) (sp.p() / 2)) v[i] = 0f;
                    else if (u[i] < (float) sp.p()) v[i] = 1f;
                }
            }
        }
    }

    private static double[] unitNoise(long seed, int stream, long base, int count) {
        float[] z = new float[count];
        Philox.gaussian(seed, stream, base, 0f, 1f, z, 0, count);
        return toDouble(z, count);
    }

    private static double[] toDouble(float[] v, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = v[i];
        return d;
    }
}
