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
            pack(d.weight(), !d.transposed());                                  // forward: op(W) as B
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
        entryPoints();
        indent--;
        line("}");
        return out.toString();
    }

    private void constants() {
        for (Node n : g.nodes()) line("static final int W" + n.id() + " = " + n.width() + ";   // " + describe(n));
        line("");
    }

    private void fields() {
        line("private final int maxBatch;");
        line("private final int streamRows;   // rows per step in the noise counters: the first instance's maxBatch");
        line("private int rowOffset;          // the first row of x this instance works on (a part of a split step)");
        line("private boolean prepacked;      // in a training step: the weights are packed in the k* buffers");
        for (int i = 0; i < g.params().size(); i++) {
            Graph.Param p = g.params().get(i);
            line("final float[] p" + i + ", g" + i + ";   // " + p.name() + " [" + p.rows() + " x " + p.cols() + "]");
        }
        for (Node n : g.nodes()) line("final float[] v" + n.id() + ", d" + n.id() + ";");
        line("final float[] scratch;");
        line("final float[] rowBuf, colBuf;   // one row / one column statistic (softmax corrections, batch means)");
        for (Node n : g.nodes()) {
            if (n instanceof Dense d && d.bias() >= 0) line("final Epilogue e" + d.id() + ";");
        }
        line("final double[] terms = new double[" + g.objective().size() + "];");
        if (!packs.isEmpty()) {
            line("Gemm.PackedB " + String.join(", ", packs.keySet()) + ";   // op(weight) packed once per training step");
        }
        if (splittable) {
            line("final float[][] gradArrays;");
            line("private " + className + "[] split;   // the parts of a split training step ([0] is this), made on the first");
            line("private float[][][] splitGrads;");
            line("private double partLoss;");
        }
        line("");
    }

    private void constructor() {
        line("public " + className + "(int maxBatch) {");
        line("    this(maxBatch, null);");
        line("}");
        line("");
        line("/** With {@code main}: a part of main's split training steps, sharing its parameters and packed weights. */");
        line("private " + className + "(int maxBatch, " + className + " main) {");
        indent++;
        line("if (maxBatch < 1) throw new IllegalArgumentException(\"maxBatch must be >= 1, got \" + maxBatch);");
        line("this.maxBatch = maxBatch;");
        line("this.streamRows = main == null ? maxBatch : main.streamRows;");
        for (int i = 0; i < g.params().size(); i++) {
            Graph.Param p = g.params().get(i);
            line("p" + i + " = main == null ? new float[" + p.size() + "] : main.p" + i + ";");
            line("g" + i + " = new float[" + p.size() + "];");
        }
        if (!packs.isEmpty()) {
            line("if (main != null) {");
            indent++;
            for (String k : packs.keySet()) line(k + " = main." + k + ";");
            line("prepacked = true;");
            indent--;
            line("}");
        }
        if (splittable) {
            StringBuilder gs = new StringBuilder();
            for (int i = 0; i < g.params().size(); i++) gs.append(i > 0 ? ", " : "").append("g").append(i);
            line("gradArrays = new float[][] {" + gs + "};");
        }
        int maxWidth = 1;
        for (Node n : g.nodes()) {
            line("v" + n.id() + " = new float[maxBatch * W" + n.id() + "];");
            line("d" + n.id() + " = new float[maxBatch * W" + n.id() + "];");
            maxWidth = Math.max(maxWidth, n.width());
        }
        line("scratch = new float[maxBatch * " + maxWidth + "];");
        line("rowBuf = new float[" + maxWidth + "];");
        line("colBuf = new float[" + maxWidth + "];");
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

    private void forward() {
        line("/**");
        line(" * Runs nodes from {@code from} on (0: all; after the free code: the nodes that depend on it); without");
        line(" * {@code all}, only the nodes the objective depends on (the training step).");
        line(" */");
        line("private void forward(float[] x, int batch, long seed, long step, boolean training, int from, boolean all) {");
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
            String count = "batch * W" + n.id();
            switch (n) {
                case Input in -> line("System.arraycopy(x, rowOffset * W" + in.id() + ", v" + in.id() + ", 0, " + count + ");");
                case Corrupt c -> {
                    line("System.arraycopy(v" + c.input() + ", 0, v" + c.id() + ", 0, " + count + ");");
                    line("if (training) {");
                    indent++;
                    line("long base = (step * (long) streamRows + rowOffset) * W" + c.id() + ";");
                    corruption(c.process(), c.id(), new int[] {0}, count);
                    indent--;
                    line("}");
                }
                case AddNoise a -> {
                    line("System.arraycopy(v" + a.input() + ", 0, v" + a.id() + ", 0, " + count + ");");
                    line("if (training) Philox.addGaussian(seed, " + (a.id() * 8) + ", (step * (long) streamRows + rowOffset) * W" + a.id()
                            + ", " + f(a.sigma()) + ", v" + a.id() + ", 0, " + count + ");");
                }
                case Dense d -> {
                    String ep = d.bias() >= 0 ? "e" + d.id() : "Epilogue.NONE";
                    if (live[d.id()]) {
                        line("if (prepacked) Gemm.gemm(Op.N, batch, W" + d.id() + ", W" + d.input() + ", 1f, v" + d.input() + ", 0, W"
                                + d.input() + ", " + pack(d.weight(), !d.transposed()) + ", 0f, v" + d.id() + ", 0, W" + d.id() + ", " + ep + ");");
                    }
                    String pre = live[d.id()] ? "else " : "";
                    if (d.transposed()) {
                        line(pre + "Gemm.gemm(Op.N, Op.N, batch, W" + d.id() + ", W" + d.input() + ", 1f, v" + d.input() + ", 0, W"
                                + d.input() + ", p" + d.weight() + ", 0, W" + d.id() + ", 0f, v" + d.id() + ", 0, W" + d.id()
                                + ", " + ep + ");");
                    } else {
                        line(pre + "Gemm.gemm(Op.N, Op.T, batch, W" + d.id() + ", W" + d.input() + ", 1f, v" + d.input() + ", 0, W"
                                + d.input() + ", p" + d.weight() + ", 0, W" + d.input() + ", 0f, v" + d.id() + ", 0, W" + d.id()
                                + ", " + ep + ");");
                    }
                }
                case Activate a -> line("Activation." + a.activation() + ".forward(" + count + ", v" + a.input() + ", 0, v"
                        + a.id() + ", 0);");
                case Probe pr -> {
                    line("System.arraycopy(v" + pr.input() + ", 0, v" + pr.id() + ", 0, " + count + ");");
                    line("Philox.addGaussian(seed, " + (pr.id() * 8) + ", (step * (long) streamRows + rowOffset) * W" + pr.id() + ", " + f(pr.sigma())
                            + ", v" + pr.id() + ", 0, " + count + ");   // always: the probe of the Jacobian estimate");
                }
                case Softmax sm -> line("Losses.softmax(batch, W" + sm.id() + ", v" + sm.input() + ", 0, W" + sm.id() + ", v" + sm.id()
                        + ", 0, W" + sm.id() + ");");
                case FreeCode fc -> line("System.arraycopy(v" + fc.init() + ", 0, v" + fc.id() + ", 0, " + count
                        + ");   // h starts at its initial value; optimizeCode improves it");
            }
            if (guarded && n.id() == free.id()) {
                indent--;
                line("}");
            }
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
        line("private void optimizeCode(float[] x, int batch, long seed, long step, boolean training) {");
        indent++;
        line("for (int s = 0; s < " + free.steps() + "; s++) {");
        indent++;
        line("objective(batch, batch, true);");
        line("backward(batch, true);");
        line("Elementwise.axpy(batch * W" + h + ", (float) (" + f(-free.lr()) + " * batch), d" + h + ", 0, v" + h + ", 0);");
        line("forward(x, batch, seed, step, training, " + (h + 1) + ", true);");
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
                    + ", v" + node + ", 0, " + count + ");   // x~ = x + sigma * N(0, I)");
            case Corruption.Masking m -> {
                line("Philox.bernoulli(seed, " + stream(node, k) + ", base, " + f(1 - m.p()) + ", 1f, scratch, 0, " + count
                        + ");   // keep with probability 1 - p");
                line("Elementwise.mul(" + count + ", v" + node + ", 0, scratch, 0, v" + node + ", 0);");
            }
            case Corruption.SaltPepper sp -> {
                line("Philox.uniform(seed, " + stream(node, k) + ", base, scratch, 0, " + count + ");");
                line("for (int i = 0, n = " + count + "; i < n; i++) {   // with probability p/2 each: 0 or 1");
                line("    if (scratch[i] < " + f(sp.p() / 2) + ") v" + node + "[i] = 0f;");
                line("    else if (scratch[i] < " + f(sp.p()) + ") v" + node + "[i] = 1f;");
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
        line(" * Computes every term (batch mean) and seeds the node gradients. Zeroes only the gradient buffers whose");
        line(" * first write in the step accumulates; the others are overwritten by their first write.");
        line(" */");
        line("private double objective(int batch, int meanOver, boolean seedGradients) {");
        indent++;
        if (!zeroed.isEmpty()) {
            line("if (seedGradients) {");
            indent++;
            for (String b : zeroed) {
                if (b.startsWith("d")) line("java.util.Arrays.fill(" + b + ", 0, batch * W" + b.substring(1) + ", 0f);");
                else line("java.util.Arrays.fill(" + b + ", 0f);");
            }
            indent--;
            line("}");
        }
        line("double inv = 1.0 / meanOver;   // the mean over the whole batch, also in a part of a split step");
        line("double total = 0;");
        for (int k = 0; k < g.objective().size(); k++) {
            Term t = g.objective().get(k);
            lastOrigin = null;
            origin(g.termOrigin(k));
            line("{   // term " + k + ": " + f(t.weight()) + " * " + describe(t));
            indent++;
            line("float scale = (float) (" + f(t.weight()) + " * inv);");
            term(t, k);
            line("total += " + f(t.weight()) + " * terms[" + k + "];");
            indent--;
            line("}");
        }
        line("return total;");
        indent--;
        line("}");
        line("");
    }

    private void term(Term t, int k) {
        switch (t) {
            case Mse m -> {
                String n = "batch * W" + m.a();
                line("terms[" + k + "] = Losses.mse(" + n + ", v" + m.a() + ", 0, v" + m.b() + ", 0, scale, seedGradients ? scratch : null, 0) * inv;");
                seedBlock(n, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {m.a(), m.b()});
            }
            case BernoulliNll b -> {
                String n = "batch * W" + b.logits();
                line("terms[" + k + "] = Losses.bceWithLogits(" + n + ", v" + b.logits() + ", 0, v" + b.target()
                        + ", 0, scale, seedGradients ? scratch : null, 0) * inv;");
                seedBlock(n, new String[] {"1f", "-scale"}, new String[] {"scratch", "v" + b.logits()}, new int[] {b.logits(), b.target()});
            }
            case GaussianNll gn -> {
                String n = "batch * W" + gn.mean();
                double c = 1 / (2 * gn.sigma() * gn.sigma());
                line("terms[" + k + "] = " + f(c) + " * Losses.mse(" + n + ", v" + gn.mean() + ", 0, v" + gn.target()
                        + ", 0, (float) (scale * " + f(c) + "), seedGradients ? scratch : null, 0) * inv;");
                seedBlock(n, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {gn.mean(), gn.target()});
            }
            case CategoricalNll c -> {
                String w = "W" + c.logits();
                String z = "v" + c.logits();
                String tg = "v" + c.target();
                line("terms[" + k + "] = Losses.softmaxCrossEntropy(batch, " + w + ", " + z + ", 0, " + w + ", " + tg + ", 0, " + w
                        + ", scale, seedGradients ? scratch : null, 0, " + w + ") * inv;");
                line("if (seedGradients) {");
                indent++;
                seed("batch * " + w, "1f", "scratch", c.logits());   // scale * (softmax - t)
                line("for (int r = 0; r < batch; r++) {   // exact for rows not summing to 1: + scale * (T - 1) softmax");
                line("    float rowTotal = (float) Elementwise.sum(" + w + ", " + tg + ", r * " + w + ");");
                line("    if (rowTotal == 1f) continue;");
                line("    Losses.softmax(1, " + w + ", " + z + ", r * " + w + ", " + w + ", rowBuf, 0, " + w + ");");
                line("    Elementwise.axpy(" + w + ", (rowTotal - 1f) * scale, rowBuf, 0, d" + c.logits() + ", r * " + w + ");");
                line("}");
                if (needsGradient(c.target())) {
                    claim("d" + c.target(), false);
                    line("for (int r = 0; r < batch; r++) {   // d/dt = lse(z) - z");
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
                line("Elementwise.colSums(batch, " + w + ", v" + kl.node() + ", 0, " + w + ", rowBuf, 0, false);");
                line("double value = 0;");
                line("for (int j = 0; j < " + w + "; j++) {");
                line("    double q = Math.min(Math.max(rowBuf[j] * inv, 1e-6), 1 - 1e-6);");
                line("    value += " + rho + " * Math.log(" + rho + " / q) + " + (1 - rho) + " * Math.log(" + (1 - rho) + " / (1 - q));");
                line("    colBuf[j] = (float) ((-" + rho + " / q + " + (1 - rho) + " / (1 - q)) * scale);");
                line("}");
                line("terms[" + k + "] = value;   // a batch-level penalty, not a per-example mean");
                if (needsGradient(kl.node())) {
                    claim("d" + kl.node(), false);
                    line("if (seedGradients) Elementwise.addBias(batch, " + w + ", colBuf, 0, d" + kl.node() + ", 0, " + w + ");");
                }
            }
            case JacobianEstimate je -> {
                String n = "batch * W" + je.perturbed();
                double c = 1 / (je.sigma() * je.sigma());
                line("// ||f(x + sigma eps) - f(x)||^2 / sigma^2: a one-sample estimate of ||df/dx||_F^2");
                line("terms[" + k + "] = " + c + " * Losses.mse(" + n + ", v" + je.perturbed() + ", 0, v" + je.clean()
                        + ", 0, (float) (scale * " + c + "), seedGradients ? scratch : null, 0) * inv;");
                seedBlock(n, new String[] {"1f", "-1f"}, new String[] {"scratch", "scratch"}, new int[] {je.perturbed(), je.clean()});
            }
            case L1 l -> {
                String n = "batch * W" + l.node();
                line("terms[" + k + "] = Norms.l1(" + n + ", v" + l.node() + ", 0) * inv;");
                if (needsGradient(l.node())) {
                    boolean ow = claim("d" + l.node(), true);
                    line("if (seedGradients) Norms.l1Grad(" + n + ", scale, v" + l.node() + ", 0, d" + l.node() + ", 0, " + !ow + ");");
                }
            }
            case L2 l -> {
                String n = "batch * W" + l.node();
                line("terms[" + k + "] = Norms.l2sq(" + n + ", v" + l.node() + ", 0) * inv;");
                if (needsGradient(l.node())) {
                    boolean ow = claim("d" + l.node(), true);
                    line("if (seedGradients) Norms.l2sqGrad(" + n + ", scale, v" + l.node() + ", 0, d" + l.node() + ", 0, " + !ow + ");");
                }
            }
            case WeightDecay w -> {
                line("terms[" + k + "] = 0;");
                List<String> fills = new ArrayList<>();
                if (splittable) {
                    line("if (rowOffset == 0) {   // a penalty on the parameters: once per step, in the first part of a split one");
                    indent++;
                }
                for (int pi : denseWeights()) {
                    line("terms[" + k + "] += Norms.l2sq(p" + pi + ".length, p" + pi + ", 0);");
                    boolean ow = claim("g" + pi, true);
                    line("if (seedGradients) Norms.l2sqGrad(p" + pi + ".length, " + f(w.weight()) + ", p" + pi + ", 0, g"
                            + pi + ", 0, " + !ow + ");");
                    if (ow) fills.add("g" + pi);
                }
                if (splittable) {
                    indent--;
                    if (fills.isEmpty()) {
                        line("}");
                    } else {
                        line("} else if (seedGradients) {   // the other parts: later writes accumulate into these");
                        for (String b : fills) line("    java.util.Arrays.fill(" + b + ", 0f);");
                        line("}");
                    }
                }
            }
            case Contractive c -> {
                int m = g.width(c.code());
                Graph.Param wp = g.params().get(c.encoderWeight());
                int in = wp.cols();
                String h = "v" + c.code();
                String deriv = c.activation() == Activation.SIGMOID ? "hv * (1f - hv)" : "1f - hv * hv";
                String dd = c.activation() == Activation.SIGMOID ? "1f - 2f * hv" : "-2f * hv";
                claim("d" + c.code(), false);
                claim("g" + c.encoderWeight(), false);
                line("// ||dh/dx||_F^2 = sum_j s'(h_j)^2 ||W_j||^2 (closed form for one " + c.activation() + " layer)");
                line("double value = 0;");
                line("for (int j = 0; j < " + m + "; j++) {");
                indent++;
                line("float rn = (float) Norms.l2sq(" + in + ", p" + c.encoderWeight() + ", j * " + in + ");");
                line("double sumD2 = 0;");
                line("for (int r = 0; r < batch; r++) {");
                line("    float hv = " + h + "[r * " + m + " + j];");
                line("    float s = " + deriv + ";");
                line("    value += (double) s * s * rn;");
                line("    sumD2 += (double) s * s;");
                line("    if (seedGradients) d" + c.code() + "[r * " + m + " + j] += 2f * s * (" + dd + ") * rn * scale;");
                line("}");
                line("if (seedGradients) Elementwise.axpy(" + in + ", (float) (2 * sumD2) * scale, p" + c.encoderWeight()
                        + ", j * " + in + ", g" + c.encoderWeight() + ", j * " + in + ");");
                indent--;
                line("}");
                line("terms[" + k + "] = value * inv;");
            }
        }
    }

    /** The seeding of a term's node gradients, in one {@code if (seedGradients)} block. */
    private void seedBlock(String n, String[] alpha, String[] src, int[] nodes) {
        line("if (seedGradients) {");
        indent++;
        for (int i = 0; i < nodes.length; i++) seed(n, alpha[i], src[i], nodes[i]);
        indent--;
        line("}");
    }

    /**
     * d[node] += alpha * src over n floats, or a copy when alpha is 1 and this is the buffer's first write;
     * nothing when no parameter lies upstream of the node (its gradient is never read).
     */
    private void seed(String n, String alpha, String src, int node) {
        if (!needsGradient(node)) return;
        if (claim("d" + node, alpha.equals("1f"))) line("System.arraycopy(" + src + ", 0, d" + node + ", 0, " + n + ");");
        else line("Elementwise.axpy(" + n + ", " + alpha + ", " + src + ", 0, d" + node + ", 0);");
    }

    private void backward() {
        if (free != null) {
            line("/** Reverse mode; {@code inner}: only down to the free code and without parameter gradients. */");
        }
        line("private void backward(int batch, boolean inner) {");
        indent++;
        lastOrigin = null;
        for (int id = g.nodes().size() - 1; id >= 0; id--) {
            Node n = g.node(id);
            if (free != null && id == free.id()) line("if (inner) return;   // the steps need gradients down to the code only");
            if (n instanceof Input || n instanceof Corrupt || n instanceof FreeCode) continue;
            if (!live[id] || !needsGradient(id)) continue;   // not in the objective, or no parameter upstream
            origin(g.nodeOrigin(id));
            line("// " + id + ": " + describe(n));
            String count = "batch * W" + id;
            String paramGuard = free != null && id > free.id() ? "if (!inner) " : "";
            switch (n) {
                case AddNoise a -> seed(count, "1f", "d" + id, a.input());
                case Probe pr -> seed(count, "1f", "d" + id, pr.input());
                case Softmax sm -> {
                    if (needsGradient(sm.input())) {
                        String op = claim("d" + sm.input(), true) ? " = " : " += ";
                        line("for (int r = 0; r < batch; r++) {   // dz = y (dy - <y, dy>) per row");
                        line("    int o = r * W" + id + ";");
                        line("    float dot = (float) Elementwise.dot(W" + id + ", v" + id + ", o, d" + id + ", o);");
                        line("    for (int j = 0; j < W" + id + "; j++) d" + sm.input() + "[o + j]" + op + "v" + id + "[o + j] * (d" + id
                                + "[o + j] - dot);");
                        line("}");
                    }
                }
                case Activate a -> {
                    if (needsGradient(a.input())) {
                        if (claim("d" + a.input(), true)) {
                            line("Activation." + a.activation() + ".backward(" + count + ", v" + id + ", 0, d" + id + ", 0, d" + a.input() + ", 0);");
                        } else {
                            line("Activation." + a.activation() + ".backward(" + count + ", v" + id + ", 0, d" + id + ", 0, scratch, 0);");
                            line("Elementwise.axpy(" + count + ", 1f, scratch, 0, d" + a.input() + ", 0);");
                        }
                    }
                }
                case Dense d -> {
                    String in = "W" + d.input();
                    String o = "W" + id;
                    boolean needsDx = needsGradient(d.input());
                    // beta 0 where this is the buffer's first write of the step (no zeroing before)
                    String bx = needsDx && claim("d" + d.input(), true) ? "0f" : "1f";
                    String bw = claim("g" + d.weight(), true) ? "0f" : "1f";
                    if (needsDx) {
                        line("if (prepacked) Gemm.gemm(Op.N, batch, " + in + ", " + o + ", 1f, d" + id + ", 0, " + o + ", "
                                + pack(d.weight(), d.transposed()) + ", " + bx + ", d" + d.input() + ", 0, " + in + ", Epilogue.NONE);");
                    }
                    if (d.transposed()) {
                        // Y = X W, W: in x out. dX += dY W^T; dW += X^T dY.
                        if (needsDx) line("else Gemm.gemm(Op.N, Op.T, batch, " + in + ", " + o + ", 1f, d" + id + ", 0, " + o + ", p"
                                + d.weight() + ", 0, " + o + ", " + bx + ", d" + d.input() + ", 0, " + in + ");");
                        line(paramGuard + "Gemm.gemm(Op.T, Op.N, " + in + ", " + o + ", batch, 1f, v" + d.input() + ", 0, " + in + ", d" + id
                                + ", 0, " + o + ", " + bw + ", g" + d.weight() + ", 0, " + o + ");");
                    } else {
                        // Y = X W^T, W: out x in. dX += dY W; dW += dY^T X.
                        if (needsDx) line("else Gemm.gemm(Op.N, Op.N, batch, " + in + ", " + o + ", 1f, d" + id + ", 0, " + o + ", p"
                                + d.weight() + ", 0, " + in + ", " + bx + ", d" + d.input() + ", 0, " + in + ");");
                        line(paramGuard + "Gemm.gemm(Op.T, Op.N, " + o + ", " + in + ", batch, 1f, d" + id + ", 0, " + o + ", v" + d.input()
                                + ", 0, " + in + ", " + bw + ", g" + d.weight() + ", 0, " + in + ");");
                    }
                    if (d.bias() >= 0) {
                        boolean ow = claim("g" + d.bias(), true);
                        line(paramGuard + "Elementwise.colSums(batch, " + o + ", d" + id + ", 0, " + o + ", g" + d.bias() + ", 0, " + !ow + ");");
                    }
                }
                default -> { }
            }
        }
        indent--;
        line("}");
        line("");
    }

    private void entryPoints() {
        String cn = className;
        line("@Override");
        line("public double forwardBackward(float[] x, int batch, long seed, long step) {");
        indent++;
        line("check(x, batch);");
        if (!packs.isEmpty()) line("packWeights();");
        if (splittable) {
            line("int n = BatchSplit.parts(batch);");
            line("if (n == 1) return stepRows(x, 0, batch, batch, seed, step);");
            line("// Data parallel: each part runs rows [start(t), start(t + 1)) through the whole step with its own");
            line("// activations and gradients; the parts' gradients are then summed in part order.");
            line(cn + "[] ps = split();");
            line("Parallel.run(n, t -> {");
            line("    int r0 = BatchSplit.start(batch, t, n);");
            line("    ps[t].partLoss = ps[t].stepRows(x, r0, BatchSplit.start(batch, t + 1, n) - r0, batch, seed, step);");
            line("});");
            line("double loss = partLoss;");
            line("for (int t = 1; t < n; t++) {");
            line("    loss += ps[t].partLoss;");
            line("    for (int k = 0; k < terms.length; k++) terms[k] += ps[t].terms[k];");
            line("}");
            line("BatchSplit.sumGradients(n, splitGrads);");
            line("return loss;");
        } else {
            line("rowOffset = 0;");
            line("forward(x, batch, seed, step, true, 0, false);");
            if (free != null) line("optimizeCode(x, batch, seed, step, true);");
            line("double loss = objective(batch, batch, true);");
            line("backward(batch, false);");
            line("return loss;");
        }
        indent--;
        line("}");
        line("");
        if (splittable) {
            line("/** Rows [r0, r0 + rows) of x through the training step of a batch of {@code total} rows. */");
            line("private double stepRows(float[] x, int r0, int rows, int total, long seed, long step) {");
            line("    rowOffset = r0;");
            line("    forward(x, rows, seed, step, true, 0, false);");
            line("    double loss = objective(rows, total, true);");
            line("    backward(rows, false);");
            line("    return loss;");
            line("}");
            line("");
            line("private " + cn + "[] split() {");
            line("    if (split == null) {");
            line("        int n = BatchSplit.parts(maxBatch);");
            line("        " + cn + "[] s = new " + cn + "[n];");
            line("        float[][][] gs = new float[n][][];");
            line("        for (int t = 0; t < n; t++) {");
            line("            s[t] = t == 0 ? this : new " + cn + "(BatchSplit.capacity(maxBatch), this);");
            line("            gs[t] = s[t].gradArrays;");
            line("        }");
            line("        split = s;");
            line("        splitGrads = gs;");
            line("    }");
            line("    return split;");
            line("}");
            line("");
        }
        if (!packs.isEmpty()) {
            line("/** Packs every weight the training step multiplies by, once per step; the threads share the work. */");
            line("private void packWeights() {");
            indent++;
            line("if (" + packs.keySet().iterator().next() + " == null) {");
            indent++;
            for (var e : packs.entrySet()) line(e.getKey() + " = new Gemm.PackedB(" + e.getValue()[2] + ", " + e.getValue()[3] + ");");
            indent--;
            line("}");
            line("prepacked = true;");
            line("int parts = Parallel.threads();");
            line("Parallel.run(parts, t -> {");
            indent++;
            for (var e : packs.entrySet()) {
                int[] v = e.getValue();
                Graph.Param p = g.params().get(v[0]);
                line("Gemm.pack(Op." + (v[1] == 1 ? "T" : "N") + ", p" + v[0] + ", 0, " + p.cols() + ", " + e.getKey() + ", t, parts);");
            }
            indent--;
            line("});");
            indent--;
            line("}");
            line("");
        }
        line("@Override");
        line("public double loss(float[] x, int batch, long seed, long step, boolean training) {");
        line("    check(x, batch);");
        line("    rowOffset = 0;");
        line("    prepacked = false;");
        line("    forward(x, batch, seed, step, training, 0, true);");
        if (free != null) line("    optimizeCode(x, batch, seed, step, training);");
        line("    return objective(batch, batch, false);");
        line("}");
        line("");
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
