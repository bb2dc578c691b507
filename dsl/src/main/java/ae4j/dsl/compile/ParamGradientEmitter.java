package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.WeightDecay;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code paramGradients(t, parts, batch, u)} of a generated class: after every part's node gradients, part t of
 * parts computes rows [lo, hi) of every weight gradient (columns of a bias; whole blocks of {@link #ALIGN} rows),
 * whole products over the batch with no partial sums to add, so the bits do not depend on the number of parts;
 * given an update {@code u}, it updates those rows of each parameter right after the last product that adds to its
 * gradient (while they are in the cache) and packs them for the next step.
 */
final class ParamGradientEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private SourceWriter w; // swapped while a chunk method is written (see emit)
    private final Comments comments;
    /** Parts own whole blocks of this many rows of a gradient (whole gathers when the update packs them). */
    static final int ALIGN = 32;
    /** The units lo and hi were last computed for (-1: none yet). */
    private int rangeUnits = -1;

    ParamGradientEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
    }

    void emit() {
        w.line(
                "/** Gradients of the parameters over the whole batch: part t of parts computes rows [lo, hi) of each (and updates them with u). */");
        w.open("private void paramGradients(int t, int parts, int batch, ParamUpdate u) {");
        rangeUnits = -1;
        if (g.objective().stream().anyMatch(t -> t instanceof Contractive)) w.line("double inv = 1.0 / batch;");
        w.line("int lo, hi;");
        w.resetOrigin();
        for (int pi : layout.zeroedParams) {
            range(pi);
            w.line("java.util.Arrays.fill(" + layout.paramGrad(pi) + ", " + unitOffset(pi, "lo") + ", "
                    + unitOffset(pi, "hi") + ", 0f);");
        }
        Emit e = new Emit(layout, w, true);
        List<Integer> shares = new ArrayList<>(); // the terms with a direct share in the parameter gradients
        for (int k = 0; k < g.objective().size(); k++) {
            if (g.objective().get(k) instanceof WeightDecay || g.objective().get(k) instanceof Contractive)
                shares.add(k);
        }
        int per = ObjectiveEmitter.TERMS_PER_METHOD;
        // Many terms go in methods of their own (one Java method holds 64 KB of bytecode). Each method is
        // written where its call is, into a writer of its own, so that the layout's record of first writes
        // follows the order the code runs in; the methods are appended after paramGradients.
        SourceWriter methods = new SourceWriter();
        methods.indent();
        if (shares.size() <= per) {
            shares(shares, e);
        } else {
            SourceWriter main = w;
            int mainRange = rangeUnits;
            for (int from = 0; from < shares.size(); from += per) {
                main.line(chunkName(from) + "(t, parts, batch);");
                List<Integer> chunk = shares.subList(from, Math.min(shares.size(), from + per));
                w = methods;
                w.line("/** The parameter-gradient shares of objective terms " + chunk.get(0) + " to "
                        + chunk.get(chunk.size() - 1) + ", rows [lo, hi) of part t of parts. */");
                w.open("private void " + chunkName(from) + "(int t, int parts, int batch) {");
                rangeUnits = -1;
                if (chunk.stream().anyMatch(k -> g.objective().get(k) instanceof Contractive))
                    w.line("double inv = 1.0 / batch;");
                w.line("int lo, hi;");
                shares(chunk, new Emit(layout, w, true));
                w.close("}");
                w.line("");
                w = main;
            }
            rangeUnits = mainRange; // lo and hi of paramGradients itself are unchanged by the calls
            w.resetOrigin();
        }
        // Each parameter is updated (and packed) right after the last product that adds to its gradient, while the
        // rows this thread just wrote are still in its cache; the rest (no product of their own) at the end.
        int[] lastProduct = lastProducts();
        boolean[] updated = new boolean[g.params().size()];
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            if (!(g.node(id) instanceof Dense d) || !layout.live[id]) continue;
            DenseOp.emitParamGradients(d, e, this, comments);
            for (int pi : new int[] {d.weight(), d.bias()}) {
                if (pi >= 0 && lastProduct[pi] == id) {
                    update(pi);
                    updated[pi] = true;
                }
            }
        }
        for (int pi = 0; pi < g.params().size(); pi++) if (!updated[pi]) update(pi);
        w.close("}");
        w.line("");
        w.append(methods);
    }

    /**
     * For each parameter, the id of the live dense node whose gradient product paramGradients emits last among
     * those that add to the parameter's gradient (-1: none). The nodes are emitted from the last id down, so it is
     * the lowest such id; a tied weight has two.
     */
    private int[] lastProducts() {
        int[] last = new int[g.params().size()];
        java.util.Arrays.fill(last, -1);
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            if (!(g.node(id) instanceof Dense d) || !layout.live[id]) continue;
            last[d.weight()] = id;
            if (d.bias() >= 0) last[d.bias()] = id;
        }
        return last;
    }

    /**
     * The optimizer's update of this part's rows of parameter pi, whose gradient is final once the part's own
     * products are done (no other part writes them), and the packing of the updated weight for the next step: no
     * pass over the parameters and no hand-off of their own.
     */
    private void update(int pi) {
        w.resetOrigin();
        range(pi);
        List<String> packs = new ArrayList<>();
        for (var pk : layout.packs.entrySet()) {
            int[] v = pk.getValue();
            if (v[0] != pi) continue;
            packs.add("Gemm.packRows(Op." + (v[1] == 1 ? "T" : "N") + ", " + layout.param(pi) + ", 0, "
                    + g.params().get(pi).cols() + ", " + pk.getKey() + ", row, rowEnd);");
        }
        if (packs.isEmpty()) {
            w.line("if (u != null) u.update(" + pi + ", " + unitOffset(pi, "lo") + ", " + unitOffset(pi, "hi")
                    + ");   // " + g.params().get(pi).name() + ": the update of the share computed above");
            return;
        }
        // ALIGN rows at a time, each block packed right after its update, while it is still in the cache (a whole
        // share of a large weight would be back in L3 by the time the transposing pack reads it).
        w.open("if (u != null) {   // " + g.params().get(pi).name()
                + ": the update of the rows computed above, and their packing for the next step");
        w.open("for (int row = lo; row < hi; row += " + ALIGN + ") {");
        w.line("int rowEnd = Math.min(hi, row + " + ALIGN + ");");
        w.line("u.update(" + pi + ", " + unitOffset(pi, "row") + ", " + unitOffset(pi, "rowEnd") + ");");
        packs.forEach(w::line);
        w.close("}");
        w.close("}");
    }

    private static String chunkName(int from) {
        return "paramGradientsOfTermsFrom" + from;
    }

    /** The direct parameter-gradient share of each of these terms (weight decay, contractive penalty). */
    private void shares(List<Integer> terms, Emit e) {
        for (int k : terms) {
            w.origin(g.termOrigin(k));
            switch (g.objective().get(k)) {
                case WeightDecay wd -> WeightDecayTerm.emitParamGradients(wd, e, this);
                case Contractive c -> ContractiveTerm.emitParamGradients(c, k, e, this);
                default -> throw new IllegalStateException("ae4j bug: term " + k + " has no parameter share");
            }
        }
    }

    /** The units [lo, hi) of parameter pi that part t of parts computes: rows of a weight, columns of a bias. */
    void range(int pi) {
        Graph.Param p = g.params().get(pi);
        int units = layout.isBias(pi) ? p.cols() : p.rows();
        if (units == rangeUnits) return; // lo and hi are already these
        rangeUnits = units;
        if (units <= ALIGN) {
            w.line("lo = " + units + " * t / parts;");
            w.line("hi = " + units + " * (t + 1) / parts;");
        } else {
            // whole blocks of ALIGN units (the weights' packing gathers them at once); the last may be short
            int blocks = (units + ALIGN - 1) / ALIGN;
            w.line("lo = Math.min(" + units + ", " + blocks + " * t / parts * " + ALIGN + ");");
            w.line("hi = Math.min(" + units + ", " + blocks + " * (t + 1) / parts * " + ALIGN + ");");
        }
    }

    /** The flat offset of unit {@code u} (lo or hi) of parameter pi. */
    String unitOffset(int pi, String u) {
        return layout.isBias(pi) ? u : u + " * " + g.params().get(pi).cols();
    }
}
