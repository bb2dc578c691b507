package ae4j.dsl.cli;

import ae4j.dsl.run.ExitCode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The ae4j command line on picocli: every command of the launcher {@code ./ae4j}, its help ({@code ae4j
 * COMMAND --help}, {@code ae4j help COMMAND}), "did you mean" for a mistyped command or option, and the bash
 * completion script ({@code ae4j completion}). This is the one place the commands and their help text are
 * written. The commands that must run in the launcher's shell (test, kernel install, notebook, notebooks
 * refresh, jshell, and demo's package check) are declared here for their help and completion; the launcher
 * runs them and asks this class only for their help.
 *
 * <p>Exit codes as everywhere in ae4j ({@link ExitCode}): a mistyped command or option is 1.
 */
public final class Cli {

    private Cli() {}

    /**
     * The package of the benchmarks (module bench, which depends on this one): their classes are found by
     * name on the launcher's class path, never compiled against.
     */
    static final String BENCH = "ae4j.bench.";

    static final String EXIT_CODES = "%nExit codes (every command):%n"
            + "  0 done (warnings allowed)%n"
            + "  1 something you gave needs fixing (the program, an option, a data, model or checkpoint file,%n"
            + "    a save path; the message says what)%n"
            + "  2 the machine failed (a file that cannot be read or written, out of memory, a package that%n"
            + "    cannot be installed)%n"
            + "  3 an ae4j bug (a report file is named)%n"
            + "Environment:%n"
            + "  JAVA_HOME        a JDK 25 or newer to use (otherwise the newest one under /usr/lib/jvm)%n"
            + "  AE4J_THREADS     threads for parallel kernels (default: all available processors)%n"
            + "  AE4J_THP=0       no transparent huge pages for Java (default: on where offered)%n"
            + "  AE4J_ISA=avx2    AVX2 code paths on an AVX-512 machine (bench compare: PyTorch too)%n";

