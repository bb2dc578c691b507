package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.GaussianNll;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.JacobianEstimate;
import ae4j.dsl.ir.Graph.KlSparsity;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.L2;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.ir.Graph.WeightDecay;
import ae4j.vecmath.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * IR to one Java class implementing {@link ae4j.dsl.runtime.CompiledModel}: shapes as constants, every
 * buffer allocated once in the constructor for the maximum batch, GEMMs through vecmath's packed
 * kernels (bias fused into the GEMM store), elementwise work through vecmath's vector kernels. The source
 * is meant to be read: one commented block per IR node, with the DSL line it comes from.
 *
 * <p>The training step runs in two data-parallel phases: the rows of the batch, split into parts
 * ({@link ae4j.dsl.runtime.BatchSplit}), each go through forward, objective and node gradients
 * ({@code rows}: every buffer access is offset by the part's first row); then {@code paramGradients}
 * computes each parameter gradient over the whole batch, the threads sharing its rows. Weights are packed
 * once per step ({@code packWeights}). The split never changes a gradient bit.
 *
 * <p>A free code (14.19) adds {@code optimizeCode}: its steps run a forward of the nodes after the code,
 * the objective and a backward down to the code (no parameter gradients), then move the code.
 */
public final class JavaEmitter {

    private final Graph g;
    private final String className;
    private final FreeCode free;
    private final StringBuilder out = new StringBuilder();
    private int indent;
    private String lastOrigin;
    /** The nodes the objective depends on: the training step (forwardBackward) computes only these. */
    private final boolean[] live;
    /** Gradient buffers written so far, in the emission order of objective() then backward(). */
    private final java.util.Set<String> written = new java.util.HashSet<>();
    /** Gradient buffers whose first write overwrites (no zeroing needed), filled by the dry run. */
    private final java.util.Set<String> overwritten = new java.util.HashSet<>();
    /** The gradient buffers objective() zeroes: those read or handed out whose first write accumulates. */
    private final List<String> zeroed = new ArrayList<>();
    /** Packed weights of the training step, by field name: {param index, 1 if op T else 0, k, n}. */
    private final java.util.Map<String, int[]> packs = new java.util.LinkedHashMap<>();
    /** The packs a forward pass uses (loss(...) packs only these). */
    private final java.util.Set<String> forwardPacks = new java.util.HashSet<>();
    /**
     * Whether a training step may split its batch into parts run by separate threads: every node and term
     * is computed row by row (no batch statistic such as the KL sparsity's mean activation, no free code).
     */
    private final boolean splittable;

    private JavaEmitter(Graph g, String className) {
        this.g = g;
        this.className = className;
        this.free = g.freeCode();
        this.live = liveNodes(g);
        this.splittable = g.freeCode() == null && g.objective().stream().noneMatch(t -> t instanceof KlSparsity);
        for (Node n : g.nodes()) {
            if (!(n instanceof Dense d) || !live[n.id()]) continue;
            forwardPacks.add(pack(d.weight(), !d.transposed()));                // forward: op(W) as B
            if (needsGradient(d.input())) pack(d.weight(), d.transposed());     // backward dX: the other op
        }
    }

    /** The field holding param {@code param} packed as op(B) (op T when {@code t}); registers it. */
    private String pack(int param, boolean t) {
        Graph.Param p = g.params().get(param);
        String name = "k" + param + (t ? "T" : "N");
        packs.putIfAbsent(name, new int[] {param, t ? 1 : 0, t ? p.cols() : p.rows(), t ? p.rows() : p.cols()});
        return name;
    }

    /**
     * The nodes some objective term depends on (node 0 always). With a free code every node counts: the
     * code's steps re-run the forward from the code on.
     */
    static boolean[] liveNodes(Graph g) {
        int n = g.nodes().size();
        boolean[] live = new boolean[n];
        if (g.freeCode() != null) {
            java.util.Arrays.fill(live, true);
            return live;
        }
        live[0] = true;
        for (Term t : g.objective()) {
            for (int id : termNodes(t)) live[id] = true;
        }
        for (int id = n - 1; id >= 0; id--) {
            if (!live[id]) continue;
            int in = switch (g.node(id)) {
                case Input x -> -1;
                case Corrupt c -> c.input();
                case Dense d -> d.input();
                case Activate a -> a.input();
                case AddNoise a -> a.input();
                case Probe pr -> pr.input();
                case Softmax sm -> sm.input();
                case FreeCode fc -> fc.init();
            };
            if (in >= 0) live[in] = true;
        }
        return live;
    }

    private static int[] termNodes(Term t) {
        return switch (t) {
            case Mse m -> new int[] {m.a(), m.b()};
            case BernoulliNll b -> new int[] {b.target(), b.logits()};
            case GaussianNll gn -> new int[] {gn.target(), gn.mean()};
            case CategoricalNll c -> new int[] {c.target(), c.logits()};
            case KlSparsity kl -> new int[] {kl.node()};
            case JacobianEstimate je -> new int[] {je.perturbed(), je.clean()};
            case L1 l -> new int[] {l.node()};
            case L2 l -> new int[] {l.node()};
            case WeightDecay w -> new int[0];
            case Contractive c -> new int[] {c.code()};
        };
    }

    /**
     * Records a write into gradient buffer {@code buf}; true when the write may overwrite it instead of
     * accumulating: it is the buffer's first write of the step and the operation can overwrite. A free
     * code's steps re-run objective and backward with their own guards, so there every buffer is zeroed.
     */
    private boolean claim(String buf, boolean canOverwrite) {
        boolean first = written.add(buf);
        boolean ow = first && canOverwrite && free == null;
        if (ow) overwritten.add(buf);
        return ow;
    }

    /** The simple class name generated for a model. */
    public static String classNameFor(Graph g) {
        return "Model_" + g.name().replaceAll("[^A-Za-z0-9_]", "_");
    }

    public static String emit(Graph g, String packageName) {
        return new JavaEmitter(g, classNameFor(g)).generate(packageName);
    }

    private String generate(String pkg) {
        line("// Generated by ae4j from model '" + g.name() + "'. Do not edit: change the .ae file instead.");
        line("package " + pkg + ";");
        line("");
        line("import ae4j.vecmath.*;");
        line("import ae4j.vecmath.Gemm.Op;");
        line("import ae4j.dsl.runtime.BatchSplit;");
        line("import ae4j.dsl.runtime.CompiledModel;");
        line("import java.util.List;");
        line("");
        line("public final class " + className + " implements CompiledModel {");
        indent++;
        // Dry run of the gradient code: which buffers' first write overwrites them (no zeroing needed).
        StringBuilder real = new StringBuilder(out);
        out.setLength(0);
        objective();
        backward();
        paramGradients();
        for (int i = 0; i < g.params().size(); i++) if (!overwritten.contains("g" + i)) zeroed.add("g" + i);
        for (Node n : g.nodes()) {
            String d = "d" + n.id();
            if (live[n.id()] && needsGradient(n.id()) && !overwritten.contains(d)) zeroed.add(d);
        }
        out.setLength(0);
        out.append(real);
        constants();
        fields();
        constructor();
        accessors();
        forward();
        objective();
        backward();
        paramGradients();
        entryPoints();
        indent--;
        line("}");
        return out.toString();
    }

    private void constants() {
        for (Node n : g.nodes()) line("static final int W" + n.id() + " = " + n.width() + ";   // " + describe(n));
        int maxWidth = 1;
        for (Node n : g.nodes()) maxWidth = Math.max(maxWidth, n.width());
        line("static final int SW = " + maxWidth + ";   // scratch row stride: the rows of a part never meet another part's");
        line("");
    }

    private void fields() {
        line("private final int maxBatch;");
        line("private boolean prepacked;   // in a training step: the weights are packed in the k* buffers");
        for (int i = 0; i < g.params().size(); i++) {
            Graph.Param p = g.params().get(i);
            line("final float[] p" + i + ", g" + i + ";   // " + p.name() + " [" + p.rows() + " x " + p.cols() + "]");
        }
        for (Node n : g.nodes()) line("final float[] v" + n.id() + ", d" + n.id() + ";");
        line("final float[] scratch;");
        line("final float[] rowBuf, colBuf;   // one row / one column statistic (batch means)");
        for (Node n : g.nodes()) {
            if (n instanceof Dense d && d.bias() >= 0) line("final Epilogue e" + d.id() + ";");
        }
        line("final double[] terms = new double[" + g.objective().size() + "];");
        line("final double[][] partTerms;   // the terms of each part of a split batch, summed in part order");
        if (!packs.isEmpty()) {
            line("Gemm.PackedB " + String.join(", ", packs.keySet()) + ";   // op(weight) packed once per training step");
        }
        line("");
    }

    private void constructor() {
        line("public " + className + "(int maxBatch) {");
        indent++;
        line("if (maxBatch < 1) throw new IllegalArgumentException(\"maxBatch must be >= 1, got \" + maxBatch);");
        line("this.maxBatch = maxBatch;");
        for (int i = 0; i < g.params().size(); i++) {
            Graph.Param p = g.params().get(i);
            line("p" + i + " = new float[" + p.size() + "];");
            line("g" + i + " = new float[" + p.size() + "];");
        }
        for (Node n : g.nodes()) {
            line("v" + n.id() + " = new float[maxBatch * W" + n.id() + "];");
            line("d" + n.id() + " = new float[maxBatch * W" + n.id() + "];");
        }
        line("scratch = new float[maxBatch * SW];");
        line("rowBuf = new float[SW];");
        line("colBuf = new float[SW];");
        line("partTerms = new double[BatchSplit.maxParts()][" + g.objective().size() + "];");
        for (Node n : g.nodes()) {
            if (n instanceof Dense d && d.bias() >= 0) line("e" + d.id() + " = Epilogue.bias(p" + d.bias() + ", Activation.IDENTITY);");
        }
        indent--;
        line("}");
        line("");
    }

    private void accessors() {
        line("@Override public String name() { return \"" + g.name() + "\"; }");
        line("@Override public int maxBatch() { return maxBatch; }");
        line("@Override public int inputWidth() { return W0; }");
        StringBuilder infos = new StringBuilder();
        StringBuilder ps = new StringBuilder();
        StringBuilder gs = new StringBuilder();
        for (int i = 0; i < g.params().size(); i++) {
            Graph.Param p = g.params().get(i);
            if (i > 0) {
                infos.append(", ");
                ps.append(", ");
                gs.append(", ");
            }
            infos.append("new ParamInfo(\"").append(p.name()).append("\", ").append(p.rows()).append(", ").append(p.cols()).append(")");
            ps.append("p").append(i);
            gs.append("g").append(i);
        }
        line("@Override");
        line("public List<ParamInfo> paramInfo() {");
        line("    return List.of(" + infos.toString().replace(", new", ",\n" + "    ".repeat(indent + 3) + "new") + ");");
        line("}");
        line("@Override public float[][] params() { return new float[][] {" + ps + "}; }");
        line("@Override public float[][] grads() { return new float[][] {" + gs + "}; }");
        line("@Override public double[] lastTerms() { return terms.clone(); }");
        line("@Override");
        line("public float[] value(int id) {");
        line("    return switch (id) {");
        for (Node n : g.nodes()) line("        case " + n.id() + " -> v" + n.id() + ";");
        line("        default -> throw new IllegalArgumentException(\"no node \" + id);");
        line("    };");
        line("}");
        line("");
    }

    /** Where rows [r0, r0 + batch) of the scratch buffer start (any width up to SW fits in its rows). */
    private static final String SCR = "r0 * SW";

    /** Where rows [r0, r0 + batch) of node {@code id}'s buffers start. */
    private static String off(int id) {
        return "r0 * W" + id;
    }

    private void forward() {
        line("/**");
        line(" * Rows [r0, r0 + batch) of the nodes from {@code from} on (0: all; after the free code: the nodes that");
        line(" * depend on it) up to node {@code to} (-1: the last); without {@code all}, only the nodes the objective");
        line(" * depends on (the training step).");
        line(" */");
        line("private void forward(float[] x, int r0, int batch, long seed, long step, boolean training, int from, boolean all, int to) {");
        indent++;
        lastOrigin = null;
        boolean open = false;
        for (Node n : g.nodes()) {
            if (!live[n.id()] && !open) {
                line("if (all) {   // not needed by the objective: only for loss(...) and value(id)");
                indent++;
                open = true;
            } else if (live[n.id()] && open) {
                indent--;
                line("}");
                open = false;
            }
            boolean guarded = free != null && n.id() <= free.id();
            if (guarded && n.id() == 0) {
                line("if (from == 0) {");
                indent++;
            }
            origin(g.nodeOrigin(n.id()));
            line("// " + n.id() + ": " + describe(n));
            int id = n.id();
            String count = "batch * W" + id;
            String o = off(id);
            // noise counters: element (step * maxBatch + row) * width + column, the same however the batch is split
            String counter = "(step * (long) maxBatch + r0) * W" + id;
            switch (n) {
                case Input in -> line("System.arraycopy(x, " + o + ", v" + id + ", " + o + ", " + count + ");");
                case Corrupt c -> {
                    line("System.arraycopy(v" + c.input() + ", " + o + ", v" + id + ", " + o + ", " + count + ");");
                    line("if (training) {");
                    indent++;
                    line("long base = " + counter + ";");
                    corruption(c.process(), id, new int[] {0}, count);
                    indent--;
                    line("}");
                }
                case AddNoise a -> {
                    line("System.arraycopy(v" + a.input() + ", " + o + ", v" + id + ", " + o + ", " + count + ");");
                    line("if (training) Philox.addGaussian(seed, " + (id * 8) + ", " + counter + ", " + f(a.sigma()) + ", v" + id
                            + ", " + o + ", " + count + ");");
                }
                case Dense d -> {
                    String ep = d.bias() >= 0 ? "e" + id : "Epilogue.NONE";
                    String args = "v" + d.input() + ", " + off(d.input()) + ", W" + d.input();
                    String cArgs = "v" + id + ", " + o + ", W" + id + ", " + ep;
                    if (live[id]) {
                        line("if (prepacked) Gemm.gemm(Op.N, batch, W" + id + ", W" + d.input() + ", 1f, " + args + ", "
                                + pack(d.weight(), !d.transposed()) + ", 0f, " + cArgs + ");");
                    }
                    String pre = live[id] ? "else " : "";
                    if (d.transposed()) {
                        line(pre + "Gemm.gemm(Op.N, Op.N, batch, W" + id + ", W" + d.input() + ", 1f, " + args + ", p" + d.weight()
                                + ", 0, W" + id + ", 0f, " + cArgs + ");");
                    } else {
                        line(pre + "Gemm.gemm(Op.N, Op.T, batch, W" + id + ", W" + d.input() + ", 1f, " + args + ", p" + d.weight()
                                + ", 0, W" + d.input() + ", 0f, " + cArgs + ");");
                    }
                }
                case Activate a -> line("Activation." + a.activation() + ".forward(" + count + ", v" + a.input() + ", " + o + ", v"
                        + id + ", " + o + ");");
                case Probe pr -> {
                    line("System.arraycopy(v" + pr.input() + ", " + o + ", v" + id + ", " + o + ", " + count + ");");
                    line("Philox.addGaussian(seed, " + (id * 8) + ", " + counter + ", " + f(pr.sigma()) + ", v" + id + ", " + o + ", "
                            + count + ");   // always: the probe of the Jacobian estimate");
                }
                case Softmax sm -> line("Losses.softmax(batch, W" + id + ", v" + sm.input() + ", " + o + ", W" + id + ", v" + id
                        + ", " + o + ", W" + id + ");");
                case FreeCode fc -> line("System.arraycopy(v" + fc.init() + ", " + o + ", v" + id + ", " + o + ", " + count
                        + ");   // h starts at its initial value; optimizeCode improves it");
            }
            if (guarded && n.id() == free.id()) {
                indent--;
                line("}");
            }
            if (free == null && n.id() < g.nodes().size() - 1) line("if (to == " + n.id() + ") return;");
        }
        if (open) {
            indent--;
            line("}");
        }
        indent--;
        line("}");
        line("");
        if (free != null) optimizeCode();
    }

    private void optimizeCode() {
        int h = free.id();
        line("/** " + free.steps() + " gradient steps of size " + f(free.lr()) + " on the per-example objective w.r.t. the free code. */");
        line("private void optimizeCode(float[] x, int r0, int batch, long seed, long step, boolean training) {");
        indent++;
        line("for (int s = 0; s < " + free.steps() + "; s++) {");
        indent++;
        line("objective(r0, batch, batch, true, partTerms[0]);");
        line("backward(r0, batch, true);");
        line("Elementwise.axpy(batch * W" + h + ", (float) (" + f(-free.lr()) + " * batch), d" + h + ", " + off(h) + ", v" + h + ", "
                + off(h) + ");");
        line("forward(x, r0, batch, seed, step, training, " + (h + 1) + ", true, -1);");
        indent--;
        line("}");
        indent--;
        line("}");
        line("");
    }

    /** A "// line N: ..." comment when the DSL origin changes. */
    private void origin(String o) {
        if (o == null || o.equals(lastOrigin)) return;
        lastOrigin = o;
        // No unicode escapes in generated comments: javac would decode them, even there.
        line("// " + o.replace("\\u", "\\ u"));
    }

    /** Emits the corruption steps in order; each primitive draws from its own Philox stream. */
    private void corruption(Corruption c, int node, int[] k, String count) {
        switch (c) {
            case Corruption.Then t -> {
                corruption(t.first(), node, k, count);
                corruption(t.then(), node, k, count);
            }
            case Corruption.Gaussian gs -> line("Philox.addGaussian(seed, " + stream(node, k) + ", base, " + f(gs.sigma())
                    + ", v" + node + ", " + off(node) + ", " + count + ");   // x~ = x + sigma * N(0, I)");
            case Corruption.Masking m -> {
                String o = off(node);
                line("Philox.bernoulli(seed, " + stream(node, k) + ", base, " + f(1 - m.p()) + ", 1f, scratch, " + SCR + ", " + count
                        + ");   // keep with probability 1 - p");
                line("Elementwise.mul(" + count + ", v" + node + ", " + o + ", scratch, " + SCR + ", v" + node + ", " + o + ");");
            }
            case Corruption.SaltPepper sp -> {
                line("Philox.uniform(seed, " + stream(node, k) + ", base, scratch, " + SCR + ", " + count + ");");
                line("for (int i = 0, n = " + count + ", o = " + off(node) + ", so = " + SCR + "; i < n; i++) {   // with probability p/2 each: 0 or 1");
                line("    if (scratch[so + i] < " + f(sp.p() / 2) + ") v" + node + "[o + i] = 0f;");
                line("    else if (scratch[so + i] < " + f(sp.p()) + ") v" + node + "[o + i] = 1f;");
                line("}");
            }
        }
    }

    private static int stream(int node, int[] k) {
        return node * 8 + k[0]++;
    }

    private void objective() {
        written.clear();
        overwritten.clear();
        line("/**");
        line(" * The terms over rows [r0, r0 + batch) (each a sum over the rows divided by {@code meanOver}, the whole");
        line(" * batch, into {@code tm}) and the node gradients they seed; returns their weighted sum. Zeroes only the");
        line(" * node gradients whose first write in the step accumulates; the others are overwritten by their first write.");
        line(" */");
        line("private double objective(int r0, int batch, int meanOver, boolean seedGradients, double[] tm) {");
        indent++;
        List<String> nodeZeroed = zeroed.stream().filter(b -> b.startsWith("d")).toList();
        if (!nodeZeroed.isEmpty()) {
            line("if (seedGradients) {");
            indent++;
            for (String b : nodeZeroed) {
                String w = "W" + b.substring(1);
                line("java.util.Arrays.fill(" + b + ", r0 * " + w + ", (r0 + batch) * " + w + ", 0f);");
            }
            indent--;
            line("}");
        }
        line("double inv = 1.0 / meanOver;");
        line("double total = 0;");
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            lastOrigin = null;
            origin(g.termOrigin(k));
            line("{   // term " + k + ": " + f(t.weight()) + " * " + describe(t));
            indent++;
            line("float scale = (float) (" + f(t.weight()) + " * inv);");
            term(t, k);
            line("total += " + f(t.weight()) + " * tm[" + k + "];");
            indent--;
            line("}");
        }
        line("return total;");
        indent--;
        line("}");
        line("");
    }

    private void term(Term t, int k) {
        String tk = "tm[" + k + "]";
        switch (t) {
            case Mse m -> {
                String n = "batch * W" + m.a();
                String o = off(m.a());
                line(tk + " = Losses.mse(" + n + ", v" + m.a() + ", " + o + ", v" + m.b() + ", " + o
                        + ", scale, seedGradients ? scratch : null, " + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {m.a(), m.b()});
            }
            case BernoulliNll b -> {
                String n = "batch * W" + b.logits();
                String o = off(b.logits());
                line(tk + " = Losses.bceWithLogits(" + n + ", v" + b.logits() + ", " + o + ", v" + b.target() + ", " + o
                        + ", scale, seedGradients ? scratch : null, " + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-scale"}, new String[] {"scratch", "v" + b.logits()}, new int[] {b.logits(), b.target()});
            }
            case GaussianNll gn -> {
                String n = "batch * W" + gn.mean();
                String o = off(gn.mean());
                double c = 1 / (2 * gn.sigma() * gn.sigma());
                line(tk + " = " + f(c) + " * Losses.mse(" + n + ", v" + gn.mean() + ", " + o + ", v" + gn.target() + ", " + o
                        + ", (float) (scale * " + f(c) + "), seedGradients ? scratch : null, " + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {gn.mean(), gn.target()});
            }
            case CategoricalNll c -> {
                String w = "W" + c.logits();
                String o = off(c.logits());
                String z = "v" + c.logits();
                String tg = "v" + c.target();
                line(tk + " = Losses.softmaxCrossEntropy(batch, " + w + ", " + z + ", " + o + ", " + w + ", " + tg + ", " + o + ", " + w
                        + ", scale, seedGradients ? scratch : null, " + SCR + ", " + w + ") * inv;");
                line("if (seedGradients) {");
                indent++;
                seed("batch * " + w, o, "1f", "scratch", c.logits());   // scale * (softmax - t)
                line("for (int r = r0; r < r0 + batch; r++) {   // exact for rows not summing to 1: + scale * (T - 1) softmax");
                line("    float rowTotal = (float) Elementwise.sum(" + w + ", " + tg + ", r * " + w + ");");
                line("    if (rowTotal == 1f) continue;");
                line("    Losses.softmax(1, " + w + ", " + z + ", r * " + w + ", " + w + ", scratch, r * SW, " + w
                        + ");   // scratch is free again once copied");
                line("    Elementwise.axpy(" + w + ", (rowTotal - 1f) * scale, scratch, r * SW, d" + c.logits() + ", r * " + w + ");");
                line("}");
                if (needsGradient(c.target())) {
                    claim("d" + c.target(), false);
                    line("for (int r = r0; r < r0 + batch; r++) {   // d/dt = lse(z) - z");
                    line("    int o = r * " + w + ";");
                    line("    double m = Double.NEGATIVE_INFINITY, sum = 0;");
                    line("    for (int j = 0; j < " + w + "; j++) m = Math.max(m, " + z + "[o + j]);");
                    line("    for (int j = 0; j < " + w + "; j++) sum += Math.exp(" + z + "[o + j] - m);");
                    line("    double lse = m + Math.log(sum);");
                    line("    for (int j = 0; j < " + w + "; j++) d" + c.target() + "[o + j] += (float) ((lse - " + z + "[o + j]) * scale);");
                    line("}");
                }
                indent--;
                line("}");
            }
            case KlSparsity kl -> {
                String w = "W" + kl.node();
                double rho = kl.rho();
                line("// q_j = mean over the batch of h_j; sum_j KL(rho || q_j), q clamped to [1e-6, 1 - 1e-6]");
                line("Elementwise.colSums(batch, " + w + ", v" + kl.node() + ", " + off(kl.node()) + ", " + w + ", rowBuf, 0, false);");
                line("double value = 0;");
                line("for (int j = 0; j < " + w + "; j++) {");
                line("    double q = Math.min(Math.max(rowBuf[j] * inv, 1e-6), 1 - 1e-6);");
                line("    value += " + rho + " * Math.log(" + rho + " / q) + " + (1 - rho) + " * Math.log(" + (1 - rho) + " / (1 - q));");
                line("    colBuf[j] = (float) ((-" + rho + " / q + " + (1 - rho) + " / (1 - q)) * scale);");
                line("}");
                line(tk + " = value;   // a batch-level penalty, not a per-example mean (the batch is never split)");
                if (needsGradient(kl.node())) {
                    claim("d" + kl.node(), false);
                    line("if (seedGradients) Elementwise.addBias(batch, " + w + ", colBuf, 0, d" + kl.node() + ", " + off(kl.node()) + ", "
                            + w + ");");
                }
            }
            case JacobianEstimate je -> {
                String n = "batch * W" + je.perturbed();
                String o = off(je.perturbed());
                double c = 1 / (je.sigma() * je.sigma());
                line("// ||f(x + sigma eps) - f(x)||^2 / sigma^2: a one-sample estimate of ||df/dx||_F^2");
                line(tk + " = " + c + " * Losses.mse(" + n + ", v" + je.perturbed() + ", " + o + ", v" + je.clean() + ", " + o
                        + ", (float) (scale * " + c + "), seedGradients ? scratch : null, " + SCR + ") * inv;");
                seedBlock(n, o, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {je.perturbed(), je.clean()});
            }
            case L1 l -> {
                String n = "batch * W" + l.node();
                String o = off(l.node());
                line(tk + " = Norms.l1(" + n + ", v" + l.node() + ", " + o + ") * inv;");
                if (needsGradient(l.node())) {
                    boolean ow = claim("d" + l.node(), true);
                    line("if (seedGradients) Norms.l1Grad(" + n + ", scale, v" + l.node() + ", " + o + ", d" + l.node() + ", " + o + ", "
                            + !ow + ");");
                }
            }
            case L2 l -> {
                String n = "batch * W" + l.node();
                String o = off(l.node());
                line(tk + " = Norms.l2sq(" + n + ", v" + l.node() + ", " + o + ") * inv;");
                if (needsGradient(l.node())) {
                    boolean ow = claim("d" + l.node(), true);
                    line("if (seedGradients) Norms.l2sqGrad(" + n + ", scale, v" + l.node() + ", " + o + ", d" + l.node() + ", " + o + ", "
                            + !ow + ");");
                }
            }
            case WeightDecay w -> {
                line(tk + " = 0;");
                line("if (r0 == 0) {   // a penalty on the parameters: counted once, in the first part (gradient: paramGradients)");
                for (int pi : denseWeights()) line("    " + tk + " += Norms.l2sq(p" + pi + ".length, p" + pi + ", 0);");
                line("}");
            }
            case Contractive c -> {
                int m = g.width(c.code());
                Graph.Param wp = g.params().get(c.encoderWeight());
                int in = wp.cols();
                String h = "v" + c.code();
                claim("d" + c.code(), false);
                line("// ||dh/dx||_F^2 = sum_j s'(h_j)^2 ||W_j||^2 (closed form for one " + c.activation() + " layer;");
                line("// the weights' share of its gradient: paramGradients)");
                line("double value = 0;");
                line("for (int j = 0; j < " + m + "; j++) {");
                indent++;
                line("float rn = (float) Norms.l2sq(" + in + ", p" + c.encoderWeight() + ", j * " + in + ");");
                line("for (int r = r0; r < r0 + batch; r++) {");
                line("    float hv = " + h + "[r * " + m + " + j];");
                line("    float s = " + contractiveDeriv(c) + ";");
                line("    value += (double) s * s * rn;");
                line("    if (seedGradients) d" + c.code() + "[r * " + m + " + j] += 2f * s * ("
                        + (c.activation() == Activation.SIGMOID ? "1f - 2f * hv" : "-2f * hv") + ") * rn * scale;");
                line("}");
                indent--;
                line("}");
                line(tk + " = value * inv;");
            }
        }
    }

    private static String contractiveDeriv(Contractive c) {
        return c.activation() == Activation.SIGMOID ? "hv * (1f - hv)" : "1f - hv * hv";
    }

    /** The seeding of a term's node gradients (rows at {@code o}), in one {@code if (seedGradients)} block. */
    private void seedBlock(String n, String o, String[] alpha, String[] src, int[] nodes) {
        line("if (seedGradients) {");
        indent++;
        for (int i = 0; i < nodes.length; i++) seed(n, o, alpha[i], src[i], nodes[i]);
        indent--;
        line("}");
    }

    /**
     * d[node] += alpha * src over n floats from {@code o}, or a copy when alpha is 1 and this is the buffer's
     * first write; nothing when no parameter lies upstream of the node (its gradient is never read).
     */
    private void seed(String n, String o, String alpha, String src, int node) {
        if (!needsGradient(node)) return;
        String so = src.equals("scratch") ? SCR : o;
        if (claim("d" + node, alpha.equals("1f"))) line("System.arraycopy(" + src + ", " + so + ", d" + node + ", " + o + ", " + n + ");");
        else line("Elementwise.axpy(" + n + ", " + alpha + ", " + src + ", " + so + ", d" + node + ", " + o + ");");
    }

    /** The node gradients, rows [r0, r0 + batch): everything of the backward pass but the parameters' gradients. */
    private void backward() {
        if (free != null) {
            line("/** Node gradients of rows [r0, r0 + batch); {@code inner}: only down to the free code. */");
        } else {
            line("/** Node gradients of rows [r0, r0 + batch), output to input: the backward pass but the parameters' gradients. */");
        }
        line("private void backward(int r0, int batch, boolean inner) {");
        indent++;
        lastOrigin = null;
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            Node n = g.node(id);
            if (free != null && id == free.id()) line("if (inner) return;   // the steps need gradients down to the code only");
            if (n instanceof Input || n instanceof Corrupt || n instanceof FreeCode) continue;
            if (!live[id] || !needsGradient(id)) continue;   // not in the objective, or no parameter upstream
            String count = "batch * W" + id;
            String o = off(id);
            switch (n) {
                case AddNoise a -> {
                    origin(g.nodeOrigin(id));
                    line("// " + id + ": " + describe(n));
                    seed(count, o, "1f", "d" + id, a.input());
                }
                case Probe pr -> {
                    origin(g.nodeOrigin(id));
                    line("// " + id + ": " + describe(n));
                    seed(count, o, "1f", "d" + id, pr.input());
                }
                case Softmax sm -> {
                    if (needsGradient(sm.input())) {
                        origin(g.nodeOrigin(id));
                        line("// " + id + ": " + describe(n));
                        String op = claim("d" + sm.input(), true) ? " = " : " += ";
                        line("for (int r = r0; r < r0 + batch; r++) {   // dz = y (dy - <y, dy>) per row");
                        line("    int o = r * W" + id + ";");
                        line("    float dot = (float) Elementwise.dot(W" + id + ", v" + id + ", o, d" + id + ", o);");
                        line("    for (int j = 0; j < W" + id + "; j++) d" + sm.input() + "[o + j]" + op + "v" + id + "[o + j] * (d" + id
                                + "[o + j] - dot);");
                        line("}");
                    }
                }
                case Activate a -> {
                    if (needsGradient(a.input())) {
                        origin(g.nodeOrigin(id));
                        line("// " + id + ": " + describe(n));
                        if (claim("d" + a.input(), true)) {
                            line("Activation." + a.activation() + ".backward(" + count + ", v" + id + ", " + o + ", d" + id + ", " + o
                                    + ", d" + a.input() + ", " + o + ");");
                        } else {
                            line("Activation." + a.activation() + ".backward(" + count + ", v" + id + ", " + o + ", d" + id + ", " + o
                                    + ", scratch, " + SCR + ");");
                            line("Elementwise.axpy(" + count + ", 1f, scratch, " + SCR + ", d" + a.input() + ", " + o + ");");
                        }
                    }
                }
                case Dense d -> {
                    if (!needsGradient(d.input())) continue;
                    origin(g.nodeOrigin(id));
                    line("// " + id + ": " + describe(n) + ": dX " + (d.transposed() ? "+= dY W^T" : "+= dY W"));
                    String in = "W" + d.input();
                    String ow = "W" + id;
                    // beta 0 where this is the buffer's first write of the step (no zeroing before)
                    String bx = claim("d" + d.input(), true) ? "0f" : "1f";
                    String a = "d" + id + ", " + o + ", " + ow;
                    String c = bx + ", d" + d.input() + ", " + off(d.input()) + ", " + in;
                    line("if (prepacked) Gemm.gemm(Op.N, batch, " + in + ", " + ow + ", 1f, " + a + ", "
                            + pack(d.weight(), d.transposed()) + ", " + c + ", Epilogue.NONE);");
                    if (d.transposed()) {
                        line("else Gemm.gemm(Op.N, Op.T, batch, " + in + ", " + ow + ", 1f, " + a + ", p" + d.weight() + ", 0, " + ow + ", " + c + ");");
                    } else {
                        line("else Gemm.gemm(Op.N, Op.N, batch, " + in + ", " + ow + ", 1f, " + a + ", p" + d.weight() + ", 0, " + in + ", " + c + ");");
                    }
                }
                default -> { }
            }
        }
        indent--;
        line("}");
        line("");
    }

    /** The units lo and hi were last computed for in paramGradients (-1: none yet). */
    private int rangeUnits = -1;

    /** Whether parameter pi is a dense layer's bias (its gradient is split by columns, a weight's by rows). */
    private boolean isBias(int pi) {
        for (Node n : g.nodes()) if (n instanceof Dense d && d.bias() == pi) return true;
        return false;
    }

    /** The units [lo, hi) of parameter pi that part t of parts computes: rows of a weight, columns of a bias. */
    private void range(int pi) {
        Graph.Param p = g.params().get(pi);
        int units = isBias(pi) ? p.cols() : p.rows();
        if (units == rangeUnits) return;   // lo and hi are already these
        rangeUnits = units;
        line("lo = " + units + " * t / parts;");
        line("hi = " + units + " * (t + 1) / parts;");
    }

    /** The flat offset of unit {@code u} (lo or hi) of parameter pi. */
    private String unitOffset(int pi, String u) {
        return isBias(pi) ? u : u + " * " + g.params().get(pi).cols();
    }

    /**
     * The parameters' gradients over the whole batch, after every part's node gradients: part t of parts
     * computes rows [lo, hi) of every weight (columns of a bias), whole products over the batch with no
     * partial sums to add, so the bits do not depend on the number of parts.
     */
    private void paramGradients() {
        line("/** Gradients of the parameters over the whole batch: part t of parts computes rows [lo, hi) of each. */");
        line("private void paramGradients(int t, int parts, int batch) {");
        indent++;
        rangeUnits = -1;
        if (g.objective().stream().anyMatch(t -> t instanceof Contractive)) line("double inv = 1.0 / batch;");
        line("int lo, hi;");
        lastOrigin = null;
        for (String b : zeroed) {
            if (!b.startsWith("g")) continue;
            int pi = Integer.parseInt(b.substring(1));
            range(pi);
            line("java.util.Arrays.fill(" + b + ", " + unitOffset(pi, "lo") + ", " + unitOffset(pi, "hi") + ", 0f);");
        }
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            if (t instanceof WeightDecay w) {
                origin(g.termOrigin(k));
                for (int pi : denseWeights()) {
                    boolean ow = claim("g" + pi, true);
                    range(pi);
                    line("Norms.l2sqGrad(" + unitOffset(pi, "(hi - lo)") + ", " + f(w.weight()) + ", p" + pi + ", " + unitOffset(pi, "lo")
                            + ", g" + pi + ", " + unitOffset(pi, "lo") + ", " + !ow + ");");
                }
            } else if (t instanceof Contractive c) {
                origin(g.termOrigin(k));
                int m = g.width(c.code());
                int pi = c.encoderWeight();
                int in = g.params().get(pi).cols();
                claim("g" + pi, false);
                line("{   // term " + k + ": the weights' share, 2 sum_r s'(h_rj)^2 W_j per code unit j");
                indent++;
                line("float scale = (float) (" + f(t.weight()) + " * inv);");
                range(pi);
                line("for (int j = lo; j < hi; j++) {");
                line("    float rn = (float) Norms.l2sq(" + in + ", p" + pi + ", j * " + in + ");");
                line("    double sumD2 = 0;");
                line("    for (int r = 0; r < batch; r++) {");
                line("        float hv = v" + c.code() + "[r * " + m + " + j];");
                line("        float s = " + contractiveDeriv(c) + ";");
                line("        sumD2 += (double) s * s;");
                line("    }");
                line("    Elementwise.axpy(" + in + ", (float) (2 * sumD2) * scale, p" + pi + ", j * " + in + ", g" + pi + ", j * " + in + ");");
                line("}");
                indent--;
                line("}");
            }
        }
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            if (!(g.node(id) instanceof Dense d) || !live[id]) continue;
            origin(g.nodeOrigin(id));
            line("// " + id + ": " + describe(d) + ": dW " + (d.transposed() ? "+= X^T dY" : "+= dY^T X") + ", db += column sums of dY");
            String in = "W" + d.input();
            String o = "W" + id;
            String bw = claim("g" + d.weight(), true) ? "0f" : "1f";
            range(d.weight());
            if (d.transposed()) {
                // Y = X W, W: in x out; rows [lo, hi) of dW = columns [lo, hi) of X, transposed, times dY
                line("Gemm.gemm(Op.T, Op.N, hi - lo, " + o + ", batch, 1f, v" + d.input() + ", lo, " + in + ", d" + id + ", 0, " + o
                        + ", " + bw + ", g" + d.weight() + ", lo * " + o + ", " + o + ");");
            } else {
                // Y = X W^T, W: out x in; rows [lo, hi) of dW = columns [lo, hi) of dY, transposed, times X
                line("Gemm.gemm(Op.T, Op.N, hi - lo, " + in + ", batch, 1f, d" + id + ", lo, " + o + ", v" + d.input() + ", 0, " + in
                        + ", " + bw + ", g" + d.weight() + ", lo * " + in + ", " + in + ");");
            }
            if (d.bias() >= 0) {
                boolean ow = claim("g" + d.bias(), true);
                range(d.bias());
                line("Elementwise.colSums(batch, hi - lo, d" + id + ", lo, " + o + ", g" + d.bias() + ", lo, " + !ow + ");");
            }
        }
        indent--;
        line("}");
        line("");
    }

    private void entryPoints() {
        line("@Override");
        line("public double forwardBackward(float[] x, int batch, long seed, long step) {");
        indent++;
        line("check(x, batch);");
        line("prepacked = " + !packs.isEmpty() + ";");
        if (!packs.isEmpty()) line("packWeights(true);");
        if (splittable) {
            line("// Rows: each part of the batch goes through the forward pass, the objective and the node gradients on");
            line("// its own rows (no hand-off between layers). The parts depend on the batch size only, not the threads.");
            line("int n = BatchSplit.parts(batch);");
            line("if (n == 1) {");
            line("    rows(x, 0, batch, batch, seed, step, partTerms[0]);");
            line("} else {");
            line("    Parallel.run(n, t -> {");
            line("        int r0 = BatchSplit.start(batch, t, n);");
            line("        rows(x, r0, BatchSplit.start(batch, t + 1, n) - r0, batch, seed, step, partTerms[t]);");
            line("    });");
            line("}");
        } else {
            line("int n = 1;   // a batch statistic (or a free code) in the objective: the rows are not split");
            line("rows(x, 0, batch, batch, seed, step, partTerms[0]);");
        }
        line("double loss = sumParts(n);");
        line("// Parameters: whole products over the batch, the rows of each gradient shared among the threads.");
        line("int parts = Parallel.threads();");
        line("Parallel.run(parts, t -> paramGradients(t, parts, batch));");
        line("return loss;");
        indent--;
        line("}");
        line("");
        line("/** The terms of the whole batch, summed over its n parts in part order; returns the objective. */");
        line("private double sumParts(int n) {");
        indent++;
        line("double loss = 0;");
        line("for (int k = 0; k < terms.length; k++) {");
        line("    double sum = 0;");
        line("    for (int t = 0; t < n; t++) sum += partTerms[t][k];");
        line("    terms[k] = sum;");
        line("}");
        for (int k = 0; k < g.objective().size(); k++) line("loss += " + f(g.objective().get(k).weight()) + " * terms[" + k + "];");
        line("return loss;");
        indent--;
        line("}");
        line("");
        line("/** Rows [r0, r0 + rows) of a training step on a batch of {@code total} rows: all but the parameters' gradients. */");
        line("private void rows(float[] x, int r0, int rows, int total, long seed, long step, double[] tm) {");
        line("    forward(x, r0, rows, seed, step, true, 0, false, -1);");
        if (free != null) line("    optimizeCode(x, r0, rows, seed, step, true);");
        line("    objective(r0, rows, total, true, tm);");
        line("    backward(r0, rows, false);");
        line("}");
        line("");
        if (!packs.isEmpty()) {
            line("/** Packs the weights the step multiplies by (without {@code backward}: the forward pass's); the threads share the work. */");
            line("private void packWeights(boolean backward) {");
            indent++;
            line("if (" + packs.keySet().iterator().next() + " == null) {");
            indent++;
            for (var e : packs.entrySet()) line(e.getKey() + " = new Gemm.PackedB(" + e.getValue()[2] + ", " + e.getValue()[3] + ");");
            indent--;
            line("}");
            line("int parts = Parallel.threads();");
            line("Parallel.run(parts, t -> {");
            indent++;
            for (var e : packs.entrySet()) {
                int[] v = e.getValue();
                Graph.Param p = g.params().get(v[0]);
                line((forwardPacks.contains(e.getKey()) ? "" : "if (backward) ") + "Gemm.pack(Op." + (v[1] == 1 ? "T" : "N") + ", p"
                        + v[0] + ", 0, " + p.cols() + ", " + e.getKey() + ", t, parts);");
            }
            indent--;
            line("});");
            indent--;
            line("}");
            line("");
        }
        line("@Override");
        line("public double loss(float[] x, int batch, long seed, long step, boolean training) {");
        indent++;
        line("check(x, batch);");
        if (splittable && !packs.isEmpty()) {
            line("int n = BatchSplit.parts(batch);");
            line("if (n > 1) {   // as in a training step: packed weights, the rows split among threads");
            indent++;
            line("prepacked = true;");
            line("packWeights(false);");
            line("Parallel.run(n, t -> {");
            line("    int r0 = BatchSplit.start(batch, t, n);");
            line("    int rows = BatchSplit.start(batch, t + 1, n) - r0;");
            line("    forward(x, r0, rows, seed, step, training, 0, true, -1);");
            line("    objective(r0, rows, batch, false, partTerms[t]);");
            line("});");
            line("return sumParts(n);");
            indent--;
            line("}");
        }
        line("prepacked = false;");
        line("forward(x, 0, batch, seed, step, training, 0, true, -1);");
        if (free != null) line("optimizeCode(x, 0, batch, seed, step, training);");
        line("return objective(0, batch, batch, false, terms);");
        indent--;
        line("}");
        line("");
        if (free == null) {
            line("@Override");
            line("public void forwardTo(float[] x, int batch, int node) {");
            indent++;
            line("check(x, batch);");
            line("if (node < 0 || node >= " + g.nodes().size() + ") throw new IllegalArgumentException(\"no node \" + node);");
            if (splittable && !packs.isEmpty()) {
                line("int n = BatchSplit.parts(batch);");
                line("if (n > 1) {");
                indent++;
                line("prepacked = true;");
                line("packWeights(false);");
                line("Parallel.run(n, t -> {");
                line("    int r0 = BatchSplit.start(batch, t, n);");
                line("    forward(x, r0, BatchSplit.start(batch, t + 1, n) - r0, 0, 0, false, 0, true, node);");
                line("});");
                line("return;");
                indent--;
                line("}");
            }
            line("prepacked = false;");
            line("forward(x, 0, batch, 0, 0, false, 0, true, node);");
            indent--;
            line("}");
            line("");
        }
        line("private void check(float[] x, int batch) {");
        line("    if (batch < 1 || batch > maxBatch) throw new IllegalArgumentException(\"batch \" + batch + \" outside [1, \" + maxBatch + \"]\");");
        line("    if (x.length < batch * W0) throw new IllegalArgumentException(\"input holds \" + x.length + \" floats; a batch of \" + batch + \" needs \" + batch * W0);");
        line("}");
    }

    /** Whether gradients must flow into node id (some parameter lies upstream of it). */
    private boolean needsGradient(int id) {
        Node n = g.node(id);
        return switch (n) {
            case Input in -> false;
            case Corrupt c -> false;
            case Dense d -> true;
            case Activate a -> needsGradient(a.input());
            case AddNoise a -> needsGradient(a.input());
            case Probe pr -> needsGradient(pr.input());
            case Softmax sm -> needsGradient(sm.input());
            case FreeCode fc -> true;   // the steps on the code need its gradient
        };
    }

    private int[] denseWeights() {
        List<Integer> ids = new ArrayList<>();
        for (Node n : g.nodes()) if (n instanceof Dense d && !ids.contains(d.weight())) ids.add(d.weight());
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private String describe(Node n) {
        return switch (n) {
            case Input in -> "input [" + in.width() + "]";
            case Corrupt c -> "corrupt " + c.process() + " of node " + c.input();
            case AddNoise a -> "add noise sigma " + f(a.sigma()) + " to node " + a.input();
            case Dense d -> "dense " + d.width() + " of node " + d.input() + " with " + g.params().get(d.weight()).name()
                    + (d.transposed() ? " transposed (tied)" : "");
            case Activate a -> a.activation().name().toLowerCase(Locale.ROOT) + " of node " + a.input();
            case Probe pr -> "probe: node " + pr.input() + " + " + f(pr.sigma()) + " * N(0, I), always";
            case Softmax sm -> "softmax (row-wise) of node " + sm.input();
            case FreeCode fc -> "free code initialised at node " + fc.init() + " (" + fc.steps() + " steps of size " + f(fc.lr()) + ")";
        };
    }

    private static String describe(Term t) {
        return t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String f(double v) {
        return Float.toString((float) v) + "f";
    }

    private void line(String s) {
        out.append("    ".repeat(indent)).append(s).append('\n');
    }
}
