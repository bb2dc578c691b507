package ae4j.dsl.compile;

/**
 * What an operation's generated code is written with: the class layout (names, liveness, packs), the writer, and
 * whether this is the training step's forward pass (noise always, weights packed) or an evaluation (noise when
 * {@code noisy}, packed weights when {@code prepacked}).
 */
record Emit(ClassLayout layout, SourceWriter w, boolean training) {

    /** Where rows [r0, r0 + batch) of the scratch buffer start (any width up to SW fits in its rows). */
    static final String SCR = "r0 * SW";

    /** {@code System.arraycopy} of rows [r0, r0 + batch) from node {@code from} into node {@code to} (same width). */
    void copy(int from, int to) {
        String o = layout.off(to);
        w.line("System.arraycopy(" + layout.value(from) + ", " + o + ", " + layout.value(to) + ", " + o + ", "
                + layout.count(to) + ");");
    }

    /** The Philox counter of rows [r0, ...) of node id: (step * maxBatch + row) * width, the same however split. */
    String counter(int id) {
        return "(step * (long) maxBatch + r0) * " + layout.width(id);
    }
}
