package ae4j.dsl.train;

import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.RecirculationEmitter;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.util.Arrays;

/**
 * Recirculation (Hinton and McClelland 1988; the chapter's introduction): an autoencoder with one hidden layer
 * of logistic units learns without back-propagation, by comparing the activations of two passes. With the
 * input v(0) = x:
 *
 * <pre>
 *   h(1) = sigmoid(W_h v(0) + b_h)                       the code
 *   v(2) = lambda v(0) + (1 - lambda) sigmoid(W_v h(1) + b_v)   the reconstruction, regressed toward the input
 *   h(3) = sigmoid(W_h v(2) + b_h)                       the code of the reconstruction
 *   dW_v = eps (v(0) - v(2)) h(1)^T,   db_v = eps (v(0) - v(2))     each unit's own activity only
 *   dW_h = eps (h(1) - h(3)) v(2)^T,   db_h = eps (h(1) - h(3))
 * </pre>
 *
 * with lambda = 0.75 as in the paper. Both updates are local: each weight changes by the product of the
 * activities it connects, no error is propagated back. A step writes minus the batch mean of these updates
 * (divided by eps) into the model's gradient buffers, so that the optimizer's step (SGD with learning rate eps:
 * exactly the rule above) applies them; it returns the objective on the batch (the reconstruction error, which
 * recirculation lowers without ever differentiating it).
 *
 * <p>A generated class runs its own vectorized step ({@link CompiledModel#recirculate}, emitted by the compiler
 * like back-propagation); the loops here are the plain-Java rule, used by models without one (the reference
 * executor) and by the tests as the scalar truth the generated step is checked against.
 */
final class Recirculation {

    /** The paper's regression of the visible units toward their first value (lambda). */
    static final double REGRESSION = RecirculationEmitter.REGRESSION;

    private final CompiledModel m;
    private final Graph.Dense encoder;
    private final Graph.Dense decoder;
    private final int code;
    private final int reconstruction;

    Recirculation(CompiledModel m, Lowering.Lowered ir) {
        this.m = m;
        Graph g = ir.graph();
        this.code = ir.code();
        this.reconstruction = ir.reconstruction();
        this.decoder = (Graph.Dense) g.node(inputOf(g.node(reconstruction)));
        this.encoder = (Graph.Dense) g.node(inputOf(g.node(code)));
        if (encoder.input() != 0 || decoder.input() != code)
            throw new IllegalArgumentException(
                    "ae4j bug: recirculation needs x -> dense -> sigmoid -> dense -> sigmoid");
    }

    private static int inputOf(Graph.Node n) {
        if (n instanceof Graph.Activate a) return a.input();
        throw new IllegalArgumentException("ae4j bug: recirculation needs sigmoid units, got " + n);
    }

    /** One update from the rows of x: the gradient buffers hold minus the mean update; returns the objective. */
    double step(float[] x, int rows, long seed, long step) {
        return m.hasRecirculation() ? m.recirculate(x, rows, seed, step) : loops(x, rows, seed, step);
    }

    /** The update by plain loops over the activities, as the paper writes it. */
    double loops(float[] x, int rows, long seed, long step) {
        int d = m.inputWidth();
        int hw = encoder.width();
        double loss = m.loss(x, rows, seed, step, false);
        float[] h1 = Arrays.copyOf(m.value(code), rows * hw);
        float[] r = m.value(reconstruction);
        float[] v2 = new float[rows * d];
        for (int i = 0; i < rows * d; i++) v2[i] = (float) (REGRESSION * x[i] + (1 - REGRESSION) * r[i]);
        float[] h3 = Forward.values(m, code, v2, rows, d, hw);
        float[][] grads = m.grads();
        float[] dWv = grads[decoder.weight()];
        float[] dWh = grads[encoder.weight()];
        Arrays.fill(dWv, 0f);
        Arrays.fill(dWh, 0f);
        float[] dbv = decoder.bias() >= 0 ? grads[decoder.bias()] : null;
        float[] dbh = encoder.bias() >= 0 ? grads[encoder.bias()] : null;
        if (dbv != null) Arrays.fill(dbv, 0f);
        if (dbh != null) Arrays.fill(dbh, 0f);
        float scale = -1f / rows; // a gradient: the optimizer subtracts it
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < d; i++) {
                float e = scale * (x[b * d + i] - v2[b * d + i]); // decoder unit i, v(0) - v(2)
                if (e == 0f) continue;
                for (int j = 0; j < hw; j++) dWv[i * hw + j] += e * h1[b * hw + j];
                if (dbv != null) dbv[i] += e;
            }
            for (int j = 0; j < hw; j++) {
                float e = scale * (h1[b * hw + j] - h3[b * hw + j]); // hidden unit j, h(1) - h(3)
                for (int i = 0; i < d; i++) dWh[j * d + i] += e * v2[b * d + i];
                if (dbh != null) dbh[j] += e;
            }
        }
        return loss;
    }
}
