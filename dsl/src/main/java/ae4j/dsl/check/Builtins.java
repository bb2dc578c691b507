package ae4j.dsl.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of every built-in of the language: data sources, transforms, layer kinds, activations,
 * output distributions, corruptions, noise processes, schedules, loss terms, optimizers, train options,
 * free-code options, analyses and export formats. Each has parameters (name, type, required or default,
 * range), a one-line doc and the book equation/section. This is data: the checker binds arguments
 * against it, the notebook kernel completes from it, a reference page can be generated from it.
 */
public final class Builtins {

    /** What a built-in is; also which position of the language it may appear in. */
    public enum Kind {
        DATA_SOURCE("data source"),
        TRANSFORM("transform"),
        LAYER("layer kind"),
        ACTIVATION("activation"),
        DISTRIBUTION("output distribution"),
        CORRUPTION("corruption"),
        NOISE("noise process"),
        SCHEDULE("schedule"),
        LOSS("loss"),
        OPTIMIZER("optimizer"),
        TRAIN_OPTION("train option"),
        FREE_CODE_OPTION("free code option"),
        ANALYSIS("analysis"),
        EXPORT_FORMAT("export format");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        /** In messages: "unknown activation 'rleu'". */
        public String words() {
            return words;
        }
    }

    /** Parameter types, with the range each one allows. */
    public enum Type {
        /** An integer > 0. */
        INT("a positive integer"),
        /** An integer >= 0. */
        COUNT("an integer >= 0"),
        NUMBER("a number"),
        /** A number >= 0. */
        NON_NEGATIVE("a number >= 0"),
        /** A number > 0. */
        POSITIVE("a number > 0"),
        /** 0 <= p < 1. */
        PROBABILITY("a probability in [0, 1)"),
        STRING("a string"),
        BOOL("true or false"),
        /** A declared data set. */
        DATA("a data set name"),
        /** A number or a schedule call such as cosine(). */
        SCHEDULE("a number or a schedule"),
        /** A schedule call such as cosine() (the learning-rate schedule). */
        SCHEDULE_CALL("a schedule such as cosine()"),
        /** An optimizer call such as adam(lr: 1e-3). */
        OPTIMIZER("an optimizer such as adam(lr: 1e-3)"),
        /** A model expression: x, x~, h, f(x), g(f(x~)). */
        EXPRESSION("a model expression"),
        /** The name of the model's encoder. */
        ENCODER("the encoder's name"),
        /** A fraction in [0, 1) or a data set name (train's validation). */
        FRACTION_OR_DATA("a fraction in [0, 1) or a data set name"),
        /** One word among the parameter's choices. */
        CHOICE("one of the listed words");

        private final String words;

