package ae4j.dsl.check;

import ae4j.dsl.ast.Arg;
import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Layer;
import ae4j.dsl.ast.ModelItem;
import ae4j.dsl.ast.Statement;
import ae4j.dsl.check.Builtins.Builtin;
import ae4j.dsl.check.Builtins.Kind;
import ae4j.dsl.check.CheckedModel.Call;
import ae4j.dsl.check.CheckedModel.Corruption;
import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.check.CheckedModel.Term;
import ae4j.dsl.syntax.Diagnostic;
import ae4j.dsl.syntax.Diagnostics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One model declaration: its items (input, encoder, decoder, code, output, corruption, noise, free code)
 * checked for presence, sizes and consistency, and the objective handed to {@link ObjectiveChecker}.
 */
final class ModelChecker extends CheckerPart {

    private final Arguments arguments;
    private final ObjectiveChecker objectives;

    ModelChecker(Diagnostics diags, Arguments arguments) {
        super(diags);
        this.arguments = arguments;
        this.objectives = new ObjectiveChecker(diags, arguments);
    }

    /** The checked model, or null when it has errors (all reported). */
    CheckedModel check(Statement.ModelDecl m) {
        int errorsBefore = errorCount();
        ModelScope s = new ModelScope();
        arguments.scope = s;
        s.modelName = m.name().text();
        Map<Class<?>, ModelItem> first = new LinkedHashMap<>();
        for (ModelItem item : m.items()) {
            if (first.putIfAbsent(item.getClass(), item) != null) {
                error(item.span(), "model '" + s.modelName + "' has more than one " + itemWord(item));
            }
        }
        var input = (ModelItem.Input) first.get(ModelItem.Input.class);
        var encoder = (ModelItem.Encoder) first.get(ModelItem.Encoder.class);
        var decoder = (ModelItem.Decoder) first.get(ModelItem.Decoder.class);
        var code = (ModelItem.Code) first.get(ModelItem.Code.class);
        var output = (ModelItem.Output) first.get(ModelItem.Output.class);
        var corrupt = (ModelItem.Corrupt) first.get(ModelItem.Corrupt.class);
        var noise = (ModelItem.Noise) first.get(ModelItem.Noise.class);
        var free = (ModelItem.FreeCode) first.get(ModelItem.FreeCode.class);
        var minimize = (ModelItem.Minimize) first.get(ModelItem.Minimize.class);

        if (input == null) {
            errorHint(m.name().span(), "model '" + s.modelName + "' has no input", "add one, e.g. input x[784]");
        }
        if (encoder == null) {
            errorHint(
                    m.name().span(),
                    "model '" + s.modelName + "' has no encoder",
                    "add one, e.g. encoder f { dense 64 sigmoid }");
        }
        if (minimize == null) {
            errorHint(
                    m.name().span(),
                    "model '" + s.modelName + "' has no minimize",
                    "add an objective, e.g. minimize mse(x, g(f(x)))");
        }
        // ---- input
        List<Integer> dims = new ArrayList<>();
        if (input != null) {
            s.inputName = input.name().text();
            int size = 1;
            boolean ok = true;
            for (Expr e : input.dims()) {
                Integer v = arguments.positiveInt(e, "input size");
                if (v == null) ok = false;
                else {
                    dims.add(v);
                    size = (int) Math.min(Integer.MAX_VALUE, (long) size * v);
                }
            }
            if (ok) s.inputSize = size;
        }
        // ---- encoder
        List<LayerInfo> enc = new ArrayList<>();
        if (encoder != null) {
            if (encoder.name() != null) s.encoderName = encoder.name().text();
            if (encoder.layers().isEmpty()) error(encoder.span(), "the encoder has no layers");
            enc = layers(encoder.layers(), s.inputSize, "the encoder's input", "the input " + s.inputName);
            if (enc != null && !enc.isEmpty()) {
                s.codeSize = enc.get(enc.size() - 1).out();
                s.encoderLastActivation = enc.get(enc.size() - 1).activation();
            }
        }
        if (code != null) s.codeName = code.name().text();
        if (decoder != null) {
            s.hasDecoder = true;
            if (decoder.name() != null) s.decoderName = decoder.name().text();
            if (decoder.name() != null && decoder.name().text().equals(s.encoderName)) {
                error(decoder.name().span(), "the decoder cannot have the encoder's name '" + s.encoderName + "'");
            }
        }
        if (corrupt != null) s.hasCorrupt = true;
        // ---- output (before the decoder: a tied decoder's last activation follows it)
        Call out = null;
        if (output != null) {
            Optional<Builtin> b =
                    Builtins.lookup(Kind.DISTRIBUTION, output.distribution().text());
            if (b.isEmpty()) unknownBuiltin(Kind.DISTRIBUTION, output.distribution());
            else {
                Map<String, Object> args =
                        arguments.bind(b.get(), output.distribution(), output.args(), e -> null, Integer.MAX_VALUE);
                if (args != null) out = new Call(b.get().name(), args);
            }
        }
        // ---- decoder
        List<LayerInfo> dec = new ArrayList<>();
        if (decoder != null && decoder.tied() && !decoder.layers().isEmpty()) {
            errorHint(
                    decoder.layers().get(0).span(),
                    "a tied decoder has no layer list",
                    "decoder " + s.decoderName + " tied mirrors the encoder; remove the layers or the word tied");
        }
        if (decoder != null && decoder.tied()) {
            if (enc != null && !enc.isEmpty() && s.inputSize > 0) {
                for (int i = enc.size() - 1; i >= 0; i--) {
                    LayerInfo e = enc.get(i);
                    Nonlinearity act = i > 0 ? enc.get(i - 1).activation() : tiedOutputActivation(out);
                    dec.add(new LayerInfo(
                            e.kind(),
                            e.out(),
                            e.in(),
                            act,
                            origin(decoder.span()) + " (mirrors "
                                    + (e.origin() == null
                                            ? "encoder layer " + i
                                            : e.origin().substring(e.origin().indexOf(':') + 2))
                                    + ")"));
                }
            }
        } else if (decoder != null) {
            String codeWords = "the code " + s.codeName;
            if (decoder.layers().isEmpty()) error(decoder.span(), "the decoder has no layers");
            dec = layers(decoder.layers(), s.codeSize, "the decoder's input", codeWords);
            if (dec != null && !dec.isEmpty() && s.inputSize > 0) {
                LayerInfo last = dec.get(dec.size() - 1);
                if (last.out() != s.inputSize) {
                    error(
                            decoder.layers()
                                    .get(decoder.layers().size() - 1)
                                    .size()
                                    .span(),
                            "the decoder ends with size " + last.out() + " but the input " + s.inputName + " has size "
                                    + s.inputSize);
                }
            }
        }
        if (out != null && dec != null && !dec.isEmpty() && decoder != null && !decoder.tied()) {
            Nonlinearity last = dec.get(dec.size() - 1).activation();
            String want = switch (out.name()) {
                case "bernoulli" ->
                    last == Nonlinearity.SIGMOID || last == Nonlinearity.IDENTITY
                            ? null
                            : "sigmoid (or identity for logits)";
                case "categorical" -> last == Nonlinearity.SOFTMAX ? null : "softmax";
                default -> last == Nonlinearity.IDENTITY ? null : "identity";
            };
            if (want != null) {
                diags.warning(
                        output.span(),
                        "output " + out.name() + " expects the decoder to end in " + want + ", but it ends in " + last);
            }
        }
        // ---- code
        MExpr codeValue = new MExpr.Encode(s.encoderName, new MExpr.Input(s.inputName));
        if (code != null && code.value() != null) {
            MExpr v = objectives.mexpr(code.value(), s);
            if (v != null) {
                if (v instanceof MExpr.Encode en
                        && (en.arg() instanceof MExpr.Input || en.arg() instanceof MExpr.Corrupted)) {
                    codeValue = v;
                } else {
                    error(
                            code.value().span(),
                            "the code must be the encoder applied to the input, like " + s.encoderName + "("
                                    + s.inputName + ") or " + s.encoderName + "(" + s.inputName + "~)");
                }
            }
        }
        // ---- corruption
        Corruption corruption = null;
        if (corrupt != null) {
            if (s.inputName != null && !corrupt.target().base().equals(s.inputName)) {
                error(
                        corrupt.target().span(),
                        "the corruption target must be '" + s.inputName + "~' (the input with a tilde), got '"
                                + corrupt.target().text() + "'");
            }
            corruption = corruption(corrupt.process(), s);
        }
        // ---- noise before the code
        Call noiseCall = null;
        if (noise != null) {
            if (!noise.code().text().equals(s.codeName)) {
                error(
                        noise.code().span(),
                        "'" + noise.code().text() + "' is not the code; the code of model '" + s.modelName + "' is '"
                                + s.codeName + "'");
            } else if (s.encoderLastActivation != null && s.encoderLastActivation != Nonlinearity.SIGMOID) {
                diags.warning(
                        noise.span(),
                        "noise before the code expects a sigmoid code, but the encoder ends in "
                                + s.encoderLastActivation);
            }
            if (noise.process() instanceof Expr.Call pc) {
                Optional<Builtin> b = Builtins.lookup(Kind.NOISE, pc.fn().text());
                if (b.isEmpty()) unknownBuiltin(Kind.NOISE, pc.fn());
                else {
                    Map<String, Object> args =
                            arguments.bind(b.get(), pc.fn(), pc.args(), e -> null, Integer.MAX_VALUE);
                    if (args != null
                            && args.get("sigma") instanceof Call sched
                            && !sched.name().equals("ramp")
                            && !sched.name().equals("warmup")) {
                        // constant(), step() and cosine() scale a value; they have no value of their own.
                        errorHint(
                                argSpan(pc, "sigma"),
                                "a noise sigma needs a value: a number or ramp(start, end), not " + sched.name()
                                        + "(...), which scales one",
                                "write sigma: 4, schedule: " + sched.name() + "(...) to scale sigma 4 over training");
                    } else if (args != null && args.get("sigma") instanceof Call && args.get("schedule") != null) {
                        errorHint(
                                argSpan(pc, "schedule"),
                                "a schedule scales a number; this sigma is already a schedule",
                                "give sigma a number, or drop the schedule");
                    } else if (args != null) {
                        noiseCall = new Call(b.get().name(), args);
                    }
                }
            } else {
                error(
                        noise.process().span(),
                        "expected a noise process such as gaussian(sigma: 4), got " + shown(noise.process()));
            }
        }
        // ---- free code
        CheckedModel.FreeCode freeCode = null;
        if (free != null) {
            if (!free.code().text().equals(s.codeName)) {
                error(
                        free.code().span(),
                        "'" + free.code().text() + "' is not the code; the code of model '" + s.modelName + "' is '"
                                + s.codeName + "'");
            }
            Map<String, Object> options =
                    arguments.options(Kind.FREE_CODE_OPTION, free.args(), Integer.MAX_VALUE, null);
            if (options != null) {
                freeCode = new CheckedModel.FreeCode(
                        ((Number) options.get("steps")).intValue(), ((Number) options.get("lr")).doubleValue());
            }
        }
        // ---- objective
        List<Term> objective = new ArrayList<>();
        if (minimize != null) {
            objectives.weighted(minimize.objective(), 1.0, objective, s);
        }
        if (corrupt != null && !s.corruptionUsed && minimize != null) {
            diags.add(Diagnostic.warning(
                            diags.file(),
                            corrupt.span(),
                            "the corruption " + corrupt.target().text() + " is declared but never used")
                    .withHint("use it in the objective, e.g. mse(" + s.inputName + ", " + s.decoderName + "("
                            + s.encoderName + "(" + corrupt.target().text() + ")))"));
        }
        if (errorCount() > errorsBefore || input == null || encoder == null || minimize == null) return null;
        Map<String, String> origins = new LinkedHashMap<>();
        putOrigin(origins, "input", input);
        putOrigin(origins, "decoder", decoder);
        putOrigin(origins, "code", code);
        putOrigin(origins, "corrupt", corrupt);
        putOrigin(origins, "noise", noise);
        putOrigin(origins, "free", free);
        putOrigin(origins, "minimize", minimize);
        return new CheckedModel(
                s.modelName,
                new CheckedModel.Input(s.inputName, dims, s.inputSize),
                new CheckedModel.Encoder(s.encoderName, enc),
                new CheckedModel.Code(s.codeName, s.codeSize, codeValue),
                s.hasDecoder
                        ? new CheckedModel.Decoder(s.decoderName, decoder.tied(), dec == null ? List.of() : dec)
                        : CheckedModel.Decoder.NONE,
                out,
                corruption,
                noiseCall,
                freeCode,
                objective,
                origins);
    }

