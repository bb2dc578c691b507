package ae4j.dsl.check;

import ae4j.dsl.ast.Analysis;
import ae4j.dsl.ast.Arg;
import ae4j.dsl.ast.DataSource;
import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Layer;
import ae4j.dsl.ast.ModelItem;
import ae4j.dsl.ast.Name;
import ae4j.dsl.ast.Program;
import ae4j.dsl.ast.Span;
import ae4j.dsl.ast.Statement;
import ae4j.dsl.ast.Transform;
import ae4j.dsl.check.Builtins.Builtin;
import ae4j.dsl.check.Builtins.Kind;
import ae4j.dsl.check.Builtins.Param;
import ae4j.dsl.check.Builtins.Type;
import ae4j.dsl.check.CheckedModel.Call;
import ae4j.dsl.check.CheckedModel.Corruption;
import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.check.CheckedModel.Term;
import ae4j.dsl.syntax.Diagnostic;
import ae4j.dsl.syntax.Diagnostics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The checker: name resolution, sizes, argument binding against {@link Builtins}, model completeness and
 * the objective's shape. Reports every problem it finds as a diagnostic (never throws on any input) and,
 * when there are no errors, returns the resolved {@link CheckedProgram}.
 */
public final class Checker {

    private enum DeclKind { DATA, MODEL }

    private record Decl(DeclKind kind, Name name, int order) {
    }

    private final Diagnostics diags;
    private final String source;
    private final Map<String, Decl> decls = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, CheckedModel> models = new LinkedHashMap<>();
    private final List<CheckedProgram.DataSet> dataSets = new ArrayList<>();
    private final List<CheckedProgram.Step> steps = new ArrayList<>();
    /** The model being checked, if any. */
    private ModelScope scope;

    private Checker(Diagnostics diags) {
        this.diags = diags;
        this.source = diags.source() == null ? "" : diags.source();
    }

    /** Checks a parsed program, adding diagnostics; returns the resolved program, or null when there are errors. */
    public static CheckedProgram check(Program program, Diagnostics diagnostics) {
        Checker c = new Checker(diagnostics);
        try {
            c.run(program);
        } catch (RuntimeException e) {
            Span at = program.statements().isEmpty() ? new Span(1, 1, 1, 2, 0, 0) : program.statements().get(0).span();
            diagnostics.add(Diagnostic.error(diagnostics.file(), at, "internal error in the checker: " + e)
                    .withHint("this is a bug in ae4j; please report it with this file"));
        }
        if (diagnostics.hasErrors()) return null;
        return new CheckedProgram(c.dataSets, List.copyOf(c.models.values()), c.steps);
    }

    // =============================================================== driver

