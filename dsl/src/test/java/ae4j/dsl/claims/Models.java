package ae4j.dsl.claims;

import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;

/** Small helpers for the book-claim tests: compile an IR graph, initialise it, read a node's values. */
final class Models {

    private Models() {}

    /** The graph's generated class with room for maxBatch rows and Glorot weights from the seed, as ae4j run builds it. */
    static CompiledModel compile(Graph g, int maxBatch, long seed) {
        return ModelBuilder.generated().instantiate(g, maxBatch, seed);
    }

    /** Runs the model without noise on all n rows (in batches) and gathers node {@code id}'s values. */
    static float[] values(CompiledModel m, float[] x, int n, int d, int id, int width) {
        float[] out = new float[n * width];
        int b = m.maxBatch();
        float[] buf = new float[b * d];
        for (int from = 0; from < n; from += b) {
            int rows = Math.min(b, n - from);
            System.arraycopy(x, from * d, buf, 0, rows * d);
            m.loss(buf, rows, 0, 0, false);
            System.arraycopy(m.value(id), 0, out, from * width, rows * width);
        }
        return out;
    }
}