    private void putOrigin(Map<String, String> origins, String key, ModelItem item) {
        if (item != null) origins.put(key, origin(item.span()));
    }

    private static String itemWord(ModelItem item) {
        return switch (item) {
            case ModelItem.Input i -> "input";
            case ModelItem.Encoder e -> "encoder";
            case ModelItem.Decoder d -> "decoder";
            case ModelItem.Code c -> "code";
            case ModelItem.Output o -> "output";
            case ModelItem.Corrupt c -> "corrupt";
            case ModelItem.Noise n -> "noise before";
            case ModelItem.FreeCode f -> "free code";
            case ModelItem.Minimize mi -> "minimize";
        };
    }

    /** Where argument {@code name} of a call is written (the call itself when it is not). */
    private static ae4j.dsl.ast.Span argSpan(Expr.Call call, String name) {
        return call.args().stream()
                .filter(x -> x.name() != null && x.name().text().equals(name))
                .map(x -> x.value().span())
                .findFirst()
                .orElse(call.span());
    }

    private static Nonlinearity tiedOutputActivation(Call out) {
        if (out == null) return Nonlinearity.IDENTITY;
        return switch (out.name()) {
            case "bernoulli" -> Nonlinearity.SIGMOID;
            case "categorical" -> Nonlinearity.SOFTMAX;
            default -> Nonlinearity.IDENTITY;
        };
    }

