package ae4j.dsl.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.runtime.Forward;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {

    static final String DATA = "data blobs = gaussian_mixture(k: 3, dim: 4, n: 600, seed: 1)\n";
    static final String MODEL = """
            model ae {
              input x[4]
              encoder f { dense 3 tanh }
              decoder g { dense 4 }
              minimize mse(x, g(f(x)))
            }
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);

    private Session.Outcome eval(Session s, String name, String cell) {
        return s.eval(name, cell, out, out);
    }

    /**
     * {@code validation: DATA} validates on that data set (it was accepted and then ignored): the last epoch's
     * validation loss in metrics.csv is the trained model's objective on it.
     */
    @Test
    void aValidationDataSetIsWhatTheValidationLossMeasures() throws Exception {
        Session s = new Session(dir, dir.resolve("reports"), null);
        assertTrue(eval(s, "cell1", DATA + "data held = gaussian_mixture(k: 3, dim: 4, n: 200, seed: 2)\n")
                .ok());
        assertTrue(eval(s, "cell2", MODEL).ok());
        Session.Outcome t = eval(s, "cell3", "train ae on blobs { epochs: 3, batch: 50, seed: 3, validation: held }\n");
        assertTrue(t.ok(), outBytes.toString(StandardCharsets.UTF_8));
        var lines = Files.readAllLines(dir.resolve("reports/ae/metrics.csv"));
        assertEquals("epoch,train_loss,validation_loss", lines.get(0));
        String[] last = lines.get(lines.size() - 1).split(",");
        var held = s.data("held");
        double expected = Forward.meanLoss(s.model("ae").model(), held.values(), held.size(), held.dim());
        // the same weights and rows, summed in batches of 50 there and 256 here: equal to float rounding
        assertEquals(expected, Double.parseDouble(last[2]), 1e-6 * Math.abs(expected));
        // all 600 training rows trained: 12 steps of 50 per epoch
        assertTrue(
                outBytes.toString(StandardCharsets.UTF_8).contains("600 examples"),
                outBytes.toString(StandardCharsets.UTF_8));
    }

    /** A cell that loads a model it does not declare makes it usable from Java too (Session.model, checkedModel). */
    @Test
    void aLoadedUndeclaredModelIsUsableInLaterCells() throws Exception {
        Session s = new Session(dir, dir.resolve("reports"), null);
        assertTrue(eval(s, "cell1", DATA + MODEL).ok());
        assertTrue(
                eval(s, "cell2", "train ae on blobs { epochs: 1, batch: 50, seed: 3 }\nsave ae to \"ae.safetensors\"\n")
                        .ok());
        Session t = new Session(dir, dir.resolve("reports2"), null);
        Session.Outcome o = eval(t, "cell1", DATA + "load again from \"ae.safetensors\"\n");
        assertTrue(o.ok(), outBytes.toString(StandardCharsets.UTF_8));
        assertEquals("ae", t.checkedModel("again").name());
        var blobs = s.data("blobs");
        double before = Forward.meanLoss(s.model("ae").model(), blobs.values(), blobs.size(), blobs.dim());
        double after = Forward.meanLoss(t.model("again").model(), blobs.values(), blobs.size(), blobs.dim());
        assertEquals(before, after, 1e-9 * Math.abs(before));
    }

    @Test
    void declarationsPersistAndALaterCellTrainsAnEarlierModelFromItsWeights() {
        Session s = new Session(dir, dir.resolve("reports"), null);
        assertTrue(eval(s, "cell1", DATA).ok());
        assertTrue(eval(s, "cell2", MODEL).ok());
        assertEquals(java.util.List.of("ae"), s.modelNames());
        float[] before = s.model("ae").model().params()[0].clone();
        Session.Outcome t = eval(s, "cell3", "train ae on blobs { epochs: 2, batch: 50, seed: 3 }\n");
        assertTrue(t.ok(), t.diagnostics() + t.error());
        float[] after1 = s.model("ae").model().params()[0].clone();
        assertFalse(java.util.Arrays.equals(before, after1), "training changed the weights");
        double loss1 = meanLoss(s);
        assertTrue(eval(s, "cell4", "train ae on blobs { epochs: 2, batch: 50, seed: 3 }\n")
                .ok());
        double loss2 = meanLoss(s);
        // Training again continues from the trained weights (a fresh model would start back at the initial loss).
        assertTrue(loss2 < loss1, "second training continued: " + loss1 + " -> " + loss2);
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("train ae on blobs"));
    }

    @Test
    void diagnosticsPointAtTheCellsOwnLines() {
        Session s = new Session(dir, dir.resolve("reports"), null);
        assertTrue(eval(s, "In[1]", DATA + MODEL).ok());
        Session.Outcome bad = eval(s, "In[2]", "\ntrain ae on blobz { epochs: 1 }\n");
        assertFalse(bad.ok());
        assertTrue(bad.diagnostics().startsWith("In[2]:2:13: error:"), bad.diagnostics());
        assertTrue(
                bad.diagnostics().contains("    train ae on blobz { epochs: 1 }\n                ^^^^^"),
                bad.diagnostics());
        // A failed cell changes nothing: the earlier declarations still work.
        assertTrue(eval(s, "In[3]", "evaluate ae on blobs { loss }\n").ok());
    }

    @Test
    void redeclaringAModelReplacesItWithFreshWeights() {
        Session s = new Session(dir, dir.resolve("reports"), null);
        assertTrue(eval(s, "c1", DATA + MODEL).ok());
        assertTrue(eval(s, "c2", "train ae on blobs { epochs: 3, batch: 50 }").ok());
        double trained = meanLoss(s);
        assertTrue(eval(s, "c3", MODEL.replace("dense 3 tanh", "dense 2 tanh")).ok());
        assertEquals(
                2,
                s.model("ae").model().paramInfo().get(0).rows()
                        * s.model("ae").model().paramInfo().get(0).cols()
                        / 4);
        assertNotEquals(trained, meanLoss(s));
        assertEquals(1, s.modelNames().size());
    }

    @Test
    void runtimeProblemsComeBackAsASentence() throws Exception {
        Session s = new Session(dir, dir.resolve("reports"), null);
        Session.Outcome o =
                eval(s, "c1", "data d = idx(\"missing-file.gz\")\n" + MODEL + "train ae on d { epochs: 1 }\n");
        assertFalse(o.ok());
        assertTrue(o.error() != null && o.error().contains("missing-file.gz"), String.valueOf(o.error()));
        assertFalse(o.error().contains("Exception"), o.error());
        // save paths start at the working folder
        assertTrue(eval(s, "c2", DATA + "train ae on blobs { epochs: 1 }\nsave ae to \"ae.safetensors\"\n")
                .ok());
        assertTrue(Files.exists(dir.resolve("ae.safetensors")));
    }

    private static double meanLoss(Session s) {
        var d = s.data("blobs");
        return Forward.meanLoss(s.model("ae").model(), d.values(), d.size(), d.dim());
    }
}
