package ae4j.dsl.analysis;

import ae4j.dsl.compile.Lowering;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Losses;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder as a function of any code: the IR operations from the code node to the reconstruction (dense
 * layers, pointwise activations, softmax), evaluated in float with the model's current parameters. The
 * compiled class computes codes from inputs; this lets an analysis decode codes no input produced, such as
 * the points between two codes.
 */
public final class DecodePath {

    private final CompiledModel m;
    private final List<Graph.Node> ops; // code -> reconstruction, in order
    private final int codeWidth;

    private DecodePath(CompiledModel m, List<Graph.Node> ops, int codeWidth) {
        this.m = m;
        this.ops = ops;
        this.codeWidth = codeWidth;
    }

    /**
     * The decoder of a lowered model whose decoder has {@code layers} dense layers: the operations back from the
     * reconstruction through that many dense layers (the code they start from is whichever application of the
     * encoder the reconstruction decodes, f(x~) for a denoising model). Null when the model has no decoder or
     * its path holds an operation not listed above.
     */
    public static DecodePath of(CompiledModel m, Lowering.Lowered ir, int layers) {
        if (ir.reconstruction() < 0 || layers < 1) return null;
        Graph g = ir.graph();
        List<Graph.Node> ops = new ArrayList<>();
        int id = ir.reconstruction();
        int dense = 0;
        while (dense < layers) {
            Graph.Node n = g.node(id);
            switch (n) {
                case Graph.Dense dn -> {
                    id = dn.input();
                    dense++;
                }
                case Graph.Activate a -> id = a.input();
                case Graph.Softmax s -> id = s.input();
                default -> {
                    return null;
                }
            }
            ops.addFirst(n);
        }
        return new DecodePath(m, ops, g.width(id));
    }

    public int codeWidth() {
        return codeWidth;
    }

    /** The reconstruction of each of the n codes (n x codeWidth, row-major). */
    public float[] decode(float[] codes, int n) {
        float[] x = codes;
        int width = codeWidth;
        for (Graph.Node op : ops) {
            float[] y = new float[n * op.width()];
            switch (op) {
                case Graph.Dense dn -> dense(dn, x, width, n, y);
                case Graph.Activate a -> {
                    for (int i = 0; i < y.length; i++) y[i] = a.activation().apply(x[i]);
                }
                case Graph.Softmax s -> Losses.softmax(n, s.width(), x, 0, s.width(), y, 0, s.width());
                default -> throw new IllegalStateException("ae4j bug: " + op + " on a decoder path");
            }
            x = y;
            width = op.width();
        }
        return x;
    }

    /** y = x W^T + b, or x W + b for a tied layer (W the encoder's weight), as the generated class computes. */
    private void dense(Graph.Dense dn, float[] x, int in, int n, float[] y) {
        float[] w = m.params()[dn.weight()];
        float[] b = dn.bias() >= 0 ? m.params()[dn.bias()] : null;
        int out = dn.width();
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double s = b != null ? b[j] : 0;
                for (int i = 0; i < in; i++) s += x[r * in + i] * (dn.transposed() ? w[i * out + j] : w[j * in + i]);
                y[r * out + j] = (float) s;
            }
        }
    }
}
