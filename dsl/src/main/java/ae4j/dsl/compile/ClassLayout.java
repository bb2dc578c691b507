package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one generated class holds and what it calls things: which nodes the training step computes (liveness),
 * which need a gradient buffer, which weights are packed once per step, and the Java name of every constant,
 * buffer and parameter, taken from the model ({@code x}, {@code xTilde}, {@code f0Pre}, {@code h}, {@code dH},
 * {@code f0Weight}, width {@code F0}). It also records, while the gradient code is emitted, which gradient
 * buffers are first overwritten and which must be zeroed.
 */
final class ClassLayout {

    final Graph g;
    /** The free code node (predictive sparse decomposition), or null. */
    final FreeCode free;
    /** The nodes the objective depends on: the training step computes only these. */
    final boolean[] live;
    /**
     * Whether a training step may split its batch into parts run by separate threads: every node and term is
     * computed row by row (no batch statistic such as the KL sparsity's mean activation, no free code).
     */
    final boolean splittable;

    private final String[] value;
    private final String[] grad;
    private final String[] width;
    private final String[] param;
    private final String[] paramGrad;
    private final Map<Integer, String> epilogue = new LinkedHashMap<>();
    /** Width constants in declaration order: name to width. */
    final Map<String, Integer> widths = new LinkedHashMap<>();
    /** Packed weights of the training step, by field name: {param index, 1 if op T else 0, k, n}. */
    final Map<String, int[]> packs = new LinkedHashMap<>();
    /** The packs a forward pass uses (an evaluation packs only these). */
    final Set<String> forwardPacks = new HashSet<>();

    /** Gradient buffers written so far, in the emission order of objective(), backward(), paramGradients(). */
    private final Set<String> written = new HashSet<>();
    /** Gradient buffers whose first write overwrites them (no zeroing needed). */
    private final Set<String> overwritten = new HashSet<>();
    /** Node gradients objective() zeroes (ids) and parameter gradients paramGradients() zeroes (indices). */
    final List<Integer> zeroedNodes = new ArrayList<>();

    final List<Integer> zeroedParams = new ArrayList<>();

    private final Set<String> taken = new HashSet<>(RESERVED);

    /**
     * Names the generated code uses for itself (locals, parameters, fields, the classes it calls, Java's
     * keywords): a model name that would clash gets a suffix.
     */
    private static final Set<String> RESERVED = Set.of(
            "abstract",
            "assert",
            "boolean",
            "break",
            "byte",
            "case",
            "catch",
            "char",
            "class",
            "const",
            "continue",
            "default",
            "do",
            "double",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "float",
            "for",
            "goto",
            "if",
            "implements",
            "import",
            "instanceof",
            "int",
            "interface",
            "long",
            "native",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "short",
            "static",
            "strictfp",
            "super",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "transient",
            "try",
            "void",
            "volatile",
            "while",
            "true",
            "false",
            "null",
            "var",
            "yield",
            "record",
            "sealed",
            "permits",
            "when",
            "_",
            "data",
            "r0",
            "batch",
            "seed",
            "step",
            "noisy",
            "to",
            "t",
            "n",
            "parts",
            "lo",
            "hi",
            "inv",
            "total",
            "scale",
            "tm",
            "meanOver",
            "seedGradients",
            "inner",
            "rows",
            "loss",
            "k",
            "sum",
            "r",
            "o",
            "j",
            "i",
            "m",
            "value",
            "q",
            "rn",
            "hv",
            "s",
            "dot",
            "rowTotal",
            "lse",
            "base",
            "so",
            "sumD2",
            "backward",
            "id",
            "node",
            "maxBatch",
            "prepacked",
            "packsFresh",
            "plans",
            "plan",
            "update",
            "u",
            "t0",
            "used",
            "ParamUpdate",
            "StepThreads",
            "scratch",
            "rowBuf",
            "colBuf",
            "unitSums",
            "terms",
            "partTerms",
            "SW",
            "Gemm",
            "Op",
            "Epilogue",
            "Activation",
            "Philox",
            "Elementwise",
            "Losses",
            "Norms",
            "Parallel",
            "BatchSplit",
            "CompiledModel",
            "List",
            "ParamInfo",
            "Math",
            "System",
            "Float",
            "Double",
            "Integer",
            "String",
            "Object",
            "IllegalArgumentException",
            "java",
            "ae4j");

