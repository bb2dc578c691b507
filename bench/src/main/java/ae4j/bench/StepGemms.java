package ae4j.bench;

import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.runtime.BatchSplit;
import ae4j.vecmath.Epilogue;
import ae4j.vecmath.Gemm;
import ae4j.vecmath.Gemm.Op;
import ae4j.vecmath.Parallel;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The GEMMs of one generated training step of a stack of dense layers, run alone (the floor the step's other work
 * sits on): the same calls the generated class makes for the model and batch. The weights are packed once (op(W)
 * for the forward products and W for the input gradients, the threads sharing the packing); the batch is split
 * into {@link BatchSplit#parts} parts run through {@link Parallel#run}, each taking its rows through every layer's
 * forward product (packed W^T, bias in the epilogue) and then every input-gradient product but the first layer's
 * (packed W); then the weight gradients over the whole batch, {@link Parallel#threads()} parts each computing a
 * share of every gradient's rows. In a tied model layer l and its mirror k - 1 - l share a weight, and as in the
 * generated step each one's input-gradient product uses the other's forward pack (nothing packed twice); each layer
 * still has a weight-gradient product of its own (the step adds the two into one gradient). Activations, objective
 * and optimizer are left out.
 */
final class StepGemms {

    private final int[] in;
    private final int[] out;
    private final int batch;
    /** Activations: a[0] the input, a[l + 1] layer l's output (batch x width). */
    private final float[][] a;
    /** Their gradients, same shapes. */
    private final float[][] d;

    private final float[][] w;
    private final float[][] dw;
    private final Epilogue[] bias;
    private final Gemm.PackedB[] forward;
    private final Gemm.PackedB[] backward;
    /** Whether layer l's input-gradient pack is its own (not a tied encoder layer's forward pack). */
    private final boolean[] packBackward;

    /**
     * The layers' widths: layer l maps in[l] to out[l] values per example; with {@code tied}, the second half
     * mirrors the first (layer k - 1 - l is layer l transposed).
     */
    StepGemms(int[] in, int[] out, int batch, boolean tied) {
        int k = in.length;
        if (out.length != k || k == 0) throw new IllegalArgumentException("need as many outs as ins, at least one");
        this.in = in.clone();
        this.out = out.clone();
        this.batch = batch;
        a = new float[k + 1][];
        d = new float[k + 1][];
        a[0] = new float[batch * in[0]];
        d[0] = new float[0]; // nothing flows back into the data
        w = new float[k][];
        dw = new float[k][];
        bias = new Epilogue[k];
        forward = new Gemm.PackedB[k];
        backward = new Gemm.PackedB[k];
        packBackward = new boolean[k];
        SplittableRandom r = new SplittableRandom(1);
        for (int l = 0; l < k; l++) {
            if (l > 0 && in[l] != out[l - 1]) throw new IllegalArgumentException("layer " + l + " does not chain");
            a[l + 1] = new float[batch * out[l]];
            d[l + 1] = new float[batch * out[l]];
            w[l] = new float[out[l] * in[l]];
            dw[l] = new float[out[l] * in[l]];
            bias[l] = Epilogue.bias(new float[out[l]], ae4j.vecmath.Activation.IDENTITY);
            forward[l] = new Gemm.PackedB(in[l], out[l]);
            for (int i = 0; i < w[l].length; i++) w[l][i] = (float) (r.nextDouble() - 0.5) * 0.1f;
            for (int i = 0; i < d[l + 1].length; i++) d[l + 1][i] = (float) (r.nextDouble() - 0.5) * 0.01f;
        }
        for (int i = 0; i < a[0].length; i++) a[0][i] = (float) r.nextDouble();
        for (int l = 1; l < k; l++) {
            int m = k - 1 - l;
            if (tied && in[m] == out[l] && out[m] == in[l]) {
                backward[l] = forward[m]; // the mirror layer's forward pack: the same packed matrix
            } else if (tied) {
                throw new IllegalArgumentException("layer " + l + " of a tied model mirrors no layer");
            } else {
                backward[l] = new Gemm.PackedB(out[l], in[l]);
                packBackward[l] = true;
            }
        }
    }

    /** The dense layers of a model as {@link CompareModels#layers} lists them ({@code tied}: a tied decoder's). */
    static StepGemms of(List<LayerInfo> layers, int batch, boolean tied) {
        int[] in = new int[layers.size()];
        int[] out = new int[layers.size()];
        for (int l = 0; l < in.length; l++) {
            in[l] = layers.get(l).in();
            out[l] = layers.get(l).out();
        }
        return new StepGemms(in, out, batch, tied);
    }

    /**
     * Floating-point operations of one step's GEMMs: 2 in out per example and layer forward, as much for the
     * weight gradient and for the input gradient but the first layer's (as {@link
     * CompareModels#trainFlopsPerExample} counts them).
     */
    double flops() {
        double f = 0;
        for (int l = 0; l < in.length; l++) f += (l == 0 ? 4.0 : 6.0) * in[l] * out[l];
        return f * batch;
    }

    int batch() {
        return batch;
    }

    /** One step's GEMMs (and the packing they need); returns an element of the result. */
    double run() {
        int k = in.length;
        int threads = Parallel.threads();
        Parallel.run(threads, t -> {
            for (int l = 0; l < k; l++) {
                Gemm.pack(Op.T, w[l], 0, in[l], forward[l], t, threads);
                if (packBackward[l]) Gemm.pack(Op.N, w[l], 0, in[l], backward[l], t, threads);
            }
        });
        int n = BatchSplit.parts(batch);
        if (n == 1) {
            rows(0, batch);
        } else {
            Parallel.run(n, t -> {
                int r0 = BatchSplit.start(batch, t, n);
                rows(r0, BatchSplit.start(batch, t + 1, n) - r0);
            });
        }
        Parallel.run(threads, t -> {
            for (int l = k - 1; l >= 0; l--) {
                // the generated step's split: whole blocks of 32 rows (ParamGradientEmitter.range)
                int u = out[l];
                int blocks = (u + 31) / 32;
                int lo = u <= 32 ? u * t / threads : Math.min(u, blocks * t / threads * 32);
                int hi = u <= 32 ? u * (t + 1) / threads : Math.min(u, blocks * (t + 1) / threads * 32);
                // rows [lo, hi) of dW = columns [lo, hi) of dY, transposed, times X
                Gemm.gemm(
                        Op.T,
                        Op.N,
                        hi - lo,
                        in[l],
                        batch,
                        1f,
                        d[l + 1],
                        lo,
                        out[l],
                        a[l],
                        0,
                        in[l],
                        0f,
                        dw[l],
                        lo * in[l],
                        in[l]);
            }
        });
        return dw[0][0] + a[k][0];
    }

    /** Rows [r0, r0 + rows): every forward product, then every input-gradient product but the first layer's. */
    private void rows(int r0, int rows) {
        int k = in.length;
        for (int l = 0; l < k; l++) {
            Gemm.gemm(
                    Op.N,
                    rows,
                    out[l],
                    in[l],
                    1f,
                    a[l],
                    r0 * in[l],
                    in[l],
                    forward[l],
                    0f,
                    a[l + 1],
                    r0 * out[l],
                    out[l],
                    bias[l]);
        }
        for (int l = k - 1; l > 0; l--) {
            Gemm.gemm(
                    Op.N,
                    rows,
                    in[l],
                    out[l],
                    1f,
                    d[l + 1],
                    r0 * out[l],
                    out[l],
                    backward[l],
                    0f,
                    d[l],
                    r0 * in[l],
                    in[l],
                    Epilogue.NONE);
        }
    }
}
