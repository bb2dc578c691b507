package ae4j.dsl.check;

import ae4j.dsl.ast.Analysis;
import ae4j.dsl.ast.Arg;
import ae4j.dsl.ast.DataSource;
import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Name;
import ae4j.dsl.ast.Program;
import ae4j.dsl.ast.Span;
import ae4j.dsl.ast.Statement;
import ae4j.dsl.ast.Transform;
import ae4j.dsl.check.Builtins.Builtin;
import ae4j.dsl.check.Builtins.Kind;
import ae4j.dsl.check.CheckedModel.Call;
import ae4j.dsl.check.CheckedModel.Corruption;
import ae4j.dsl.syntax.Diagnostic;
import ae4j.dsl.syntax.Diagnostics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checker: name resolution, sizes, argument binding against {@link Builtins}, model completeness and
 * the objective's shape. Reports every problem it finds as a diagnostic (never throws on any input) and,
 * when there are no errors, returns the resolved {@link CheckedProgram}. This class checks the statements;
 * {@link ModelChecker} each model, {@link ObjectiveChecker} its objective, {@link Arguments} every argument list.
 */
public final class Checker extends CheckerPart {

    private enum DeclKind {
        DATA,
        MODEL
    }

    private record Decl(DeclKind kind, Name name, int order) {}

    private final Map<String, Decl> decls = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, CheckedModel> models = new LinkedHashMap<>();
    private final List<CheckedProgram.DataSet> dataSets = new ArrayList<>();
    private final List<CheckedProgram.Step> steps = new ArrayList<>();
    private final Arguments arguments;
    private final ModelChecker modelChecker;

    private Checker(Diagnostics diags) {
        super(diags);
        this.arguments = new Arguments(diags, (n, order) -> resolve(DeclKind.DATA, n, order));
        this.modelChecker = new ModelChecker(diags, arguments);
    }

