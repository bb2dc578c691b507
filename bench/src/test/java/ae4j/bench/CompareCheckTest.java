package ae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch side of {@code ae4j bench compare} computes the same objective and gradients as ae4j on the
 * same weights and data (plain and tied-contractive models). Skipped unless Debian's python3 can import
 * torch and threadpoolctl, OpenBLAS/OpenMP is installed and Fashion-MNIST is there.
 */
class CompareCheckTest {

    @TempDir
    Path cache;

    @Test
    @Timeout(300)
    void bothSidesComputeTheSameObjective() throws Exception {
        assumeTrue(Files.isReadable(CompareBench.IMAGES), "Fashion-MNIST not installed");
        assumeTrue(
                Files.isDirectory(Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp")),
                "libopenblas0-openmp not installed");
        assumeTrue(pythonImports("torch, threadpoolctl"), "/usr/bin/python3 cannot import torch and threadpoolctl");
        String before = System.getProperty("ae4j.cache");
        System.setProperty("ae4j.cache", cache.toString());
        try {
            CompareBench.Options o = CompareBench.parse(new String[] {
                "--check", "--models", "mid,cae", "--batches", "16", "--threads", "1", "--examples", "96", "--no-encode"
            });
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int status = CompareModes.check(o, new PrintStream(text, true, StandardCharsets.UTF_8));
            assertEquals(0, status, text.toString(StandardCharsets.UTF_8));
        } finally {
            if (before == null) System.clearProperty("ae4j.cache");
            else System.setProperty("ae4j.cache", before);
        }
    }

    private static boolean pythonImports(String modules) throws InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) return false;
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import " + modules)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
