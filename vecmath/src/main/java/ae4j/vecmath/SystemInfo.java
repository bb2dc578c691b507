package ae4j.vecmath;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import jdk.incubator.vector.FloatVector;

/** What ae4j runs on: its version, the JDK, the Vector API species, the GEMM tile and the CPU's SIMD features. */
public final class SystemInfo {

    private static final List<String> SIMD_FLAGS = List.of(
            "sse4_2",
            "avx",
            "avx2",
            "fma",
            "f16c",
            "avx512f",
            "avx512dq",
            "avx512cd",
            "avx512bw",
            "avx512vl",
            "avx512_vnni",
            "avx512_bf16",
            "avx512_fp16",
            "amx_tile",
            "amx_bf16",
            "neon",
            "asimd",
            "sve",
            "sve2");

    private SystemInfo() {}

    public static String version() {
        try (InputStream in = SystemInfo.class.getResourceAsStream("/ae4j-version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The CPU model and the SIMD features it reports (Linux /proc/cpuinfo), or "unknown". */
    public static String cpu() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) return "unknown (no /proc/cpuinfo)";
        try {
            String model = "unknown";
            List<String> features = new ArrayList<>();
            for (String line : Files.readAllLines(info)) {
                String key = line.contains(":")
                        ? line.substring(0, line.indexOf(':')).trim()
                        : "";
                String value = line.contains(":")
                        ? line.substring(line.indexOf(':') + 1).trim()
                        : "";
                if (model.equals("unknown") && key.equals("model name")) model = value;
                if (features.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
                    List<String> have = List.of(value.split("\\s+"));
                    for (String f : SIMD_FLAGS) if (have.contains(f)) features.add(f);
                }
            }
            return model + "; SIMD: " + (features.isEmpty() ? "none reported" : String.join(" ", features));
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    public static String report() {
        var s = FloatVector.SPECIES_PREFERRED;
        StringBuilder b = new StringBuilder();
        b.append("ae4j ").append(version()).append('\n');
        b.append("JDK: ")
                .append(System.getProperty("java.vm.vendor"))
                .append(' ')
                .append(Runtime.version())
                .append(" at ")
                .append(System.getProperty("java.home"))
                .append('\n');
        b.append(String.format(
                Locale.ROOT, "Vector API: preferred float species %d-bit, %d lanes%n", s.vectorBitSize(), s.length()));
        b.append(String.format(
                Locale.ROOT,
                "GEMM micro-kernel: %d x %d tile, KC=%d MC=%d NC=%d%n",
                Gemm.MR,
                Gemm.NR,
                Gemm.KC,
                Gemm.MC,
                Gemm.NC));
        b.append("Threads: ")
                .append(Parallel.threads())
                .append(" of ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" available processors\n");
        b.append("CPU: ").append(cpu());
        List<String> isa = jitLimits();
        if (!isa.isEmpty()) b.append("\nJIT held to: ").append(String.join(" ", isa));
        return b.toString();
    }

    /**
     * The flags this JVM was started with that limit the instruction set or the vector width the JIT uses
     * ({@code -XX:UseAVX=}, {@code -XX:MaxVectorSize=}; {@code AE4J_ISA=avx2} adds the first), in order.
     */
    public static List<String> jitLimits() {
        List<String> isa = new ArrayList<>();
        for (String arg :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:UseAVX=") || arg.startsWith("-XX:MaxVectorSize=")) isa.add(arg);
        }
        return isa;
    }

    public static void main(String[] args) {
        System.out.println(report());
    }
}
