package ae4j.dsl.ir;

import ae4j.vecmath.Activation;
import java.util.List;

/**
 * The IR of one model: a small DAG of typed tensor operations over batch x width values, in topological
 * order, plus the parameters and the objective. Shapes are fixed except the batch.
 *
 * <p>Conventions (shared by the reference executor and the code generator): a dense weight is stored
 * out x in (as PyTorch's Linear), so a layer computes {@code Y = X W^T + b}; a tied decoder layer uses the
 * encoder's W without a copy, {@code Y = X W + b}. The objective is the batch mean of the per-example
 * objective, sum_k weight_k * term_k(example).
 */
public record Graph(String name, List<Param> params, List<Node> nodes, List<Term> objective, Origins origins) {

    public Graph {
        params = List.copyOf(params);
        nodes = List.copyOf(nodes);
        objective = List.copyOf(objective);
        origins = origins == null ? Origins.NONE : origins;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id() != i)
                throw new IllegalArgumentException(
                        "node " + i + " has id " + nodes.get(i).id());
        }
        long free = nodes.stream().filter(n -> n instanceof FreeCode).count();
        if (free > 1) throw new IllegalArgumentException("at most one free code node, got " + free);
    }

    /** This graph with every noise-before-the-code operation at {@code sigma}. */
    public Graph withNoiseSigma(double sigma) {
        List<Node> changed = nodes.stream()
                .map(n -> n instanceof AddNoise a ? (Node) new AddNoise(a.id(), a.input(), sigma, a.width()) : n)
                .toList();
        return new Graph(name, params, changed, objective, origins);
    }

    /** Without origins. */
    public Graph(String name, List<Param> params, List<Node> nodes, List<Term> objective) {
        this(name, params, nodes, objective, Origins.NONE);
    }

    /**
     * What the model calls its nodes and terms, for generated code: where each comes from in the DSL
     * ("line 7: dense 256 relu"), each node's name ("x", "xTilde", "f0Pre", "h", "g1OfX": the input, x~, a layer's
     * pre-activation, the code, a layer of the encoder applied to x) and the name of its width ("x", "f0", "h").
     * Every entry is optional: a missing one means unknown (the generator then numbers the node).
     */
    public record Origins(
            java.util.Map<Integer, String> nodes,
            java.util.Map<Integer, String> terms,
            java.util.Map<Integer, String> names,
            java.util.Map<Integer, String> sizes) {
        public static final Origins NONE =
                new Origins(java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of());

        public Origins {
            nodes = java.util.Map.copyOf(nodes);
            terms = java.util.Map.copyOf(terms);
            names = java.util.Map.copyOf(names);
            sizes = java.util.Map.copyOf(sizes);
        }

        /** Origins without names. */
        public Origins(java.util.Map<Integer, String> nodes, java.util.Map<Integer, String> terms) {
            this(nodes, terms, java.util.Map.of(), java.util.Map.of());
        }
    }

    /** The model's name for node id ("xTilde", "h"), or null. */
    public String nodeName(int id) {
        return origins.names().get(id);
    }

    /** The name of node id's width ("x", "f0", "h"), or null. */
    public String sizeName(int id) {
        return origins.sizes().get(id);
    }

    /** The same graph under another name (a test compiles one graph under several class names). */
    public Graph renamed(String newName) {
        return new Graph(newName, params, nodes, objective, origins);
    }

    /** The DSL origin of node id, or null. */
    public String nodeOrigin(int id) {
        return origins.nodes().get(id);
    }

    /** The DSL origin of objective term k, or null. */
    public String termOrigin(int k) {
        return origins.terms().get(k);
    }

    /** The free code node, or null when the model has none. */
    public FreeCode freeCode() {
        for (Node n : nodes) if (n instanceof FreeCode f) return f;
        return null;
    }

    /** The parameter index of every dense weight, each once and in node order (a tied decoder shares its encoder's). */
    public int[] denseWeights() {
        return nodes.stream()
                .filter(n -> n instanceof Dense)
                .mapToInt(n -> ((Dense) n).weight())
                .distinct()
                .toArray();
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public int width(int id) {
        return nodes.get(id).width();
    }

    /** A trainable tensor: rows x cols floats (a bias is 1 x n). */
    public record Param(String name, int rows, int cols) {
        public int size() {
            return rows * cols;
        }
    }

    /** One operation; {@code id} is its index in {@link #nodes}. */
    public sealed interface Node {
        int id();

        int width();
    }

    /** The data x. */
    public record Input(int id, int width) implements Node {}

    /** x~ drawn from C(x~ | x): fresh noise every step; no gradient flows through it. */
    public record Corrupt(int id, int input, Corruption process, int width) implements Node {}

    /**
     * {@code Y = X W^T + b} with W = params[weight] (width x in), or, when {@code transposed} (a tied
     * decoder), {@code Y = X W + b} with W = params[weight] (in x width). bias = -1 for none.
     */
    public record Dense(int id, int input, int weight, int bias, boolean transposed, int width) implements Node {}

    /** Y = f(X) elementwise. */
    public record Activate(int id, int input, Activation activation, int width) implements Node {}

    /** Y = X + sigma * N(0, 1) during training (noise before a code nonlinearity, 14.9); identity otherwise. */
    public record AddNoise(int id, int input, double sigma, int width) implements Node {}

    /**
     * Y = X + sigma * N(0, 1) always, in training and evaluation: the random probe of the stochastic
     * Jacobian estimate (see {@link JacobianEstimate}). Noise in {@code sampled[id]} for the reference.
     */
    public record Probe(int id, int input, double sigma, int width) implements Node {}

    /** Row-wise softmax: Y_rj = exp(X_rj) / sum_k exp(X_rk). Backward: dX_rj = Y_rj (dY_rj - sum_k Y_rk dY_rk). */
    public record Softmax(int id, int input, int width) implements Node {}

    /**
     * A free code (predictive sparse decomposition, 14.19): a variable initialised at the value of
     * {@code init} (normally f(x)), then improved by {@code steps} gradient steps h -= lr * dJ/dh on the
     * per-example objective J (the batch mean's gradient times the batch, so lr does not depend on the
     * batch size), every other node held fixed; after the steps, the objective and the parameter gradients
     * are taken at the final h. With l1 terms on h (summed weight lambda > 0) each step is proximal (ISTA): the
     * gradient step leaves those terms out and is followed by soft-thresholding by lr * lambda, so entries become
     * exactly zero. No gradient flows from h back into {@code init}: the encoder learns only through terms that
     * use {@code init} itself, such as mse(h, f(x)).
     */
    public record FreeCode(int id, int init, int steps, double lr, int width) implements Node {}

    /** Corruption processes C(x~ | x) (14.5); composed by nesting. */
    public sealed interface Corruption {
        record Gaussian(double sigma) implements Corruption {}

        record Masking(double p) implements Corruption {}

        record SaltPepper(double p) implements Corruption {}

        /** Apply {@code first}, then {@code then}. */
        record Then(Corruption first, Corruption then) implements Corruption {}
    }

    /** A weighted term of the objective. */
    public sealed interface Term {
        double weight();
    }

    /** sum_i (a_i - b_i)^2. */
    public record Mse(double weight, int a, int b) implements Term {}

    /**
     * -log p(x | logits) for a Bernoulli decoder: sum_i max(z,0) - z x + log(1 + e^-|z|), on the decoder's
     * pre-sigmoid logits z (stable for large |z|).
     */
    public record BernoulliNll(double weight, int target, int logits) implements Term {}

    /** sum_i (x_i - r_i)^2 / (2 sigma^2) (the constant dropped): a Gaussian decoder with fixed sigma. */
    public record GaussianNll(double weight, int target, int mean, double sigma) implements Term {}

    /**
     * -log p(x | logits) for a categorical (softmax) decoder, per row: sum_j t_j (lse(z) - z_j) with
     * lse(z) = log sum_k exp(z_k), on the decoder's pre-softmax logits z. For a one-hot (or any
     * distribution) target this is the cross-entropy; for other non-negative targets (a binarized image
     * read as counts over positions) it is the multinomial negative log-likelihood up to a constant, with
     * the exact gradient dz_j = T softmax(z)_j - t_j, T = sum_j t_j.
     */
    public record CategoricalNll(double weight, int target, int logits) implements Term {}

    /**
     * The KL sparsity penalty (14.2.1) of a sigmoid code: sum_j KL(rho || q_j) with q_j the batch mean of
     * h_j, KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q)); q is clamped to
     * [1e-6, 1 - 1e-6] (the gradient evaluated at the clamped q). A batch-level quantity: the term value is
     * the penalty itself, not a per-example mean.
     */
    public record KlSparsity(double weight, int node, double rho) implements Term {}

    /**
     * A stochastic estimate of the contractive penalty ||df/dx||_F^2 for any encoder:
     * sum_i (perturbed_i - clean_i)^2 / sigma^2 with perturbed = f(x + sigma eps), eps ~ N(0, I) (a
     * {@link Probe}), clean = f(x). Its expectation is ||J||_F^2 + O(sigma^2): one sample per example and
     * step, unbiased only as sigma goes to 0.
     */
    public record JacobianEstimate(double weight, int perturbed, int clean, double sigma) implements Term {}

    /** sum_i |h_i| (14.6). */
    public record L1(double weight, int node) implements Term {}

    /** sum_i h_i^2. */
    public record L2(double weight, int node) implements Term {}

    /** sum of squared weights of every dense weight (not biases). */
    public record WeightDecay(double weight) implements Term {}

    /**
     * The contractive penalty ||dh/dx||_F^2 (14.18) for a single-layer encoder h = s(x W^T + b), in closed
     * form: sum_j (s'_j)^2 ||W_j||^2 with s' from the code h (sigmoid: h(1-h); tanh: 1-h^2).
     */
    public record Contractive(double weight, int code, int encoderWeight, Activation activation) implements Term {}
}
