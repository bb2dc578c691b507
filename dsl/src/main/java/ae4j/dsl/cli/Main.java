package ae4j.dsl.cli;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.JavaEmitter;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.format.Formatter;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.run.ExitCode;
import ae4j.dsl.syntax.Diagnostics;
import ae4j.dsl.syntax.SourceText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java entry point of the ae4j launcher: every command goes through {@link Cli} (picocli); this class
 * turns out-of-memory and unexpected exceptions into ae4j's messages and exit codes, and implements the
 * language commands {@code check FILE...}, {@code fmt [--check] FILE...}, {@code emit FILE [--model NAME]}
 * and {@code run FILE.ae}.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (OutOfMemoryError e) {
            System.err.println("ae4j: Java ran out of memory (it may use "
                    + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MB); give it more, e.g. JAVA_TOOL_OPTIONS=-Xmx16g, or use a smaller model or batch");
            code = ExitCode.ENVIRONMENT;
        } catch (Throwable e) {
            System.out.flush();
            Path report = ExitCode.bugReport(e, "ae4j " + String.join(" ", args));
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            System.err.println("ae4j: internal error: " + e.getClass().getSimpleName() + ": " + first);
            System.err.println("ae4j: this is an ae4j bug, not a mistake of yours; please report it with "
                    + (report != null ? report + " and " : "") + "the .ae file");
            code = ExitCode.BUG;
        }
        System.exit(code);
    }

    /** Runs a command; returns the process exit code ({@link ExitCode}: 0 done, 1 input to fix, 2 environment, 3 bug). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: ae4j check FILE...  |  ae4j fmt [--check] FILE...  |  ae4j emit FILE [--model NAME]");
            return ExitCode.INPUT;
        }
        return Cli.execute(args, out, err);
    }

    static int check(List<String> files, PrintStream out, PrintStream err) {
        if (files.isEmpty()) {
            err.println("usage: ae4j check FILE...  (checks .ae files and prints their diagnostics)");
            return ExitCode.INPUT;
        }
        int worst = 0;
        long errors = 0;
        long warnings = 0;
        for (String f : files) {
            String text;
            try {
                text = SourceText.read(Path.of(f));
            } catch (IOException e) {
                worst = Math.max(worst, ExitCode.reportUnreadable(Path.of(f), e, err));
                continue;
            }
            Diagnostics d;
            try {
                d = FrontEnd.check(f, text).diagnostics();
            } catch (RuntimeException e) {
                err.println("ae4j: " + f + ": internal error (" + e + "); please report it");
                worst = Math.max(worst, ExitCode.BUG);
                continue;
            }
            err.print(d.render());
            errors += d.errorCount();
            warnings += d.warningCount();
            if (d.hasErrors()) worst = Math.max(worst, ExitCode.INPUT);
        }
        if (errors + warnings > 0) err.println(summary(errors, warnings));
        return worst;
    }

    /** The package of the classes {@code emit} prints. */
    static final String EMIT_PACKAGE = "ae4j.generated";

    /**
     * Prints the Java class generated for each model of a file (or the one named by --model), one after
     * the other. Diagnostics go to err; exit 1 when the file has errors, the model does not exist or a
     * model cannot be compiled, 2 on usage or I/O errors.
     */
    static int emit(List<String> args, PrintStream out, PrintStream err) {
        String usage = "usage: ae4j emit FILE [--model NAME]  (prints the Java generated for the file's models)";
        String file = null;
        String model = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--model")) {
                if (i + 1 >= args.size()) {
                    err.println("ae4j emit: --model needs a model name");
                    return ExitCode.INPUT;
                }
                model = args.get(++i);
            } else if (a.startsWith("--")) {
                err.println("ae4j emit: unknown option '" + a + "' (the only option is --model NAME)");
                return ExitCode.INPUT;
            } else if (file != null) {
                err.println("ae4j emit: one file at a time");
                return ExitCode.INPUT;
            } else {
                file = a;
            }
        }
        if (file == null) {
            err.println(usage);
            return ExitCode.INPUT;
        }
        String text;
        try {
            text = SourceText.read(Path.of(file));
        } catch (IOException e) {
            return ExitCode.reportUnreadable(Path.of(file), e, err);
        }
        FrontEnd.Result r = FrontEnd.check(file, text);
        err.print(r.diagnostics().render());
        if (!r.ok() || r.checked() == null) {
            err.println(summary(r.diagnostics().errorCount(), r.diagnostics().warningCount()));
            return ExitCode.INPUT;
        }
        List<CheckedModel> models = r.checked().models();
        if (model != null) {
            CheckedModel one = r.checked().model(model);
            if (one == null) {
                err.println("ae4j emit: " + file + " has no model '" + model + "'"
                        + (models.isEmpty()
                                ? ""
                                : "; its models: "
                                        + String.join(
                                                ", ",
                                                models.stream()
                                                        .map(CheckedModel::name)
                                                        .toList())));
                return ExitCode.INPUT;
            }
            models = List.of(one);
        }
        if (models.isEmpty()) {
            err.println("ae4j emit: " + file + " declares no model");
            return ExitCode.INPUT;
        }
        StringBuilder all = new StringBuilder();
        for (CheckedModel m : models) {
            try {
                if (!all.isEmpty()) all.append('\n');
                all.append(JavaEmitter.emit(Lowering.lower(m), EMIT_PACKAGE));
            } catch (Lowering.LoweringException e) {
                err.println("ae4j emit: " + file + ": model '" + m.name() + "': " + e.getMessage());
                return ExitCode.INPUT;
            }
        }
        out.print(all);
        return 0;
    }

    /** "2 errors, 1 warning". */
    static String summary(long errors, long warnings) {
        StringBuilder b = new StringBuilder();
        if (errors > 0) b.append(errors).append(errors == 1 ? " error" : " errors");
        if (warnings > 0) {
            if (b.length() > 0) b.append(", ");
            b.append(warnings).append(warnings == 1 ? " warning" : " warnings");
        }
        return b.toString();
    }

    /**
     * Rewrites each file in its canonical format (atomically: a temporary file beside it, then a rename).
     * A file with syntax errors is left untouched and its diagnostics printed. With {@code --check}
     * nothing is written; the files that would change are listed. Exit 0 when every file was (or already
     * is) formatted, 1 when a file has syntax errors or, with --check, would change, 2 on usage or I/O errors.
     */
    static int fmt(List<String> args, PrintStream out, PrintStream err) {
        boolean checkOnly = false;
        List<String> files = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.equals("--check")) checkOnly = true;
            else if (a.startsWith("--")) {
                err.println("ae4j fmt: unknown option '" + a + "' (the only option is --check)");
                return ExitCode.INPUT;
            } else files.add(a);
        }
        if (files.isEmpty()) {
            err.println(
                    "usage: ae4j fmt [--check] FILE...  (rewrites .ae files in canonical form; --check only lists the ones that would change)");
            return ExitCode.INPUT;
        }
        int worst = 0;
        for (String f : files) {
            Path path = Path.of(f);
            String text;
            try {
                text = SourceText.read(path);
            } catch (IOException e) {
                worst = Math.max(worst, ExitCode.reportUnreadable(path, e, err));
                continue;
            }
            Formatter.Result r = Formatter.format(f, text);
            if (!r.ok()) {
                err.print(r.diagnostics().render());
                err.println("ae4j fmt: " + f + ": not formatted (fix the syntax errors first)");
                worst = Math.max(worst, ExitCode.INPUT);
                continue;
            }
            if (r.text().equals(text)) continue;
            if (checkOnly) {
                out.println(f);
                worst = Math.max(worst, ExitCode.INPUT);
                continue;
            }
            try {
                AtomicFile.writeString(path, r.text());
                out.println("formatted " + f);
            } catch (IOException e) {
                err.println("ae4j: " + f + ": cannot write (" + e.getMessage() + "); the file is unchanged");
                worst = Math.max(worst, ExitCode.of(e));
            }
        }
        return worst;
    }

    /** {@code run FILE.ae [--out DIR] [--epochs N]}: executes the program's statements (see {@link ae4j.dsl.run.Runner}). */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        String file = null;
        Path outDir = null;
        int maxEpochs = 0;
        boolean reference = false;
        Path resume = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--reference")) {
                reference = true;
                continue;
            }
            if ((a.equals("--out") || a.equals("--epochs") || a.equals("--resume")) && i + 1 >= args.size()) {
                err.println("ae4j run: " + a + " needs a value");
                return ExitCode.INPUT;
            }
            if (a.equals("--out")) {
                outDir = Path.of(args.get(++i));
            } else if (a.equals("--resume")) {
                resume = Path.of(args.get(++i));
            } else if (a.equals("--epochs")) {
                try {
                    maxEpochs = Integer.parseInt(args.get(++i));
                } catch (NumberFormatException e) {
                    maxEpochs = 0;
                }
                if (maxEpochs < 1) {
                    err.println("ae4j run: --epochs needs a positive integer, got '" + args.get(i) + "'");
                    return ExitCode.INPUT;
                }
            } else if (a.startsWith("--")) {
                err.println("ae4j run: unknown option '" + a
                        + "' (options: --out DIR, --epochs N, --resume CHECKPOINT, --reference)");
                return ExitCode.INPUT;
            } else if (file == null) {
                file = a;
            } else {
                err.println("ae4j run: one file at a time (got " + file + " and " + a + ")");
                return ExitCode.INPUT;
            }
        }
        if (file == null) {
            err.println("usage: ae4j run FILE.ae [--out DIR] [--epochs N] [--resume CHECKPOINT] [--reference]");
            return ExitCode.INPUT;
        }
        if (outDir != null && Files.exists(outDir) && !Files.isDirectory(outDir)) {
            err.println("ae4j run: --out " + outDir + " is a file, not a folder; give a folder for the outputs (it is"
                    + " created if missing)");
            return ExitCode.INPUT;
        }
        if (outDir == null) {
            String stem = Path.of(file).getFileName().toString().replaceFirst("\\.ae$", "");
            outDir = Path.of("out", stem);
        }
        return ae4j.dsl.run.Runner.run(
                Path.of(file), new ae4j.dsl.run.Runner.Options(outDir, maxEpochs, reference, resume), out, err);
    }
}
