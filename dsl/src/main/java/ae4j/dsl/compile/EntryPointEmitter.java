package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;

/**
 * The public methods of a generated class and their helpers: {@code forwardBackward} (the training step in two
 * data-parallel phases, with or without the optimizer's update inside, threads per phase from {@code
 * StepThreads}), {@code sumParts}, {@code rows}, {@code packWeights}, {@code loss}, {@code forwardTo} and the
 * argument check.
 */
final class EntryPointEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;

    EntryPointEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
    }

    void emit() {
        forwardBackward();
        sumParts();
        rows();
        if (!layout.packs.isEmpty()) packWeights();
        loss();
        if (layout.free == null) forwardTo();
        else forwardToWithTheEncodersCode();
        w.line("private void check(float[] data, int batch) {");
        w.line(
                "    if (batch < 1 || batch > maxBatch) throw new IllegalArgumentException(\"batch \" + batch + \" outside [1, \" + maxBatch + \"]\");");
        w.line("    if (data.length < batch * " + layout.width(0)
                + ") throw new IllegalArgumentException(\"input holds \" + data.length + \" floats; a batch of \" + batch + \" needs \" + batch * "
                + layout.width(0) + ");");
        w.line("}");
    }

    private boolean packed() {
        return !layout.packs.isEmpty();
    }

    private void forwardBackward() {
        w.line("@Override");
        w.open("public double forwardBackward(float[] data, int batch, long seed, long step) {");
        w.line("packsFresh = false;");
        w.line("return forwardBackward(data, batch, seed, step, null);");
        w.close("}");
        w.line("");
        w.line("@Override");
        w.open("public double forwardBackward(float[] data, int batch, long seed, long step, ParamUpdate update) {");
        w.line("check(data, batch);");
        w.line("// Threads per phase, measured both ways on this machine (StepThreads); no bit depends on them.");
        w.line("StepThreads plan = StepThreads.of(plans, batch);");
        w.line("long t0;");
        if (packed()) {
            w.line("prepacked = true;");
            w.open("if (!packsFresh) {   // else the previous step's update packed the weights it wrote");
            w.line("t0 = System.nanoTime();");
            w.line("int packThreads = plan.threads(StepThreads.PACK);");
            w.line("packWeights(true, packThreads);");
            w.line("plan.record(StepThreads.PACK, packThreads, System.nanoTime() - t0);");
            w.close("}");
            w.line("packsFresh = false;");
        } else {
            w.line("prepacked = false;");
        }
        if (layout.splittable) {
            w.line(
                    "// Rows: each part of the batch goes through the forward pass, the objective and the node gradients on");
            w.line(
                    "// its own rows (no hand-off between layers). The parts depend on the batch size only, not the threads.");
            w.line("int n = BatchSplit.parts(batch);");
        } else {
            w.line("int n = 1;   // a batch statistic (or a free code) in the objective: the rows are not split");
        }
        w.line("t0 = System.nanoTime();");
        w.line("int rowThreads = plan.threads(StepThreads.ROWS);");
        w.line("if (n == 1 && rowThreads > 1) {   // one part: its products may still share the threads");
        w.line("    rows(data, 0, batch, batch, seed, step, partTerms[0]);");
        w.line("} else {");
        w.line("    Parallel.run(n, rowThreads, t -> {");
        w.line("        int r0 = BatchSplit.start(batch, t, n);");
        w.line("        rows(data, r0, BatchSplit.start(batch, t + 1, n) - r0, batch, seed, step, partTerms[t]);");
        w.line("    });");
        w.line("}");
        w.line("plan.record(StepThreads.ROWS, rowThreads, System.nanoTime() - t0);");
        w.line("double loss = sumParts(n);");
        w.line("ParamUpdate u = update != null && update.begin(loss) ? update : null;");
        w.line(
                "// Parameters: whole products over the batch, the rows of each gradient shared among the threads; each");
        w.line("// thread then updates (and packs) the rows it computed.");
        w.line("t0 = System.nanoTime();");
        w.line("int parts = plan.threads(StepThreads.PARAMS);");
        w.line("Parallel.run(parts, parts, t -> paramGradients(t, parts, batch, u));");
        w.line("plan.record(StepThreads.PARAMS, parts, System.nanoTime() - t0);");
        if (packed()) w.line("packsFresh = u != null;");
        w.line("plan.endStep();");
        w.line("return loss;");
        w.close("}");
        w.line("");
    }

    private void sumParts() {
        w.line("/** The terms of the whole batch, summed over its n parts in part order; returns the objective. */");
        w.open("private double sumParts(int n) {");
        w.line("double loss = 0;");
        w.line("for (int k = 0; k < terms.length; k++) {");
        w.line("    double sum = 0;");
        w.line("    for (int t = 0; t < n; t++) sum += partTerms[t][k];");
        w.line("    terms[k] = sum;");
        w.line("}");
        for (int k = 0; k < g.objective().size(); k++) {
            w.line("loss += " + ObjectiveEmitter.weighted(g.objective().get(k), "terms[" + k + "]") + ";");
        }
        w.line("return loss;");
        w.close("}");
        w.line("");
    }

    private void rows() {
        w.line(
                "/** Rows [r0, r0 + rows) of a training step on a batch of {@code total} rows: all but the parameters' gradients. */");
        w.open("private void rows(float[] data, int r0, int rows, int total, long seed, long step, double[] tm) {");
        w.line("trainingForward(data, r0, rows, seed, step);");
        if (layout.free != null) w.line("optimizeCode(r0, rows, seed, step, true);");
        w.line("objective(r0, rows, total, true, tm);");
        w.line(layout.free != null ? "backward(r0, rows, false);" : "backward(r0, rows);");
        w.close("}");
        w.line("");
    }

    private void packWeights() {
        w.line(
                "/** Packs the weights the step multiplies by (without {@code backward}: the forward pass's); the threads share the work. */");
        w.open("private void packWeights(boolean backward, int parts) {");
        w.open("if (" + layout.packs.keySet().iterator().next() + " == null) {");
        for (var e : layout.packs.entrySet())
            w.line(e.getKey() + " = new Gemm.PackedB(" + e.getValue()[2] + ", " + e.getValue()[3] + ");");
        w.close("}");
        w.open("Parallel.run(parts, parts, t -> {");
        for (var e : layout.packs.entrySet()) {
            int[] v = e.getValue();
            Graph.Param p = g.params().get(v[0]);
            w.line((layout.forwardPacks.contains(e.getKey()) ? "" : "if (backward) ") + "Gemm.pack(Op."
                    + (v[1] == 1 ? "T" : "N") + ", " + layout.param(v[0]) + ", 0, " + p.cols() + ", " + e.getKey()
                    + ", t, parts);");
        }
        w.close("});");
        w.close("}");
        w.line("");
    }

    private void loss() {
        boolean free = layout.free != null;
        w.line("@Override");
        w.open("public double loss(float[] data, int batch, long seed, long step, boolean noisy) {");
        w.line("check(data, batch);");
        if (layout.splittable && packed()) {
            w.line("int n = BatchSplit.parts(batch);");
            w.open("if (n > 1) {   // as in a training step: packed weights, the rows split among threads");
            w.line("prepacked = true;");
            w.line("packsFresh = false;");
            w.line("packWeights(false, Parallel.threads());");
            w.line("Parallel.run(n, t -> {");
            w.line("    int r0 = BatchSplit.start(batch, t, n);");
            w.line("    int rows = BatchSplit.start(batch, t + 1, n) - r0;");
            w.line("    evaluationForward(data, r0, rows, seed, step, noisy, -1);");
            w.line("    objective(r0, rows, batch, false, partTerms[t]);");
            w.line("});");
            w.line("return sumParts(n);");
            w.close("}");
        }
        w.line("prepacked = false;");
        w.line("evaluationForward(data, 0, batch, seed, step, noisy, -1);");
        if (free) w.line("optimizeCode(0, batch, seed, step, noisy);");
        w.line("return objective(0, batch, batch, false, terms);");
        w.close("}");
        w.line("");
    }

    /** A free code's model as deployed (14.8): the code is f(x), the encoder's prediction; no steps on it. */
    private void forwardToWithTheEncodersCode() {
        w.line(
                "/** The nodes up to {@code node} with the code at f(x), the encoder's prediction (no steps on it): the model as deployed. */");
        w.line("@Override");
        w.open("public void forwardTo(float[] data, int batch, int node) {");
        w.line("check(data, batch);");
        w.line("if (node < 0 || node >= " + g.nodes().size()
                + ") throw new IllegalArgumentException(\"no node \" + node);");
        w.line("prepacked = false;");
        w.line("evaluationForward(data, 0, batch, 0, 0, false, node);");
        w.close("}");
        w.line("");
    }

    private void forwardTo() {
        w.line("@Override");
        w.open("public void forwardTo(float[] data, int batch, int node) {");
        w.line("check(data, batch);");
        w.line("if (node < 0 || node >= " + g.nodes().size()
                + ") throw new IllegalArgumentException(\"no node \" + node);");
        if (layout.splittable && packed()) {
            w.line("int n = BatchSplit.parts(batch);");
            w.open("if (n > 1) {");
            w.line("prepacked = true;");
            w.line("packsFresh = false;");
            w.line("packWeights(false, Parallel.threads());");
            w.line("Parallel.run(n, t -> {");
            w.line("    int r0 = BatchSplit.start(batch, t, n);");
            w.line("    evaluationForward(data, r0, BatchSplit.start(batch, t + 1, n) - r0, 0, 0, false, node);");
            w.line("});");
            w.line("return;");
            w.close("}");
        }
        w.line("prepacked = false;");
        w.line("evaluationForward(data, 0, batch, 0, 0, false, node);");
        w.close("}");
        w.line("");
    }
}
