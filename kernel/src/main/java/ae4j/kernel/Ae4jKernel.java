package ae4j.kernel;

import ae4j.api.Ae4j;
import ae4j.dsl.run.Runner;
import ae4j.dsl.run.Session;
import ae4j.dsl.train.Trainer;
import ae4j.dsl.train.TrainingListener;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.reply.HistoryReply;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;

/**
 * The ae4j Jupyter kernel. Java cells run through JShell in this JVM; cells starting with {@code %%ae} are
 * ae4j language text, run by a {@link Session} that keeps declarations, models and data between cells.
 * Models and data sets a %%ae cell declares become Java variables of the same name. Training shows one
 * live display, which ends as the training's loss chart; other pictures a cell writes (loss curves, reconstructions, analysis plots) are shown after it.
 */
public final class Ae4jKernel extends BaseKernel {

    static final String VERSION = "0.1.0";
    static final String MAGIC = "%%ae";
    /** Seconds after an interrupt by which a cell that checks for it has stopped. */
    private static final int STOP_SECONDS = 5;

    private final JavaCells java;
    private final MavenArtifacts maven = new MavenArtifacts(MavenArtifacts.defaultLocal());
    private final Magics magics;
    private final Session session;
    private final Path reports;
    /** The kernel's working folder: the notebook's, when Jupyter starts the kernel. */
    private final Path workDir;

    private volatile boolean interruptRequested;
    /** The running cell's live training displays: each is its training's loss chart. */
    private final List<LiveTraining> liveDisplays = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The running cell's stdout and stderr, or null between cells. */
    private volatile CellStreams running;

    private record CellStreams(CellOutput out, CellOutput err) {}

    public Ae4jKernel(Path workDir) throws IOException {
        this.workDir = workDir;
        reports = outputsFolder(workDir);
        Runner.Hooks hooks = new Runner.Hooks() {
            @Override
            public TrainingListener listener(String model, String[] termNames, PrintStream err) {
                LiveTraining live = new LiveTraining(
                        "train " + model, termNames, Ae4jKernel.this::display, Ae4jKernel.this::updateDisplay);
                liveDisplays.add(live);
                return live;
            }

            @Override
            public void training(Trainer trainer) {
                // An interrupt that arrived while the trainer was being set up still stops it.
                if (trainer != null && interruptRequested) trainer.cancel();
            }
        };
        session = new Session(workDir, reports, hooks);
        Ae4j.use(session);
        Notebook.attach(this);
        java = new JavaCells();
        magics = new Magics(java, maven, workDir);
    }

    Session session() {
        return session;
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return new LanguageInfo(
                "java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java", "java", "script");
    }

    @Override
    public String getBanner() {
        return "ae4j " + VERSION + " on Java " + Runtime.version() + ": Java cells run in JShell; start a cell with "
                + MAGIC + " to write ae4j language";
    }

    @Override
    public List<LanguageInfo.Help> getHelpLinks() {
        return List.of(
                new LanguageInfo.Help("ae4j language", "https://github.com/ae4j/ae4j/blob/main/docs/language.md"));
    }

