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

    /** The seeding of a term's node gradients (rows at {@code o}), in one {@code if (seedGradients)} block. */
    static void block(
            ClassLayout layout, SourceWriter w, String n, String o, String[] alpha, String[] src, int[] nodes) {
        w.open("if (seedGradients) {");
        for (int i = 0; i < nodes.length; i++) seed(layout, w, n, o, alpha[i], src[i], nodes[i]);
        w.close("}");
    }

    /** A norm term of one node: its value from {@code value}, its gradient seeded by {@code gradient} (Norms kernels). */
    static void norm(String tk, int node, String value, String gradient, Emit e) {
        ClassLayout layout = e.layout();
        String n = layout.count(node);
        String o = layout.off(node);
        String v = layout.value(node);
        e.w().line(tk + " = " + value + "(" + n + ", " + v + ", " + o + ") * inv;");
        if (layout.needsGradient(node)) {
            boolean ow = layout.claimWrite(layout.grad(node), true);
            e.w().line("if (seedGradients) " + gradient + "(" + n + ", scale, " + v + ", " + o + ", "
                    + layout.grad(node) + ", " + o + ", " + !ow + ");");
        }
    }

    /** grad[to] += grad[from] over the node's rows: the gradient of noise added to {@code to}. */
    static void pass(Emit e, int from, int to) {
        ClassLayout l = e.layout();
        seed(l, e.w(), l.count(from), l.off(from), "1f", l.grad(from), to);
    }
}
