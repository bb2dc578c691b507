package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;

/** The one way generated code adds into a node's gradient buffer (used by the objective and the backward pass). */
final class GradientSeeds {

    private GradientSeeds() {}

    /**
     * grad[node] += alpha * src over n floats from {@code o}, or a copy when alpha is 1 and this is the buffer's
     * first write; nothing when no parameter lies upstream of the node (its gradient is never read).
     */
    static void seed(ClassLayout layout, SourceWriter w, String n, String o, String alpha, String src, int node) {
        if (!layout.needsGradient(node)) return;
        String so = src.equals("scratch") ? SCR : o;
        String d = layout.grad(node);
        if (layout.claimWrite(d, alpha.equals("1f")))
            w.line("System.arraycopy(" + src + ", " + so + ", " + d + ", " + o + ", " + n + ");");
        else w.line("Elementwise.axpy(" + n + ", " + alpha + ", " + src + ", " + so + ", " + d + ", " + o + ");");
    }
}
