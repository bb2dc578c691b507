package ae4j.dsl.run;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedProgram;
import ae4j.dsl.check.CheckedProgram.Step;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.data.DataException;
import ae4j.dsl.data.DataLoader;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.io.Checkpoint;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.io.ModelMismatchException;
import ae4j.dsl.onnx.OnnxExport;
import ae4j.dsl.runtime.Forward;
import ae4j.dsl.syntax.SourceText;
import ae4j.dsl.train.ConsoleProgress;
import ae4j.dsl.train.DivergenceException;
import ae4j.dsl.train.GreedyPretraining;
import ae4j.dsl.train.Schedule;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import ae4j.dsl.train.TrainingListener;
import ae4j.vecmath.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ae4j run FILE.ae}: checks the file, compiles its models, and executes its statements in order:
 * training (with a live progress bar), evaluation, save, load and export. Everything a run produces goes
 * to the output folder: per model {@code metrics.csv}, {@code metrics.json}, {@code loss.png},
 * {@code reconstructions.png} (originals / corrupted / reconstructions, for image data), the trained
 * weights {@code MODEL.safetensors} (unless a later {@code save} statement writes them: each file is written
 * once), and a checkpoint where the train statement asks for one.
 *
 * <p>Paths in {@code save} / {@code export} / checkpoints are relative to the output folder; paths in
 * {@code load} and data declarations are relative to the .ae file's folder.
 */
public final class Runner {

    /**
     * Options of a run: the output folder, a cap on epochs (for smoke tests; 0 = as written), whether to
     * run the reference executor instead of generated code (slow; for debugging the code generator), and a
     * checkpoint to resume from (null = start afresh): the first train statement of the checkpoint's model
     * continues from it instead of starting at epoch 1.
     */
    public record Options(Path out, int maxEpochs, boolean reference, Path resume, Path saveBase) {
        public Options(Path out, int maxEpochs, boolean reference, Path resume) {
            this(out, maxEpochs, reference, resume, null);
        }

        public Options(Path out, int maxEpochs, boolean reference) {
            this(out, maxEpochs, reference, null, null);
        }

        public Options(Path out, int maxEpochs) {
            this(out, maxEpochs, false, null);
        }
    }

    /**
     * Where a run reports to besides its output streams: the notebook kernel shows training live instead of
     * a console progress bar, and keeps the running trainer to cancel it on an interrupt.
     */
    public interface Hooks {
        /** The listener of one train statement (default: a console progress bar on {@code err}). */
        default TrainingListener listener(String model, String[] termNames, PrintStream err) {
            return new ConsoleProgress("train " + model, err, termNames);
        }

        /** A trainer is about to run (null once it has ended). */
        default void training(Trainer trainer) {}
    }

    private Path file;
    private String source;
    private final Options options;
    private final ModelBuilder builder;
    private PrintStream out;
    private PrintStream err;
    private Hooks hooks = new Hooks() {};
    /** Whether this runner serves a notebook session (cells) rather than a file. */
    private boolean session;

    private CheckedProgram program;
    private DataLoader data;
    private final Map<String, BuiltModel> models = new HashMap<>();
    /** evaluate and analyze statements, with what they keep between statements (spectra to compare). */
    private final AnalyzeStep analyses;
    /** The checkpoint named by --resume, until a train statement of its model has consumed it. */
    private Checkpoint resume;
    /** Train statements whose weights a later save statement writes (see {@link #savedLater}). */
    private final Set<Step.Train> weightsSavedLater = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** The options and metrics of each model's last training, for the save statement that writes its weights. */
    private final Map<String, List<Map<String, Object>>> trainedMetadata = new HashMap<>();

    private Runner(Path file, String source, Options options, PrintStream out, PrintStream err) {
        this.file = file;
        this.source = source;
        this.options = options;
        this.analyses = new AnalyzeStep(options.out());
        this.builder = options.reference() ? ModelBuilder.reference() : ModelBuilder.generated();
        this.out = out;
        this.err = err;
    }