    ClassLayout(Graph g) {
        this.g = g;
        this.free = g.freeCode();
        this.live = liveNodes(g);
        this.splittable = free == null && g.objective().stream().noneMatch(t -> t instanceof KlSparsity);
        int nodes = g.nodes().size();
        width = new String[nodes];
        value = new String[nodes];
        grad = new String[nodes];
        Map<String, Integer> widthOf = new HashMap<>();
        for (Node n : g.nodes()) {
            String size = g.sizeName(n.id());
            String w = size == null ? "W" + n.id() : upperSnake(javaName(size));
            Integer known = widthOf.get(w);
            if (known != null && known != n.width()) w = w + "_" + n.id();
            if (!widthOf.containsKey(w)) {
                w = claim(w, n.id());
                widthOf.put(w, n.width());
                widths.put(w, n.width());
            }
            width[n.id()] = w;
        }
        for (Node n : g.nodes()) {
            String name = g.nodeName(n.id());
            value[n.id()] = claim(name == null ? "n" + n.id() : javaName(name), n.id());
        }
        for (Node n : g.nodes()) {
            if (hasGradient(n.id())) grad[n.id()] = claim("d" + capitalize(value[n.id()]), n.id());
        }
        param = new String[g.params().size()];
        paramGrad = new String[g.params().size()];
        for (int i = 0; i < param.length; i++) {
            param[i] = claim(javaName(g.params().get(i).name()), i);
            paramGrad[i] = claim("d" + capitalize(param[i]), i);
        }
        for (Node n : g.nodes()) {
            if (n instanceof Dense d && d.bias() >= 0 && !epilogue.containsKey(d.bias())) {
                epilogue.put(d.bias(), claim("add" + capitalize(param[d.bias()]), d.bias()));
            }
        }
        for (Node n : g.nodes()) {
            if (!(n instanceof Dense d) || !live[n.id()]) continue;
            forwardPacks.add(pack(d.weight(), !d.transposed())); // forward: op(W) as B
            if (needsGradient(d.input())) pack(d.weight(), d.transposed()); // backward dX: the other op
        }
    }

    // ------------------------------------------------------------------ names

    /** The buffer holding node id's values (batch x width). */
    String value(int id) {
        return value[id];
    }

    /** The buffer holding the gradient of the objective with respect to node id's values. */
    String grad(int id) {
        if (grad[id] == null) throw new IllegalStateException("ae4j bug: node " + id + " has no gradient buffer");
        return grad[id];
    }

    /** The constant holding node id's width. */
    String width(int id) {
        return width[id];
    }

    /** Where rows [r0, r0 + batch) of node id's buffers start. */
    String off(int id) {
        return "r0 * " + width[id];
    }

    /** {@code batch * WIDTH}: the floats of rows [r0, r0 + batch) of node id. */
    String count(int id) {
        return "batch * " + width[id];
    }

    String param(int pi) {
        return param[pi];
    }

    String paramGrad(int pi) {
        return paramGrad[pi];
    }

    /** The GEMM epilogue that adds bias parameter pi. */
    String epilogue(int biasParam) {
        return epilogue.get(biasParam);
    }

    Map<Integer, String> epilogues() {
        return epilogue;
    }

    /** Whether node id has a gradient buffer: the training step computes it and some parameter lies upstream. */
    boolean hasGradient(int id) {
        return live[id] && needsGradient(id);
    }

    /** The field holding param {@code pi} packed as op(B) (op T when {@code t}); registers it. */
    String pack(int pi, boolean t) {
        Graph.Param p = g.params().get(pi);
        String name = param[pi] + (t ? "T" : "N");
        packs.putIfAbsent(name, new int[] {pi, t ? 1 : 0, t ? p.cols() : p.rows(), t ? p.rows() : p.cols()});
        return name;
    }

    /** A name no other field, buffer or local of the class uses ({@code desired} when it is free). */
    String claimName(String desired) {
        return claim(desired, 0);
    }

    private String claim(String desired, int id) {
        String name = desired;
        if (!taken.add(name)) {
            name = desired + "_" + id;
            for (int k = 2; !taken.add(name); k++) name = desired + "_" + id + "_" + k;
        }
        return name;
    }

