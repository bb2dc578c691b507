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
        return ae4j.dsl.runtime.Forward.valuesAfterCodeSteps(m, id, x, n, d, width);
    }
}
