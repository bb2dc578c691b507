package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.Term;

/**
 * The proximal (ISTA) treatment of the L1 penalty on a free code (14.19): each of the code's steps is a gradient
 * step on the smooth part of the objective (every term but the l1 terms on the code) followed by soft-thresholding
 * by lr * lambda, lambda the summed weight of those l1 terms; entries the threshold reaches become exactly zero.
 * Without a positive lambda the steps are plain gradient steps on the whole objective.
 */
final class ProximalCode {

    private ProximalCode() {}

    /** The summed weight of the objective's l1 terms on the free code (0 without a free code or such terms). */
    static double lambda(Graph g) {
        FreeCode free = g.freeCode();
        if (free == null) return 0;
        double sum = 0;
        for (Term t : g.objective()) if (t instanceof L1 l && l.node() == free.id()) sum += l.weight();
        return sum;
    }

    /** True when term t is an l1 term on the free code taken by the soft-threshold: it seeds no gradient. */
    static boolean handles(Graph g, Term t) {
        FreeCode free = g.freeCode();
        return free != null && t instanceof L1 l && l.node() == free.id() && lambda(g) > 0;
    }

    /** The soft-threshold of v by t >= 0: sign(v) max(|v| - t, 0). */
    static double shrink(double v, double t) {
        return v > t ? v - t : v < -t ? v + t : 0;
    }
}
