package ae4j.dsl.compile;

import static ae4j.dsl.compile.Emit.SCR;
import static ae4j.dsl.compile.SourceWriter.f;

import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;

/**
 * x~ drawn from C(x~ | x) (section 14.5): a copy of x, then each corruption of the chain in order, each from its
 * own Philox stream, in training only. No gradient flows through it.
 */
final class CorruptOp {

    private CorruptOp() {}

    static String describe(Corrupt c, ClassLayout l) {
        return l.value(c.id()) + " = " + words(c.process(), l.value(c.input())) + ", fresh noise every training step";
    }

    /** The corruption as the language writes it: "salt_pepper(masking(x, p: 0.3), p: 0.1)". */
    private static String words(Corruption c, String x) {
        return switch (c) {
            case Corruption.Gaussian gs -> "gaussian(" + x + ", sigma: " + Comments.number(gs.sigma()) + ")";
            case Corruption.Masking m -> "masking(" + x + ", p: " + Comments.number(m.p()) + ")";
            case Corruption.SaltPepper sp -> "salt_pepper(" + x + ", p: " + Comments.number(sp.p()) + ")";
            case Corruption.Then t -> words(t.then(), words(t.first(), x));
        };
    }

    static void forward(Corrupt c, Emit e) {
        e.copy(c.input(), c.id());
        if (!e.training()) e.w().open("if (noisy) {");
        e.w().line("long base = " + e.counter(c.id()) + ";");
        steps(c.process(), c.id(), new int[] {0}, e);
        if (!e.training()) e.w().close("}");
    }

    /** Emits the corruption steps in order; each primitive draws from its own Philox stream. */
    private static void steps(Corruption c, int node, int[] k, Emit e) {
        ClassLayout l = e.layout();
        String v = l.value(node);
        String o = l.off(node);
        String count = l.count(node);
        switch (c) {
            case Corruption.Then t -> {
                steps(t.first(), node, k, e);
                steps(t.then(), node, k, e);
            }
            case Corruption.Gaussian gs ->
                e.w().line("Philox.addGaussian(seed, " + stream(node, k) + ", base, " + f(gs.sigma()) + ", " + v + ", "
                        + o + ", " + count + ");   // + sigma * N(0, I)");
            case Corruption.Masking m -> {
                e.w().line("Philox.bernoulli(seed, " + stream(node, k) + ", base, " + f(1 - m.p()) + ", 1f, scratch, "
                        + SCR + ", " + count + ");   // keep with probability 1 - p");
                e.w().line("Elementwise.mul(" + count + ", " + v + ", " + o + ", scratch, " + SCR + ", " + v + ", " + o
                        + ");");
            }
            case Corruption.SaltPepper sp -> {
                e.w().line("Philox.uniform(seed, " + stream(node, k) + ", base, scratch, " + SCR + ", " + count + ");");
                e.w().line("for (int i = 0, n = " + count + ", o = " + o + ", so = " + SCR
                        + "; i < n; i++) {   // with probability p/2 each: 0 or 1");
                e.w().line("    if (scratch[so + i] < " + f(sp.p() / 2) + ") " + v + "[o + i] = 0f;");
                e.w().line("    else if (scratch[so + i] < " + f(sp.p()) + ") " + v + "[o + i] = 1f;");
                e.w().line("}");
            }
        }
    }

    private static int stream(int node, int[] k) {
        return node * 8 + k[0]++;
    }

    /** The corrupted input is supplied: {@code sampled[id]} (see {@link ReferenceModel} for the draw). */
    static double[] reference(Corrupt c, RefState r) {
        return r.sampled()[c.id()].clone();
    }
}