    private String cellName() {
        return "In[" + Math.max(1, executionCount.get() - 1) + "]";
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        if (code == null) {
            throw CellError.of(
                    "BadRequest",
                    "the execute_request has no 'code' field, so nothing was run",
                    List.of("the notebook client sent an execute_request without 'code' (the cell's text), so"
                            + " nothing was run; a Jupyter client that does this needs fixing"));
        }
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        CellStreams cell = new CellStreams(new CellOutput("stdout", stdout), new CellOutput("stderr", stderr));
        System.setOut(cell.out().printStream());
        System.setErr(cell.err().printStream());
        running = cell;
        try {
            return evalCell(code);
        } catch (Error e) {
            // The base kernel only catches Exceptions; an Error (out of memory, stack overflow) would end the
            // request loop and with it the kernel. Report it as the cell's error instead.
            throw CellError.of(
                    "JavaException",
                    e.toString(),
                    List.of(
                            e.toString(),
                            e instanceof OutOfMemoryError
                                    ? "the kernel's heap is full: free large objects or start Jupyter with "
                                            + "a larger -Xmx in the kernelspec"
                                    : "the kernel is still running"));
        } finally {
            running = null;
            cell.out().finish();
            cell.err().finish();
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    /** Shows a display in the running cell's output, after what the cell printed before it. */
    @Override
    public void display(DisplayData d) {
        sendPendingOutput();
        super.display(d);
    }

    private void updateDisplay(DisplayData d) {
        sendPendingOutput();
        getIO().display.updateDisplay(d);
    }

    private void sendPendingOutput() {
        CellStreams cell = running;
        if (cell != null) {
            cell.out().send();
            cell.err().send();
        }
    }

    private DisplayData evalCell(String code) throws Exception {
        interruptRequested = false;
        liveDisplays.clear();
        return dispatch(code, cellName());
    }

    /** A cell: a cell magic's (%%ae, %%time) when its first line starts with %%, else Java with line magics. */
    private DisplayData dispatch(String code, String name) throws Exception {
        if (code.stripLeading().startsWith("%%")) return cellMagic(code, name);
        return javaCell(code, name);
    }

    private DisplayData cellMagic(String code, String name) throws Exception {
        int lead = code.length() - code.stripLeading().length();
        int nl = code.indexOf('\n', lead);
        String first = nl < 0 ? code.substring(lead) : code.substring(lead, nl);
        Magics.Line m = Magics.Line.parse(first);
        switch (m.name()) {
            case "ae" -> {
                return aeCell(code.substring(lead + MAGIC.length()), name);
            }
            case "time" -> {
                if (!m.args().isBlank()) {
                    throw Magics.error(
                            name,
                            "%%time takes no options (found '" + m.args() + "'); put the cell to time on the next"
                                    + " lines, or use %time STATEMENT for one statement");
                }
                // The magic's line stays as an empty line, so errors keep the cell's line numbers.
                String body = nl < 0 ? "" : code.substring(0, lead) + code.substring(nl);
                if (body.isBlank()) throw Magics.error(name, "%%time needs something to time on the next lines");
                long t0 = System.nanoTime();
                try {
                    return dispatch(body, name);
                } finally {
                    System.out.println("Wall time: " + Magics.wallTime(System.nanoTime() - t0));
                }
            }
            default -> throw Magics.unknown(name, m.name(), true);
        }
    }

    /** Java code, with line magics (%maven, %classpath, %time, %lsmagic) on lines of their own, run in order. */
    private DisplayData javaCell(String code, String name) throws Exception {
        String[] lines = code.split("\n", -1);
        boolean magic = false;
        for (int i = 0; i < lines.length; i++) {
            if (Magics.isLineMagic(lines[i])) magic = true;
            else if (lines[i].stripLeading().startsWith("%%")) {
                throw Magics.error(
                        name,
                        "line " + (i + 1) + ": the cell magic %%"
                                + Magics.Line.parse(lines[i]).name() + " must be on the cell's first line");
            }
        }
        if (!magic) return show(java.eval(code, name));
        JavaCells.Value last = JavaCells.Value.NONE;
        int segment = 0;
        for (int i = 0; i <= lines.length; i++) {
            boolean end = i == lines.length;
            if (!end && !Magics.isLineMagic(lines[i])) continue;
            String text = String.join("\n", Arrays.asList(lines).subList(segment, i));
            // Earlier lines as empty ones: a compile error names the line of the cell.
            if (!text.isBlank()) last = java.eval("\n".repeat(segment) + text, name);
            if (end) break;
            last = lineMagic(lines[i], i, name);
            segment = i + 1;
        }
        return show(last);
    }

    private JavaCells.Value lineMagic(String line, int index, String name) throws Exception {
        Magics.Line m = Magics.Line.parse(line);
        switch (m.name()) {
            case "lsmagic" -> System.out.print(Magics.list());
            case "classpath" -> magics.classpath(m.args(), name);
            case "maven" -> magics.maven(m.args(), name);
            case "time" -> {
                if (m.args().isBlank()) {
                    throw Magics.error(
                            name,
                            "%time needs a statement: %time STATEMENT (or %%time on the cell's first line to time"
                                    + " the whole cell)");
                }
                int col = line.indexOf(m.args());
                long t0 = System.nanoTime();
                try {
                    return java.eval("\n".repeat(index) + " ".repeat(Math.max(0, col)) + m.args(), name);
                } finally {
                    System.out.println("Wall time: " + Magics.wallTime(System.nanoTime() - t0));
                }
            }
            default -> throw Magics.unknown(name, m.name(), false);
        }
        return JavaCells.Value.NONE;
    }

    private static DisplayData show(JavaCells.Value v) {
        // printf and friends return their stream: nothing worth showing.
        if (!v.present() || v.object() instanceof java.io.PrintStream) return null;
        return Displays.of(v.object(), v.text());
    }

    static boolean isAeCell(String code) {
        return code.stripLeading().startsWith(MAGIC);
    }

    /**
     * A %%ae cell. {@code body} starts right after the magic, so with the magic's line it keeps the cell's
     * line numbers: an error on the cell's third line is reported at line 3.
     */
    private DisplayData aeCell(String body, String name) throws CellError, IOException {
        String options = body.contains("\n") ? body.substring(0, body.indexOf('\n')) : body;
        if (!options.isBlank()) {
            throw CellError.of(
                    "AeError",
                    "%%ae takes no options (found '" + options.strip() + "')",
                    List.of(name + ":1: error: %%ae takes no options (found '" + options.strip()
                            + "'); put the ae4j text on the next lines"));
        }
        String text = body.contains("\n") ? "\n" + body.substring(body.indexOf('\n') + 1) : "\n";
        Map<Path, Long> before = snapshot();
        // The cell's streams (CellOutput) send whole lines, a few messages per second at most.
        // Paths into the kernel's temporary reports folder show relative to it (no temporary paths in notebooks).
        RelativeReports outPaths = new RelativeReports(System.out, reports, workDir);
        RelativeReports errPaths = new RelativeReports(System.err, reports, workDir);
        PrintStream out = outPaths.printStream();
        PrintStream err = errPaths.printStream();
        Session.Outcome o;
        try {
            o = session.eval(name, text, out, err);
        } finally {
            out.flush();
            err.flush();
            outPaths.finish();
            errPaths.finish();
        }
        bind();
        for (String m : o.declaredModels()) {
            try {
                display(Displays.of(Ae4j.model(m), null));
            } catch (RuntimeException e) {
                System.err.println("model " + m + ": " + e.getMessage());
            }
        }
        showNewFiles(before);
        if (!o.ok()) {
            if (o.error() == null) {
                List<String> lines = o.diagnostics().lines().toList();
                throw CellError.of("AeError", lines.isEmpty() ? "the cell has errors" : lines.get(0), lines);
            }
            if (interruptRequested) {
                throw CellError.of("Interrupted", o.error(), List.of("Interrupted: " + o.error()));
            }
            throw CellError.of("AeError", o.error(), List.of(name + ": " + o.error()));
        }
        return null;
    }

    /** Declared models and data sets become JShell variables of the same name (when the name is a Java one). */
    private void bind() {
        List<String> snippets = new ArrayList<>();
        for (String m : session.modelNames()) {
            if (javaName(m)) snippets.add("ae4j.api.Model " + m + " = ae4j.api.Ae4j.model(\"" + m + "\");");
        }
        for (String d : session.dataNames()) {
            if (javaName(d)) snippets.add("ae4j.api.Data " + d + " = ae4j.api.Ae4j.data(\"" + d + "\");");
        }
        for (String s : snippets) java.shell().eval(s);
    }

    private static boolean javaName(String s) {
        return SourceVersion.isIdentifier(s) && !SourceVersion.isKeyword(s);
    }

    private Map<Path, Long> snapshot() throws IOException {
        Map<Path, Long> m = new HashMap<>();
        try (Stream<Path> files = Files.walk(reports)) {
            for (Path p : files.filter(Files::isRegularFile).toList())
                m.put(p, Files.getLastModifiedTime(p).toMillis());
        }
        return m;
    }

    /** Shows the pictures (and small tables) the cell wrote, in the order they were written. */
    private void showNewFiles(Map<Path, Long> before) throws IOException {
        List<Path> fresh;
        try (Stream<Path> files = Files.walk(reports)) {
            fresh = new ArrayList<>(files.filter(Files::isRegularFile)
                    .filter(p -> {
                        Long t = before.get(p);
                        try {
                            return t == null || Files.getLastModifiedTime(p).toMillis() > t;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList());
        }
        fresh.sort((a, b) -> {
            try {
                return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
            } catch (IOException e) {
                return 0;
            }
        });
        for (Path p : fresh) {
            String n = p.getFileName().toString();
            // The live display already is this training's loss chart, updated to the end: not a second one.
            if (n.equals("loss.png") && liveDisplays.stream().anyMatch(LiveTraining::shown)) continue;
            if (n.endsWith(".csv")
                    && (n.startsWith("metrics") || Files.readAllLines(p).size() > 41)) continue;
            DisplayData d = Displays.file(p);
            if (d != null) display(d);
        }
        if (!fresh.isEmpty() && reports.startsWith(workDir)) display(Displays.links(fresh, workDir));
    }

    /**
     * Where the files a notebook's cells write go (loss curves, analyses' pictures and tables, models): next to the
     * notebook, in {@code ae4j-outputs/} of the kernel's working folder (Jupyter starts the kernel in the notebook's
     * folder), or in the folder {@code AE4J_OUTPUTS} names (relative to it); a temporary folder, with a note, when
     * that cannot be written.
     */
    static Path outputsFolder(Path workDir) throws IOException {
        String set = System.getenv("AE4J_OUTPUTS");
        Path dir = workDir.resolve(set != null && !set.isBlank() ? set : "ae4j-outputs")
                .normalize();
        try {
            Files.createDirectories(dir);
            if (Files.isWritable(dir)) return dir;
        } catch (IOException | SecurityException e) {
            // below: a temporary folder
        }
        Path tmp = Files.createTempDirectory("ae4j-notebook-reports");
        System.err.println("ae4j kernel: cannot write " + dir + "; the cells' files go to " + tmp
                + " (set AE4J_OUTPUTS to a writable folder)");
        return tmp;
    }

    /** The code of a complete or inspect request: a missing one is empty (the cursor is then clamped to it). */
    private static String orEmpty(String code) {
        return code == null ? "" : code;
    }

    @Override
    public ReplacementOptions complete(String requested, int cursor) {
        String code = orEmpty(requested);
        int at = Math.clamp(cursor, 0, code.length());
        ReplacementOptions magic = completeMagic(code, at);
        if (magic != null) return magic;
        if (isAeCell(code)) {
            int start = AeWords.wordStart(code, at);
            List<String> c = AeWords.candidates(
                    code.substring(start, at),
                    code,
                    at,
                    session.modelNames().isEmpty()
                            ? session.dataNames()
                            : concat(session.modelNames(), session.dataNames()));
            return new ReplacementOptions(c, start, at);
        }
        JavaCells.Completions c = java.complete(code, at);
        return new ReplacementOptions(c.texts(), c.start(), c.end());
    }

    /** Magic names when the cursor's line so far is {@code %name} or {@code %%name}; null otherwise. */
    private static ReplacementOptions completeMagic(String code, int at) {
        int lineStart = code.lastIndexOf('\n', at - 1) + 1;
        String typed = code.substring(lineStart, at);
        String word = typed.stripLeading();
        if (!word.matches("%%?\\w*")) return null;
        boolean cell = word.startsWith("%%");
        if (cell && !code.substring(0, lineStart).isBlank()) return null;
        List<String> out = new ArrayList<>();
        for (String n : (cell ? Magics.CELL : Magics.LINE).keySet()) {
            String full = (cell ? "%%" : "%") + n;
            if (full.startsWith(word)) out.add(full);
        }
        return new ReplacementOptions(out, at - word.length(), at);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public DisplayData inspect(String requested, int cursor, boolean extraDetail) {
        String code = orEmpty(requested);
        int at = Math.clamp(cursor, 0, code.length());
        String doc;
        if (isAeCell(code)) {
            String word = AeWords.wordAt(code, at);
            doc = AeWords.documentation(word);
            if (doc == null && session.modelNames().contains(word))
                doc = Ae4j.model(word).summary().toString();
        } else {
            doc = java.documentation(code, at);
        }
        return doc == null ? null : new DisplayData(doc);
    }

    @Override
    public String isComplete(String code) {
        if (code == null) return IS_COMPLETE_BAD;
        if (isAeCell(code)) {
            // A %%ae cell is complete when its braces balance (a notebook runs it on shift-enter anyway).
            int depth = 0;
            for (char c : code.toCharArray()) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            return depth > 0 ? "  " : depth < 0 ? IS_COMPLETE_BAD : IS_COMPLETE_YES;
        }
        if (code.stripLeading().startsWith("%%")) return IS_COMPLETE_YES; // %%time and friends: run as written
        // Line magics are whole lines; the Java around them decides.
        String r = java.isComplete(
                code.lines().map(l -> Magics.isLineMagic(l) ? "" : l).collect(Collectors.joining("\n")));
        return switch (r) {
            case "complete" -> IS_COMPLETE_YES;
            case "invalid" -> IS_COMPLETE_BAD;
            default -> "    ";
        };
    }

    @Override
    public void interrupt() {
        interruptRequested = true;
        session.cancel();
        java.stop();
        CellStreams cell = running;
        if (cell != null) Thread.startVirtualThread(() -> sayIfStillRunning(cell));
    }

    /**
     * Java cannot stop a thread from outside (Thread.stop is gone): a loop inside the JDK or a library that never
     * looks at the stop flag or the thread's interrupt runs on. The user is told so instead of waiting blind.
     */
    private void sayIfStillRunning(CellStreams cell) {
        try {
            Thread.sleep(STOP_SECONDS * 1000L);
        } catch (InterruptedException e) {
            return;
        }
        if (running == cell) {
            cell.err()
                    .note("ae4j: the cell did not stop within " + STOP_SECONDS + " s of the interrupt: it is"
                            + " running code that does not check for interrupts (a loop inside the JDK or a"
                            + " library), which Java cannot stop from outside. Wait for it to finish, or restart"
                            + " the kernel (Kernel > Restart Kernel); its variables and models are then lost.");
        }
    }

    @Override
    public void onShutdown(boolean restarting) {
        java.close();
        maven.close();
        try (Stream<Path> files = Files.walk(reports)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // temporary files; nothing to lose
        }
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CellError ce) {
            List<String> out = new ArrayList<>();
            for (String l : ce.lines())
                out.add(l.contains(": error: ") || l.startsWith("Interrupted") ? errorStyler.secondary(l) : l);
            return out;
        }
        return super.formatError(e);
    }

    /** The base kernel's handlers, with the replies Jupyter clients expect to carry {@code status: ok}. */
    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, msg) -> {
            env.setBusyDeferIdle();
            env.reply(new InfoReply(getLanguageInfo(), getBanner(), getHelpLinks()));
        });
        connection.setHandler(MessageType.HISTORY_REQUEST, (env, msg) -> {
            env.setBusyDeferIdle();
            env.reply(new History());
        });
    }

    /** kernel_info_reply with {@code status}. */
    static final class InfoReply extends KernelInfoReply {
        @SuppressWarnings("unused")
        private final String status = "ok";

        InfoReply(LanguageInfo info, String banner, List<LanguageInfo.Help> help) {
            super(Header.PROTOCOL_VERISON, "ae4j", VERSION, info, banner, help);
        }
    }

    /** history_reply (empty: the kernel keeps no history) with {@code status}. */
    static final class History extends HistoryReply {
        @SuppressWarnings("unused")
        private final String status = "ok";

        History() {
            super(List.of());
        }
    }
}
