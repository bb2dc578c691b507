package ae4j.dsl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.api.Ae4j;
import ae4j.api.Data;
import ae4j.api.Model;
import ae4j.dsl.run.Session;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX files written by {@code export} run in ONNX Runtime (an independent implementation, Microsoft's, from Maven
 * Central) and give what ae4j's {@link Model#encode}, {@link Model#decode} and {@link Model#reconstruct} give, to
 * 1e-5, for models that together hold every layer and activation kind the language has: dense layers with identity
 * (and its alias linear), relu, sigmoid, tanh, softplus and softmax; a tied decoder (the encoder's weights
 * transposed) of one and of two layers; a corrupted input, noise before the code and a free code (all left out of
 * the deployed model); the whole model, the encoder and the decoder of each; batches of 1, 7 and 64 rows through
 * one file (the batch is dynamic).
 */
class OnnxExportTest {

    @TempDir
    Path dir;

    private static final double TOLERANCE = 1e-5;

    /** The largest |ae4j - ONNX Runtime| seen, printed after each model (for the record, not asserted). */
    private static double largest;

    @Test
    void denoisingWithReluSigmoidSoftplusAndIdentity() throws Exception {
        checkAllParts("""
                model dae {
                  input x[6]
                  encoder f { dense 5 relu; dense 3 sigmoid }
                  decoder g { dense 5 softplus; dense 6 identity }
                  corrupt x~ = gaussian(x, sigma: 0.2)
                  code h = f(x~)
                  minimize mse(x, g(f(x~)))
                }
                """, "dae", "f", "g");
    }

    @Test
    void tiedDecoderOfTwoLayersWithTanhAndLinear() throws Exception {
        checkAllParts("""
                model tied2 {
                  input x[6]
                  encoder f { dense 4 tanh; dense 2 linear }
                  decoder g tied
                  output gaussian(sigma: 1)
                  minimize gaussian_nll(x, g(f(x)), sigma: 1) + 0.001 * weight_decay()
                }
                """, "tied2", "f", "g");
    }

    @Test
    void contractiveTiedSigmoid() throws Exception {
        checkAllParts("""
                model cae {
                  input x[6]
                  encoder f { dense 4 sigmoid }
                  decoder g tied
                  output bernoulli
                  minimize bernoulli_nll(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x)
                }
                """, "cae", "f", "g");
    }

    @Test
    void categoricalDecoderAndSoftmaxCode() throws Exception {
        checkAllParts("""
                model cat {
                  input x[6]
                  encoder enc { dense 8 relu; dense 4 softmax }
                  decoder dec { dense 8 tanh; dense 6 softmax }
                  output categorical
                  minimize categorical_nll(x, dec(h))
                }
                """, "cat", "enc", "dec");
    }

    @Test
    void noiseBeforeTheCodeIsLeftOut() throws Exception {
        checkAllParts("""
                model hashing {
                  input x[6]
                  encoder f { dense 8 relu; dense 4 sigmoid }
                  decoder g { dense 8 relu; dense 6 sigmoid }
                  noise before h = gaussian(sigma: 2)
                  minimize bernoulli_nll(x, g(h))
                }
                """, "hashing", "f", "g");
    }

    @Test
    void freeCodeExportsTheEncodersPrediction() throws Exception {
        checkAllParts("""
                model psd {
                  input x[6]
                  encoder f { dense 5 tanh }
                  decoder g { dense 6 identity }
                  free code h { steps: 5, lr: 0.05 }
                  minimize mse(x, g(h)) + 0.1 * l1(h) + 1.0 * mse(h, f(x))
                }
                """, "psd", "f", "g");
    }

    /**
     * A model saved (biases as [out]), loaded into a fresh declaration in another session and exported: the encoder
     * file gives the codes the trained model gave. An unknown part is refused by the checker with the names that
     * exist, and nothing is written.
     */
    @Test
    void savedThenLoadedModelExportsTheSameEncoder() throws Exception {
        String declaration = """
                data pts = gaussian_mixture(k: 2, dim: 4, n: 64, seed: 2)
                model small {
                  input x[4]
                  encoder enc { dense 3 tanh }
                  decoder dec { dense 4 }
                  minimize mse(x, dec(enc(x)))
                }
                """;
        Ae4j.use(new Session(dir, dir.resolve("reports"), null));
        Ae4j.eval(declaration + "train small on pts { epochs: 2, batch: 16 }\nsave small to \"small.safetensors\"\n");
        float[][] x = Ae4j.data("pts").rows(0, 8);
        float[][] h = Ae4j.model("small").encode(x);
        Ae4j.use(new Session(dir, dir.resolve("reports"), null));
        Ae4j.eval(declaration + "load small from \"small.safetensors\"\nexport small.enc to \"small-encoder.onnx\"\n");
        run(OnnxRuntimeForTests.environment(), dir.resolve("small-encoder.onnx"), "x", x, "h", h);
        ae4j.api.AeException e = org.junit.jupiter.api.Assertions.assertThrows(
                ae4j.api.AeException.class, () -> Ae4j.eval("export small.f to \"f.onnx\""));
        assertTrue(
                e.getMessage().contains("unknown part of model small 'f' (its encoder is enc and its decoder dec)"),
                e.getMessage());
        assertTrue(!Files.exists(dir.resolve("f.onnx")));
    }

