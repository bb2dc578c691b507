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
public record Graph(String name, List<Param> params, List<Node> nodes, List<Term> objective) {

    public Graph {
        params = List.copyOf(params);
        nodes = List.copyOf(nodes);
        objective = List.copyOf(objective);
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id() != i) throw new IllegalArgumentException("node " + i + " has id " + nodes.get(i).id());
        }
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
    public record Input(int id, int width) implements Node {
    }

    /** x~ drawn from C(x~ | x): fresh noise every step; no gradient flows through it. */
    public record Corrupt(int id, int input, Corruption process, int width) implements Node {
    }

    /**
     * {@code Y = X W^T + b} with W = params[weight] (width x in), or, when {@code transposed} (a tied
     * decoder), {@code Y = X W + b} with W = params[weight] (in x width). bias = -1 for none.
     */
    public record Dense(int id, int input, int weight, int bias, boolean transposed, int width) implements Node {
    }

    /** Y = f(X) elementwise. */
    public record Activate(int id, int input, Activation activation, int width) implements Node {
    }

    /** Y = X + sigma * N(0, 1) during training (noise before a code nonlinearity, 14.9); identity otherwise. */
    public record AddNoise(int id, int input, double sigma, int width) implements Node {
    }

    /** Corruption processes C(x~ | x) (14.5); composed by nesting. */
    public sealed interface Corruption {
        record Gaussian(double sigma) implements Corruption {
        }

        record Masking(double p) implements Corruption {
        }

        record SaltPepper(double p) implements Corruption {
        }

        /** Apply {@code first}, then {@code then}. */
        record Then(Corruption first, Corruption then) implements Corruption {
        }
    }

    /** A weighted term of the objective. */
    public sealed interface Term {
        double weight();
    }

    /** sum_i (a_i - b_i)^2. */
    public record Mse(double weight, int a, int b) implements Term {
    }

    /**
     * -log p(x | logits) for a Bernoulli decoder: sum_i max(z,0) - z x + log(1 + e^-|z|), on the decoder's
     * pre-sigmoid logits z (stable for large |z|).
     */
    public record BernoulliNll(double weight, int target, int logits) implements Term {
    }

    /** sum_i (x_i - r_i)^2 / (2 sigma^2) (the constant dropped): a Gaussian decoder with fixed sigma. */
    public record GaussianNll(double weight, int target, int mean, double sigma) implements Term {
    }

    /** sum_i |h_i| (14.6). */
    public record L1(double weight, int node) implements Term {
    }

    /** sum_i h_i^2. */
    public record L2(double weight, int node) implements Term {
    }

    /** sum of squared weights of every dense weight (not biases). */
    public record WeightDecay(double weight) implements Term {
    }

    /**
     * The contractive penalty ||dh/dx||_F^2 (14.18) for a single-layer encoder h = s(x W^T + b), in closed
     * form: sum_j (s'_j)^2 ||W_j||^2 with s' from the code h (sigmoid: h(1-h); tanh: 1-h^2).
     */
    public record Contractive(double weight, int code, int encoderWeight, Activation activation) implements Term {
    }
}