        Type(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * A parameter. {@code defaultValue} is null when there is no default (required, or optional with
     * "none"); {@code defaultText} is how the default is written in docs ("none", "code size", "0.5").
     * {@code derived} marks defaults the checker computes from the model ("code size", "corruption sigma").
     */
    public record Param(
            String name,
            Type type,
            boolean required,
            Object defaultValue,
            String defaultText,
            List<String> choices,
            boolean derived) {
        public Param {
            choices = List.copyOf(choices);
        }

        /** {@code sigma: positive = 1} style. */
        public String signature() {
            String t = type == Type.CHOICE
                    ? String.join(" | ", choices)
                    : type.name().toLowerCase();
            return name + ": " + t + (required ? "" : " = " + defaultText);
        }
    }

    /** One built-in. {@code book} is the equation or section of chapter 14 ("" when none). */
    public record Builtin(Kind kind, String name, List<Param> params, String doc, String book) {
        public Builtin {
            params = List.copyOf(params);
        }

        public Optional<Param> param(String n) {
            return params.stream().filter(p -> p.name.equals(n)).findFirst();
        }

        public String signature() {
            StringBuilder b = new StringBuilder(name).append('(');
            for (int i = 0; i < params.size(); i++)
                b.append(i == 0 ? "" : ", ").append(params.get(i).signature());
            return b.append(')').toString();
        }
    }

    private static final Map<Kind, Map<String, Builtin>> REGISTRY = new LinkedHashMap<>();

    // ------------------------------------------------------------------ parameter helpers

    static Param req(String name, Type type) {
        return new Param(name, type, true, null, "", List.of(), false);
    }

    static Param opt(String name, Type type, Object value) {
        return new Param(name, type, false, value, value == null ? "none" : text(value), List.of(), false);
    }

    static Param none(String name, Type type) {
        return new Param(name, type, false, null, "none", List.of(), false);
    }

    static Param derived(String name, Type type, String what) {
        return new Param(name, type, false, null, what, List.of(), true);
    }

    static Param choice(String name, String defaultWord, String... words) {
        return new Param(
                name,
                Type.CHOICE,
                defaultWord == null,
                defaultWord,
                defaultWord == null ? "" : defaultWord,
                List.of(words),
                false);
    }

    private static String text(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        if (v instanceof CheckedModel.Call c) return c.name() + "()";
        return String.valueOf(v);
    }

    private static void add(Kind kind, String name, String doc, String book, Param... params) {
        REGISTRY.computeIfAbsent(kind, k -> new LinkedHashMap<>())
                .put(name, new Builtin(kind, name, List.of(params), doc, book));
    }

    static {
        Kind k;
        // ------------------------------------------------ data sources
        k = Kind.DATA_SOURCE;
        add(
                k,
                "idx",
                "IDX file, gzip or raw (MNIST/Fashion-MNIST format); paths relative to the .ae file, bare fashion-mnist/... also searches /usr/share/datasets/",
                "",
                req("path", Type.STRING),
                none("labels", Type.STRING));
        add(
                k,
                "csv",
                "CSV file of numbers, one example per row",
                "",
                req("path", Type.STRING),
                opt("header", Type.BOOL, true),
                none("label_column", Type.COUNT));
        add(
                k,
                "npy",
                "NumPy .npy array, one example per row",
                "",
                req("path", Type.STRING),
                none("labels", Type.STRING));
        add(k, "spiral", "2-D spiral (synthetic)", "", synth(opt("turns", Type.POSITIVE, 2.0)));
        add(k, "two_moons", "2-D two interleaved half circles (synthetic)", "", synth());
        add(
                k,
                "gaussian_mixture",
                "mixture of k Gaussians in dim dimensions (synthetic)",
                "",
                synth(opt("k", Type.INT, 4.0), opt("dim", Type.INT, 2.0), opt("spread", Type.POSITIVE, 1.0)));
        add(k, "circle", "2-D circle (synthetic)", "", synth(opt("radius", Type.POSITIVE, 1.0)));
        add(k, "swiss_roll", "3-D swiss roll (synthetic)", "", synth());
        add(
                k,
                "translated_template",
                "one image translated horizontally: a known 1-D manifold with known tangent",
                "figure 14.6",
                synth(opt("size", Type.INT, 28.0), opt("shift", Type.INT, 8.0)));
        add(
                k,
                "embedded_manifold",
                "a curve/surface embedded in high dimension by a random rotation, known tangents",
                "section 14.6",
                synth(opt("intrinsic", Type.INT, 1.0), opt("ambient", Type.INT, 100.0)));
        add(
                k,
                "split",
                "splits a data set in two: data (fit, val) = split(train, 0.9)",
                "",
                req("data", Type.DATA),
                req("fraction", Type.PROBABILITY));
        // ------------------------------------------------ transforms
        k = Kind.TRANSFORM;
        add(k, "scale", "multiplies every value: scale 1/255", "", req("factor", Type.NUMBER));
        add(k, "standardize", "zero mean, unit variance per feature", "");
        add(k, "flatten", "flattens each example to a vector", "");
        add(k, "take", "keeps the first n examples", "", req("n", Type.INT));
        add(k, "skip", "drops the first n examples", "", req("n", Type.INT));
        add(k, "shuffle", "shuffles the examples", "", opt("seed", Type.COUNT, 0.0));
        add(k, "binarize", "values above threshold become 1, others 0", "", opt("threshold", Type.PROBABILITY, 0.5));
        // ------------------------------------------------ layers and activations
        add(
                Kind.LAYER,
                "dense",
                "fully connected layer: h = activation(W x + b)",
                "section 14.1",
                req("units", Type.INT),
                derived("in", Type.INT, "previous layer's size"));
        k = Kind.ACTIVATION;
        add(k, "identity", "no non-linearity (the default)", "");
        add(k, "linear", "alias of identity", "");
        add(k, "relu", "max(0, z)", "");
        add(k, "sigmoid", "1 / (1 + exp(-z)); a Bernoulli mean or a saturating code", "section 14.4");
        add(k, "tanh", "hyperbolic tangent", "");
        add(k, "softplus", "log(1 + exp(z))", "");
        add(k, "softmax", "exp(z_i) / sum_j exp(z_j); a categorical distribution", "section 14.4");
        // ------------------------------------------------ output distributions
        k = Kind.DISTRIBUTION;
        add(
                k,
                "bernoulli",
                "p_decoder(x | h) Bernoulli with mean g(h); decoder ends in sigmoid (or identity, logits)",
                "section 14.4, eq. 14.4");
        add(
                k,
                "gaussian",
                "p_decoder(x | h) Gaussian with mean g(h) and standard deviation sigma; decoder ends in identity",
                "section 14.4",
                opt("sigma", Type.POSITIVE, 1.0));
        add(k, "categorical", "p_decoder(x | h) categorical (softmax); decoder ends in softmax", "section 14.4");
        // ------------------------------------------------ corruptions
        k = Kind.CORRUPTION;
        add(
                k,
                "gaussian",
                "adds N(0, sigma^2 I) noise: C(x~ | x) = N(x~; x, sigma^2 I)",
                "eq. 14.17",
                req("x", Type.EXPRESSION),
                req("sigma", Type.POSITIVE));
        add(
                k,
                "masking",
                "sets a fraction p of the inputs to zero",
                "section 14.5",
                req("x", Type.EXPRESSION),
                req("p", Type.PROBABILITY));
        add(
                k,
                "salt_pepper",
                "sets a fraction p of the inputs to 0 or 1 at random",
                "section 14.5",
                req("x", Type.EXPRESSION),
                req("p", Type.PROBABILITY));
        // ------------------------------------------------ noise before the code
        add(
                Kind.NOISE,
                "gaussian",
                "additive N(0, sigma^2) noise on the code's pre-activation during training (semantic hashing); sigma"
                        + " is a number or ramp(start, end), and schedule scales a number as it scales a learning rate",
                "section 14.9",
                req("sigma", Type.SCHEDULE),
                none("schedule", Type.SCHEDULE_CALL));
        // ------------------------------------------------ schedules
        k = Kind.SCHEDULE;
        add(k, "constant", "the value does not change", "");
        add(
                k,
                "step",
                "multiplies the value by factor every `every` epochs",
                "",
                req("every", Type.INT),
                req("factor", Type.POSITIVE));
        add(k, "cosine", "cosine decay down to min", "", opt("min", Type.NON_NEGATIVE, 0.0));
        add(
                k,
                "warmup",
                "linear warm-up over epochs, then another schedule",
                "",
                req("epochs", Type.INT),
                req("then", Type.SCHEDULE_CALL));
        add(
                k,
                "ramp",
                "linear ramp from start to end over the training (e.g. a growing noise sigma)",
                "section 14.9",
                req("start", Type.NON_NEGATIVE),
                req("end", Type.NON_NEGATIVE));
        // ------------------------------------------------ losses
        k = Kind.LOSS;
        add(
                k,
                "mse",
                "squared error sum_i (a_i - b_i)^2",
                "eq. 14.1, 14.16",
                req("a", Type.EXPRESSION),
                req("b", Type.EXPRESSION));
        add(
                k,
                "bernoulli_nll",
                "-log p_decoder(x | h) for a Bernoulli decoder, r the decoder output",
                "eq. 14.4, 14.14",
                req("x", Type.EXPRESSION),
                req("r", Type.EXPRESSION));
        add(
                k,
                "gaussian_nll",
                "-log p_decoder(x | h) for a Gaussian decoder with standard deviation sigma",
                "eq. 14.4, 14.14",
                req("x", Type.EXPRESSION),
                req("r", Type.EXPRESSION),
                opt("sigma", Type.POSITIVE, 1.0));
        add(
                k,
                "categorical_nll",
                "-log p_decoder(x | h) for a categorical (softmax) decoder",
                "eq. 14.4, 14.14",
                req("x", Type.EXPRESSION),
                req("r", Type.EXPRESSION));
        add(k, "l1", "sum_i |h_i|: the sparsity penalty", "eq. 14.6", req("h", Type.EXPRESSION));
        add(k, "l2", "sum_i v_i^2", "", req("v", Type.EXPRESSION));
        add(
                k,
                "kl_sparsity",
                "KL sparsity target rho on the mean activation of a sigmoid code",
                "section 14.2.1",
                req("h", Type.EXPRESSION),
                req("rho", Type.PROBABILITY));
        add(
                k,
                "jacobian_frobenius",
                "||df/dx||_F^2: the contractive penalty",
                "eq. 14.11, 14.18",
                req("f", Type.ENCODER),
                req("x", Type.EXPRESSION));
        add(k, "weight_decay", "sum of the squared weights", "");
        // ------------------------------------------------ optimizers
        k = Kind.OPTIMIZER;
        add(k, "sgd", "stochastic gradient descent", "", opt("lr", Type.POSITIVE, 0.01));
        add(
                k,
                "momentum",
                "SGD with momentum",
                "",
                opt("lr", Type.POSITIVE, 0.01),
                opt("momentum", Type.PROBABILITY, 0.9));
        add(
                k,
                "nesterov",
                "SGD with Nesterov momentum",
                "",
                opt("lr", Type.POSITIVE, 0.01),
                opt("momentum", Type.PROBABILITY, 0.9));
        add(
                k,
                "adam",
                "Adam",
                "",
                opt("lr", Type.POSITIVE, 1e-3),
                opt("beta1", Type.PROBABILITY, 0.9),
                opt("beta2", Type.PROBABILITY, 0.999),
                opt("eps", Type.POSITIVE, 1e-8));
        add(
                k,
                "adamw",
                "Adam with decoupled weight decay",
                "",
                opt("lr", Type.POSITIVE, 1e-3),
                opt("beta1", Type.PROBABILITY, 0.9),
                opt("beta2", Type.PROBABILITY, 0.999),
                opt("eps", Type.POSITIVE, 1e-8),
                opt("weight_decay", Type.NON_NEGATIVE, 0.01));
        // ------------------------------------------------ train options (named only)
        k = Kind.TRAIN_OPTION;
        add(k, "epochs", "passes over the data", "", opt("value", Type.INT, 10.0));
        add(k, "batch", "examples per minibatch", "", opt("value", Type.INT, 128.0));
        add(k, "optimizer", "the optimizer", "", opt("value", Type.OPTIMIZER, new CheckedModel.Call("adam", Map.of())));
        add(
                k,
                "schedule",
                "the learning-rate schedule",
                "",
                opt("value", Type.SCHEDULE_CALL, new CheckedModel.Call("constant", Map.of())));
        add(k, "seed", "random seed (initialisation, shuffling, corruption)", "", opt("value", Type.COUNT, 0.0));
        add(k, "threads", "worker threads", "", none("value", Type.INT));
        add(
                k,
                "validation",
                "held-out fraction of the training data, or a data set",
                "",
                opt("value", Type.FRACTION_OR_DATA, 0.0));
        add(k, "early_stopping", "patience in epochs", "", none("value", Type.INT));
        add(k, "checkpoint", "path of a checkpoint file", "", none("value", Type.STRING));
        add(k, "clip", "gradient norm clipping", "", none("value", Type.POSITIVE));
        add(
                k,
                "pretrain",
                "greedy layer-wise pretraining: each encoder layer first trained as a shallow autoencoder",
                "section 14.3",
                choice("value", "none", "greedy", "none"));
        add(
                k,
                "pretrain_epochs",
                "epochs of each level of greedy pretraining",
                "section 14.3",
                derived("value", Type.INT, "epochs"));
        add(
                k,
                "algorithm",
                "backprop, or recirculation (Hinton & McClelland 1988; one hidden layer only)",
                "section 14.1",
                choice("value", "backprop", "backprop", "recirculation"));
        // ------------------------------------------------ free code
        k = Kind.FREE_CODE_OPTION;
        add(k, "steps", "gradient steps on h per batch, starting at f(x)", "eq. 14.19", opt("value", Type.INT, 10.0));
        add(k, "lr", "step size of the steps on h", "eq. 14.19", opt("value", Type.POSITIVE, 0.1));
        // ------------------------------------------------ analyses
        k = Kind.ANALYSIS;
        add(k, "reconstruction", "inputs next to their reconstructions", "", opt("images", Type.INT, 16.0));
        add(k, "loss", "the objective on the data", "");
        add(
                k,
                "pca_baseline",
                "reconstruction error of PCA with k components, fitted on `fit` (default: the analysed data), for comparison",
                "sections 14.1, 14.9",
                derived("k", Type.INT, "code size"),
                derived("fit", Type.DATA, "the analysed data"));
        add(
                k,
                "score_field",
                "the reconstruction vector field g(f(x)) - x, an estimate of the score (DAE only)",
                "section 14.5.1",
                opt("grid", Type.INT, 20.0),
                derived("sigma", Type.POSITIVE, "corruption sigma"),
                none("from", Type.COUNT),
                none("to", Type.COUNT),
                derived("steps", Type.INT, "50"));
        add(
                k,
                "jacobian_spectrum",
                "singular values of the encoder's Jacobian",
                "section 14.7",
                opt("samples", Type.INT, 100.0));
        add(
                k,
                "tangents",
                "tangent directions of the learned manifold",
                "section 14.6, figure 14.10",
                opt("k", Type.INT, 3.0),
                opt("samples", Type.INT, 4.0));
        add(
                k,
                "local_pca",
                "local PCA of the k nearest neighbours (in `fit`, default: the analysed data): tangent planes for comparison (figure 14.8)",
                "section 14.6",
                opt("k", Type.INT, 10.0),
                derived("fit", Type.DATA, "the analysed data"));
        add(
                k,
                "manifold_parzen",
                "manifold Parzen windows: one Gaussian pancake per example of `fit` along its d local principal"
                        + " directions (k neighbours); held-out log-likelihood against an isotropic Parzen window",
                "section 14.6, figure 14.9",
                opt("k", Type.INT, 10.0),
                opt("d", Type.INT, 1.0),
                derived("fit", Type.DATA, "the analysed data"));
        add(k, "codes", "2-D scatter of the codes", "");
        add(
                k,
                "retrieval",
                "semantic hashing: binary codes in a hash table, Hamming-ball and nearest-neighbour retrieval,"
                        + " against random-hyperplane LSH and PCA-sign (fitted on `fit`) at the same bits",
                "section 14.9",
                derived("bits", Type.INT, "code size"),
                derived("radius", Type.COUNT, "2, at most bits"),
                opt("k", Type.INT, 10.0),
                derived("fit", Type.DATA, "the analysed data"),
                opt("seed", Type.COUNT, 0.0));
        add(
                k,
                "samples",
                "chains x -> corrupt -> encode -> sample p_decoder(x | h): the autoencoder as a generative model,"
                        + " with the energy distance of its samples to the data",
                "sections 14.4, 14.5",
                opt("n", Type.INT, 16.0),
                opt("steps", Type.INT, 100.0),
                derived("burn_in", Type.COUNT, "steps / 2"),
                opt("thin", Type.INT, 10.0),
                choice("from", "noise", "noise", "data"),
                opt("seed", Type.COUNT, 0.0));
        add(
                k,
                "interpolate",
                "decodes the straight line between the codes of examples a and b, beside the blend of the inputs",
                "section 14.6",
                opt("a", Type.COUNT, 0.0),
                opt("b", Type.COUNT, 1.0),
                opt("steps", Type.INT, 8.0));
        add(
                k,
                "knn_embedding",
                "the k-nearest-neighbour graph and its spectral embedding (Isomap or Laplacian eigenmaps) of at"
                        + " most `samples` evenly spaced examples (inputs or codes), against the known intrinsic"
                        + " coordinates",
                "section 14.6, figure 14.8",
                opt("k", Type.INT, 10.0),
                opt("dims", Type.INT, 2.0),
                choice("method", "isomap", "isomap", "laplacian"),
                opt("samples", Type.INT, 1000.0),
                choice("space", "input", "input", "code"));
        // ------------------------------------------------ export formats
        k = Kind.EXPORT_FORMAT;
        add(k, "safetensors", "safetensors weights (.safetensors)", "");
        add(k, "onnx", "ONNX graph (.onnx)", "");
        add(k, "csv", "weights as CSV files (.csv)", "");
    }

    private static Param[] synth(Param... own) {
        List<Param> ps = new ArrayList<>(List.of(own));
        ps.add(opt("n", Type.INT, 1000.0));
        ps.add(opt("seed", Type.COUNT, 0.0));
        ps.add(opt("noise", Type.NON_NEGATIVE, 0.0));
        return ps.toArray(Param[]::new);
    }

    private Builtins() {}

    /** The built-in of that kind and name, if any. */
    public static Optional<Builtin> lookup(Kind kind, String name) {
        return Optional.ofNullable(REGISTRY.getOrDefault(kind, Map.of()).get(name));
    }

    /** Every built-in of a kind, in registry order. */
    public static List<Builtin> all(Kind kind) {
        return List.copyOf(REGISTRY.getOrDefault(kind, Map.of()).values());
    }

    /** The names of a kind, in registry order. */
    public static List<String> names(Kind kind) {
        return List.copyOf(REGISTRY.getOrDefault(kind, Map.of()).keySet());
    }

    /**
     * The arguments of built-in {@code name} of {@code kind} with every default filled in: {@code given} first, then
     * each parameter's default (integer parameters as {@link Integer}), "none" and derived ones absent. What runs a
     * built-in outside the checker (optimizers, schedules, train defaults, the free code, analyses from Java) takes
     * its defaults here, so that this registry is the one place they live.
     */
    public static Map<String, Object> withDefaults(Kind kind, String name, Map<String, Object> given) {
        Builtin b = lookup(kind, name)
                .orElseThrow(() -> new IllegalArgumentException("unknown " + kind.words() + " '" + name
                        + "'; expected one of " + String.join(", ", names(kind))));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param p : b.params()) {
            Object v = given.containsKey(p.name()) ? given.get(p.name()) : defaultValue(p);
            if (v != null) out.put(p.name(), v);
        }
        given.forEach(out::putIfAbsent);
        return out;
    }

