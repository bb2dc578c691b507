package ae4j.dsl.analysis;

import ae4j.dsl.compile.Operations;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The exact Jacobian J(x) = df/dx of an encoder (code size x input size), for encoders of any depth, at
 * many points at once.
 *
 * <p>The encoder is the chain of IR nodes from the input of the code's application (node 0, or the
 * corrupted input x~ when the code is f(x~): the analyses evaluate without corruption, so x~ = x) to the
 * code node. Supported links: {@link Dense} (plain or transposed for a tied layer), {@link Activate} (any
 * {@link Activation}), {@link Softmax}, and {@link AddNoise} (identity outside training). A {@link FreeCode}
 * code is differentiated through its initialisation f(x). Forward values come from the model itself
 * ({@code model.forwardTo(x, n, code)}, then {@code model.value(id)}); the product
 * J = D_L W_L ... D_1 W_1 is formed in double from the model's current float parameters, with the
 * derivatives D_l of the activations computed in double from the float pre-activations.
 */
public final class EncoderJacobian {

    /** Jacobians and codes at n points: {@code jacobians[r]} is codeWidth x inputWidth, row-major. */
    public record Batch(int n, int codeWidth, int inputWidth, double[][] jacobians, float[] codes) {}

    private final CompiledModel model;
    private final Graph graph;
    private final int code;
    private final int source;
    private final List<Node> chain;

    /**
     * The encoder of {@code graph} ending at node {@code codeNode}.
     *
     * @throws IllegalArgumentException when the path to the code contains an unsupported node
     */
    public EncoderJacobian(CompiledModel model, Graph graph, int codeNode) {
        this.model = model;
        this.graph = graph;
        int id = codeNode;
        if (graph.node(id) instanceof FreeCode f) id = f.init();
        this.code = id;
        List<Node> c = new ArrayList<>();
        while (true) {
            Node n = graph.node(id);
            switch (n) {
                case Input in -> {
                    this.source = id;
                    Collections.reverse(c);
                    this.chain = List.copyOf(c);
                    return;
                }
                case Corrupt cr -> {
                    this.source = id;
                    Collections.reverse(c);
                    this.chain = List.copyOf(c);
                    return;
                }
                case Dense d -> {
                    c.add(d);
                    id = d.input();
                }
                case Activate a -> {
                    c.add(a);
                    id = a.input();
                }
                case AddNoise a -> {
                    c.add(a);
                    id = a.input();
                }
                case Softmax s -> {
                    c.add(s);
                    id = s.input();
                }
                default ->
                    throw new IllegalArgumentException("the encoder Jacobian cannot pass node " + id + " (" + n
                            + ") on the way from the code node " + codeNode + " to the input");
            }
        }
    }

    /** For the model, IR and code of an analysis. */
    public static EncoderJacobian of(AnalysisContext ctx) {
        return new EncoderJacobian(ctx.model(), ctx.ir().graph(), ctx.ir().code());
    }

    /** The code node whose Jacobian this is (the free code's initialisation for a free code). */
    public int codeNode() {
        return code;
    }

    /** The node the Jacobian is taken with respect to (input x, or x~ which equals x in evaluation). */
    public int sourceNode() {
        return source;
    }

    /** The nodes from the source (exclusive) to the code (inclusive), in forward order. */
    public List<Node> chain() {
        return chain;
    }

    public int codeWidth() {
        return graph.width(code);
    }

    public int inputWidth() {
        return graph.width(source);
    }

    /** The code's activation when the code node is an {@link Activate}, else null. */
    public Activation codeActivation() {
        return graph.node(code) instanceof Activate a ? a.activation() : null;
    }

    /** Jacobians and codes at rows [0, n) of x (row-major, n x inputWidth); any n (run in model batches). */
    public Batch at(float[] x, int n) {
        int d = inputWidth(), k = codeWidth();
        if (x.length < (long) n * d)
            throw new IllegalArgumentException(n + " rows of " + d + " need " + n * d + " values");
        double[][] jac = new double[n][];
        float[] codes = new float[n * k];
        int b = model.maxBatch();
        float[] buf = new float[b * model.inputWidth()];
        for (int from = 0; from < n; from += b) {
            int rows = Math.min(b, n - from);
            System.arraycopy(x, from * d, buf, 0, rows * d);
            model.forwardTo(buf, rows, code); // not encode: the Jacobian reads the pre-activations too
            System.arraycopy(model.value(code), 0, codes, from * k, rows * k);
            for (int r = 0; r < rows; r++) jac[from + r] = jacobianOfRow(r);
        }
        return new Batch(n, k, d, jac, codes);
    }

    /** The Jacobian at row r of the last forward pass: forward-mode through the chain. */
    private double[] jacobianOfRow(int r) {
        int d = inputWidth();
        double[] m = null; // current Jacobian (rows x d); null = identity
        int rows = d;
        for (Node n : chain) {
            m = Operations.jacobian(n, m, d, r, model, graph);
            if (n instanceof Dense) rows = n.width();
        }
        if (m == null) m = identity(d);
        if (rows != codeWidth())
            throw new IllegalStateException("chain ends with " + rows + " rows, code has " + codeWidth());
        return m;
    }

    private static double[] identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = 1;
        return m;
    }

    /** ||J||_F of a row-major Jacobian. */
    public static double frobenius(double[] j) {
        double s = 0;
        for (double v : j) s += v * v;
        return Math.sqrt(s);
    }
}
