package ae4j.dsl.run;

import ae4j.dsl.ast.Span;
import ae4j.dsl.ast.Statement;
import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedProgram;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.data.DataException;
import ae4j.dsl.data.DataLoader;
import ae4j.dsl.data.DataPaths;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.ModelMismatchException;
import ae4j.dsl.syntax.Diagnostic;
import ae4j.dsl.syntax.Diagnostics;
import ae4j.dsl.syntax.SizeLimits;
import ae4j.dsl.syntax.SourceParser;
import ae4j.dsl.train.DivergenceException;
import ae4j.dsl.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A program written a piece at a time, as in a notebook: each {@link #eval cell} may declare data sets and
 * models and run statements. Declarations persist between cells (a later cell trains a model an earlier one
 * declared, and it keeps its weights); declaring a name again replaces the earlier declaration. A cell is
 * checked together with the declarations before it, and its diagnostics point at the cell's own lines.
 *
 * <p>Data paths are relative to the working folder; so are {@code save}, {@code export}, {@code load} and
 * checkpoint paths. Reports (metrics, loss curves, pictures) go to the reports folder.
 */
public final class Session {

    /** One declaration kept from an earlier cell: the names it declares and its text. */
    private record Decl(List<String> names, boolean model, String text) {}

    /** What a cell did: whether it ran, its diagnostics (rendered against the cell), the names it declared. */
    public record Outcome(
            boolean ok, String diagnostics, List<String> declaredModels, List<String> declaredData, String error) {
        public Outcome {
            declaredModels = List.copyOf(declaredModels);
            declaredData = List.copyOf(declaredData);
        }
    }

    private final Path workDir;
    private final Path reports;
    private final Runner runner;
    private final List<Decl> decls = new ArrayList<>();
    private final Map<String, Dataset> dataCache = new HashMap<>();
    private final AtomicReference<Trainer> running = new AtomicReference<>();
    private CheckedProgram lastProgram;
    private String lastSource = "";

    /**
     * @param workDir where relative data, save and load paths start (a notebook's folder)
     * @param reports where training reports and analysis pictures are written
     * @param hooks   how training reports progress (null: a console progress bar)
     */
    public Session(Path workDir, Path reports, Runner.Hooks hooks) {
        this.workDir = workDir.toAbsolutePath();
        this.reports = reports;
        Runner.Hooks base = hooks != null ? hooks : new Runner.Hooks() {};
        Runner.Hooks tracking = new Runner.Hooks() {
            @Override
            public ae4j.dsl.train.TrainingListener listener(String model, String[] termNames, PrintStream err) {
                ae4j.dsl.train.TrainingListener shown = base.listener(model, termNames, err);
                Runner.Hooks extra = observer;
                return extra == null ? shown : both(shown, extra.listener(model, termNames, err));
            }

            @Override
            public void training(Trainer trainer) {
                running.set(trainer);
                base.training(trainer);
            }
        };
        this.runner = Runner.forSession(new Runner.Options(reports, 0, false, null, this.workDir), tracking);
    }

    /** Listeners added to the trainings of the cell being evaluated by {@link #eval(String, String, PrintStream, PrintStream, Runner.Hooks)}. */
    private volatile Runner.Hooks observer;

    /**
     * {@link #eval(String, String, PrintStream, PrintStream)} with {@code observer}'s listener told about each
     * training the cell runs, besides the session's own display (the Java API's training history).
     */
    public synchronized Outcome eval(
            String cellName, String cell, PrintStream out, PrintStream err, Runner.Hooks observer) {
        this.observer = observer;
        try {
            return eval(cellName, cell, out, err);
        } finally {
            this.observer = null;
        }
    }

    /** One listener that tells {@code a}, then {@code b}. */
    static ae4j.dsl.train.TrainingListener both(ae4j.dsl.train.TrainingListener a, ae4j.dsl.train.TrainingListener b) {
        return new ae4j.dsl.train.TrainingListener() {
            @Override
            public void onStep(Progress p) {
                a.onStep(p);
                b.onStep(p);
            }

            @Override
            public void onEpoch(Epoch e) {
                a.onEpoch(e);
                b.onEpoch(e);
            }

            @Override
            public void onEnd(Trainer.Result r) {
                a.onEnd(r);
                b.onEnd(r);
            }
        };
    }

    /** Where training reports and other files the session makes are written. */
    public Path reports() {
        return reports;
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * Checks a cell against the declarations of earlier cells and, when it has no errors, runs it: its
     * declarations are kept, its statements executed in order. A problem with the user's program or data
     * comes back in {@link Outcome#error()} (a sentence to show; no stack trace).
     */
    public synchronized Outcome eval(String cellName, String cell, PrintStream out, PrintStream err) {
        SourceParser.Parsed alone = SizeLimits.onDeepStack(() -> SourceParser.parse(cellName, cell));
        if (alone.program() == null || alone.diagnostics().hasErrors()) {
            return new Outcome(false, alone.diagnostics().render(), List.of(), List.of(), null);
        }
        List<String> models = new ArrayList<>();
        List<String> dataNames = new ArrayList<>();
        List<Decl> fresh = new ArrayList<>();
        for (Statement st : alone.program().statements()) {
            if (st instanceof Statement.ModelDecl m) {
                models.add(m.name().text());
                fresh.add(new Decl(List.of(m.name().text()), true, text(cell, m.span())));
            } else if (st instanceof Statement.DataDecl d) {
                List<String> names = d.names().stream().map(n -> n.text()).toList();
                dataNames.addAll(names);
                fresh.add(new Decl(names, false, text(cell, d.span())));
            }
        }
        List<Decl> kept = new ArrayList<>();
        for (Decl d : decls) {
            if (d.names().stream().noneMatch(n -> models.contains(n) || dataNames.contains(n))) kept.add(d);
        }
        StringBuilder prefix = new StringBuilder();
        for (Decl d : kept) prefix.append(d.text()).append('\n');
        int lineOffset = (int) prefix.chars().filter(c -> c == '\n').count();
        int charOffset = prefix.length();
        String combined = prefix + cell;
        FrontEnd.Result r = FrontEnd.check(cellName, combined);
        String rendered = renderAgainstCell(r.diagnostics(), cellName, cell, combined, lineOffset, charOffset);
        if (!r.ok() || r.checked() == null) return new Outcome(false, rendered, models, dataNames, null);

        // The cell is valid: its declarations replace earlier ones of the same names.
        for (Decl f : fresh) {
            for (Decl old : decls) {
                if (old.names().stream().anyMatch(f.names()::contains)) {
                    if (!old.text().equals(f.text())) invalidate(old);
                }
            }
        }
        List<Decl> next = new ArrayList<>(kept);
        next.addAll(fresh);
        decls.clear();
        decls.addAll(next);
        lastProgram = r.checked();
        lastSource = combined;
        if (!rendered.isEmpty()) err.print(rendered); // warnings
        DataLoader loader = new DataLoader(r.checked(), new DataPaths(workDir), dataCache);
        try {
            runner.runCell(workDir.resolve(cellName), combined, r.checked(), loader, out, err);
            return new Outcome(true, rendered, models, dataNames, null);
        } catch (DataException | DivergenceException | ModelMismatchException | Runner.UserError e) {
            return new Outcome(false, rendered, models, dataNames, e.getMessage());
        } catch (ModelBuilder.TooLargeException e) {
            return new Outcome(false, rendered, models, dataNames, e.getMessage());
        } catch (Lowering.LoweringException e) {
            return new Outcome(false, rendered, models, dataNames, "cannot compile the model: " + e.getMessage());
        } catch (IOException e) {
            return new Outcome(false, rendered, models, dataNames, e.getMessage());
        }
    }

    /** Stops a running training at the end of its current step (the model keeps its weights so far). */
    public void cancel() {
        Trainer t = running.get();
        if (t != null) t.cancel();
    }

    /** Whether a training is running now. */
    public boolean training() {
        return running.get() != null;
    }

    /** The names of the declared models, in declaration order. */
    public synchronized List<String> modelNames() {
        return decls.stream()
                .filter(Decl::model)
                .flatMap(d -> d.names().stream())
                .toList();
    }

    /** The names of the declared data sets, in declaration order. */
    public synchronized List<String> dataNames() {
        return decls.stream()
                .filter(d -> !d.model())
                .flatMap(d -> d.names().stream())
                .toList();
    }

    /** The checked declaration of a model (null if none). */
    public synchronized CheckedModel checkedModel(String name) {
        CheckedModel declared = lastProgram == null ? null : lastProgram.model(name);
        if (declared != null) return declared;
        // loaded without a declaration: the model as the program saved in its file declares it
        return runner.hasModel(name) ? runner.built(name).checked() : null;
    }

    /** The compiled model {@code name} (compiled on first use, then kept with its weights). */
    public synchronized BuiltModel model(String name) {
        if (checkedModel(name) == null) throw new IllegalArgumentException("no model named '" + name + "' is declared");
        return runner.built(name);
    }

    /** The data set {@code name} (read or generated on first use, then kept). */
    public synchronized Dataset data(String name) {
        if (lastProgram == null || lastProgram.dataSet(name) == null) {
            throw new IllegalArgumentException("no data set named '" + name + "' is declared");
        }
        return new DataLoader(lastProgram, new DataPaths(workDir), dataCache).get(name);
    }

    /** The text of all declarations so far (what a later cell is checked against). */
    public synchronized String declarations() {
        StringBuilder b = new StringBuilder();
        for (Decl d : decls) b.append(d.text()).append('\n');
        return b.toString();
    }

    String lastSource() {
        return lastSource;
    }

    private void invalidate(Decl old) {
        if (old.model()) {
            old.names().forEach(runner::forget);
        } else {
            // A data set changed: drop it and whatever was built from it (all cached sets, to be safe:
            // `from` and `split` chains are cheap to rebuild compared with a stale result).
            Map<String, Dataset> keep = new LinkedHashMap<>();
            for (var e : dataCache.entrySet()) {
                if (!old.names().contains(e.getKey()) && independent(e.getKey(), old.names()))
                    keep.put(e.getKey(), e.getValue());
            }
            dataCache.clear();
            dataCache.putAll(keep);
        }
    }

    /** Whether data set {@code name}'s declaration mentions none of {@code changed}. */
    private boolean independent(String name, List<String> changed) {
        for (Decl d : decls) {
            if (!d.model() && d.names().contains(name)) {
                for (String c : changed) {
                    if (d.text().matches("(?s).*\\b" + java.util.regex.Pattern.quote(c) + "\\b.*")
                            && !d.names().contains(c)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static String text(String source, Span span) {
        return source.substring(span.start(), Math.min(span.end(), source.length()));
    }

    /**
     * Diagnostics of the combined text, with the cell's ones moved back onto the cell's lines (an error in
     * an earlier declaration, which cannot normally happen, is shown against the combined text).
     */
    private static String renderAgainstCell(
            Diagnostics all, String cellName, String cell, String combined, int lineOffset, int charOffset) {
        StringBuilder b = new StringBuilder();
        for (Diagnostic d : all.all()) {
            // In a notebook, declaring now and using in a later cell is the normal way: no "never used" warnings.
            if (!d.isError() && d.message().contains("is never used")) continue;
            Span s = d.span();
            if (s.start() >= charOffset || s == Span.NONE) {
                Span moved = s == Span.NONE
                        ? s
                        : new Span(
                                s.line() - lineOffset,
                                s.col(),
                                s.endLine() - lineOffset,
                                s.endCol(),
                                s.start() - charOffset,
                                s.end() - charOffset);
                b.append(
                        Diagnostics.render(new Diagnostic(d.severity(), cellName, moved, d.message(), d.hint()), cell));
            } else {
                b.append(Diagnostics.render(
                        new Diagnostic(d.severity(), "(an earlier cell)", s, d.message(), d.hint()), combined));
            }
        }
        return b.toString();
    }
}