    /** Named options of a kind (train options, free code options) with their defaults: option name to value. */
    public static Map<String, Object> defaultOptions(Kind kind) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Builtin b : all(kind)) {
            Object v = b.params().isEmpty() ? null : defaultValue(b.params().get(0));
            if (v != null) out.put(b.name(), v);
        }
        return out;
    }

    /** A parameter's default as a value: integer types as {@link Integer}; null for none or derived. */
    static Object defaultValue(Param p) {
        Object v = p.defaultValue();
        if (v instanceof Double d && (p.type() == Type.INT || p.type() == Type.COUNT)) return d.intValue();
        return v;
    }

    /**
     * Analyses the language names (the chapter's sections 14.4, 14.5) but ae4j does not run yet: the checker
     * rejects them, saying which analyses run, rather than accepting and then skipping them.
     */
    public static final Set<String> ANALYSES_NOT_BUILT = Set.of();

    /** Export formats the checker rejects as not built yet (the runner has no writer for them). */
    public static final Set<String> EXPORT_FORMATS_NOT_BUILT = Set.of();

    /** The analyses that run: every {@code ANALYSIS} built-in but those not built yet. */
    public static List<String> analysesThatRun() {
        return names(Kind.ANALYSIS).stream()
                .filter(n -> !ANALYSES_NOT_BUILT.contains(n))
                .toList();
    }

    /** Every built-in, kind by kind. */
    public static List<Builtin> all() {
        List<Builtin> out = new ArrayList<>();
        for (Map<String, Builtin> m : REGISTRY.values()) out.addAll(m.values());
        return Collections.unmodifiableList(out);
    }
}