    /** Runs a file; returns the exit code ({@link ExitCode}: 0 done, 1 input to fix, 2 environment). */
    public static int run(Path file, Options options, PrintStream out, PrintStream err) {
        String text;
        try {
            text = SourceText.read(file);
        } catch (IOException e) {
            return ExitCode.reportUnreadable(file, e, err);
        }
        return new Runner(file, text, options, out, err).execute();
    }

    private int execute() {
        FrontEnd.Result r = FrontEnd.check(file.toString(), source);
        err.print(r.diagnostics().render());
        if (!r.ok() || r.checked() == null) {
            err.println("ae4j run: " + file + " has errors; nothing was run");
            return 1;
        }
        program = r.checked();
        Path folder = file.toAbsolutePath().getParent();
        data = new DataLoader(program, folder);
        try {
            if (options.resume() != null) resume = readResume(options.resume());
            steps(folder);
            out.println("outputs in " + options.out());
            return 0;
        } catch (DataException | DivergenceException | ModelMismatchException | UserError e) {
            err.println("ae4j: " + e.getMessage());
            return 1;
        } catch (ModelBuilder.TooLargeException e) {
            err.println("ae4j: " + e.getMessage());
            return 1;
        } catch (Lowering.LoweringException e) {
            err.println("ae4j: cannot compile the model: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("ae4j: " + e.getMessage());
            return ExitCode.of(e);
        }
    }

    private void steps(Path folder) throws IOException {
        checkTargets();
        Files.createDirectories(options.out());
        List<Step> steps = program.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Train t && savedLater(steps, i, t.model())) weightsSavedLater.add(t);
        }
        for (Step step : steps) {
            switch (step) {
                case Step.Train t -> train(t);
                case Step.Analyze a -> analyze(a);
                case Step.Save s -> save(s.model(), resolveSave(s.path()), "safetensors");
                case Step.Export e -> export(e.model(), resolveSave(e.path()), e.format(), e.part());
                case Step.Load l -> load(l, folder);
            }
        }
    }

    /**
     * Whether a {@code save} statement after step {@code i} saves {@code model} before anything else changes
     * its weights (another train or a load): then the train step does not write the same weights into its
     * report folder as well, and the save carries the training's options and metrics.
     */
    private static boolean savedLater(List<Step> steps, int i, String model) {
        for (int j = i + 1; j < steps.size(); j++) {
            switch (steps.get(j)) {
                case Step.Save s
                when s.model().equals(model) -> {
                    return true;
                }
                case Step.Train t
                when t.model().equals(model) -> {
                    return false;
                }
                case Step.Load l
                when l.model().equals(model) -> {
                    return false;
                }
                default -> {}
            }
        }
        return false;
    }

    /**
     * Every file the program will write (saves, exports, checkpoints, each trained model's report folder) is
     * checked before the first step, so that a bad path is reported before training rather than after it.
     */
    private void checkTargets() {
        for (Step step : program.steps()) {
            switch (step) {
                case Step.Save s ->
                    checkTarget("save " + s.model() + " to \"" + s.path() + "\"", resolveSave(s.path()));
                case Step.Export e ->
                    checkTarget("export " + e.model() + " to \"" + e.path() + "\"", resolveSave(e.path()));
                case Step.Train t -> {
                    String ck = t.options().checkpoint();
                    if (ck != null)
                        checkTarget("train " + t.model() + " (checkpoint: \"" + ck + "\")", resolveSave(ck));
                    checkTarget(
                            "train " + t.model() + " (its report)",
                            options.out().resolve(t.model()).resolve("metrics.csv"));
                }
                case Step.Analyze a -> {}
                case Step.Load l -> {}
            }
        }
    }

    private static void checkTarget(String statement, Path target) {
        String problem = AtomicFile.problemWith(target);
        if (problem != null) throw new UserError(statement + ": " + problem + "; nothing was run");
    }

    // ------------------------------------------------------------------ sessions (notebook cells)

    /** A runner that keeps its compiled models between {@link #runCell} calls (a notebook's state). */
    static Runner forSession(Options options, Hooks hooks) {
        Runner r = new Runner(null, "", options, System.out, System.err);
        r.hooks = hooks;
        r.session = true;
        return r;
    }

    /**
     * Runs the statements of an already checked program (a notebook cell after the declarations of earlier
     * cells) with models kept from earlier cells unless {@link #forget forgotten}. Problems in the user's
     * program or data come back as {@link UserError}, {@link DataException}, {@link DivergenceException} or
     * {@link ModelMismatchException}, which the caller reports without a stack trace.
     */
    void runCell(Path file, String source, CheckedProgram checked, DataLoader loader, PrintStream out, PrintStream err)
            throws IOException {
        this.file = file;
        this.source = source;
        this.program = checked;
        this.data = loader;
        this.out = out;
        this.err = err;
        steps(file.toAbsolutePath().getParent());
    }

    /** Drops a compiled model (its declaration changed; the next use compiles the new one). */
    void forget(String model) {
        models.remove(model);
    }

    /** The compiled model called {@code name}, compiling it on first use. */
    BuiltModel built(String name) {
        return model(name);
    }

    /** Whether the model has been compiled in this runner. */
    boolean hasModel(String name) {
        return models.containsKey(name);
    }

    /** A problem in the user's program found while running it (the message says what to do). */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }

    /** Reads the --resume checkpoint and checks that a train statement of its model will use it. */
    private Checkpoint readResume(Path p) throws IOException {
        if (!Files.exists(p)) {
            throw new UserError("--resume " + p + ": no such file (checkpoints are written where a train statement's "
                    + "checkpoint: option says, relative to the output folder " + options.out() + ")");
        }
        Checkpoint cp = Checkpoint.read(p);
        boolean trained = program.steps().stream()
                .anyMatch(s -> s instanceof Step.Train t && t.model().equals(cp.modelName()));
        if (!trained) {
            throw new UserError("--resume " + p + ": the checkpoint is of model '" + cp.modelName()
                    + "', which no train " + "statement of " + file + " trains");
        }
        if (!cp.source().isEmpty() && !cp.source().equals(source)) {
            err.println("ae4j: warning: " + file + " has changed since " + p + " was written; resuming model '"
                    + cp.modelName() + "' anyway (its parameters and training options must still match)");
        }
        return cp;
    }

    private Path resolveOut(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : options.out().resolve(p);
    }

    /** Where save, export and checkpoint paths start: the output folder unless the options name another. */
    private Path resolveSave(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : (options.saveBase() != null ? options.saveBase() : options.out()).resolve(p);
    }

    // ------------------------------------------------------------------ models

    /**
     * A model the program loads without declaring it ({@code load m from "m.safetensors"} alone): built from the
     * program saved in the file (ae4j's save writes it), under the name the load statement gives.
     */
    private BuiltModel fromSavedProgram(String name, Path file) throws IOException {
        ModelFile.Saved saved = ModelFile.read(file);
        String fix = "; declare model " + name + " in the program with the layers the file was saved from";
        if (saved.source().isBlank() || saved.modelName().isBlank())
            throw new UserError(
                    "load " + name + ": " + file + " holds no ae4j program to rebuild the model from" + fix);
        FrontEnd.Result r = FrontEnd.check(file.getFileName() + " (the program saved in it)", saved.source());
        CheckedModel m = r.checked() == null ? null : r.checked().model(saved.modelName());
        if (!r.ok() || m == null)
            throw new UserError("load " + name + ": the program saved in " + file + " does not check with this ae4j"
                    + (r.ok()
                            ? " (it has no model " + saved.modelName() + ")"
                            : ":\n" + r.diagnostics().render())
                    + fix);
        out.println("load " + name + ": model " + saved.modelName() + " as declared in the program saved in " + file);
        BuiltModel l = builder.build(m, ModelBuilder.rowsFor(1), 0);
        models.put(name, l);
        return l;
    }

    private BuiltModel model(String name) {
        BuiltModel known = models.get(name);
        if (known != null) return known;
        int batch = 1;
        long seed = 0;
        for (Step s : program.steps()) {
            if (s instanceof Step.Train t && t.model().equals(name)) {
                TrainConfig c = TrainConfig.from(t.options());
                // A batch larger than the data set takes all of it in each step: buffers for the data, not more
                batch = Math.min(c.batch(), Math.max(1, data.get(t.data()).size()));
                seed = c.seed();
                break;
            }
        }
        if (builder.isReference()) {
            err.println(
                    "model " + name + ": running the reference executor (double precision, no generated code; slow)");
        }
        BuiltModel l = builder.build(program.model(name), ModelBuilder.rowsFor(batch), seed);
        models.put(name, l);
        return l;
    }

    // ------------------------------------------------------------------ statements

    private void train(Step.Train t) throws IOException {
        BuiltModel l = model(t.model());
        Dataset ds = data.get(t.data());
        analyses.trained(t.model(), t.data());
        TrainConfig c = TrainConfig.from(t.options());
        if (options.maxEpochs() > 0 && c.epochs() > options.maxEpochs()) c = c.withEpochs(options.maxEpochs());
        if (c.threads() > Parallel.maxThreads()) {
            err.printf(
                    Locale.ROOT,
                    "train %s: threads: %d is more than 4 per processor (%d here); using %d%n",
                    t.model(),
                    c.threads(),
                    Runtime.getRuntime().availableProcessors(),
                    Parallel.maxThreads());
        }
        if (ds.size() == 0) {
            throw new UserError("train " + t.model() + " on " + t.data() + ": the data set " + t.data()
                    + " has no examples; check its file and its take/skip");
        }
        if (ds.dim() != l.model().inputWidth()) {
            throw new UserError("train " + t.model() + " on " + t.data() + ": the data has " + ds.dim()
                    + " features per example but the model's input has "
                    + l.model().inputWidth()
                    + "; change the model's input size or the data (e.g. flatten)");
        }
        out.printf(
                Locale.ROOT,
                "train %s on %s: %d examples, %d epochs, batch %s, %s%n",
                t.model(),
                t.data(),
                ds.size(),
                c.epochs(),
                c.batch() > ds.size() ? c.batch() + " (all " + ds.size() + " examples in each step)" : c.batch(),
                c.optimizer() + c.optimizerArgs());
        boolean resuming = resume != null && resume.modelName().equals(t.model());
        if (t.options().greedyPretraining()) {
            if (resuming) {
                out.printf(
                        Locale.ROOT,
                        "train %s: resuming from a checkpoint, so greedy pretraining is skipped (the checkpoint "
                                + "holds the weights)%n",
                        t.model());
            } else {
                pretrain(l, ds, c, t);
            }
        }
        if (c.checkpoint() != null)
            c = c.withCheckpoint(resolveSave(c.checkpoint()).toString());
        Trainer trainer = new Trainer(l.model(), c, hooks.listener(t.model(), l.termNames(), err), l.termNames())
                .source(source)
                .noise(Schedule.noiseSigma(program.model(t.model()).noiseBeforeCode()));
        if (t.options().recirculation()) trainer.recirculation(l.ir());
        if (t.options().validationData() instanceof String name) { // validation: DATA, a set of its own
            Dataset v = data.get(name);
            if (v.dim() != ds.dim()) {
                throw new UserError("train " + t.model() + ": the validation set " + name + " has " + v.dim()
                        + " features per example but " + t.data() + " has " + ds.dim());
            }
            trainer.validationData(v.values(), v.size());
        }
        long resumedAt = 0;
        if (resuming) {
            try {
                trainer.resume(options.resume());
            } catch (IllegalArgumentException e) {
                throw new UserError("train " + t.model() + ": cannot resume: " + e.getMessage());
            }
            resumedAt = resume.progress().step();
            out.printf(
                    Locale.ROOT,
                    "train %s: resuming from %s after epoch %d (step %d)%n",
                    t.model(),
                    options.resume(),
                    resume.progress().epoch(),
                    resumedAt);
            resume = null;
        }
        Trainer.Result res;
        hooks.training(trainer);
        try {
            res = trainer.train(ds.values(), ds.size(), ds.dim());
        } finally {
            hooks.training(null);
        }
        Path dir = options.out().resolve(t.model());
        Files.createDirectories(dir);
        RunReports.lossHistory(dir, res);
        RunReports.reconstructions(l, ds, dir.resolve("reconstructions.png"));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", res.finalTrainLoss());
        metrics.put("epochs", res.epochsRun());
        metrics.put("steps", res.steps());
        metrics.put("seconds", res.seconds());
        if (weightsSavedLater.contains(t)) {
            trainedMetadata.put(t.model(), List.of(stringify(t.options().values()), metrics));
        } else {
            trainedMetadata.remove(t.model());
            ModelFile.save(
                    dir.resolve(t.model() + ".safetensors"),
                    l.model(),
                    source,
                    stringify(t.options().values()),
                    metrics);
        }
        // In a notebook the reports folder is temporary and its pictures are shown under the cell: no path.
        out.printf(
                Locale.ROOT,
                "train %s: loss %.5f after %d epochs (%.1f s, %,.0f examples/s)%s%n",
                t.model(),
                res.finalTrainLoss(),
                res.epochsRun(),
                res.seconds(),
                (res.steps() - resumedAt) * (double) Math.min(c.batch(), ds.size()) / Math.max(res.seconds(), 1e-9),
                session ? "" : "; wrote " + dir);
        if (res.cancelled()) {
            throw new UserError(
                    "train " + t.model() + ": interrupted after " + res.steps() + " steps; the model keeps the "
                            + "weights it has so far (the statements after this one were not run)");
        }
    }

    /**
     * Greedy layer-wise pretraining (section 14.3): each encoder layer trained as a shallow autoencoder on the
     * codes of the layers below, for pretrain_epochs epochs (default: the train statement's epochs; capped by
     * --epochs), then copied into the model; prints each level and the model's loss on the training set
     * before and after, and writes each level's loss per epoch to MODEL/pretrain.csv.
     */
    private void pretrain(BuiltModel l, Dataset ds, TrainConfig c, Step.Train t) throws IOException {
        int epochs = t.options().pretrainEpochs();
        if (options.maxEpochs() > 0) epochs = Math.min(epochs, options.maxEpochs());
        TrainConfig pc = c.withEpochs(epochs);
        List<GreedyPretraining.Level> levels;
        try {
            levels = GreedyPretraining.plan(l.checked());
        } catch (IllegalArgumentException e) {
            throw new UserError("train " + t.model() + ": " + e.getMessage());
        }
        double before = Forward.meanLoss(l.model(), ds.values(), ds.size(), ds.dim());
        out.printf(Locale.ROOT, "pretrain %s: greedy, %d levels, %d epochs each%n", t.model(), levels.size(), epochs);
        String name = t.model();
        List<GreedyPretraining.LevelResult> results = GreedyPretraining.pretrain(
                l.checked(), l.model(), ds.values(), ds.size(), pc, builder, (level, terms) -> {
                    out.printf(
                            Locale.ROOT,
                            "pretrain %s: level %d of %d: %s%n",
                            name,
                            level.index() + 1,
                            levels.size(),
                            level.describe());
                    return hooks.listener(
                            name + " (pretraining level " + (level.index() + 1) + "/" + levels.size() + ")",
                            terms,
                            err);
                });
        StringBuilder csv = new StringBuilder("level,epoch,train_loss\n");
        for (var r : results) {
            out.printf(
                    Locale.ROOT,
                    "pretrain %s: level %d: loss %.5f after %d epochs (%.1f s)%n",
                    name,
                    r.level().index() + 1,
                    r.training().finalTrainLoss(),
                    r.training().epochsRun(),
                    r.training().seconds());
            List<Double> losses = r.training().trainLoss();
            for (int e = 0; e < losses.size(); e++)
                csv.append(r.level().index() + 1)
                        .append(',')
                        .append(e + 1)
                        .append(',')
                        .append(losses.get(e))
                        .append('\n');
        }
        Path dir = options.out().resolve(name);
        Files.createDirectories(dir);
        AtomicFile.writeString(dir.resolve("pretrain.csv"), csv.toString());
        double after = Forward.meanLoss(l.model(), ds.values(), ds.size(), ds.dim());
        out.printf(
                Locale.ROOT,
                "pretrain %s: objective on %s %.5f at initialisation, %.5f after pretraining%s%n",
                name,
                t.data(),
                before,
                after,
                levels.get(0).keepsDecoder() ? "" : " (the decoder is not pretrained: it does not mirror the encoder)");
    }

    private static Map<String, Object> stringify(Map<String, Object> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        options.forEach((k, v) ->
                m.put(k, v instanceof Number || v instanceof Boolean || v instanceof String ? v : String.valueOf(v)));
        return m;
    }

    private void analyze(Step.Analyze a) throws IOException {
        analyses.run(a, model(a.model()), data, out, err);
    }

    private void save(String name, Path path, String format) throws IOException {
        export(name, path, format, null);
    }

    /** Writes the model, or its encoder or decoder alone ({@code part}, onnx only), in {@code format}. */
    private void export(String name, Path path, String format, String part) throws IOException {
        BuiltModel l = model(name);
        Files.createDirectories(path.toAbsolutePath().getParent());
        switch (format) {
            case "safetensors" -> {
                List<Map<String, Object>> meta = trainedMetadata.getOrDefault(name, List.of(Map.of(), Map.of()));
                ModelFile.save(path, l.model(), source, meta.get(0), meta.get(1));
            }
            case "csv" -> RunReports.exportCsv(l.model(), path);
            case "onnx" -> {
                OnnxExport.Part p = onnxPart(name, l.checked(), part);
                try {
                    OnnxExport.write(path, l, p);
                } catch (OnnxExport.ExportException e) {
                    throw new UserError("export " + name + ": " + e.getMessage());
                }
            }
            default -> throw new IllegalStateException("ae4j bug: the checker accepted export as " + format);
        }
        String what = part == null
                ? name
                : name + "'s " + (part.equals(l.checked().encoder().name()) ? "encoder " : "decoder ") + part;
        out.println(("safetensors".equals(format) ? "saved " : "exported ") + what + " to " + path);
    }

    /** The part of the model {@code export m.part} names: the whole model (null), its encoder or its decoder. */
    private static OnnxExport.Part onnxPart(String name, CheckedModel m, String part) {
        if (part == null) return OnnxExport.Part.MODEL;
        if (part.equals(m.encoder().name())) return OnnxExport.Part.ENCODER;
        if (m.decoder().exists() && part.equals(m.decoder().name())) return OnnxExport.Part.DECODER;
        throw new UserError("export " + name + "." + part + ": model " + name + " has no part " + part
                + " (its encoder is " + m.encoder().name()
                + (m.decoder().exists() ? " and its decoder " + m.decoder().name() : "; it has no decoder") + ")");
    }

    private void load(Step.Load s, Path folder) throws IOException {
        Path p = Path.of(s.path());
        if (!p.isAbsolute()) p = folder.resolve(p);
        if (!Files.exists(p)) {
            Path inOut = options.out().resolve(s.path());
            if (Files.exists(inOut)) p = inOut;
            else
                throw new UserError("load " + s.model() + ": " + s.path() + " not found (looked in " + folder + " and "
                        + options.out() + ")");
        }
        BuiltModel l = models.containsKey(s.model()) || program.model(s.model()) != null
                ? model(s.model())
                : fromSavedProgram(s.model(), p);
        ModelFile.load(p, l.model());
        out.println("loaded " + s.model() + " from " + p);
    }
}