    /** Checks a parsed program, adding diagnostics; returns the resolved program, or null when there are errors. */
    public static CheckedProgram check(Program program, Diagnostics diagnostics) {
        Checker c = new Checker(diagnostics);
        try {
            c.run(program);
        } catch (RuntimeException e) {
            Span at = program.statements().isEmpty()
                    ? new Span(1, 1, 1, 2, 0, 0)
                    : program.statements().get(0).span();
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
                    if (!decls.containsKey(l.model().text()))
                        decls.put(l.model().text(), new Decl(DeclKind.MODEL, l.model(), i));
                }
                default -> {}
            }
        }
        for (int i = 0; i < stmts.size(); i++) {
            switch (stmts.get(i)) {
                case Statement.DataDecl d -> data(d, i);
                case Statement.ModelDecl m -> {
                    CheckedModel cm = modelChecker.check(m);
                    if (cm != null && !models.containsKey(cm.name())) models.put(cm.name(), cm);
                }
                case Statement.Train t -> train(t, i);
                case Statement.Analyze a -> analyze(a, i);
                case Statement.Save s -> {
                    String m = resolve(DeclKind.MODEL, s.model(), i);
                    if (path(s.path(), "save", ".safetensors") && m != null)
                        steps.add(new CheckedProgram.Step.Save(m, s.path().value()));
                }
                case Statement.Load l -> {
                    String m = resolve(DeclKind.MODEL, l.model(), i);
                    if (path(l.path(), "load", ".safetensors") && m != null)
                        steps.add(new CheckedProgram.Step.Load(m, l.path().value()));
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
                diags.add(Diagnostic.warning(
                                diags.file(),
                                d.name().span(),
                                "model '" + d.name().text() + "' is never used")
                        .withHint("train, evaluate, save or export it"));
            }
        }
    }

    private void declare(DeclKind kind, Name n, int order) {
        Decl old = decls.get(n.text());
        if (old != null) {
            error(
                    n.span(),
                    "'" + n.text() + "' is already declared on line "
                            + old.name().span().line());
            return;
        }
        decls.put(n.text(), new Decl(kind, n, order));
    }

    /** A top-level name used at statement {@code order}: must be declared, earlier, and of the right kind. */
    private String resolve(DeclKind kind, Name n, int order) {
        String what = kind == DeclKind.DATA ? "data set" : "model";
        Decl d = decls.get(n.text());
        if (d == null) {
            List<String> candidates = decls.values().stream()
                    .filter(x -> x.kind() == kind)
                    .map(x -> x.name().text())
                    .toList();
            unknown(what, n, candidates, null);
            return null;
        }
        if (d.kind() != kind) {
            error(
                    n.span(),
                    "'" + n.text() + "' is a " + (d.kind() == DeclKind.DATA ? "data set" : "model") + ", not a "
                            + what);
            return null;
        }
        if (d.order() > order) {
            error(
                    n.span(),
                    what + " '" + n.text() + "' is used before its declaration on line "
                            + d.name().span().line());
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
                Optional<Builtin> b =
                        Builtins.lookup(Kind.DATA_SOURCE, call.fn().text());
                if (b.isEmpty()) {
                    unknownBuiltin(Kind.DATA_SOURCE, call.fn());
                    ok = false;
                } else {
                    split = b.get().name().equals("split");
                    Map<String, Object> args = arguments.bind(b.get(), call.fn(), call.args(), e -> null, order);
                    if (args == null) ok = false;
                    else source = new Call(b.get().name(), args);
                }
            }
            case DataSource.FromData fd -> {
                if (!decls.containsKey(fd.name().text())
                        && Builtins.lookup(Kind.DATA_SOURCE, fd.name().text()).isPresent()) {
                    Builtin b =
                            Builtins.lookup(Kind.DATA_SOURCE, fd.name().text()).get();
                    Map<String, Object> args = arguments.bind(b, fd.name(), List.of(), e -> null, order);
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
            error(
                    d.source().span(),
                    "only split produces several data sets; declare "
                            + d.names().size() + " data sets separately");
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
        List<Arg> args =
                t.value() != null ? List.of(new Arg(null, t.value(), t.value().span())) : t.args();
        Map<String, Object> bound = arguments.bind(b.get(), t.name(), args, e -> null, order);
        return bound == null ? null : new Call(b.get().name(), bound);
    }

    // =============================================================== train, evaluate, export

    private void train(Statement.Train t, int order) {
        String model = resolve(DeclKind.MODEL, t.model(), order);
        String data = resolve(DeclKind.DATA, t.data(), order);
        Map<String, Object> bound = arguments.options(Kind.TRAIN_OPTION, t.args(), order, t.model());
        if (bound == null || model == null || data == null) return;
        TrainOptions opts = new TrainOptions(bound);
        CheckedModel m = models.get(model);
        if (opts.recirculation() && m != null) {
            Arg a = t.args().stream()
                    .filter(x -> x.name() != null && x.name().text().equals("algorithm"))
                    .findFirst()
                    .orElseThrow();
            String why = recirculationProblem(m, opts);
            if (why != null) {
                errorHint(
                        a.value().span(),
                        "recirculation trains a one-hidden-layer sigmoid autoencoder, but " + why,
                        "train it with algorithm: backprop, or declare encoder f { dense H sigmoid }, decoder g"
                                + " { dense D sigmoid } and minimize mse(x, g(f(x)))");
                return;
            }
        }
        if (m != null && !pretrainOptions(t, m, opts)) return;
        for (Arg a : t.args()) {
            if (a.name() != null && a.name().text().equals("checkpoint") && a.value() instanceof Expr.Str p) {
                if (!path(p, "checkpoint", ".ckpt")) return;
            }
        }
        steps.add(new CheckedProgram.Step.Train(model, data, opts));
    }

    /** Why recirculation (Hinton and McClelland 1988) cannot train this model, or null when it can. */
    private static String recirculationProblem(CheckedModel m, TrainOptions opts) {
        if (m.encoder().layers().size() != 1)
            return "the encoder of '" + m.name() + "' has "
                    + m.encoder().layers().size() + " layers";
        if (m.decoder().layers().size() != 1 || m.decoder().tied())
            return "'" + m.name() + "' needs a decoder of one layer of its own (not tied)";
        if (m.encoder().layers().get(0).activation() != Nonlinearity.SIGMOID
                || m.decoder().layers().get(0).activation() != Nonlinearity.SIGMOID)
            return "the layers of '" + m.name() + "' are not both sigmoid";
        if (m.corruption() != null || m.noiseBeforeCode() != null || m.freeCode() != null)
            return "'" + m.name() + "' has a corruption, noise or a free code, which it does not use";
        if (m.objective().size() != 1 || m.objective().get(0).loss() != Loss.MSE)
            return "it reports the squared error only: the objective of '" + m.name() + "' is not one mse term";
        if (opts.greedyPretraining()) return "greedy pretraining trains with back-propagation";
        return null;
    }

    /** Greedy pretraining needs an encoder-decoder stack; says so at the option. False when that is an error. */
    private boolean pretrainOptions(Statement.Train t, CheckedModel m, TrainOptions opts) {
        boolean greedy = opts.greedyPretraining();
        Optional<Arg> pretrain = t.args().stream()
                .filter(x -> x.name() != null && x.name().text().equals("pretrain"))
                .findFirst();
        Optional<Arg> epochs = t.args().stream()
                .filter(x -> x.name() != null && x.name().text().equals("pretrain_epochs"))
                .findFirst();
        if (!greedy) {
            epochs.ifPresent(
                    a -> diags.warning(a.name().span(), "pretrain_epochs has no effect without pretrain: greedy"));
            return true;
        }
        var span = pretrain.orElseThrow().value().span();
        if (m.freeCode() != null) {
            error(
                    span,
                    "greedy pretraining trains encoder-decoder stacks layer by layer, but model '" + m.name()
                            + "' has a free code (predictive sparse decomposition)");
            return false;
        }
        if (m.decoder().layers().isEmpty()) {
            error(
                    span,
                    "greedy pretraining trains each encoder layer as a shallow autoencoder, but model '" + m.name()
                            + "' has no decoder");
            return false;
        }
        if (m.encoder().layers().size() == 1) {
            diags.warning(
                    span,
                    "model '" + m.name() + "' has one encoder layer: greedy pretraining trains it as it is, then"
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
            if (Builtins.ANALYSES_NOT_BUILT.contains(b.get().name())) {
                errorHint(
                        an.name().span(),
                        "the analysis '" + b.get().name() + "' is not built yet",
                        "analyses that run: " + String.join(", ", Builtins.analysesThatRun()));
                ok = false;
                continue;
            }
            Map<String, Object> args = arguments.bind(b.get(), an.name(), an.args(), e -> null, order);
            if (args == null) {
                ok = false;
                continue;
            }
            Map<String, Object> full = new LinkedHashMap<>(args);
            if (m != null) {
                switch (b.get().name()) {
                    case "pca_baseline" -> full.putIfAbsent("k", m.code().size());
                    case "retrieval" -> {
                        int code = m.code().size();
                        int bits = full.get("bits") instanceof Number nb ? nb.intValue() : code;
                        if (bits > code) {
                            errorHint(
                                    argSpan(an, b.get(), "bits"),
                                    "retrieval(bits: " + bits + "): the code of model '" + model + "' has " + code
                                            + " units",
                                    "use bits: " + code + " or fewer (the first bits code units are the address)");
                            ok = false;
                        }
                        Map<String, Object> ordered = new LinkedHashMap<>();
                        ordered.put("bits", bits);
                        if (full.get("radius") instanceof Number nr) {
                            String problem = HammingBall.problem(Math.min(bits, code), nr.intValue());
                            if (problem != null) {
                                error(argSpan(an, b.get(), "radius"), "retrieval: " + problem);
                                ok = false;
                            }
                        } else {
                            ordered.put("radius", Math.min(2, Math.min(bits, code)));
                        }
                        ordered.putAll(full);
                        full = ordered;
                    }
                    case "score_field" -> {
                        if (m.corruption() == null) {
                            error(
                                    an.name().span(),
                                    "score_field applies to a denoising autoencoder, but model '" + model
                                            + "' has no corrupt declaration");
                            ok = false;
                        } else if (!full.containsKey("sigma")) {
                            Double sigma = gaussianSigma(m.corruption());
                            if (sigma == null) {
                                error(
                                        an.name().span(),
                                        "score_field needs sigma: the corruption of model '" + model
                                                + "' is not gaussian");
                                ok = false;
                            } else {
                                full.put("sigma", sigma);
                            }
                        }
                    }
                    case "samples", "interpolate" -> {
                        if (m.decoder().layers().isEmpty()) {
                            error(
                                    an.name().span(),
                                    b.get().name() + " decodes codes, but model '" + model + "' has no decoder");
                            ok = false;
                        } else if (b.get().name().equals("samples")) {
                            int steps = ((Number) full.getOrDefault("steps", 100.0)).intValue();
                            int burnIn = full.get("burn_in") instanceof Number n ? n.intValue() : steps / 2;
                            if (burnIn >= steps) {
                                errorHint(
                                        an.name().span(),
                                        "burn_in " + burnIn + " leaves no samples of " + steps + " steps",
                                        "make burn_in smaller than steps");
                                ok = false;
                            }
                        }
                    }
                    default -> {}
                }
            }
            analyses.add(new Call(b.get().name(), full));
        }
        if (ok) steps.add(new CheckedProgram.Step.Analyze(a.verb(), model, data, analyses));
    }

    /** The span of argument {@code param} of an analysis call (named or by position), else the analysis' name. */
    private static Span argSpan(Analysis an, Builtin b, String param) {
        List<Arg> args = an.args();
        for (Arg a : args)
            if (a.name() != null && a.name().text().equals(param))
                return a.value().span();
        int position = b.params().indexOf(b.param(param).orElse(null));
        if (position >= 0 && position < args.size() && args.get(position).name() == null)
            return args.get(position).value().span();
        return an.name().span();
    }

    private static Double gaussianSigma(Corruption c) {
        for (Corruption x = c; x != null; x = x.inner()) {
            if (x.kind() == CorruptionKind.GAUSSIAN && x.args().get("sigma") instanceof Double d) return d;
        }
        return null;
    }

    /** A file path of a statement: not blank (checked here, so that a run never trains and then cannot save). */
    private boolean path(Expr.Str p, String verb, String example) {
        if (!p.value().isBlank()) return writable(p, verb, example);
        errorHint(p.span(), verb + " needs a file path, got an empty one", "write one, e.g. \"model" + example + "\"");
        return false;
    }

    /**
     * The path policy of files ae4j writes (save, export, checkpoint): a file name, not a folder; a relative
     * path stays inside the output folder it resolves against (a path that climbs out with '..' must be
     * written absolute, so leaving the output folder is always explicit). Loading reads from anywhere.
     */
    private boolean writable(Expr.Str p, String verb, String example) {
        if (verb.equals("load")) return true;
        String v = p.value();
        java.nio.file.Path path;
        try {
            path = java.nio.file.Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            errorHint(
                    p.span(),
                    "\"" + v.replace("\0", "\\0") + "\" is not a valid file path (" + e.getReason() + ")",
                    "write a file path, e.g. \"model" + example + "\"");
            return false;
        }
        if (v.endsWith("/")
                || v.endsWith(java.io.File.separator)
                || path.getFileName() == null
                || path.getFileName().toString().equals("..")
                || path.getFileName().toString().equals(".")) {
            errorHint(
                    p.span(),
                    verb + " needs a file path; \"" + v + "\" names a folder",
                    "add a file name, e.g. \"" + (v.endsWith("/") ? v : v + "/") + "model" + example + "\"");
            return false;
        }
        if (!path.isAbsolute() && path.normalize().startsWith("..")) {
            errorHint(
                    p.span(),
                    "\"" + v + "\" leaves the output folder",
                    "relative paths stay inside the output folder (--out); write an absolute path to " + verb
                            + " elsewhere");
            return false;
        }
        return true;
    }

    private void export(Statement.Export e, int order) {
        String model = resolve(DeclKind.MODEL, e.model(), order);
        String defaultFormat = e.part() != null ? "onnx" : "safetensors";
        if (!path(
                e.path(),
                "export",
                e.format() == null ? "." + defaultFormat : "." + e.format().text())) return;
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
            } else if (e.part() != null) {
                format = "onnx"; // only onnx writes a part alone
            } else {
                errorHint(
                        e.path().span(),
                        "cannot tell the export format from \"" + path + "\"",
                        "add one: as " + String.join(", as ", Builtins.names(Kind.EXPORT_FORMAT)));
            }
        }
        if (format != null && Builtins.EXPORT_FORMATS_NOT_BUILT.contains(format)) {
            errorHint(
                    e.format() != null ? e.format().span() : e.path().span(),
                    "export as " + format + " is not built yet",
                    "export as safetensors (PyTorch and NumPy read it) or as csv");
            return;
        }
        CheckedModel m = model == null ? null : models.get(model);
        String part = null;
        if (e.part() != null) {
            if (!exportPart(e, model, m, format)) return;
            part = e.part().text();
        } else if (m != null && "onnx".equals(format) && !m.decoder().exists()) {
            errorHint(
                    e.model().span(),
                    "model " + model + " has no decoder, so there is no whole model (x to its reconstruction) to"
                            + " export as onnx",
                    "export its encoder alone: export " + model + "."
                            + m.encoder().name() + " to \"" + e.path().value() + "\"");
            return;
        }
        if (model != null && format != null)
            steps.add(new CheckedProgram.Step.Export(model, e.path().value(), format, part));
    }

    /**
     * Whether the part {@code export m.p} names can be exported: only onnx writes a part alone (safetensors and csv
     * hold every parameter), and p must be the model's encoder or decoder (checked when the program declares the
     * model, {@code cm}; a model loaded from a file is checked when the program runs).
     */
    private boolean exportPart(Statement.Export e, String model, CheckedModel cm, String format) {
        String p = e.part().text();
        if (format != null && !"onnx".equals(format)) {
            errorHint(
                    e.part().span(),
                    "export as " + format + " writes the whole model, not one part of it",
                    "export " + model + " to \"" + e.path().value() + "\" as " + format
                            + ", or export the part as onnx");
            return false;
        }
        if (cm == null) return true;
        List<String> parts = new ArrayList<>();
        parts.add(cm.encoder().name());
        if (cm.decoder().exists()) parts.add(cm.decoder().name());
        if (parts.contains(p)) return true;
        unknown(
                "part of model " + cm.name(),
                e.part(),
                parts,
                " (its encoder is " + cm.encoder().name()
                        + (cm.decoder().exists()
                                ? " and its decoder " + cm.decoder().name()
                                : ", it has no decoder")
                        + ")");
        return false;
    }
}