    /**
     * Trains the model a little (so that no bias is still at its initial value), exports it three ways through the
     * language and runs each file in ONNX Runtime against ae4j.
     */
    private void checkAllParts(String model, String name, String encoder, String decoder) throws Exception {
        Ae4j.use(new Session(dir, dir.resolve("reports"), null));
        Ae4j.eval("data pts = gaussian_mixture(k: 3, dim: 6, n: 256, seed: 5) scale 0.2\n" + model + "train " + name
                + " on pts { epochs: 3, batch: 32, optimizer: adam(lr: 1e-2), seed: 3 }\n"
                + "export " + name + " to \"" + name + ".onnx\"\n"
                + "export " + name + "." + encoder + " to \"" + name + "-encoder.onnx\"\n"
                + "export " + name + "." + decoder + " to \"" + name + "-decoder.onnx\" as onnx\n");
        Model m = Ae4j.model(name);
        Data pts = Ae4j.data("pts");
        float[][] x = pts.rows(0, 64);
        float[][] h = m.encode(x);
        float[][] r = m.reconstruct(x);
        assertNotAllEqual(r, "reconstructions");
        // The decoder on codes no input gave: each code pushed away from the encoder's.
        float[][] codes = new float[h.length][];
        for (int i = 0; i < h.length; i++) {
            codes[i] = h[i].clone();
            for (int j = 0; j < codes[i].length; j++) codes[i][j] += 0.3f * (float) Math.sin(i + 3 * j);
        }
        float[][] decoded = m.decode(codes);
        for (int i = 0; i < 3; i++)
            assertArrayClose(r[i], m.decode(h[i]), "decode(encode(x)) is reconstruct(x), row " + i);

        OrtEnvironment env = OnnxRuntimeForTests.environment();
        largest = 0;
        run(env, dir.resolve(name + ".onnx"), "x", x, "r", r);
        run(env, dir.resolve(name + "-encoder.onnx"), "x", x, "h", h);
        run(env, dir.resolve(name + "-decoder.onnx"), "h", codes, "r", decoded);
        System.out.printf("ONNX export of %s: largest |ae4j - ONNX Runtime| %.3g%n", name, largest);
    }

    /** Runs the file on {@code in} at three batch sizes and compares with {@code expected}. */
    private static void run(
            OrtEnvironment env, Path file, String inName, float[][] in, String outName, float[][] expected)
            throws OrtException, java.io.IOException {
        assertTrue(Files.size(file) > 0, file.toString());
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertEquals(Set.of(inName), s.getInputNames(), file.toString());
            assertEquals(Set.of(outName), s.getOutputNames(), file.toString());
            NodeInfo input = s.getInputInfo().get(inName);
            long[] shape = ((TensorInfo) input.getInfo()).getShape();
            assertEquals(-1, shape[0], "the batch is dynamic: " + Arrays.toString(shape));
            assertEquals(in[0].length, shape[1]);
            for (int batch : List.of(1, 7, in.length)) {
                float[][] rows = Arrays.copyOf(in, batch);
                try (OnnxTensor t = OnnxTensor.createTensor(env, rows);
                        OrtSession.Result result = s.run(Map.of(inName, t))) {
                    float[][] got = (float[][]) result.get(0).getValue();
                    assertEquals(batch, got.length);
                    for (int i = 0; i < batch; i++)
                        assertArrayClose(expected[i], got[i], file.getFileName() + " row " + i + " of " + batch);
                }
            }
        }
    }

    private static void assertArrayClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int j = 0; j < expected.length; j++) {
            largest = Math.max(largest, Math.abs(expected[j] - actual[j]));
            assertEquals(
                    expected[j],
                    actual[j],
                    TOLERANCE,
                    what + ", column " + j + ": ae4j " + Arrays.toString(expected) + ", ONNX Runtime "
                            + Arrays.toString(actual));
        }
    }

    /** Guards against a degenerate comparison: outputs that are the same for every row. */
    private static void assertNotAllEqual(float[][] rows, String what) {
        for (float[] row : rows) if (!Arrays.equals(row, rows[0])) return;
        throw new AssertionError(what + " are identical for every row");
    }
}
