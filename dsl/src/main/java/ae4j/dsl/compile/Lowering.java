package ae4j.dsl.compile;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.check.Nonlinearity;
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
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.ir.Graph.Term;
import ae4j.dsl.ir.Graph.WeightDecay;
import ae4j.vecmath.Activation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model to the IR ({@link Graph}): the lowering stage of the compiler.
 *
 * <p><b>Parameters</b> are named like PyTorch's state dict, after the declared encoder and decoder
 * names and the 0-based layer index: {@code f.0.weight} (out x in), {@code f.0.bias} (1 x out),
 * ..., {@code g.0.weight}, {@code g.0.bias}, ... A tied decoder has biases only ({@code g.i.bias}); its
 * layer i uses the encoder's weight of layer n-1-i transposed. Order: every encoder layer's weight and
 * bias, then every decoder layer's.
 *
 * <p><b>Nodes.</b> Node 0 is the input x, node 1 the corrupted input x~ when the model declares a
 * corruption (nested corruptions become {@link Corruption.Then}, innermost first). Then the code: the
 * encoder applied to its declared argument (x or x~), and for a {@code free code} a {@link FreeCode}
 * node initialised at that application. Then, in the order the objective needs them, further
 * applications: each distinct application of the encoder or decoder to a node is lowered once
 * (f(x) and f(x~) are two applications sharing the parameters; g(h) and g(f(x)) are the same when h is
 * f(x)). A layer is a {@link Dense} followed by its activation ({@link Activate}, {@link Softmax} for
 * softmax, nothing for identity). {@code noise before h} puts an {@link AddNoise} between the code
 * layer's dense and its activation, in the code's application only.
 *
 * <p><b>Terms.</b> mse, gaussian_nll, l1, l2, weight_decay and kl_sparsity map one to one.
 * bernoulli_nll takes the logits: the input of the compared node when that node is a sigmoid, else the
 * node itself (a decoder ending in identity outputs logits; any other ending is read as logits too,
 * which the checker warns about). categorical_nll likewise takes the input of a softmax node.
 * jacobian_frobenius(f, x) is the closed-form {@link Contractive} term for a one-layer sigmoid or tanh
 * encoder; otherwise a stochastic estimate ({@link JacobianEstimate}): a second application of the
 * encoder to x + sigma eps ({@link Probe}, sigma = {@value #PROBE_SIGMA}) compared with f(x).
 *
 * <p><b>Approximations.</b> A noise sigma given as a schedule takes the schedule's final value
 * (ramp(start, end) gives end) until the trainer drives it; the stochastic Jacobian estimate is one
 * sample per example and step, biased by O(sigma^2).
 */
public final class Lowering {

    /** The step of the stochastic Jacobian estimate's probe: small against data scaled to [0, 1]. */
    public static final double PROBE_SIGMA = 0.01;

    /** A construct the checker accepts that this lowering cannot express; the message is for the user. */
    public static final class LoweringException extends RuntimeException {
        public LoweringException(String message) {
            super(message);
        }
    }

    private final CheckedModel m;
    private final List<Param> params = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, String> nodeOrigins = new HashMap<>();
    private final Map<Integer, String> termOrigins = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, String> sizes = new HashMap<>();
    private final Map<String, Integer> applications = new HashMap<>();
    private final int[] encWeight;
    private final int[] encBias;
    private final int[] decWeight;
    private final int[] decBias;
    private int corrupt = -1;
    private int code = -1;
    /** The argument of the code's application of the encoder (its nodes are named by layer alone). */
    private int codeArg = -1;
    /** The functions whose first application has been named (by layer alone). */
    private final java.util.Set<String> primaryNamed = new java.util.HashSet<>();
    /** The name suffix of each application's output node ("" for the first applications, "OfXTilde" ...). */
    private final Map<Integer, String> suffixes = new HashMap<>();

    private MExpr.Encode codeApplication;

    private Lowering(CheckedModel m) {
        this.m = m;
        int ne = m.encoder().layers().size();
        int nd = m.decoder().layers().size();
        encWeight = new int[ne];
        encBias = new int[ne];
        decWeight = new int[nd];
        decBias = new int[nd];
    }

    /** The IR of a checked model. */
    public static Graph lower(CheckedModel m) {
        return lowerWithRoles(m).graph();
    }

    /**
     * The IR plus the nodes a report needs: the code h, the corrupted input x~ (-1 without corruption) and
     * the reconstruction shown next to it: g(f(x~)) for a denoising model, else g(h).
     */
    public record Lowered(Graph graph, int code, int corrupted, int reconstruction) {}

    public static Lowered lowerWithRoles(CheckedModel m) {
        Lowering l = new Lowering(m);
        Graph g = l.run();
        return new Lowered(g, l.code, l.corrupt, l.reconstruction);
    }

    private int reconstruction = -1;

    private Graph run() {
        String f = m.encoder().name();
        for (int i = 0; i < m.encoder().layers().size(); i++) {
            LayerInfo l = m.encoder().layers().get(i);
            encWeight[i] = param(f + "." + i + ".weight", l.out(), l.in());
            encBias[i] = param(f + "." + i + ".bias", 1, l.out());
        }
        String g = m.decoder().name();
        for (int i = 0; i < m.decoder().layers().size(); i++) {
            LayerInfo l = m.decoder().layers().get(i);
            int mirrored = m.encoder().layers().size() - 1 - i;
            if (m.decoder().tied()) {
                if (mirrored < 0) throw new LoweringException("the tied decoder has more layers than the encoder");
                decWeight[i] = encWeight[mirrored];
            } else {
                decWeight[i] = param(g + "." + i + ".weight", l.out(), l.in());
            }
            decBias[i] = param(g + "." + i + ".bias", 1, l.out());
        }
        String x = m.input().name();
        add(new Input(0, m.input().size()), m.origin("input"), x, x);
        if (m.corruption() != null) {
            corrupt = add(
                    new Corrupt(1, 0, corruption(m.corruption()), m.input().size()),
                    m.origin("corrupt"),
                    x + "Tilde",
                    x);
        }
        // The code: the declared application of the encoder, or a free variable initialised there.
        MExpr cv = m.code().value();
        if (!(cv instanceof MExpr.Encode en))
            throw new LoweringException("the code must be an application of the encoder, got " + cv);
        codeApplication = en;
        int applied = value(en);
        if (m.freeCode() != null) {
            code = add(
                    new FreeCode(
                            nodes.size(),
                            applied,
                            m.freeCode().steps(),
                            m.freeCode().lr(),
                            m.code().size()),
                    m.origin("free"),
                    m.code().name(),
                    m.code().name());
        } else {
            code = applied;
        }
        List<Term> terms = new ArrayList<>();
        for (CheckedModel.Term t : m.objective()) {
            Term lowered = term(t);
            if (t.origin() != null) termOrigins.put(terms.size(), t.origin());
            terms.add(lowered);
        }
        if (!m.decoder().layers().isEmpty()) {
            // Usually already computed by the objective (then this adds nothing).
            MExpr shown = corrupt >= 0 && m.freeCode() == null
                    ? new MExpr.Encode(
                            m.encoder().name(), new MExpr.Corrupted(m.input().name()))
                    : new MExpr.Code(m.code().name());
            reconstruction = value(new MExpr.Decode(m.decoder().name(), shown));
        }
        if (nodes.size() > MAX_NODES) {
            throw new LoweringException(String.format(
                    "model '%s' lowers to %,d operations; ae4j compiles models of up to %,d (each generated method"
                            + " holds 64 KB of bytecode). Each jacobian_frobenius of a deep encoder runs a copy of it:"
                            + " write one such term with a larger weight instead of several, or use fewer layers",
                    m.name(), nodes.size(), MAX_NODES));
        }
        return new Graph(m.name(), params, nodes, terms, new Graph.Origins(nodeOrigins, termOrigins, names, sizes));
    }

    /**
     * The most IR operations a model may lower to: the forward pass is one generated method; 1,031 operations
     * (64-layer encoder and decoder, four stochastic Jacobian penalties) were measured to fit, 1,160 not.
     */
    public static final int MAX_NODES = 1000;

    // ------------------------------------------------------------------ parameters and nodes

    private int param(String name, int rows, int cols) {
        params.add(new Param(name, rows, cols));
        return params.size() - 1;
    }

    /** Adds a node with its DSL origin, its name and the name of its width (see {@link Graph.Origins}). */
    private int add(Node n, String origin, String name, String size) {
        if (n.id() != nodes.size())
            throw new IllegalStateException("node id " + n.id() + " at position " + nodes.size());
        nodes.add(n);
        if (origin != null) nodeOrigins.put(n.id(), origin);
        names.put(n.id(), name);
        sizes.put(n.id(), size);
        return n.id();
    }

    /**
     * How the nodes of one application of the encoder or decoder are named: the first application of each
     * (the code's, and the decoder's of the code) by layer alone ("f0Pre", "f0"), any other with its argument
     * ("f0OfX"); the code application's output is the code ("h").
     */
    private String applicationSuffix(String function, int arg) {
        boolean primary = function.equals(m.encoder().name()) ? arg == codeArg : arg == code;
        if (primary && primaryNamed.add(function)) return "";
        String inherited = suffixes.get(arg); // g(f(x~)): named after x~, like f(x~)
        return inherited != null && !inherited.isEmpty() ? inherited : "Of" + capitalize(names.get(arg));
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private int next() {
        return nodes.size();
    }

    private static Corruption corruption(CheckedModel.Corruption c) {
        Corruption self = switch (c.kind()) {
            case GAUSSIAN -> new Corruption.Gaussian(number(c.args().get("sigma"), "sigma"));
            case MASKING -> new Corruption.Masking(number(c.args().get("p"), "p"));
            case SALT_PEPPER -> new Corruption.SaltPepper(number(c.args().get("p"), "p"));
        };
        return c.inner() == null ? self : new Corruption.Then(corruption(c.inner()), self);
    }

    // ------------------------------------------------------------------ model expressions

    /** The node holding a model expression's value, lowering applications once each. */
    private int value(MExpr e) {
        return switch (e) {
            case MExpr.Input in -> 0;
            case MExpr.Corrupted c -> {
                if (corrupt < 0) throw new LoweringException("x~ is used but the model declares no corruption");
                yield corrupt;
            }
            case MExpr.Code c -> code;
            case MExpr.Encode en ->
                applyEncoder(value(en.arg()), m.noiseBeforeCode() != null && en.equals(codeApplication));
            case MExpr.Decode d -> {
                int arg = value(d.arg());
                String key = "dec@" + arg;
                Integer known = applications.get(key);
                if (known != null) yield known;
                int out = decode(arg);
                applications.put(key, out);
                yield out;
            }
            case MExpr.Function fn -> throw new LoweringException("'" + fn + "' is a function, not a value");
        };
    }

    /** The encoder applied to node {@code arg}, once per argument and noise. */
    private int applyEncoder(int arg, boolean noisy) {
        String key = "enc@" + arg + (noisy ? "+noise" : "");
        Integer known = applications.get(key);
        if (known != null) return known;
        int out = encode(arg, noisy, null);
        applications.put(key, out);
        return out;
    }

    /** The encoder applied to node {@code arg}; {@code origin} overrides the layers' own. */
    private int encode(int arg, boolean noisy, String origin) {
        if (codeArg < 0) codeArg = arg; // the first application is the code's
        String f = m.encoder().name();
        String suffix = applicationSuffix(f, arg);
        int last = m.encoder().layers().size() - 1;
        int cur = arg;
        for (int i = 0; i <= last; i++) {
            LayerInfo l = m.encoder().layers().get(i);
            String o = origin != null ? origin : l.origin();
            // The code application's last layer is the code itself (unless the code is a free variable).
            String layer = i == last && suffix.isEmpty() && m.freeCode() == null
                    ? m.code().name()
                    : f + i + suffix;
            String size = i == last ? m.code().name() : f + i;
            boolean activated = !isIdentity(l);
            cur = add(
                    new Dense(next(), cur, encWeight[i], encBias[i], false, l.out()),
                    o,
                    activated ? layer + "Pre" : layer,
                    size);
            if (noisy && i == last) {
                double sigma = noiseSigma(m.noiseBeforeCode());
                cur = add(new AddNoise(next(), cur, sigma, l.out()), m.origin("noise"), layer + "Noisy", size);
            }
            cur = activate(cur, l, o, layer, size);
        }
        suffixes.put(cur, suffix);
        return cur;
    }

    private int decode(int arg) {
        String g = m.decoder().name();
        String suffix = applicationSuffix(g, arg);
        int last = m.decoder().layers().size() - 1;
        int cur = arg;
        for (int i = 0; i <= last; i++) {
            LayerInfo l = m.decoder().layers().get(i);
            String layer = g + i + suffix;
            String size = i == last && l.out() == m.input().size() ? m.input().name() : g + i;
            cur = add(
                    new Dense(next(), cur, decWeight[i], decBias[i], m.decoder().tied(), l.out()),
                    l.origin(),
                    isIdentity(l) ? layer : layer + "Pre",
                    size);
            cur = activate(cur, l, l.origin(), layer, size);
        }
        suffixes.put(cur, suffix);
        return cur;
    }

    private static boolean isIdentity(LayerInfo l) {
        return l.activation() == Nonlinearity.IDENTITY;
    }

    private int activate(int in, LayerInfo l, String origin, String name, String size) {
        if (isIdentity(l)) return in;
        if (l.activation() == Nonlinearity.SOFTMAX) return add(new Softmax(next(), in, l.out()), origin, name, size);
        return add(new Activate(next(), in, activation(l.activation()), l.out()), origin, name, size);
    }

    /** The vecmath kernel of a pointwise nonlinearity (softmax is a node of its own). */
    private static Activation activation(Nonlinearity n) {
        return switch (n) {
            case IDENTITY -> Activation.IDENTITY;
            case RELU -> Activation.RELU;
            case SIGMOID -> Activation.SIGMOID;
            case TANH -> Activation.TANH;
            case SOFTPLUS -> Activation.SOFTPLUS;
            case SOFTMAX -> throw new LoweringException("softmax is not a pointwise activation");
        };
    }

    /**
     * The noise's sigma in the IR: a number, or the final value of a ramp (ramp(start, end) gives end;
     * warmup(epochs, then) the final value of then). The trainer drives it during training by its schedule
     * ({@code train.Schedule.noiseSigma}) and leaves it at its final value.
     */
    static double noiseSigma(CheckedModel.Call noise) {
        if (!noise.name().equals("gaussian"))
            throw new LoweringException("unknown noise process '" + noise.name() + "'");
        return finalValue(noise.args().get("sigma"));
    }

    private static double finalValue(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof CheckedModel.Call c) {
            return switch (c.name()) {
                case "ramp" -> number(c.args().get("end"), "end");
                case "warmup" -> finalValue(c.args().get("then"));
                default ->
                    throw new LoweringException("the noise sigma schedule " + c.name()
                            + "() has no value of its own; write a number or ramp(start: ..., end: ...)");
            };
        }
        throw new LoweringException("expected a number for the noise sigma, got " + v);
    }

    private static double number(Object v, String what) {
        if (v instanceof Number n) return n.doubleValue();
        throw new LoweringException("expected a number for " + what + ", got " + v);
    }

    // ------------------------------------------------------------------ objective terms

    private Term term(CheckedModel.Term t) {
        double w = t.weight();
        Map<String, Object> a = t.args();
        return switch (t.loss()) {
            case MSE -> new Mse(w, value(expr(a, "a")), value(expr(a, "b")));
            case GAUSSIAN_NLL ->
                new GaussianNll(
                        w,
                        value(expr(a, "x")),
                        value(expr(a, "r")),
                        a.containsKey("sigma") ? number(a.get("sigma"), "sigma") : 1.0);
            case BERNOULLI_NLL -> {
                int target = value(expr(a, "x"));
                int r = value(expr(a, "r"));
                int logits = nodes.get(r) instanceof Activate act && act.activation() == Activation.SIGMOID
                        ? act.input()
                        : r;
                yield new BernoulliNll(w, target, logits);
            }
            case CATEGORICAL_NLL -> {
                int target = value(expr(a, "x"));
                int r = value(expr(a, "r"));
                int logits = nodes.get(r) instanceof Softmax sm ? sm.input() : r;
                yield new CategoricalNll(w, target, logits);
            }
            case L1 -> new L1(w, value(expr(a, "h")));
            case L2 -> new L2(w, value(expr(a, "v")));
            case WEIGHT_DECAY -> new WeightDecay(w);
            case KL_SPARSITY -> new KlSparsity(w, value(expr(a, "h")), number(a.get("rho"), "rho"));
            case JACOBIAN_FROBENIUS -> jacobian(w, expr(a, "x"), t.origin());
        };
    }

    private static MExpr expr(Map<String, Object> args, String name) {
        if (args.get(name) instanceof MExpr e) return e;
        throw new LoweringException("expected a model expression for " + name + ", got " + args.get(name));
    }

    /** ||df/dx||_F^2 at x: closed form for one sigmoid or tanh layer, else the stochastic estimate. */
    private Term jacobian(double w, MExpr x, String origin) {
        int arg = value(x);
        int clean = applyEncoder(arg, false); // the Jacobian of the deterministic encoder (no code noise)
        if (m.encoder().layers().size() == 1) {
            Nonlinearity act = m.encoder().layers().get(0).activation();
            if ((act == Nonlinearity.SIGMOID || act == Nonlinearity.TANH) && nodes.get(clean) instanceof Activate) {
                return new Contractive(w, clean, encWeight[0], activation(act));
            }
        }
        int probe = add(
                new Probe(next(), arg, PROBE_SIGMA, m.input().size()),
                origin,
                names.get(arg) + "Probe",
                sizes.get(arg));
        int perturbed = encode(probe, false, origin);
        return new JacobianEstimate(w, perturbed, clean, PROBE_SIGMA);
    }
}
