package ae4j.vecmath;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Keeps C2 from inlining vecmath's kernels into their callers.
 *
 * <p>The Vector API is fast only when every vector operation of a loop is compiled in one unit with all
 * vector helpers inlined; C2 stops inlining at a node budget, and then boxes every vector (measured: a
 * generated model's step allocated 0.5 MB and ran several times slower once its objective method had
 * inlined the loss, norm and axpy kernels). Kernels take arrays, not vectors, so compiling each one on
 * its own costs one call per kernel invocation (thousands of elements) and keeps each within budget.
 * VMath (which takes vectors) is left inlinable.
 *
 * <p>Installed once, from the static initializer of each kernel class, as a compiler directive through
 * HotSpot's DiagnosticCommand MBean; on a JVM without it nothing happens.
 */
final class Jit {

    private static final String DIRECTIVE = "[{ match: \"*.*\", inline: ["
            + "\"-ae4j/vecmath/Elementwise.*\", \"-ae4j/vecmath/Losses.*\", \"-ae4j/vecmath/Norms.*\", "
            + "\"-ae4j/vecmath/Activation.*\", \"-ae4j/vecmath/Philox.*\", \"-ae4j/vecmath/Gemm.*\", \"-ae4j/vecmath/GemmKernels.*\", \"-ae4j/vecmath/GemmPacking.*\", \"-ae4j/vecmath/Updates.*\"] }]";

    private static volatile boolean installed;

    private Jit() {}

    static void ensureDirectives() {
        if (installed) return;
        synchronized (Jit.class) {
            if (installed) return;
            installed = true;
            if (Boolean.getBoolean("ae4j.jit.noDirectives")) return;
            try {
                Path f = Files.createTempFile("ae4j-jit-", ".json");
                try {
                    Files.writeString(f, DIRECTIVE);
                    ManagementFactory.getPlatformMBeanServer()
                            .invoke(
                                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                                    "compilerDirectivesAdd",
                                    new Object[] {new String[] {f.toString()}},
                                    new String[] {String[].class.getName()});
                } finally {
                    Files.deleteIfExists(f);
                }
            } catch (Exception | LinkageError e) {
                // Not HotSpot, or management disabled: the kernels still work, only slower in large callers.
            }
        }
    }
}
