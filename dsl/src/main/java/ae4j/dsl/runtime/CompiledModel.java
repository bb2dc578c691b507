package ae4j.dsl.runtime;

import java.util.List;

/**
 * What a generated model class implements. Shapes are constants of the class; buffers are sized once for
 * {@link #maxBatch()} rows, so a training step allocates nothing.
 */
public interface CompiledModel {

    /** A trainable tensor of the model: rows x cols floats. */
    record ParamInfo(String name, int rows, int cols) {}

    String name();

    int maxBatch();

    int inputWidth();

    List<ParamInfo> paramInfo();

    /** The parameter arrays, in {@link #paramInfo()} order (live: writing them changes the model). */
    float[][] params();

    /** The gradient arrays, same order and shapes as {@link #params()}. */
    float[][] grads();

    /**
     * Forward and backward on rows [0, batch) of x (row-major, batch x inputWidth): fills {@link #grads()}
     * with the gradient of the objective (the batch mean) and returns it. Corruption and noise are drawn
     * from Philox4x32 at (seed, stream = node id, counter = step * maxBatch * width + element). Computes
     * only the nodes the objective depends on (not, say, a denoising model's clean code f(x) or the
     * decoder's output sigmoid under a Bernoulli loss on the logits): read {@link #value} after {@link #loss}.
     * A batch of at least two parts' worth of rows is split across threads ({@link BatchSplit}); the
     * result does not depend on the thread count.
     */
    double forwardBackward(float[] x, int batch, long seed, long step);

    /**
     * A training step with the optimizer's update inside it: as {@link #forwardBackward(float[], int, long,
     * long)}, then, if {@code update.begin(objective)} allows, every parameter updated with its gradient, each
     * thread updating the share of a parameter whose gradient it has just computed (and packing the updated
     * weights for the next step), with no pass or hand-off of its own. The parameters get the bits that
     * forwardBackward followed by the same update of every whole tensor gives them.
     */
    default double forwardBackward(float[] x, int batch, long seed, long step, ParamUpdate update) {
        double loss = forwardBackward(x, batch, seed, step);
        if (update != null && update.begin(loss)) {
            float[][] p = params();
            for (int i = 0; i < p.length; i++) update.update(i, 0, p[i].length);
        }
        return loss;
    }

    /** The objective without gradients (no corruption or training noise unless {@code training}). */
    double loss(float[] x, int batch, long seed, long step, boolean training);

    /**
     * Evaluates rows [0, batch) of x without corruption or noise up to node {@code id}: afterwards
     * {@link #value} holds, for that node and every node before it, what {@code loss(x, batch, 0, 0, false)}
     * would leave there (the nodes after it are not computed: an encoder without its decoder). A model with a
     * free code (predictive sparse decomposition, 14.8) runs as deployed: the code is left at its initial value
     * f(x), without the steps {@link #loss} takes on it (after {@code loss}, the code is the optimised h*), and
     * the nodes after it follow from f(x).
     */
    default void forwardTo(float[] x, int batch, int id) {
        loss(x, batch, 0, 0, false);
    }

    /**
     * {@link #forwardTo} as a deployed encoder runs it, for reading node {@code id} (normally the code): the same
     * values of that node, bit for bit, computed faster. In a generated class each dense layer followed by its
     * activation is one GEMM with the bias and the activation fused into its store, the weights are packed once per
     * call (the threads sharing the packing), and the rows are split among the threads; activations that cannot
     * fuse (softmax, an activation of a node something else reads too) keep their own pass. Afterwards
     * {@link #value} holds node {@code id} and the nodes before it as {@code forwardTo} leaves them, except the
     * pre-activation (the dense node) of every layer whose activation was fused, which is not written (asked for
     * itself, {@code id} being that dense node, it is). Corruption and noise nodes hold copies of their input, as
     * after {@code forwardTo}. The default runs {@code forwardTo}.
     */
    default void encode(float[] x, int batch, int id) {
        encode(x, 0, batch, id);
    }

    /**
     * {@link #encode(float[], int, int)} of rows [offset, offset + batch) of x, read where they are (a generated
     * class's first layer multiplies them in place; the input node's value is written only when something other
     * than a dense layer reads it, or {@code id} is the input). The values land in rows [0, batch) of the nodes.
     */
    default void encode(float[] x, int offset, int batch, int id) {
        if (offset == 0) {
            forwardTo(x, batch, id);
        } else {
            int d = inputWidth();
            forwardTo(java.util.Arrays.copyOfRange(x, offset * d, (offset + batch) * d), batch, id);
        }
    }

    /** The sigma of the noise before the code (section 14.9) in training steps; NaN when the model has none. */
    default double noiseSigma() {
        return Double.NaN;
    }

    /** Sets that sigma: training drives it by the noise's schedule, and leaves it at its final value. */
    default void setNoiseSigma(double sigma) {
        throw new UnsupportedOperationException("model " + name() + " has no noise before the code");
    }

    /**
     * Whether the class has a generated recirculation step ({@link #recirculate}): a one-hidden-layer sigmoid
     * autoencoder with one mse term, the model recirculation (Hinton and McClelland 1988) trains.
     */
    default boolean hasRecirculation() {
        return false;
    }

    /**
     * One recirculation step on rows [0, batch) of x instead of back-propagation: fills {@link #grads()} with minus
     * the batch mean of the paper's local updates (so an SGD step of learning rate eps applies them) and returns the
     * objective of the first pass. Only where {@link #hasRecirculation()}.
     */
    default double recirculate(float[] x, int batch, long seed, long step) {
        throw new UnsupportedOperationException(
                "model " + name() + " has no recirculation step: it trains a one-hidden-layer sigmoid autoencoder"
                        + " with one mse term");
    }

    /** The weighted objective's terms (unweighted, batch means) of the last forward pass. */
    double[] lastTerms();

    /**
     * The value of IR node {@code id} from the last forward pass (rows [0, batch) are valid). After
     * {@link #loss} every node is current; after {@link #forwardBackward} only those the objective depends on; after
     * {@link #forwardTo} the node asked for and those before it; after {@link #encode} the same but the fused
     * layers' pre-activations.
     */
    float[] value(int id);
}
