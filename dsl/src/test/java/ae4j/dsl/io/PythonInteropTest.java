package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ae4j.dsl.runtime.CompiledModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files we write, read by Python: with the reference {@code safetensors} package when it is installed
 * (skipped otherwise), and always (when /usr/bin/python3 exists) by a standard-library reader that
 * checks the header JSON with Python's own parser and the values with {@code struct}. The environment
 * variable {@code AE4J_TEST_PYTHON} names another interpreter (e.g. a venv with safetensors and numpy).
 */
class PythonInteropTest {

    private static final Path PYTHON = Path.of(System.getenv().getOrDefault("AE4J_TEST_PYTHON", "/usr/bin/python3"));

    @TempDir
    Path dir;

    private static String run(String script, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, file.toString())
                .redirectErrorStream(true)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean pythonHas(String module) throws InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + module)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private Path sample() throws IOException {
        FakeModel m = FakeModel.small(2);
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(file, m, "model ae { input x[6] } # ✓", Map.of("epochs", 3), Map.of("loss", 0.5));
        return file;
    }

    @Test
    void standardLibraryPythonReadsOurFile() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON);
        Path file = sample();
        String script = """
                import json, struct, sys
                b = open(sys.argv[1], 'rb').read()
                n = struct.unpack('<Q', b[:8])[0]
                assert n % 8 == 0, n
                h = json.loads(b[8:8 + n].decode('utf-8'))
                meta = h.pop('__metadata__')
                i = h['f.0.weight']; lo, hi = i['data_offsets']
                w = struct.unpack('<%df' % ((hi - lo) // 4), b[8 + n + lo:8 + n + hi])
                print(i['dtype'], i['shape'], h['f.0.bias']['shape'], round(w[0], 4), round(w[7], 4),
                      meta['model'], json.loads(meta['config'])['epochs'], meta['source'].endswith('\\u2713'))
                """;
        // FakeModel.small(2): params[0][j] = 2 + 0 + j/1000 - 0.25 (j % 3)
        assertEquals("F32 [4, 6] [4] 2.0 1.757 ae 3 True", run(script, file));
    }

    @Test
    void referenceSafetensorsReadsOurFile() throws Exception {
        assumeTrue(pythonHas("safetensors.numpy"), PYTHON + " lacks safetensors and numpy");
        Path file = sample();
        String script = """
                import sys
                from safetensors.numpy import load_file
                from safetensors import safe_open
                t = load_file(sys.argv[1])
                w = t['f.0.weight']
                with safe_open(sys.argv[1], framework='np') as f:
                    meta = f.metadata()
                print(w.dtype, w.shape, t['f.0.bias'].shape, round(float(w[1, 1]), 4), meta['model'])
                """;
        // w[1, 1] is element 7
        assertEquals("float32 (4, 6) (4,) 1.757 ae", run(script, file));
    }

    @Test
    void weReadWhatTheReferenceWrites() throws Exception {
        assumeTrue(pythonHas("safetensors.numpy"), PYTHON + " lacks safetensors and numpy");
        Path file = dir.resolve("py.safetensors");
        String script = """
                import sys, numpy as np
                from safetensors.numpy import save_file
                save_file({"f.0.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
                           "f.0.bias": np.array([1.5, -2], dtype=np.float16),
                           "d": np.array([[0.1]], dtype=np.float64),
                           "s": np.array(3.0, dtype=np.float32)},
                          sys.argv[1], metadata={"model": "ae", "source": "model ae { }"})
                print("ok")
                """;
        assertEquals("ok", run(script, file));
        Safetensors.Contents c = Safetensors.read(file);
        assertEquals(Map.of("model", "ae", "source", "model ae { }"), c.metadata());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f},
                c.tensors().get("f.0.weight").data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new int[] {2, 3}, c.tensors().get("f.0.weight").shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new float[] {1.5f, -2f}, c.tensors().get("f.0.bias").data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new float[] {0.1f}, c.tensors().get("d").data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new int[] {}, c.tensors().get("s").shape());
        // and a model loads from it, the 1-D bias included
        FakeModel m = new FakeModel(
                "ae", new CompiledModel.ParamInfo("f.0.weight", 2, 3), new CompiledModel.ParamInfo("f.0.bias", 1, 2));
        Safetensors.Contents only = Safetensors.Contents.of(
                java.util.List.of(c.tensors().get("f.0.weight"), c.tensors().get("f.0.bias")), Map.of());
        ModelFile.copyInto(file.toString(), only.tensors(), m);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1.5f, -2f}, m.params()[1]);
    }

    /** Our header is byte-identical to what the reference writes for the same tensors and metadata. */
    @Test
    void headerMatchesTheReferenceWriter() throws Exception {
        assumeTrue(pythonHas("safetensors.numpy"), PYTHON + " lacks safetensors and numpy");
        Path ours = dir.resolve("ours.safetensors");
        Safetensors.write(
                ours,
                java.util.List.of(
                        new Safetensors.Tensor("a", new int[] {2, 3}, new float[6]),
                        new Safetensors.Tensor("b", new int[] {5}, new float[5])),
                Map.of("k", "v \"q\" ✓"));
        String script = """
                import sys, numpy as np
                from safetensors.numpy import save_file
                ref = sys.argv[1] + ".ref"
                save_file({"a": np.zeros((2, 3), np.float32), "b": np.zeros(5, np.float32)}, ref,
                          metadata={"k": 'v "q" \u2713'})
                print(open(ref, "rb").read() == open(sys.argv[1], "rb").read())
                """;
        assertEquals("True", run(script, ours));
    }
}
