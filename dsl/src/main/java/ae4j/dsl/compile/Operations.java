package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.runtime.CompiledModel;

/**
 * What the IR's operations offer outside the compiler. Each operation lives in one file with everything it
 * defines: what it computes and its comment, its generated forward and backward, its double-precision reference
 * forward and backward, and its Jacobian ({@link InputOp}, {@link CorruptOp}, {@link DenseOp}, {@link ActivateOp},
 * {@link NoiseOp}, {@link ProbeOp}, {@link SoftmaxOp}, {@link FreeCodeOp}); a new operation is a new such file and
 * one case in each dispatch.
 */
public final class Operations {

    private Operations() {}

    /**
     * One step of the forward-mode Jacobian of the encoder at row {@code row} of the model's last forward pass:
     * the Jacobian of node {@code n}'s output with respect to x, from {@code m}, its input's ({@code d} columns;
     * null for the identity). Noise steps are the identity (an evaluation adds none).
     */
    public static double[] jacobian(Node n, double[] m, int d, int row, CompiledModel model, Graph g) {
        return switch (n) {
            case Dense dn -> DenseOp.jacobian(dn, m, d, model.params()[dn.weight()], g.width(dn.input()));
            case Activate a -> ActivateOp.jacobian(a, m == null ? identity(d) : m, d, model.value(a.input()), row);
            case Softmax s -> SoftmaxOp.jacobian(s, m == null ? identity(d) : m, d, model.value(s.id()), row);
            case AddNoise an -> m;
            default -> throw new IllegalStateException("ae4j bug: no Jacobian through " + n);
        };
    }

    private static double[] identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = 1;
        return m;
    }
}
