package ae4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.run.Session;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {

    @TempDir
    Path dir;

    @Test
    void encodeAndReconstructMatchTheLayersComputedByHand() {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        Ae4j.eval("""
                data pts = gaussian_mixture(k: 2, dim: 3, n: 200, seed: 4)
                model lin {
                  input x[3]
                  encoder f { dense 2 }
                  decoder g { dense 3 sigmoid }
                  minimize mse(x, g(f(x)))
                }
                train lin on pts { epochs: 1, batch: 20 }
                """);
        Model m = Ae4j.model("lin");
        Data pts = Ae4j.data("pts");
        assertEquals(200, pts.size());
        assertEquals(3, m.inputWidth());
        assertEquals(2, m.codeWidth());
        assertEquals(3 * 2 + 2 + 2 * 3 + 3, m.parameterCount());
        float[][] params = Ae4j.session().model("lin").model().params();
        var info = Ae4j.session().model("lin").model().paramInfo();
        float[] x = pts.row(7);
        float[] h = m.encode(x);
        float[] r = m.reconstruct(x);
        // Independent truth: the affine maps from the parameter arrays, whatever their layout (rows x cols).
        float[] w1 = params[0];
        float[] b1 = params[1];
        float[] w2 = params[2];
        float[] b2 = params[3];
        boolean inMajor = info.get(0).rows() == 3; // W stored in x out?
        for (int j = 0; j < 2; j++) {
            double s = b1[j];
            for (int i = 0; i < 3; i++) s += x[i] * (inMajor ? w1[i * 2 + j] : w1[j * 3 + i]);
            assertEquals(s, h[j], 1e-5);
        }
        boolean inMajor2 = info.get(2).rows() == 2;
        for (int j = 0; j < 3; j++) {
            double s = b2[j];
            for (int i = 0; i < 2; i++) s += h[i] * (inMajor2 ? w2[i * 3 + j] : w2[j * 2 + i]);
            assertEquals(1 / (1 + Math.exp(-s)), r[j], 1e-5);
        }
        assertEquals(200, m.encode(pts).length);
        assertTrue(m.toString().startsWith("model lin: 3 -> 2 | -> 3 sigmoid"), m.toString());
        assertTrue(m.html().contains("<table>") && m.html().contains("mse(x, g(f(x)))"), m.html());
        assertTrue(pts.toString().contains("200 examples"), pts.toString());
        AeException e = assertThrows(AeException.class, () -> Ae4j.eval("train lin on ptz { epochs: 1 }"));
        assertTrue(e.getMessage().contains(":1:14: error:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.encode(new float[5]));
    }
}