    /**
     * The most layers an encoder or a decoder may have: each layer is a few hundred lines of generated Java,
     * and a generated method holds at most 64 KB of bytecode.
     */
    public static final int MAX_LAYERS = 64;

    /** Layers with sizes; {@code inSize} < 0 when unknown (an earlier error). Returns null on errors. */
    private List<LayerInfo> layers(List<Layer> layers, int inSize, String firstWords, String prevWords) {
        List<LayerInfo> out = new ArrayList<>();
        if (layers.size() > MAX_LAYERS) {
            errorHint(
                    layers.get(MAX_LAYERS).span(),
                    String.format("%,d layers; an encoder or decoder has at most %d", layers.size(), MAX_LAYERS),
                    "stack fewer layers (greedy pretraining trains deep stacks a layer at a time)");
            return null;
        }
        boolean ok = true;
        boolean sizesOk = true;
        int prev = inSize;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Optional<Builtin> kind = Builtins.lookup(Kind.LAYER, l.kind().text());
            if (kind.isEmpty()) {
                unknownBuiltin(Kind.LAYER, l.kind());
                ok = false;
            }
            Integer size = arguments.positiveInt(l.size(), "layer size");
            Nonlinearity act = Nonlinearity.IDENTITY;
            if (l.activation() != null) {
                Optional<Builtin> a =
                        Builtins.lookup(Kind.ACTIVATION, l.activation().text());
                if (a.isEmpty()) {
                    unknownBuiltin(Kind.ACTIVATION, l.activation());
                    ok = false;
                } else {
                    act = Nonlinearity.of(a.get().name());
                }
            }
            if (kind.isPresent() && !l.args().isEmpty()) {
                Builtin b = kind.get();
                Builtin argsOnly = new Builtin(
                        b.kind(), b.name(), b.params().subList(1, b.params().size()), b.doc(), b.book());
                Map<String, Object> args = arguments.bind(argsOnly, l.kind(), l.args(), e -> null, Integer.MAX_VALUE);
                if (args == null) ok = false;
                else if (args.get("in") instanceof Integer declared && prev > 0 && declared != prev) {
                    Expr at = l.args().stream()
                            .filter(a -> a.name() != null && a.name().text().equals("in"))
                            .map(Arg::value)
                            .findFirst()
                            .orElse(l.args().get(0).value());
                    if (i == 0) {
                        error(at.span(), firstWords + " is " + declared + " but " + prevWords + " has size " + prev);
                    } else {
                        error(
                                at.span(),
                                "this layer's input is " + declared + " but the previous layer has size " + prev);
                    }
                    ok = false;
                }
            }
            if (size == null) {
                sizesOk = false;
                prev = -1;
                continue;
            }
            if (prev > 0 && (long) prev * size > Integer.MAX_VALUE - 8) {
                error(
                        l.size().span(),
                        String.format(
                                java.util.Locale.ROOT,
                                "a dense layer from %,d to %,d units has %,d weights, more than one Java array holds"
                                        + " (%,d); use fewer units",
                                prev,
                                size,
                                (long) prev * size,
                                Integer.MAX_VALUE - 8));
                ok = false;
            }
            out.add(new LayerInfo(
                    kind.map(k -> LayerKind.of(k.name())).orElse(null), prev, size, act, origin(l.span())));
            prev = size;
        }
        // Sizes stay useful for later checks even when an activation or an argument was wrong.
        return sizesOk ? out : null;
    }

    private Corruption corruption(Expr e, ModelScope s) {
        if (!(e instanceof Expr.Call c)) {
            error(
                    e.span(),
                    "expected a corruption process such as gaussian(" + ModelScope.nameOr(s.inputName)
                            + ", sigma: 0.3), got " + shown(e));
            return null;
        }
        Optional<Builtin> b = Builtins.lookup(Kind.CORRUPTION, c.fn().text());
        if (b.isEmpty()) {
            unknownBuiltin(Kind.CORRUPTION, c.fn());
            return null;
        }
        Corruption[] inner = new Corruption[1];
        boolean[] bad = new boolean[1];
        Map<String, Object> args = arguments.bind(
                b.get(),
                c.fn(),
                c.args(),
                arg -> {
                    if (arg instanceof Expr.Ref r && r.name().text().equals(s.inputName))
                        return new MExpr.Input(s.inputName);
                    if (arg instanceof Expr.Call nested
                            && Builtins.lookup(Kind.CORRUPTION, nested.fn().text())
                                    .isPresent()) {
                        inner[0] = corruption(nested, s);
                        if (inner[0] == null) bad[0] = true;
                        return new MExpr.Input(s.inputName);
                    }
                    error(
                            arg.span(),
                            "a corruption applies to the input '" + ModelScope.nameOr(s.inputName)
                                    + "' or to another corruption, got " + shown(arg));
                    bad[0] = true;
                    return null;
                },
                Integer.MAX_VALUE);
        if (args == null || bad[0]) return null;
        Map<String, Object> rest = new LinkedHashMap<>(args);
        rest.remove("x");
        return new Corruption(CorruptionKind.of(b.get().name()), inner[0], rest);
    }
}
