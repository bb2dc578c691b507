package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {

    @TempDir
    Path dir;

    @Test
    void writesKernelJsonWithTheVectorModuleAndMessageInterrupts() throws Exception {
        int rc = KernelSpec.install(new String[] {
            "install", "--prefix", dir.toString(), "--java", "/jdk/bin/java", "--classpath", "a.jar:b \"c\".jar"
        });
        assertEquals(0, rc);
        Path k = dir.resolve("share/jupyter/kernels/ae4j");
        String json = Files.readString(k.resolve("kernel.json"));
        assertTrue(json.contains("\"argv\": [\"/jdk/bin/java\", \"--add-modules\", \"jdk.incubator.vector\""), json);
        assertTrue(json.contains("\"a.jar:b \\\"c\\\".jar\""), json);
        assertTrue(json.contains("\"{connection_file}\""), json);
        assertTrue(json.contains("\"interrupt_mode\": \"message\""), json);
        assertTrue(json.contains("\"-javaagent:" + k.toAbsolutePath().resolve("exit-guard.jar") + "\""), json);
        try (var agent = new JarFile(k.resolve("exit-guard.jar").toFile())) {
            assertEquals(
                    "ae4j.kernel.ExitGuard",
                    agent.getManifest().getMainAttributes().getValue("Premain-Class"));
            assertEquals("true", agent.getManifest().getMainAttributes().getValue("Can-Retransform-Classes"));
        }
        assertTrue(json.contains("\"display_name\": \"ae4j (Java 25)\""), json);
        assertTrue(Files.size(k.resolve("logo-64x64.png")) > 100);
        assertEquals(2, KernelSpec.install(new String[] {"install", "--bogus"}));
        // kernel.js: the CodeMirror mode with the language's words from the checker's registry
        String js = Files.readString(k.resolve("kernel.js"));
        assertTrue(js.contains("CodeMirror.defineMode(\"ae4j\""), js);
        assertTrue(js.contains("highlight_modes[\"magic_ae4j\"]"), js);
        assertTrue(!js.contains("/*AE4J_WORDS*/"), "the words are filled in");
        for (String w : new String[] {"\"model\"", "\"train\"", "\"jacobian_spectrum\"", "\"relu\"", "\"adam\""})
            assertTrue(js.contains(w), w);
    }
}