    /** A Java identifier for a model name: "f.0.weight" becomes f0Weight, "x~" xTilde. */
    static String javaName(String s) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '~') {
                b.append(b.isEmpty() ? "tilde" : "Tilde");
            } else if (c < 128 && Character.isLetterOrDigit(c) || c == '_') {
                b.append(upper && !b.isEmpty() ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (b.isEmpty() || Character.isDigit(b.charAt(0))) b.insert(0, 'n');
        return b.toString();
    }

    private static String upperSnake(String camel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)
                    && i > 0
                    && !Character.isUpperCase(camel.charAt(i - 1))
                    && camel.charAt(i - 1) != '_') b.append('_');
            b.append(Character.toUpperCase(c));
        }
        return b.toString();
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ------------------------------------------------------------------ liveness and gradients

    /**
     * The nodes some objective term depends on (node 0 always). With a free code every node counts: the
     * code's steps re-run the forward from the code on.
     */
    static boolean[] liveNodes(Graph g) {
        int n = g.nodes().size();
        boolean[] live = new boolean[n];
        if (g.freeCode() != null) {
            Arrays.fill(live, true);
            return live;
        }
        live[0] = true;
        for (Term t : g.objective()) {
            for (int id : termNodes(t)) live[id] = true;
        }
        for (int id = n - 1; id >= 0; id--) {
            if (!live[id]) continue;
            int in = input(g.node(id));
            if (in >= 0) live[in] = true;
        }
        return live;
    }

    /** The node a node reads (-1 for the input). */
    static int input(Node n) {
        return switch (n) {
            case Input x -> -1;
            case Corrupt c -> c.input();
            case Dense d -> d.input();
            case Activate a -> a.input();
            case AddNoise a -> a.input();
            case Probe pr -> pr.input();
            case Softmax sm -> sm.input();
            case FreeCode fc -> fc.init();
        };
    }

    private static int[] termNodes(Term t) {
        return switch (t) {
            case Mse m -> MseTerm.nodes(m);
            case BernoulliNll b -> BernoulliNllTerm.nodes(b);
            case GaussianNll gn -> GaussianNllTerm.nodes(gn);
            case CategoricalNll c -> CategoricalNllTerm.nodes(c);
            case KlSparsity kl -> KlSparsityTerm.nodes(kl);
            case JacobianEstimate je -> JacobianEstimateTerm.nodes(je);
            case L1 l -> L1Term.nodes(l);
            case L2 l -> L2Term.nodes(l);
            case WeightDecay w -> WeightDecayTerm.nodes(w);
            case Contractive c -> ContractiveTerm.nodes(c);
        };
    }

    /** Whether gradients must flow into node id (some parameter lies upstream of it). */
    boolean needsGradient(int id) {
        return switch (g.node(id)) {
            case Input in -> false;
            case Corrupt c -> false;
            case Dense d -> true;
            case FreeCode fc -> true; // the steps on the code need its gradient
            case Node other -> needsGradient(input(other));
        };
    }

    /**
     * Records a write into gradient buffer {@code buf}; true when the write may overwrite it instead of
     * accumulating: it is the buffer's first write of the step and the operation can overwrite. A free
     * code's steps re-run objective and backward with their own guards, so there every buffer is zeroed.
     */
    boolean claimWrite(String buf, boolean canOverwrite) {
        boolean first = written.add(buf);
        boolean ow = first && canOverwrite && free == null;
        if (ow) overwritten.add(buf);
        return ow;
    }

    /** Starts a pass over the gradient code (the dry run, then the real one) with nothing written yet. */
    void startGradientPass() {
        written.clear();
        overwritten.clear();
    }

    /** After the dry run: the gradient buffers whose first write accumulates, which must be zeroed first. */
    void decideZeroing() {
        zeroedParams.clear();
        zeroedNodes.clear();
        for (int i = 0; i < g.params().size(); i++) if (!overwritten.contains(paramGrad[i])) zeroedParams.add(i);
        for (Node n : g.nodes())
            if (hasGradient(n.id()) && !overwritten.contains(grad[n.id()])) zeroedNodes.add(n.id());
    }

    /** Every dense weight, once each (a tied decoder's shares the encoder's). */
    int[] denseWeights() {
        return g.denseWeights();
    }

    /** Whether parameter pi is a dense layer's bias (its gradient is split by columns, a weight's by rows). */
    boolean isBias(int pi) {
        for (Node n : g.nodes()) if (n instanceof Dense d && d.bias() == pi) return true;
        return false;
    }
}
