package ae4j.dsl.claims;

import ae4j.dsl.compile.InMemoryCompiler;
import ae4j.dsl.compile.JavaEmitter;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import java.util.SplittableRandom;

/** Small helpers for the book-claim tests: compile an IR graph, initialise it, read a node's values. */
final class Models {

    private static int counter;

    private Models() {
    }

    static synchronized CompiledModel compile(Graph g, int maxBatch, long seed) {
        Graph named = new Graph(g.name() + "_" + (counter++), g.params(), g.nodes(), g.objective());
        try {
            CompiledModel m = (CompiledModel) InMemoryCompiler.compile("ae4j.generated.claims." + JavaEmitter.classNameFor(named),
                    JavaEmitter.emit(named, "ae4j.generated.claims")).getConstructor(int.class).newInstance(maxBatch);
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < m.params().length; i++) {
                var info = m.paramInfo().get(i);
                double scale = info.rows() == 1 ? 0 : Math.sqrt(2.0 / (info.rows() + info.cols()));   // Glorot; zero biases
                float[] p = m.params()[i];
                for (int j = 0; j < p.length; j++) p[j] = (float) (r.nextGaussian() * scale);
            }
            return m;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
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
