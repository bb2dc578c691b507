package ae4j.dsl.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * ONNX Runtime for the tests. Its Java binding extracts its native libraries into a fresh temporary folder
 * ({@code onnxruntime-java*}) and leaves that folder behind when the JVM exits; a shutdown hook here removes the
 * folders this JVM's libraries were loaded from (found in /proc/self/maps), so test runs leave nothing in /tmp.
 */
public final class OnnxRuntimeForTests {

    private static boolean hooked;

    private OnnxRuntimeForTests() {}

    /** The shared environment (loading the native library on first use). */
    public static synchronized OrtEnvironment environment() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (!hooked) {
            hooked = true;
            Set<Path> folders = extractedFolders();
            if (!folders.isEmpty())
                Runtime.getRuntime().addShutdownHook(new Thread(() -> folders.forEach(OnnxRuntimeForTests::remove)));
        }
        return env;
    }

    private static Set<Path> extractedFolders() {
        Set<Path> out = new LinkedHashSet<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.contains("/onnxruntime-java"))
                    .map(p -> Path.of(p).getParent())
                    .filter(d -> d.getFileName().toString().startsWith("onnxruntime-java"))
                    .forEach(out::add);
        } catch (IOException | RuntimeException e) {
            // not Linux, or no maps: leave the folders as ONNX Runtime does
        }
        return out;
    }

    private static void remove(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
