package ae4j.bench;

import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.io.Json;
import ae4j.dsl.runtime.CompiledModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The worker processes of {@code ae4j bench compare}: how each side (ae4j, PyTorch, Deeplearning4j) is started,
 * and a handle that speaks JSON lines with it.
 */
final class Workers {

    private Workers() {}

    /** The ae4j worker's JVM: this JDK and class path, a heap sized from the data set and the model. */
    static List<String> javaCommand(String model, List<String> common, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        cmd.add("-Xmx" + heapMb(model) + "m");
        // The training loop allocates nothing: the serial collector has the smallest footprint and no GC threads
        // competing with the compute threads.
        cmd.add("-XX:+UseSerialGC");
        // A small young generation: once compiled, training allocates nothing, and what the JIT's warm-up churns
        // (vectors boxed until C2 has compiled each kernel) is collected young instead of touching a third of the
        // heap. Measured (mid, deep at batch 128): peak resident 415 -> 342 MB and 512 -> 408 MB, speed within the
        // runs' noise.
        cmd.add("-Xmn32m");
        // Huge pages when the launcher chose them for this JVM (see ./ae4j: only where the kernel offers them), and
        // the instruction set it was held to (AE4J_ISA=avx2), so the worker runs the code paths this JVM measured.
        if (java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments()
                .contains("-XX:+UseTransparentHugePages")) cmd.add("-XX:+UseTransparentHugePages");
        cmd.addAll(ae4j.vecmath.SystemInfo.jitLimits());
        for (String p : List.of(
                "ae4j.cache",
                "ae4j.jit.noDirectives",
                "ae4j.split.minRows",
                "ae4j.gemm.columnSplitMaxRows",
                "ae4j.philox.parallelMin",
                "ae4j.step.debug",
                "ae4j.step.threads")) {
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CompareWorker.class.getName()));
        cmd.addAll(common);
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /**
     * The worker's maximum heap: the images as floats plus half of that for reading them (the decompressed
     * bytes live next to the floats while they are converted), eight copies of the parameters (weights,
     * gradients, two Adam moments, the initial weights, the weights file being written) and 64 MB for the
     * rest (activations, classes).
     */
    static long heapMb(String model) throws Exception {
        long data = 4L * CompareBench.imagesIn(CompareBench.IMAGES) * 784;
        CompiledModel m = CompareModels.compile(model, 1, ModelCompiler.withDefaultCache(), 0);
        long params = 0;
        for (float[] p : m.params()) params += 4L * p.length;
        return (data * 3 / 2 + 8 * params) / (1 << 20) + 64;
    }

    /**
     * Whether this JVM was held to AVX2 on an AVX-512 machine ({@code AE4J_ISA=avx2}, which adds -XX:UseAVX=2): then the
     * PyTorch and Deeplearning4j sides are held to AVX2 as well. Decided from the flag itself, not from the vector
     * width, which HotSpot also narrows on its own on some CPUs.
     */
    static boolean avx2Only() {
        return ae4j.vecmath.SystemInfo.jitLimits().contains("-XX:UseAVX=2")
                && ae4j.vecmath.SystemInfo.cpu().contains(" avx512f");
    }

    static List<String> pythonCommand(CompareBench.Options o, List<String> common, String... extra) {
        if (!Files.isReadable(o.script())) {
            throw new IllegalStateException("the PyTorch side's script " + o.script() + " is missing");
        }
        List<String> cmd = new ArrayList<>(List.of(o.python(), o.script().toString()));
        if (avx2Only()) cmd.addAll(List.of("--isa", "avx2"));
        cmd.addAll(common);
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /**
     * The Deeplearning4j worker's JVM: this JDK, its own class path (the dl4j profile's), OpenMP and
     * OpenBLAS set to the row's thread count, and the machine's OpenBLAS core overrides removed as for PyTorch.
     */
    static Map<String, String> dl4jEnvironment(int threads) {
        String t = Integer.toString(threads);
        // held to AVX2 with the other sides (OpenBLAS's Haswell kernels; oneDNN, which ND4J may call, at most AVX2)
        boolean avx2 = avx2Only();
        String core = avx2 ? "Haswell" : "";
        String dnn = avx2 ? "AVX2" : "";
        return Map.of(
                "OMP_NUM_THREADS",
                t,
                "OPENBLAS_NUM_THREADS",
                t,
                "OPENBLAS_CORETYPE",
                core,
                "OPENBLAS_L2_SIZE",
                "",
                "ONEDNN_MAX_CPU_ISA",
                dnn);
    }

    static List<String> dl4jCommand(CompareBench.Options o, List<String> common, String... extra) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        cmd.addAll(ae4j.vecmath.SystemInfo.jitLimits());
        cmd.addAll(List.of("-cp", o.dl4jClasspath(), "ae4j.bench.dl4j.Dl4jWorker"));
        cmd.addAll(common);
        cmd.addAll(List.of("--limit", Integer.toString(o.dl4jExamples())));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** A worker process speaking JSON lines on stdout, commands on stdin; its stderr goes to a log file. */
    static final class Worker implements AutoCloseable {
        final String name;
        final Process process;
        final BufferedReader out;
        final Writer in;
        final Path log;

        private Worker(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** Workers still running, ended by a shutdown hook if the harness itself is interrupted. */
        private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy)));
        }

        static Worker start(String name, List<String> command, Path dir) throws IOException {
            return start(name, command, dir, Map.of());
        }

        /** With environment changes: a variable mapped to the empty string is removed. */
        static Worker start(String name, List<String> command, Path dir, Map<String, String> env) throws IOException {
            Path log = Files.createTempFile(dir, name + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
            env.forEach((k, v) -> {
                if (v.isEmpty()) pb.environment().remove(k);
                else pb.environment().put(k, v);
            });
            Process p = pb.start();
            LIVE.add(p);
            return new Worker(name, p, log);
        }

        void send(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }

        /** Reads messages until one of the given type; an error message or the process ending is an exception. */
        Map<String, Object> await(String type) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith("{")) continue;
                Map<String, Object> msg;
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parsed = (Map<String, Object>) Json.parse(line);
                    msg = parsed;
                } catch (Json.ParseException e) {
                    continue;
                }
                if (type.equals(msg.get("type"))) return msg;
                if ("error".equals(msg.get("type"))) throw failure("reported: " + msg.get("message"));
            }
            throw failure("ended before sending '" + type + "'");
        }

        /** Asks the worker to exit; returns its peak resident memory in KiB. */
        long quit() throws IOException {
            send("quit");
            long kb = (long) CompareBench.num(await("memory").get("vmhwm_kb"));
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return kb;
        }

        private IllegalStateException failure(String what) {
            String tail = "";
            try {
                List<String> lines = Files.readAllLines(log);
                tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
            } catch (IOException | UncheckedIOException e) {
                // no log
            }
            return new IllegalStateException(
                    "the " + name + " worker " + what + (tail.isBlank() ? "" : "; its stderr:\n" + tail));
        }

        @Override
        public void close() {
            if (process.isAlive()) process.destroy();
            LIVE.remove(process);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers
}