    /** Runs a command line; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** The whole command tree, printing to {@code out} (results, help) and {@code err} (problems). */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine top = new CommandLine(new Top());
        top.addSubcommand("run", new Run(out, err));
        top.addSubcommand("check", new Check(out, err));
        top.addSubcommand("fmt", new Fmt(out, err));
        top.addSubcommand("emit", new Emit(out, err));
        top.addSubcommand("version", new JavaMain("ae4j.vecmath.SystemInfo"));
        top.addSubcommand("demo", new Demo());
        CommandLine bench = new CommandLine(new Bench());
        bench.addSubcommand("gemm", new BenchGemm());
        bench.addSubcommand("step", new BenchStep());
        bench.addSubcommand("train", new BenchTrain());
        bench.addSubcommand("compile", new BenchCompile());
        bench.addSubcommand("hashing", new BenchHashing());
        bench.addSubcommand("psd", new BenchPsd());
        bench.addSubcommand("compare", new BenchCompare());
        bench.addSubcommand("spark", new BenchSpark());
        top.addSubcommand("bench", bench);
        CommandLine kernel = new CommandLine(new Kernel());
        kernel.addSubcommand("install", new KernelInstall());
        top.addSubcommand("kernel", kernel);
        top.addSubcommand("spark", new Spark());
        top.addSubcommand("notebook", new Notebook());
        CommandLine notebooks = new CommandLine(new Notebooks());
        notebooks.addSubcommand("refresh", new NotebooksRefresh());
        top.addSubcommand("notebooks", notebooks);
        top.addSubcommand("jshell", new Jshell());
        top.addSubcommand("test", new TestCmd());
        top.addSubcommand("completion", new Completion(out));
        top.addSubcommand("help", new CommandLine.HelpCommand());
        top.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        top.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        top.setExpandAtFiles(false); // "@file" is a file name, not a list of arguments
        top.setUsageHelpWidth(100);
        top.setParameterExceptionHandler((ex, args) -> {
            err.println(qualifiedName(ex.getCommandLine()) + ": " + explain(ex));
            err.flush();
            return ExitCode.INPUT;
        });
        top.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            throw ex; // Main.main reports bugs and out-of-memory in ae4j's words
        });
        return top;
    }

    /** "ae4j bench gemm". */
    static String qualifiedName(CommandLine c) {
        return c.getCommandSpec().qualifiedName();
    }

    /** A parse problem in words, with what was probably meant and what exists. */
    static String explain(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        CommandSpec spec = c.getCommandSpec();
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            boolean option = first.startsWith("-");
            boolean command = !option && !c.getSubcommands().isEmpty();
            // The closest name by edit distance ("rn" -> run); picocli's own guesses only when none is close.
            List<String> names = new ArrayList<>();
            if (option) for (OptionSpec o : spec.options()) names.addAll(List.of(o.names()));
            else names.addAll(c.getSubcommands().keySet());
            String bare = option ? first.replaceFirst("=.*$", "") : first;
            List<String> suggestions = ae4j.dsl.check.Names.suggest(bare, names)
                    .map(List::of)
                    .orElseGet(() -> u.getSuggestions().stream()
                            .filter(s -> option == s.startsWith("-"))
                            .distinct()
                            .limit(2)
                            .toList());
            StringBuilder b = new StringBuilder(
                    (option ? "unknown option '" : command ? "unknown command '" : "unexpected argument '") + first
                            + "'");
            if (!suggestions.isEmpty())
                b.append("; did you mean ")
                        .append(suggestions.stream().map(s -> "'" + s + "'").collect(Collectors.joining(" or ")))
                        .append('?');
            if (option) b.append(" (options: ").append(optionList(spec)).append(')');
            else if (command)
                b.append(" (commands: ")
                        .append(String.join(", ", c.getSubcommands().keySet()))
                        .append(')');
            b.append("; see ").append(spec.qualifiedName()).append(" --help");
            return b.toString();
        }
        if (ex instanceof CommandLine.MissingParameterException m
                && !m.getMissing().isEmpty()) {
            ArgSpec a = m.getMissing().get(0);
            if (a instanceof OptionSpec o) return o.longestName() + " needs a value (" + o.paramLabel() + ")";
        }
        return ex.getMessage() + "; see " + spec.qualifiedName() + " --help";
    }

    private static String optionList(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options())
            names.add(o.longestName() + (o.arity().max() > 0 ? " " + o.paramLabel() : ""));
        return String.join(", ", names);
    }

    /** Runs the launcher-built class path's {@code main} of a class of another module (bench, vecmath). */
    static int callMain(String className, List<String> args, CommandSpec spec) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            spec.commandLine()
                    .getErr()
                    .println("ae4j: " + className + " is not on the class path; run this command through the"
                            + " launcher ./ae4j, which builds every module");
            return ExitCode.ENVIRONMENT;
        }
        try {
            c.getMethod("main", String[].class).invoke(null, (Object) args.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
        return 0;
    }

    // ------------------------------------------------------------------ the commands

    @Command(
            name = "ae4j",
            mixinStandardHelpOptions = false,
            synopsisSubcommandLabel = "COMMAND",
            header = "ae4j - autoencoders from a small language, compiled to SIMD-vectorized Java",
            description = "Run ./ae4j COMMAND --help (or ./ae4j help COMMAND) for a command's options and details.",
            footer = EXIT_CODES)
    static final class Top implements Callable<Integer> {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "this text")
        boolean help;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCode.INPUT;
        }
    }

    /** The -h/--help option every command has. */
    abstract static class Base implements Callable<Integer> {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "show this help")
        boolean help;

        @Spec
        CommandSpec spec;
    }

    @Command(
            name = "run",
            header = "check, compile and run a program: train (live progress), evaluate, analyse, save",
            description =
                    "Check, compile and run a program: train, evaluate, analyse, save; outputs go to out/FILE. Training shows a live progress bar on a terminal and prints each epoch's line as the epoch ends; into a pipe or a file it prints plain lines, one per epoch. A train statement with checkpoint: PATH writes one at the end of every epoch (PATH relative to the output folder); --resume continues from it with the same weights as an uninterrupted run.")
    static final class Run extends Base {
        private final PrintStream out;
        private final PrintStream err;

        Run(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Parameters(paramLabel = "FILE.ae", arity = "0..*", hideParamSyntax = true, description = "the program")
        List<String> files = new ArrayList<>();

        @Option(names = "--out", paramLabel = "DIR", description = "the output folder (default out/FILE)")
        String outDir;

        @Option(names = "--epochs", paramLabel = "N", description = "cap every train statement at N epochs")
        String epochs;

        @Option(
                names = "--resume",
                paramLabel = "CHECKPOINT",
                description = "continue an interrupted run from a checkpoint file")
        String resume;

        @Option(
                names = "--reference",
                description = "run the double-precision reference executor instead of generated code"
                        + " (slow; for debugging)")
        boolean reference;

        @Option(
                names = "--svg",
                description = "also write every chart as SVG beside its PNG (loss, spectra, PCA errors, codes,"
                        + " retrieval, score path; pictures of the plane and image grids stay PNG)")
        boolean svg;

        @Override
        public Integer call() {
            if (svg) System.setProperty("ae4j.svg", "true");
            List<String> a = new ArrayList<>(files);
            if (outDir != null) a.addAll(List.of("--out", outDir));
            if (epochs != null) a.addAll(List.of("--epochs", epochs));
            if (resume != null) a.addAll(List.of("--resume", resume));
            if (reference) a.add("--reference");
            return Main.run(a, out, err);
        }
    }

    @Command(
            name = "check",
            header = "check .ae files and print their diagnostics",
            description =
                    "Check .ae files: prints file:line:col diagnostics with the line and a caret; exit 0 when clean, 1 when there are errors.")
    static final class Check extends Base {
        private final PrintStream out;
        private final PrintStream err;

        Check(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "the .ae files")
        List<String> files = new ArrayList<>();

        @Override
        public Integer call() {
            return Main.check(files, out, err);
        }
    }

    @Command(
            name = "fmt",
            header = "rewrite .ae files in canonical format",
            description =
                    "Rewrite .ae files in canonical format (comments kept; a file with syntax errors is left untouched and its errors printed).")
    static final class Fmt extends Base {
        private final PrintStream out;
        private final PrintStream err;

        Fmt(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "the .ae files")
        List<String> files = new ArrayList<>();

        @Option(names = "--check", description = "change nothing; list the files that would change (exit 1 if any)")
        boolean check;

        @Override
        public Integer call() {
            List<String> a = new ArrayList<>(files);
            if (check) a.add("--check");
            return Main.fmt(a, out, err);
        }
    }

    @Command(
            name = "emit",
            header = "print the Java class generated for each model of a file",
            description =
                    "Print the Java class generated for each model of FILE (or the named one), with // line N: comments pointing back at the .ae source; exit 1 when FILE has errors.")
    static final class Emit extends Base {
        private final PrintStream out;
        private final PrintStream err;

        Emit(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Parameters(paramLabel = "FILE", arity = "0..*", hideParamSyntax = true, description = "the .ae file")
        List<String> files = new ArrayList<>();

        @Option(names = "--model", paramLabel = "NAME", description = "only this model")
        String model;

        @Override
        public Integer call() {
            List<String> a = new ArrayList<>(files);
            if (model != null) a.addAll(List.of("--model", model));
            return Main.emit(a, out, err);
        }
    }

    @Command(
            name = "version",
            header = "ae4j and JDK versions, Vector API species and lanes, the CPU's SIMD features",
            description = "ae4j and JDK versions, the Vector API species and lane count, the CPU's SIMD features.")
    static final class JavaMain extends Base {
        private final String className;

        JavaMain(String className) {
            this.className = className;
        }

        @Override
        public Integer call() throws Exception {
            return callMain(className, List.of(), spec);
        }
    }

    /** A command that only groups subcommands (bench, kernel, notebooks): alone, it shows its usage (exit 1). */
    abstract static class Group extends Base {
        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCode.INPUT;
        }
    }

    /** A command the launcher runs itself (in its shell); here for its help and completion only. */
    abstract static class LauncherOnly extends Base {
        @Override
        public Integer call() {
            spec.commandLine()
                    .getErr()
                    .println("ae4j: '" + spec.qualifiedName().replaceFirst("^ae4j ", "")
                            + "' is run by the launcher: ./" + spec.qualifiedName() + " (see --help)");
            return ExitCode.INPUT;
        }
    }

    @Command(
            name = "demo",
            header = "train the quickstart denoising autoencoder on Fashion-MNIST; report in out/demo",
            description =
                    "Train the quickstart denoising autoencoder (examples/quickstart.ae) on Fashion-MNIST (the Debian package is installed if missing; without it, on a synthetic image set) and write its report (metrics, loss curve, reconstructions, weights) to out/demo (or $AE4J_DEMO_OUT). Takes the options of run, e.g. --epochs 1.")
    static final class Demo extends LauncherOnly {
        @Parameters(paramLabel = "RUN-OPTION", arity = "0..*", description = "options of run")
        List<String> options;
    }

    @Command(
            name = "bench",
            header = "benchmarks: gemm, step, train, compile, hashing, psd, compare, spark",
            synopsisSubcommandLabel = "BENCHMARK",
            description =
                    "Benchmarks; each prints ratios against a baseline measured in the same run (results and the machine in bench/RESULTS.md).")
    static final class Bench extends Group {}

    @Command(
            name = "gemm",
            header = "GEMM GFLOP/s against the FMA peak; elementwise kernels",
            description =
                    "GEMM GFLOP/s at autoencoder shapes (and 1024^3) on 1 and 2 threads, as a fraction of the FMA peak measured in the same run; then elementwise kernels in elements/ns, and the Adam update and the transposing weight pack beside their floors (the divide and square root alone; the pack of a weight in L1).")
    static final class BenchGemm extends Base {
        @Option(names = "--quick", description = "shorter repetitions, for a smoke run")
        boolean quick;

        @Option(names = "--elementwise", description = "only the elementwise kernels")
        boolean elementwise;

        @Override
        public Integer call() throws Exception {
            List<String> a = new ArrayList<>();
            if (quick) a.add("--quick");
            if (elementwise) a.add("--elementwise");
            return callMain(BENCH + "GemmBench", a, spec);
        }
    }

    /** A benchmark whose one option is --quick. */
    abstract static class BenchQuick extends Base {
        private final String className;

        BenchQuick(String className) {
            this.className = className;
        }

        @Option(names = "--quick", description = "a smaller run, for a smoke test")
        boolean quick;

        @Override
        public Integer call() throws Exception {
            return callMain(className, quick ? List.of("--quick") : List.of(), spec);
        }
    }

    @Command(
            name = "step",
            header = "a training step against its GEMMs alone",
            description = "Forward + backward per batch of 128 for 784-256-64-256-784 (Bernoulli loss): the"
                    + " generated class vs the sum of its GEMMs alone (the floor) vs the reference executor.")
    static final class BenchStep extends BenchQuick {
        BenchStep() {
            super(BENCH + "StepBench");
        }
    }

    @Command(
            name = "train",
            header = "examples/s for an epoch of Fashion-MNIST",
            description = "Examples/s for one epoch of Fashion-MNIST (60,000 images; --quick: a 10,000-example"
                    + " subset): 784-256-64-256-784 with Adam at batch 128 and 32 on 1 and 2 threads, and a tied"
                    + " contractive 784-512 at batch 128; prints the final training loss.")
    static final class BenchTrain extends BenchQuick {
        BenchTrain() {
            super(BENCH + "TrainBench");
        }
    }

    @Command(
            name = "hashing",
            header = "semantic hashing: index build time and query latency",
            description = "Semantic hashing's hash table: build time for 10^6 random 20- and 32-bit addresses"
                    + " (--quick: 10^5), query latency (median, p99) of Hamming balls of radius 0..4 and of the 10"
                    + " nearest; then a 784-256-32 model trained for 5 epochs on 10,000 Fashion-MNIST images encodes,"
                    + " binarises and indexes the 60,000 training images (images/s).")
    static final class BenchHashing extends BenchQuick {
        BenchHashing() {
            super(BENCH + "HashingBench");
        }
    }

    @Command(
            name = "compile",
            header = "time from a model to a loaded class",
            description = "Time from a model to a loaded class: cold javac, warm javac, from the class cache.")
    static final class BenchCompile extends Base {
        @Override
        public Integer call() throws Exception {
            return callMain(BENCH + "CompileBench", List.of(), spec);
        }
    }

    @Command(
            name = "psd",
            header = "predictive sparse decomposition: the encoder against inferring h*",
            description =
                    "Predictive sparse decomposition (14.8): codes of N inputs by the encoder f(x) against the inferred h* (10 proximal steps), and their ratio.")
    static final class BenchPsd extends Base {
        @Parameters(paramLabel = "N", arity = "0..1", description = "inputs (default 4096)")
        Integer n;

        @Override
        public Integer call() throws Exception {
            if (n != null && n < 1) {
                spec.commandLine().getErr().println("ae4j bench psd: N must be at least 1, got " + n);
                return ExitCode.INPUT;
            }
            return callMain(BENCH + "PsdBench", n == null ? List.of() : List.of(Integer.toString(n)), spec);
        }
    }

    @Command(
            name = "compare",
            header = "ae4j against PyTorch and Deeplearning4j on the same CPU",
            description =
                    "ae4j against PyTorch (Debian python3-torch with OpenBLAS/OpenMP; packages installed if missing) and Deeplearning4j on the same CPU: one epoch of Fashion-MNIST for mid, deep, dae and cae at batch 32 and 128 on 1 and 2 threads, plus encode-only mid at batch 1024; same initial weights, objective, Adam, batch and threads; the sides and thread counts take turns, median of 3 runs. Prints examples/s, the ratio, GFLOP/s against the FMA peak, the objective before and after, and each side's peak resident memory; before each epoch on several threads, the round trip of a cache line between two threads (on the 2-vCPU VM it was measured on, above 250 ns meant the host had put the processors apart, and such epochs ran at about half speed). --check compares the two sides' objective and gradients on identical weights (exit 1 on mismatch); --profile shows where ae4j's training time goes (JFR samples and a per-phase timer).")
    static final class BenchCompare extends Base {
        @Option(names = "--quick", description = "a smoke run (fewer examples, one run)")
        boolean quick;

        @Option(names = "--check", description = "compare the objective and gradients on identical weights")
        boolean check;

        @Option(names = "--profile", description = "where ae4j's training time goes")
        boolean profile;

        @Option(names = "--no-encode", description = "leave out the encode-only row")
        boolean noEncode;

        @Option(names = "--no-dl4j", description = "leave out Deeplearning4j")
        boolean noDl4j;

        @Option(names = "--models", paramLabel = "LIST", description = "of mid, deep, dae, cae (comma-separated)")
        String models;

        @Option(names = "--batches", paramLabel = "LIST", description = "batch sizes (comma-separated)")
        String batches;

        @Option(names = "--threads", paramLabel = "LIST", description = "thread counts (comma-separated)")
        String threads;

        @Option(names = "--runs", paramLabel = "N", description = "runs per side (the median is reported)")
        String runs;

        @Option(names = "--examples", paramLabel = "N", description = "examples per epoch")
        String examples;

        @Option(names = "--encode-batch", paramLabel = "N", description = "batch of the encode-only row")
        String encodeBatch;

        @Option(names = "--encode-passes", paramLabel = "N", description = "passes of the encode-only row")
        String encodePasses;

        @Option(names = "--dl4j-examples", paramLabel = "N", description = "examples for Deeplearning4j")
        String dl4jExamples;

        @Option(names = "--python", paramLabel = "PATH", description = "the Python with PyTorch")
        String python;

        @Option(names = "--script", paramLabel = "PATH", description = "the PyTorch side's script")
        String script;

        @Override
        public Integer call() throws Exception {
            List<String> a = new ArrayList<>();
            if (quick) a.add("--quick");
            if (check) a.add("--check");
            if (profile) a.add("--profile");
            if (noEncode) a.add("--no-encode");
            if (noDl4j) a.add("--no-dl4j");
            String[][] valued = {
                {"--models", models},
                {"--batches", batches},
                {"--threads", threads},
                {"--runs", runs},
                {"--examples", examples},
                {"--encode-batch", encodeBatch},
                {"--encode-passes", encodePasses},
                {"--dl4j-examples", dl4jExamples},
                {"--python", python},
                {"--script", script}
            };
            for (String[] v : valued) if (v[1] != null) a.addAll(List.of(v[0], v[1]));
            return callMain(BENCH + "CompareBench", a, spec);
        }
    }

    @Command(
            name = "spark",
            header = "rows/s per core of encode and hash through Spark against one JVM",
            description =
                    "Rows/s per core for encode and hash (32 bits) of a 784-256-32 model on Fashion-MNIST repeated to 10^6 rows: through Spark (local[N], mapPartitions, array<float> rows) against the one-JVM path (Forward in batches) on the same rows, their ratio, and the index build's shuffle size.")
    static final class BenchSpark extends LauncherOnly {
        @Option(names = "--rows", paramLabel = "N", description = "rows (default 1000000)")
        String rows;

        @Option(names = "--cores", paramLabel = "N", description = "Spark's local cores (default all)")
        String cores;

        @Option(names = "--quick", description = "10^5 rows")
        boolean quick;
    }

    @Command(
            name = "spark",
            header = "a trained model over a file of examples with Apache Spark (see docs/spark.md)",
            synopsisSubcommandLabel = "encode|reconstruct|error|score|hash|index|query",
            description = {
                "spark encode|reconstruct|error|score|hash --model FILE.safetensors --in PATH --out PATH [--master URL]:"
                        + " the code, the reconstruction, the squared reconstruction error, the score (r(x) - x)/sigma^2,"
                        + " or the semantic-hashing address (--bits N, --bytes) of each row, written as Parquet (a new"
                        + " folder); local[*] unless --master or spark-submit says otherwise. Input: Parquet (its array or"
                        + " ML vector column, or --column), IDX, NPY or CSV (--scale 1/255, --header, --label-column N)."
                        + " Options: --program FILE.ae when the model file holds no program, --name MODEL,"
                        + " --output-column, --sigma S, --batch N (rows per batch, 256), --threads N (per task, at most"
                        + " its cores).",
                "spark index --in HASHED.parquet --out DIR --bits N [--prefix-bits P] [--address COL] [--id COL]: the"
                        + " semantic-hashing index, items grouped by address, Parquet partitioned by the top P bits.",
                "spark query --index DIR --in QUERIES.parquet --radius R --out PATH [--address COL] [--id COL]: the"
                        + " items within Hamming distance R of each query address (query, id, distance)."
            })
    static final class Spark extends LauncherOnly {
        @Parameters(paramLabel = "ARG", arity = "0..*", description = "the subcommand and its options")
        List<String> args;
    }

    @Command(
            name = "kernel",
            header = "the Jupyter kernel: kernel install",
            synopsisSubcommandLabel = "install",
            description = "The ae4j Jupyter kernel.")
    static final class Kernel extends Group {}

    @Command(
            name = "install",
            header = "install the ae4j Jupyter kernel",
            description =
                    "Install the ae4j Jupyter kernel (\"ae4j (Java 25)\"; Debian's jupyter-client and jupyter-nbconvert are installed if missing). The kernel runs this checkout's build: install again after moving it. Java cells run in JShell, %%ae cells are ae4j language.")
    static final class KernelInstall extends LauncherOnly {
        @Option(names = "--user", description = "in ~/.local/share/jupyter/kernels/ae4j (the default)")
        boolean user;

        @Option(names = "--prefix", paramLabel = "DIR", description = "in DIR/share/jupyter/kernels/ae4j")
        String prefix;
    }

    @Command(
            name = "notebook",
            header = "start Jupyter Notebook on notebooks/ with the ae4j kernel",
            description =
                    "Start Jupyter Notebook (installed with apt-get if missing) on the notebooks/ folder with the ae4j kernel installed; ARGS go to jupyter notebook.")
    static final class Notebook extends LauncherOnly {
        @Parameters(paramLabel = "ARGS", arity = "0..*", description = "arguments of jupyter notebook")
        List<String> args;
    }

    @Command(
            name = "notebooks",
            header = "the tutorial notebooks: notebooks refresh",
            synopsisSubcommandLabel = "refresh",
            description = "The tutorial notebooks.")
    static final class Notebooks extends Group {}

    @Command(
            name = "refresh",
            header = "re-run notebooks and save them with their outputs",
            description = "Re-run the notebooks in notebooks/ (or the given ones) with the ae4j kernel and save them"
                    + " with their outputs.")
    static final class NotebooksRefresh extends LauncherOnly {
        @Parameters(paramLabel = "FILE.ipynb", arity = "0..*", description = "the notebooks (default: all)")
        List<String> files;
    }

    @Command(
            name = "jshell",
            header = "JShell with ae4j on the class path and ae4j.api imported",
            description =
                    "JShell with ae4j on the class path, the Vector API module and ae4j's facade (ae4j.api) imported: Ae4j.eval(\"model ...\"), Ae4j.model(\"name\").encode(x), Data.of(rows), ...")
    static final class Jshell extends LauncherOnly {
        @Parameters(paramLabel = "ARGS", arity = "0..*", description = "arguments of jshell")
        List<String> args;
    }

    @Command(
            name = "test",
            header = "install what the tests need and run every test",
            description =
                    "Install what the tests need (Debian packages, only if missing) and run the whole test suite (mvn -B verify; ARGS go to Maven), then the kernel and notebook tests through a real Jupyter client, a browser test (Jupyter Notebook in headless Chromium; screenshots in kernel/target/browser/) and the launcher's own tests (the live bar under a pseudo-terminal, plain lines through a pipe, mvn install and a project that depends on ae4j).")
    static final class TestCmd extends LauncherOnly {
        @Parameters(paramLabel = "ARGS", arity = "0..*", description = "arguments of mvn verify")
        List<String> args;
    }

    @Command(
            name = "completion",
            header = "print a bash completion script",
            description =
                    "Print a bash completion script for ae4j's commands and options. Use it with: source <(./ae4j completion); or save it as ~/.local/share/bash-completion/completions/ae4j.")
    static final class Completion extends Base {
        private final PrintStream out;

        Completion(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            CommandLine root = spec.commandLine();
            while (root.getParent() != null) root = root.getParent();
            out.print(AutoComplete.bash("ae4j", root));
            out.flush();
            return 0;
        }
    }
}