    private void run(Program program) {
        List<Statement> stmts = program.statements();
        for (int i = 0; i < stmts.size(); i++) {
            switch (stmts.get(i)) {
                case Statement.DataDecl d -> {
                    for (Name n : d.names()) declare(DeclKind.DATA, n, i);
                }
                case Statement.ModelDecl m -> declare(DeclKind.MODEL, m.name(), i);
                case Statement.Load l -> {
                    if (!decls.containsKey(l.model().text())) decls.put(l.model().text(), new Decl(DeclKind.MODEL, l.model(), i));
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < stmts.size(); i++) {
            switch (stmts.get(i)) {
                case Statement.DataDecl d -> data(d, i);
                case Statement.ModelDecl m -> {
                    CheckedModel cm = model(m);
                    if (cm != null && !models.containsKey(cm.name())) models.put(cm.name(), cm);
                }
                case Statement.Train t -> train(t, i);
                case Statement.Analyze a -> analyze(a, i);
                case Statement.Save s -> {
                    String m = resolve(DeclKind.MODEL, s.model(), i);
                    if (m != null) steps.add(new CheckedProgram.Step.Save(m, s.path().value()));
                }
                case Statement.Load l -> {
                    String m = resolve(DeclKind.MODEL, l.model(), i);
                    if (m != null) steps.add(new CheckedProgram.Step.Load(m, l.path().value()));
                }
                case Statement.Export e -> export(e, i);
            }
        }
        // Unused declarations are noise while names are still misspelled: warn only about otherwise clean programs.
        if (diags.hasErrors()) return;
        for (Decl d : decls.values()) {
            if (used.contains(d.name().text())) continue;
            if (d.kind() == DeclKind.DATA) {
                diags.warning(d.name().span(), "data set '" + d.name().text() + "' is never used");
            } else {
                diags.add(Diagnostic.warning(diags.file(), d.name().span(), "model '" + d.name().text() + "' is never used")
                        .withHint("train, evaluate, save or export it"));
            }
        }
    }

    private void declare(DeclKind kind, Name n, int order) {
        Decl old = decls.get(n.text());
        if (old != null) {
            error(n.span(), "'" + n.text() + "' is already declared on line " + old.name().span().line());
            return;
        }
        decls.put(n.text(), new Decl(kind, n, order));
    }

    /** A top-level name used at statement {@code order}: must be declared, earlier, and of the right kind. */
    private String resolve(DeclKind kind, Name n, int order) {
        String what = kind == DeclKind.DATA ? "data set" : "model";
        Decl d = decls.get(n.text());
        if (d == null) {
            List<String> candidates = decls.values().stream().filter(x -> x.kind() == kind).map(x -> x.name().text()).toList();
            unknown(what, n, candidates, null);
            return null;
        }
        if (d.kind() != kind) {
            error(n.span(), "'" + n.text() + "' is a " + (d.kind() == DeclKind.DATA ? "data set" : "model") + ", not a " + what);
            return null;
        }
        if (d.order() > order) {
            error(n.span(), what + " '" + n.text() + "' is used before its declaration on line " + d.name().span().line());
            return null;
        }
        used.add(n.text());
        return n.text();
    }

    // =============================================================== data

    private void data(Statement.DataDecl d, int order) {
        Call source = null;
        String from = null;
        boolean split = false;
        boolean ok = true;
        switch (d.source()) {
            case DataSource.FromCall fc -> {
                Expr.Call call = fc.call();
                Optional<Builtin> b = Builtins.lookup(Kind.DATA_SOURCE, call.fn().text());
                if (b.isEmpty()) {
                    unknownBuiltin(Kind.DATA_SOURCE, call.fn());
                    ok = false;
                } else {
                    split = b.get().name().equals("split");
                    Map<String, Object> args = bind(b.get(), call.fn(), call.args(), e -> null, order);
                    if (args == null) ok = false;
                    else source = new Call(b.get().name(), args);
                }
            }
            case DataSource.FromData fd -> {
                if (!decls.containsKey(fd.name().text()) && Builtins.lookup(Kind.DATA_SOURCE, fd.name().text()).isPresent()) {
                    Builtin b = Builtins.lookup(Kind.DATA_SOURCE, fd.name().text()).get();
                    Map<String, Object> args = bind(b, fd.name(), List.of(), e -> null, order);
                    if (args == null) ok = false;
                    else source = new Call(b.name(), args);
                    split = b.name().equals("split");
                } else {
                    from = resolve(DeclKind.DATA, fd.name(), order);
                    if (from == null) ok = false;
                    if (from != null && from.equals(d.names().get(0).text())) {
                        error(fd.name().span(), "data set '" + from + "' is defined in terms of itself");
                        ok = false;
                    }
                }
            }
        }
        if (split && d.names().size() != 2) {
            error(d.source().span(), "split produces two data sets; write data (fit, val) = split(...)");
            ok = false;
        } else if (!split && d.names().size() > 1) {
            error(d.source().span(), "only split produces several data sets; declare " + d.names().size() + " data sets separately");
            ok = false;
        }
        List<Call> transforms = new ArrayList<>();
        for (Transform t : d.transforms()) {
            Call c = transform(t, order);
            if (c == null) ok = false;
            else transforms.add(c);
        }
        if (!ok) return;
        if (split) {
            dataSets.add(new CheckedProgram.DataSet(d.names().get(0).text(), source, null, 0, transforms));
            dataSets.add(new CheckedProgram.DataSet(d.names().get(1).text(), source, null, 1, transforms));
        } else {
            dataSets.add(new CheckedProgram.DataSet(d.names().get(0).text(), source, from, -1, transforms));
        }
    }

    private Call transform(Transform t, int order) {
        Optional<Builtin> b = Builtins.lookup(Kind.TRANSFORM, t.name().text());
        if (b.isEmpty()) {
            unknownBuiltin(Kind.TRANSFORM, t.name());
            return null;
        }
        List<Arg> args = t.value() != null ? List.of(new Arg(null, t.value(), t.value().span())) : t.args();
        Map<String, Object> bound = bind(b.get(), t.name(), args, e -> null, order);
        return bound == null ? null : new Call(b.get().name(), bound);
    }

    // =============================================================== models

    /** What a model's check has learned so far; expressions are resolved against it. */
    private final class ModelScope {
        String modelName;
        String inputName;
        int inputSize = -1;
        String encoderName = "f";
        String decoderName = "g";
        boolean hasDecoder;
        String codeName = "h";
        int codeSize = -1;
        String encoderLastActivation;
        boolean hasCorrupt;
        boolean corruptionUsed;
    }

    private CheckedModel model(Statement.ModelDecl m) {
        int errorsBefore = errorCount();
        ModelScope s = new ModelScope();
        scope = s;
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
            errorHint(m.name().span(), "model '" + s.modelName + "' has no encoder", "add one, e.g. encoder f { dense 64 sigmoid }");
        }
        if (minimize == null) {
            errorHint(m.name().span(), "model '" + s.modelName + "' has no minimize", "add an objective, e.g. minimize mse(x, g(f(x)))");
        }
        // ---- input
        List<Integer> dims = new ArrayList<>();
        if (input != null) {
            s.inputName = input.name().text();
            int size = 1;
            boolean ok = true;
            for (Expr e : input.dims()) {
                Integer v = positiveInt(e, "input size");
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
            Optional<Builtin> b = Builtins.lookup(Kind.DISTRIBUTION, output.distribution().text());
            if (b.isEmpty()) unknownBuiltin(Kind.DISTRIBUTION, output.distribution());
            else {
                Map<String, Object> args = bind(b.get(), output.distribution(), output.args(), e -> null, Integer.MAX_VALUE);
                if (args != null) out = new Call(b.get().name(), args);
            }
        }
        // ---- decoder
        List<LayerInfo> dec = new ArrayList<>();
        if (decoder != null && decoder.tied() && !decoder.layers().isEmpty()) {
            errorHint(decoder.layers().get(0).span(), "a tied decoder has no layer list",
                    "decoder " + s.decoderName + " tied mirrors the encoder; remove the layers or the word tied");
        }
        if (decoder != null && decoder.tied()) {
            if (enc != null && !enc.isEmpty() && s.inputSize > 0) {
                for (int i = enc.size() - 1; i >= 0; i--) {
                    LayerInfo e = enc.get(i);
                    String act = i > 0 ? enc.get(i - 1).activation() : tiedOutputActivation(out);
                    dec.add(new LayerInfo(e.kind(), e.out(), e.in(), act, origin(decoder.span()) + " (mirrors "
                            + (e.origin() == null ? "encoder layer " + i : e.origin().substring(e.origin().indexOf(':') + 2)) + ")"));
                }
            }
        } else if (decoder != null) {
            String codeWords = "the code " + s.codeName;
            if (decoder.layers().isEmpty()) error(decoder.span(), "the decoder has no layers");
            dec = layers(decoder.layers(), s.codeSize, "the decoder's input", codeWords);
            if (dec != null && !dec.isEmpty() && s.inputSize > 0) {
                LayerInfo last = dec.get(dec.size() - 1);
                if (last.out() != s.inputSize) {
                    error(decoder.layers().get(decoder.layers().size() - 1).size().span(),
                            "the decoder ends with size " + last.out() + " but the input " + s.inputName + " has size " + s.inputSize);
                }
            }
        }
        if (out != null && dec != null && !dec.isEmpty() && decoder != null && !decoder.tied()) {
            String last = dec.get(dec.size() - 1).activation();
            String want = switch (out.name()) {
                case "bernoulli" -> last.equals("sigmoid") || last.equals("identity") ? null : "sigmoid (or identity for logits)";
                case "categorical" -> last.equals("softmax") ? null : "softmax";
                default -> last.equals("identity") ? null : "identity";
            };
            if (want != null) {
                diags.warning(output.span(), "output " + out.name() + " expects the decoder to end in " + want + ", but it ends in " + last);
            }
        }
        // ---- code
        MExpr codeValue = new MExpr.Encode(s.encoderName, new MExpr.Input(s.inputName));
        if (code != null && code.value() != null) {
            MExpr v = mexpr(code.value(), s);
            if (v != null) {
                if (v instanceof MExpr.Encode en && (en.arg() instanceof MExpr.Input || en.arg() instanceof MExpr.Corrupted)) {
                    codeValue = v;
                } else {
                    error(code.value().span(), "the code must be the encoder applied to the input, like "
                            + s.encoderName + "(" + s.inputName + ") or " + s.encoderName + "(" + s.inputName + "~)");
                }
            }
        }
        // ---- corruption
        Corruption corruption = null;
        if (corrupt != null) {
            if (s.inputName != null && !corrupt.target().base().equals(s.inputName)) {
                error(corrupt.target().span(), "the corruption target must be '" + s.inputName + "~' (the input with a tilde), got '"
                        + corrupt.target().text() + "'");
            }
            corruption = corruption(corrupt.process(), s);
        }
        // ---- noise before the code
        Call noiseCall = null;
        if (noise != null) {
            if (!noise.code().text().equals(s.codeName)) {
                error(noise.code().span(), "'" + noise.code().text() + "' is not the code; the code of model '" + s.modelName
                        + "' is '" + s.codeName + "'");
            } else if (s.encoderLastActivation != null && !s.encoderLastActivation.equals("sigmoid")) {
                diags.warning(noise.span(), "noise before the code expects a sigmoid code, but the encoder ends in " + s.encoderLastActivation);
            }
            if (noise.process() instanceof Expr.Call pc) {
                Optional<Builtin> b = Builtins.lookup(Kind.NOISE, pc.fn().text());
                if (b.isEmpty()) unknownBuiltin(Kind.NOISE, pc.fn());
                else {
                    Map<String, Object> args = bind(b.get(), pc.fn(), pc.args(), e -> null, Integer.MAX_VALUE);
                    if (args != null && args.get("sigma") instanceof Call sched
                            && !sched.name().equals("ramp") && !sched.name().equals("warmup")) {
                        // constant(), step() and cosine() scale a learning rate; they have no value of their own.
                        var at = pc.args().stream().filter(x -> x.name() != null && x.name().text().equals("sigma"))
                                .map(x -> x.value().span()).findFirst().orElse(pc.span());
                        error(at, "a noise sigma needs a value: a number or ramp(start, end), not "
                                + sched.name() + "(...), which scales a learning rate");
                    } else if (args != null) {
                        noiseCall = new Call(b.get().name(), args);
                    }
                }
            } else {
                error(noise.process().span(), "expected a noise process such as gaussian(sigma: 4), got " + shown(noise.process()));
            }
        }
        // ---- free code
        Map<String, Object> freeCode = null;
        if (free != null) {
            if (!free.code().text().equals(s.codeName)) {
                error(free.code().span(), "'" + free.code().text() + "' is not the code; the code of model '" + s.modelName
                        + "' is '" + s.codeName + "'");
            }
            freeCode = options(Kind.FREE_CODE_OPTION, free.args(), Integer.MAX_VALUE, null);
        }
        // ---- objective
        List<Term> objective = new ArrayList<>();
        if (minimize != null) {
            weighted(minimize.objective(), 1.0, objective, s);
        }
        if (corrupt != null && !s.corruptionUsed && minimize != null) {
            diags.add(Diagnostic.warning(diags.file(), corrupt.span(), "the corruption " + corrupt.target().text()
                            + " is declared but never used")
                    .withHint("use it in the objective, e.g. mse(" + s.inputName + ", " + s.decoderName + "(" + s.encoderName + "("
                            + corrupt.target().text() + ")))"));
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
        return new CheckedModel(s.modelName, s.inputName, dims, s.inputSize, s.encoderName, enc, s.codeName, s.codeSize, codeValue,
                s.hasDecoder ? s.decoderName : null, decoder != null && decoder.tied(), dec == null ? List.of() : dec, out,
                corruption, noiseCall, freeCode, objective, origins);
    }

    private void putOrigin(Map<String, String> origins, String key, ModelItem item) {
        if (item != null) origins.put(key, origin(item.span()));
    }

    /** "line N: text" for a span of the source: whitespace collapsed, comments dropped, at most 100 characters. */
    private String origin(Span span) {
        String src = diags.source();
        if (src == null || span == null || span.end() > src.length() || span.start() >= span.end()) {
            return span == null ? null : "line " + span.line();
        }
        StringBuilder b = new StringBuilder();
        for (String line : src.substring(span.start(), span.end()).split("\n")) {
            int hash = line.indexOf('#');
            String code = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!code.isEmpty()) b.append(b.length() > 0 ? " " : "").append(code);
        }
        String text = b.toString().replaceAll("\\s+", " ");
        while (text.endsWith(";")) text = text.substring(0, text.length() - 1).strip();
        if (text.length() > 100) text = text.substring(0, 97) + "...";
        return "line " + span.line() + ": " + text;
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

    private static String tiedOutputActivation(Call out) {
        if (out == null) return "identity";
        return switch (out.name()) {
            case "bernoulli" -> "sigmoid";
            case "categorical" -> "softmax";
            default -> "identity";
        };
    }

    /** Layers with sizes; {@code inSize} < 0 when unknown (an earlier error). Returns null on errors. */
    private List<LayerInfo> layers(List<Layer> layers, int inSize, String firstWords, String prevWords) {
        List<LayerInfo> out = new ArrayList<>();
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
            Integer size = positiveInt(l.size(), "layer size");
            String act = "identity";
            if (l.activation() != null) {
                Optional<Builtin> a = Builtins.lookup(Kind.ACTIVATION, l.activation().text());
                if (a.isEmpty()) {
                    unknownBuiltin(Kind.ACTIVATION, l.activation());
                    ok = false;
                } else {
                    act = a.get().name().equals("linear") ? "identity" : a.get().name();
                }
            }
            if (kind.isPresent() && !l.args().isEmpty()) {
                Builtin b = kind.get();
                Builtin argsOnly = new Builtin(b.kind(), b.name(), b.params().subList(1, b.params().size()), b.doc(), b.book());
                Map<String, Object> args = bind(argsOnly, l.kind(), l.args(), e -> null, Integer.MAX_VALUE);
                if (args == null) ok = false;
                else if (args.get("in") instanceof Integer declared && prev > 0 && declared != prev) {
                    Expr at = l.args().stream().filter(a -> a.name() != null && a.name().text().equals("in")).map(Arg::value)
                            .findFirst().orElse(l.args().get(0).value());
                    if (i == 0) {
                        error(at.span(), firstWords + " is " + declared + " but " + prevWords + " has size " + prev);
                    } else {
                        error(at.span(), "this layer's input is " + declared + " but the previous layer has size " + prev);
                    }
                    ok = false;
                }
            }
            if (size == null) {
                sizesOk = false;
                prev = -1;
                continue;
            }
            out.add(new LayerInfo(kind.map(Builtin::name).orElse("?"), prev, size, act, origin(l.span())));
            prev = size;
        }
        // Sizes stay useful for later checks even when an activation or an argument was wrong.
        return sizesOk ? out : null;
    }

    private Corruption corruption(Expr e, ModelScope s) {
        if (!(e instanceof Expr.Call c)) {
            error(e.span(), "expected a corruption process such as gaussian(" + nameOr(s.inputName) + ", sigma: 0.3), got " + shown(e));
            return null;
        }
        Optional<Builtin> b = Builtins.lookup(Kind.CORRUPTION, c.fn().text());
        if (b.isEmpty()) {
            unknownBuiltin(Kind.CORRUPTION, c.fn());
            return null;
        }
        Corruption[] inner = new Corruption[1];
        boolean[] bad = new boolean[1];
        Map<String, Object> args = bind(b.get(), c.fn(), c.args(), arg -> {
            if (arg instanceof Expr.Ref r && r.name().text().equals(s.inputName)) return new MExpr.Input(s.inputName);
            if (arg instanceof Expr.Call nested && Builtins.lookup(Kind.CORRUPTION, nested.fn().text()).isPresent()) {
                inner[0] = corruption(nested, s);
                if (inner[0] == null) bad[0] = true;
                return new MExpr.Input(s.inputName);
            }
            error(arg.span(), "a corruption applies to the input '" + nameOr(s.inputName) + "' or to another corruption, got " + shown(arg));
            bad[0] = true;
            return null;
        }, Integer.MAX_VALUE);
        if (args == null || bad[0]) return null;
        Map<String, Object> rest = new LinkedHashMap<>(args);
        rest.remove("x");
        return new Corruption(b.get().name(), inner[0], rest);
    }

    private static String nameOr(String n) {
        return n == null ? "x" : n;
    }

    // =============================================================== the objective

    private void weighted(Expr e, double w, List<Term> out, ModelScope s) {
        switch (e) {
            case Expr.Binary b when b.op() == '+' || b.op() == '-' -> {
                weighted(b.left(), w, out, s);
                weighted(b.right(), b.op() == '-' ? -w : w, out, s);
            }
            case Expr.Neg n -> weighted(n.operand(), -w, out, s);
            case Expr.Binary b when b.op() == '*' -> {
                Double l = constant(b.left());
                Double r = constant(b.right());
                if (l != null && r != null) {
                    notATerm(b, s);
                } else if (l != null) {
                    weighted(b.right(), w * l, out, s);
                } else if (r != null) {
                    weighted(b.left(), w * r, out, s);
                } else {
                    errorHint(b.span(), "the objective cannot multiply two terms",
                            "weight a term by a number, like 0.01 * l1(" + s.codeName + ")");
                    // still check both sides for their own errors
                    weighted(b.left(), w, new ArrayList<>(), s);
                    weighted(b.right(), w, new ArrayList<>(), s);
                }
            }
            case Expr.Binary b -> {
                Double r = constant(b.right());
                if (r == null) {
                    error(b.span(), "a term of the objective can only be divided by a number");
                } else if (r == 0) {
                    error(b.right().span(), "division by zero");
                } else {
                    weighted(b.left(), w / r, out, s);
                }
            }
            case Expr.Call c -> {
                Optional<Builtin> b = Builtins.lookup(Kind.LOSS, c.fn().text());
                if (b.isEmpty()) {
                    String fn = c.fn().text();
                    if (fn.equals(s.encoderName) || (s.hasDecoder && fn.equals(s.decoderName))) notATerm(c, s);
                    else unknownBuiltin(Kind.LOSS, c.fn());
                    return;
                }
                Term t = term(b.get(), c, w, s);
                if (t != null) out.add(t);
            }
            default -> notATerm(e, s);
        }
    }

    private void notATerm(Expr e, ModelScope s) {
        errorHint(e.span(), "a term of the objective must be a loss call such as mse(" + nameOr(s.inputName) + ", "
                        + s.decoderName + "(" + s.encoderName + "(" + nameOr(s.inputName) + "))), got " + shown(e),
                "losses: " + String.join(", ", Builtins.names(Kind.LOSS)));
    }

    private Term term(Builtin loss, Expr.Call c, double w, ModelScope s) {
        Map<String, Object> args = bind(loss, c.fn(), c.args(), arg -> mexpr(arg, s), Integer.MAX_VALUE);
        if (args == null) return null;
        // Checks that need the resolved arguments.
        switch (loss.name()) {
            case "mse", "bernoulli_nll", "gaussian_nll", "categorical_nll" -> {
                List<String> keys = List.copyOf(args.keySet());
                MExpr a = (MExpr) args.get(keys.get(0));
                MExpr b = (MExpr) args.get(keys.get(1));
                int sa = size(a, s);
                int sb = size(b, s);
                if (sa > 0 && sb > 0 && sa != sb) {
                    error(c.span(), loss.name() + " compares vectors of different sizes: " + a + " has size " + sa + ", " + b
                            + " has size " + sb);
                    return null;
                }
            }
            case "kl_sparsity" -> {
                if (s.encoderLastActivation != null && !s.encoderLastActivation.equals("sigmoid")) {
                    diags.warning(c.fn().span(), "kl_sparsity expects a sigmoid code, but the encoder ends in " + s.encoderLastActivation);
                }
            }
            default -> {
            }
        }
        return new Term(w, loss.name(), args, origin(c.span()));
    }

    private int size(MExpr e, ModelScope s) {
        return switch (e) {
            case MExpr.Input i -> s.inputSize;
            case MExpr.Corrupted c -> s.inputSize;
            case MExpr.Code c -> s.codeSize;
            case MExpr.Encode en -> s.codeSize;
            case MExpr.Decode d -> s.inputSize;
            case MExpr.Function f -> -1;
        };
    }

    /** A model expression: x, x~, h, f(...), g(...). Reports and returns null when it is not one. */
    private MExpr mexpr(Expr e, ModelScope s) {
        switch (e) {
            case Expr.Ref r -> {
                Name n = r.name();
                if (n.isTilde()) {
                    if (s.inputName == null || !n.base().equals(s.inputName)) {
                        unknown("name", n, modelNames(s), null);
                        return null;
                    }
                    if (!s.hasCorrupt) {
                        errorHint(n.span(), "'" + n.text() + "' is used but model '" + s.modelName + "' has no corrupt declaration",
                                "add one, e.g. corrupt " + n.text() + " = gaussian(" + s.inputName + ", sigma: 0.3)");
                        return null;
                    }
                    s.corruptionUsed = true;
                    return new MExpr.Corrupted(s.inputName);
                }
                if (n.text().equals(s.inputName)) return new MExpr.Input(s.inputName);
                if (n.text().equals(s.codeName)) return new MExpr.Code(s.codeName);
                if (n.text().equals(s.encoderName)) return new MExpr.Function(s.encoderName);
                if (s.hasDecoder && n.text().equals(s.decoderName)) {
                    error(n.span(), "'" + n.text() + "' is the decoder; apply it, like " + n.text() + "(" + s.codeName + ")");
                    return null;
                }
                unknown("name", n, modelNames(s), null);
                return null;
            }
            case Expr.Call c -> {
                String fn = c.fn().text();
                boolean isEncoder = fn.equals(s.encoderName);
                boolean isDecoder = s.hasDecoder && fn.equals(s.decoderName);
                if (!isEncoder && !isDecoder) {
                    if (Builtins.lookup(Kind.LOSS, fn).isPresent()) {
                        error(c.span(), "a loss cannot be an argument; losses are terms of the objective");
                        return null;
                    }
                    List<String> fns = new ArrayList<>(List.of(s.encoderName));
                    if (s.hasDecoder) fns.add(s.decoderName);
                    unknown("function", c.fn(), fns, null);
                    return null;
                }
                if (c.args().size() != 1 || c.args().get(0).isNamed()) {
                    error(c.span(), fn + " takes one argument, like " + fn + "(" + (isEncoder ? s.inputName : s.codeName) + ")");
                    return null;
                }
                MExpr arg = mexpr(c.args().get(0).value(), s);
                if (arg == null) return null;
                if (arg instanceof MExpr.Function) {
                    error(c.args().get(0).value().span(), "'" + arg + "' is a function; apply it, like " + arg + "(" + s.inputName + ")");
                    return null;
                }
                int want = isEncoder ? s.inputSize : s.codeSize;
                int got = size(arg, s);
                if (want > 0 && got > 0 && want != got) {
                    error(c.args().get(0).value().span(), fn + " takes an input of size " + want + ", got " + arg + " of size " + got);
                    return null;
                }
                if (isEncoder) {
                    // f(x~) as the code makes the code depend on the corruption.
                    return new MExpr.Encode(fn, arg);
                }
                return new MExpr.Decode(fn, arg);
            }
            default -> {
                error(e.span(), "expected a model expression such as " + nameOr(s.inputName) + ", " + s.codeName + " or "
                        + s.decoderName + "(" + s.encoderName + "(" + nameOr(s.inputName) + ")), got " + shown(e));
                return null;
            }
        }
    }

    private static List<String> modelNames(ModelScope s) {
        List<String> names = new ArrayList<>();
        if (s.inputName != null) names.add(s.inputName);
        if (s.inputName != null && s.hasCorrupt) names.add(s.inputName + "~");
        names.add(s.codeName);
        names.add(s.encoderName);
        if (s.hasDecoder) names.add(s.decoderName);
        return names;
    }

    // =============================================================== train, evaluate, export

    private void train(Statement.Train t, int order) {
        String model = resolve(DeclKind.MODEL, t.model(), order);
        String data = resolve(DeclKind.DATA, t.data(), order);
        Map<String, Object> opts = options(Kind.TRAIN_OPTION, t.args(), order, t.model());
        if (opts == null || model == null || data == null) return;
        CheckedModel m = models.get(model);
        if ("recirculation".equals(opts.get("algorithm")) && m != null
                && (m.encoder().size() != 1 || m.decoder().size() != 1)) {
            Arg a = t.args().stream().filter(x -> x.name() != null && x.name().text().equals("algorithm")).findFirst().orElseThrow();
            error(a.value().span(), "recirculation needs one hidden layer, but model '" + model + "' has " + m.encoder().size()
                    + " encoder and " + m.decoder().size() + " decoder layers");
            return;
        }
        if (m != null && !pretrainOptions(t, m, opts)) return;
        steps.add(new CheckedProgram.Step.Train(model, data, opts));
    }

    /** Greedy pretraining needs an encoder-decoder stack; says so at the option. False when that is an error. */
    private boolean pretrainOptions(Statement.Train t, CheckedModel m, Map<String, Object> opts) {
        boolean greedy = "greedy".equals(opts.get("pretrain"));
        Optional<Arg> pretrain = t.args().stream().filter(x -> x.name() != null && x.name().text().equals("pretrain")).findFirst();
        Optional<Arg> epochs = t.args().stream().filter(x -> x.name() != null && x.name().text().equals("pretrain_epochs")).findFirst();
        if (!greedy) {
            epochs.ifPresent(a -> diags.warning(a.name().span(), "pretrain_epochs has no effect without pretrain: greedy"));
            return true;
        }
        var span = pretrain.orElseThrow().value().span();
        if (m.freeCode() != null) {
            error(span, "greedy pretraining trains encoder-decoder stacks layer by layer, but model '" + m.name()
                    + "' has a free code (predictive sparse decomposition)");
            return false;
        }
        if (m.decoder().isEmpty()) {
            error(span, "greedy pretraining trains each encoder layer as a shallow autoencoder, but model '" + m.name()
                    + "' has no decoder");
            return false;
        }
        if (m.encoder().size() == 1) {
            diags.warning(span, "model '" + m.name() + "' has one encoder layer: greedy pretraining trains it as it is, then"
                    + " training continues end to end");
        }
        return true;
    }

    private void analyze(Statement.Analyze a, int order) {
        String model = resolve(DeclKind.MODEL, a.model(), order);
        String data = resolve(DeclKind.DATA, a.data(), order);
        CheckedModel m = model == null ? null : models.get(model);
        List<Call> analyses = new ArrayList<>();
        boolean ok = model != null && data != null;
        for (Analysis an : a.analyses()) {
            Optional<Builtin> b = Builtins.lookup(Kind.ANALYSIS, an.name().text());
            if (b.isEmpty()) {
                unknownBuiltin(Kind.ANALYSIS, an.name());
                ok = false;
                continue;
            }
            Map<String, Object> args = bind(b.get(), an.name(), an.args(), e -> null, order);
            if (args == null) {
                ok = false;
                continue;
            }
            Map<String, Object> full = new LinkedHashMap<>(args);
            if (m != null) {
                switch (b.get().name()) {
                    case "pca_baseline" -> full.putIfAbsent("k", m.codeSize());
                    case "retrieval" -> {
                        Map<String, Object> ordered = new LinkedHashMap<>();
                        ordered.put("bits", full.getOrDefault("bits", m.codeSize()));
                        ordered.putAll(full);
                        full = ordered;
                    }
                    case "score_field" -> {
                        if (m.corruption() == null) {
                            error(an.name().span(), "score_field applies to a denoising autoencoder, but model '" + model
                                    + "' has no corrupt declaration");
                            ok = false;
                        } else if (!full.containsKey("sigma")) {
                            Double sigma = gaussianSigma(m.corruption());
                            if (sigma == null) {
                                error(an.name().span(), "score_field needs sigma: the corruption of model '" + model + "' is not gaussian");
                                ok = false;
                            } else {
                                full.put("sigma", sigma);
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            analyses.add(new Call(b.get().name(), full));
        }
        if (ok) steps.add(new CheckedProgram.Step.Analyze(a.verb(), model, data, analyses));
    }

    private static Double gaussianSigma(Corruption c) {
        for (Corruption x = c; x != null; x = x.inner()) {
            if (x.kind().equals("gaussian") && x.args().get("sigma") instanceof Double d) return d;
        }
        return null;
    }

    private void export(Statement.Export e, int order) {
        String model = resolve(DeclKind.MODEL, e.model(), order);
        String format = null;
        if (e.format() != null) {
            Optional<Builtin> b = Builtins.lookup(Kind.EXPORT_FORMAT, e.format().text());
            if (b.isEmpty()) unknownBuiltin(Kind.EXPORT_FORMAT, e.format());
            else format = b.get().name();
        } else {
            String path = e.path().value();
            int dot = path.lastIndexOf('.');
            String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase();
            if (Builtins.lookup(Kind.EXPORT_FORMAT, ext).isPresent()) {
                format = ext;
            } else {
                errorHint(e.path().span(), "cannot tell the export format from \"" + path + "\"",
                        "add one: as safetensors, as onnx or as csv");
            }
        }
        if (model != null && format != null) steps.add(new CheckedProgram.Step.Export(model, e.path().value(), format));
    }

    /** Named options (train, free code): every option with its default, unknown ones reported; null on errors. */
    private Map<String, Object> options(Kind kind, List<Arg> args, int order, Name modelForHint) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Name> seen = new LinkedHashMap<>();
        boolean ok = true;
        for (Arg a : args) {
            if (!a.isNamed()) {
                Optional<String> first = Builtins.names(kind).stream().findFirst();
                error(a.span(), kind.words() + "s are named, like " + first.orElse("epochs") + ": " + shownPlain(a.value()));
                ok = false;
                continue;
            }
            Optional<Builtin> b = Builtins.lookup(kind, a.name().text());
            if (b.isEmpty()) {
                unknownBuiltin(kind, a.name());
                ok = false;
                continue;
            }
            if (seen.containsKey(a.name().text())) {
                error(a.name().span(), "duplicate " + kind.words() + " '" + a.name().text() + "'");
                ok = false;
                continue;
            }
            seen.put(a.name().text(), a.name());
            Object v = convert(b.get().params().get(0), a.name().text(), a.value(), e -> null, order);
            if (v == null) ok = false;
            else out.put(a.name().text(), v);
        }
        if (!ok) return null;
        Map<String, Object> full = new LinkedHashMap<>();
        for (Builtin b : Builtins.all(kind)) {
            Object v = out.containsKey(b.name()) ? out.get(b.name()) : defaultValue(b.params().get(0));
            if (v != null) full.put(b.name(), v);
        }
        return full;
    }

    // =============================================================== argument binding

    /**
     * Binds call arguments to a built-in's parameters: positional ones in order, named ones by name.
     * Reports unknown, duplicate, missing, misplaced and ill-typed arguments. Returns parameter name to value
     * (defaults filled in, "none" ones absent), or null after an error.
     */
    Map<String, Object> bind(Builtin b, Name fn, List<Arg> args, Function<Expr, Object> expression, int order) {
        Map<String, Object> bound = new LinkedHashMap<>();
        Set<String> given = new HashSet<>();
        boolean ok = true;
        boolean sawNamed = false;
        int position = 0;
        for (Arg a : args) {
            Param p;
            if (a.isNamed()) {
                sawNamed = true;
                Optional<Param> found = b.param(a.name().text());
                if (found.isEmpty()) {
                    if (b.params().isEmpty()) error(a.name().span(), b.name() + " takes no arguments");
                    else unknown("argument", a.name(), b.params().stream().map(Param::name).toList(), " of " + b.name());
                    ok = false;
                    continue;
                }
                p = found.get();
            } else {
                if (sawNamed) {
                    error(a.span(), "a positional argument cannot follow a named one");
                    ok = false;
                    continue;
                }
                if (position >= b.params().size()) {
                    error(a.span(), b.params().isEmpty() ? b.name() + " takes no arguments"
                            : b.name() + " takes at most " + b.params().size() + " argument" + (b.params().size() == 1 ? "" : "s")
                            + ", got " + args.size());
                    ok = false;
                    break;
                }
                p = b.params().get(position++);
            }
            if (!given.add(p.name())) {
                error(a.isNamed() ? a.name().span() : a.span(), "duplicate argument '" + p.name() + "' of " + b.name());
                ok = false;
                continue;
            }
            Object v = convert(p, p.name(), a.value(), expression, order);
            if (v == null) ok = false;
            else bound.put(p.name(), v);
        }
        for (Param p : b.params()) {
            if (ok && p.required() && !given.contains(p.name())) {
                errorHint(fn.span(), "missing required argument '" + p.name() + "' of " + b.name(), b.signature());
                ok = false;
            }
        }
        if (!ok) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param p : b.params()) {
            Object v = bound.containsKey(p.name()) ? bound.get(p.name()) : defaultValue(p);
            if (v != null) out.put(p.name(), v);
        }
        return out;
    }

    private static Object defaultValue(Param p) {
        Object v = p.defaultValue();
        if (v instanceof Double d && (p.type() == Type.INT || p.type() == Type.COUNT)) return d.intValue();
        return v;
    }

    /** One value against its parameter's type; reports and returns null when it does not fit. */
    private Object convert(Param p, String name, Expr e, Function<Expr, Object> expression, int order) {
        switch (p.type()) {
            case INT, COUNT, NUMBER, NON_NEGATIVE, POSITIVE, PROBABILITY -> {
                return number(p.type(), name, e);
            }
            case STRING -> {
                if (e instanceof Expr.Str s) return s.value();
                error(e.span(), name + " must be a string, got " + shown(e));
                return null;
            }
            case BOOL -> {
                if (e instanceof Expr.Ref r && (r.name().text().equals("true") || r.name().text().equals("false"))) {
                    return Boolean.valueOf(r.name().text());
                }
                error(e.span(), name + " must be true or false, got " + shown(e));
                return null;
            }
            case DATA -> {
                if (e instanceof Expr.Ref r) return resolve(DeclKind.DATA, r.name(), order);
                error(e.span(), name + " must be a data set name, got " + shown(e));
                return null;
            }
            case FRACTION_OR_DATA -> {
                if (e instanceof Expr.Ref r) return resolve(DeclKind.DATA, r.name(), order);
                return number(Type.PROBABILITY, name, e);
            }
            case SCHEDULE -> {
                if (constant(e) != null) return number(Type.NON_NEGATIVE, name, e);
                return builtinCall(Kind.SCHEDULE, name, e, order);
            }
            case SCHEDULE_CALL -> {
                return builtinCall(Kind.SCHEDULE, name, e, order);
            }
            case OPTIMIZER -> {
                return builtinCall(Kind.OPTIMIZER, name, e, order);
            }
            case EXPRESSION -> {
                Object v = expression.apply(e);
                if (v instanceof MExpr.Function f) {
                    error(e.span(), "'" + f.name() + "' is a function; apply it, like " + f.name() + "(...)");
                    return null;
                }
                return v;
            }
            case ENCODER -> {
                String encoder = scope == null ? "f" : scope.encoderName;
                if (e instanceof Expr.Ref r && r.name().text().equals(encoder)) return new MExpr.Function(encoder);
                error(e.span(), "the first argument of jacobian_frobenius must be the encoder '" + encoder + "', got " + shown(e));
                return null;
            }
            case CHOICE -> {
                if (e instanceof Expr.Ref r && p.choices().contains(r.name().text())) return r.name().text();
                String msg = name + " must be " + String.join(" or ", p.choices()) + ", got " + shown(e);
                if (e instanceof Expr.Ref r) {
                    Optional<String> s = Names.suggest(r.name().text(), p.choices());
                    if (s.isPresent()) msg += "; did you mean '" + s.get() + "'?";
                }
                error(e.span(), msg);
                return null;
            }
        }
        return null;
    }

    private Object builtinCall(Kind kind, String name, Expr e, int order) {
        Name fn;
        List<Arg> args;
        if (e instanceof Expr.Call c) {
            fn = c.fn();
            args = c.args();
        } else if (e instanceof Expr.Ref r) {
            fn = r.name();
            args = List.of();
        } else {
            error(e.span(), name + " must be " + (kind == Kind.OPTIMIZER ? "an optimizer such as adam(lr: 1e-3)"
                    : "a number or a schedule such as cosine()") + ", got " + shown(e));
            return null;
        }
        Optional<Builtin> b = Builtins.lookup(kind, fn.text());
        if (b.isEmpty()) {
            unknownBuiltin(kind, fn);
            return null;
        }
        Map<String, Object> bound = bind(b.get(), fn, args, x -> null, order);
        return bound == null ? null : new Call(b.get().name(), bound);
    }

    private Object number(Type t, String name, Expr e) {
        Double v = constant(e);
        boolean integral = t == Type.INT || t == Type.COUNT;
        if (v == null) {
            error(e.span(), name + " must be " + (integral ? "an integer" : "a number") + ", got " + shown(e));
            return null;
        }
        if (v.isNaN() || v.isInfinite()) {
            error(e.span(), name + " must be a finite number, got " + shown(e));
            return null;
        }
        String range = switch (t) {
            case INT -> v > 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE ? null : "a positive integer";
            case COUNT -> v >= 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE ? null : "an integer >= 0";
            case NON_NEGATIVE -> v >= 0 ? null : ">= 0";
            case POSITIVE -> v > 0 ? null : "> 0";
            case PROBABILITY -> v >= 0 && v < 1 ? null : "in [0, 1)";
            default -> null;
        };
        if (range != null) {
            error(e.span(), name + " must be " + range + ", got " + shown(e));
            return null;
        }
        return integral ? (Object) v.intValue() : (Object) v;
    }

    private Integer positiveInt(Expr e, String what) {
        Object v = number(Type.INT, what, e);
        return v instanceof Integer i ? i : null;
    }

    /** The value of a constant arithmetic expression (1/255, -0.3, 2 * 64), or null when it is not one. */
    static Double constant(Expr e) {
        return switch (e) {
            case Expr.Num n -> n.value();
            case Expr.Neg n -> {
                Double v = constant(n.operand());
                yield v == null ? null : -v;
            }
            case Expr.Binary b -> {
                Double l = constant(b.left());
                Double r = constant(b.right());
                if (l == null || r == null) yield null;
                yield switch (b.op()) {
                    case '+' -> l + r;
                    case '-' -> l - r;
                    case '*' -> l * r;
                    default -> l / r;
                };
            }
            default -> null;
        };
    }

    // =============================================================== messages

    /** The expression as written: numbers and strings as is, anything else quoted. */
    private String shown(Expr e) {
        String text = shownPlain(e);
        if (e instanceof Expr.Str || constant(e) != null) return text;
        return "'" + text + "'";
    }

    private String shownPlain(Expr e) {
        Span s = e.span();
        if (s.start() >= 0 && s.end() <= source.length() && s.start() < s.end()) {
            return source.substring(s.start(), s.end()).replaceAll("\\s+", " ");
        }
        return e.toString();
    }

    private void unknownBuiltin(Kind kind, Name n) {
        unknown(kind.words(), n, Builtins.names(kind), null);
    }

    private void unknown(String what, Name n, Collection<String> candidates, String suffix) {
        String msg = "unknown " + what + " '" + n.text() + "'" + (suffix == null ? "" : suffix);
        Optional<String> s = Names.suggest(n.text(), candidates);
        if (s.isPresent()) {
            error(n.span(), msg + "; did you mean '" + s.get() + "'?");
        } else if (!candidates.isEmpty() && candidates.size() <= 30) {
            errorHint(n.span(), msg, "expected one of: " + String.join(", ", candidates));
        } else {
            error(n.span(), msg);
        }
    }

    private void error(Span span, String message) {
        diags.error(span, message);
    }

    private void errorHint(Span span, String message, String hint) {
        diags.add(Diagnostic.error(diags.file(), span, message).withHint(hint));
    }

    private int errorCount() {
        return (int) diags.errorCount();
    }
}
