package ae4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.run.Session;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API's Data.of, training History, callbacks and summary table, each against an independent truth:
 * Data.of against the same numbers read by the language's CSV reader; the history against the losses the
 * run printed, the objective computed from encode/reconstruct at the starting weights, and the validation
 * loss computed by Model.loss after training; callbacks against the history.
 */
class HistoryAndDataOfTest {

    @TempDir
    Path dir;

    private static float[][] points(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        for (float[] row : x) for (int j = 0; j < d; j++) row[j] = (float) (r.nextGaussian() * 0.5 + j * 0.1);
        return x;
    }

    private static final String MODEL = """
            model %s {
              input x[3]
              encoder f { dense 4 tanh; dense 2 tanh }
              decoder g { dense 4 tanh; dense 3 }
              minimize mse(x, g(f(x))) + 0.1 * l1(f(x))
            }
            """;

    @Test
    void dataOfHoldsTheSameExamplesAsTheSameNumbersReadFromAFile() throws Exception {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        float[][] x = points(50, 3, 1);
        StringBuilder csv = new StringBuilder();
        for (float[] row : x)
            csv.append(row[0])
                    .append(',')
                    .append(row[1])
                    .append(',')
                    .append(row[2])
                    .append('\n');
        Files.writeString(dir.resolve("x.csv"), csv);
        Ae4j.eval("data fromfile = csv(\"x.csv\", header: false)");
        Data file = Ae4j.data("fromfile");
        Data mem = Data.of(x);
        float[] flat = new float[150];
        for (int i = 0; i < 50; i++) System.arraycopy(x[i], 0, flat, i * 3, 3);
        Data mem2 = Data.of(flat, 50, 3);
        assertEquals(50, mem.size());
        assertEquals(3, mem.dim());
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(file.row(i), mem.row(i), "row " + i);
            assertArrayEquals(file.row(i), mem2.row(i), "row " + i);
        }
        x[0][0] = 99; // copied, not shared
        assertEquals(file.row(0)[0], mem.row(0)[0]);
        // The same training on either gives the same losses.
        Ae4j.eval(MODEL.formatted("a") + MODEL.formatted("b"));
        History ha = Ae4j.model("a").train(file, "epochs: 3, batch: 10, seed: 5");
        History hb = Ae4j.model("b").train(mem, "epochs: 3, batch: 10, seed: 5");
        assertArrayEquals(ha.trainLoss(), hb.trainLoss());
    }

    @Test
    void dataOfRejectsWhatIsNotATable() {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        var ragged = assertThrows(IllegalArgumentException.class, () -> Data.of(new float[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("row 1 has 1 values, row 0 has 2"), ragged.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> Data.of(new float[7], 2, 3));
        assertTrue(size.getMessage().contains("7 values cannot be 2 rows of 3"), size.getMessage());
        var nan = assertThrows(IllegalArgumentException.class, () -> Data.of(new float[][] {{1, Float.NaN}}));
        assertTrue(nan.getMessage().contains("row 0, column 1 is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Data.of(new float[0][]));
    }

    @Test
    void historyHoldsWhatTheTrainingMeasured() throws Exception {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        float[][] x = points(40, 3, 2);
        Data d = Data.of(x);
        Data val = Data.of(points(20, 3, 3));
        Ae4j.eval(MODEL.formatted("m"));
        Model m = Ae4j.model("m");
        // Independent truth at the starting weights: the objective from encode and reconstruct.
        double mse = 0;
        double l1 = 0;
        for (float[] row : x) {
            float[] h = m.encode(row);
            float[] r = m.reconstruct(row);
            for (int j = 0; j < 3; j++) mse += (row[j] - r[j]) * (double) (row[j] - r[j]);
            for (float v : h) l1 += Math.abs(v);
        }
        mse /= x.length;
        l1 /= x.length;
        List<History.Epoch> called = new ArrayList<>();
        long[] batches = {0};
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        History h;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            // One full batch per epoch: epoch 1's loss is the objective at the starting weights.
            h = m.train(
                    d,
                    "epochs: 4, batch: 40, seed: 1, optimizer: adam(lr: 0.01), validation: " + val.name(),
                    new TrainingCallback() {
                        @Override
                        public void onBatch(long step, double loss) {
                            batches[0]++;
                            assertEquals(batches[0], step);
                        }

                        @Override
                        public void onEpoch(History.Epoch e) {
                            called.add(e);
                        }
                    });
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(4, h.size());
        assertEquals(4, batches[0]);
        assertEquals(h.epochs(), called);
        assertEquals(List.of("mse", "l1"), h.termNames());
        History.Epoch first = h.epochs().get(0);
        assertEquals(1, first.number());
        assertEquals(mse, first.terms().get("mse"), 1e-4 * mse);
        assertEquals(l1, first.terms().get("l1"), 1e-4 * l1);
        assertEquals(mse + 0.1 * l1, first.trainLoss(), 1e-4 * first.trainLoss());
        for (History.Epoch e : h.epochs())
            assertEquals(e.terms().get("mse") + 0.1 * e.terms().get("l1"), e.trainLoss(), 1e-5 * e.trainLoss());
        // The last validation loss is the trained model's loss on the validation set.
        assertEquals(m.loss(val), h.validationLoss()[3], 1e-5 * m.loss(val));
        // The losses the run printed, one line per epoch.
        String printed = err.toString(StandardCharsets.UTF_8);
        Matcher lines = Pattern.compile("train m epoch (\\d)/4 train ([0-9.]+)").matcher(printed);
        int seen = 0;
        while (lines.find()) {
            int e = Integer.parseInt(lines.group(1));
            assertEquals(Double.parseDouble(lines.group(2)), h.trainLoss()[e - 1], 5e-6, printed);
            seen++;
        }
        assertEquals(4, seen, printed);
        // examples/s is over the epoch's 40 examples
        for (History.Epoch e : h.epochs()) assertEquals(40, e.examplesPerSecond() * e.seconds(), 1e-6);
        // A table with a row per epoch; a chart with the training and validation series; a PNG.
        String table = h.toString();
        assertTrue(table.startsWith("training history of m (4 epochs)"), table);
        assertTrue(table.contains(String.format(Locale.ROOT, "%.5f", h.trainLoss()[2])), table);
        assertEquals(2 + 4 + 1, table.split("\n").length, table);
        assertEquals(2, h.chart().getSeriesMap().size());
        assertTrue(h.chart().getSeriesMap().containsKey("validation"));
        var png = ImageIO.read(new java.io.ByteArrayInputStream(h.png()));
        assertEquals(640, png.getWidth());
        assertTrue(h.mimeBundle().containsKey("image/png"));
    }

    @Test
    void summaryIsATableNotAnEscapedString() {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        Ae4j.eval(MODEL.formatted("s"));
        Summary s = Ae4j.model("s").summary();
        String text = s.toString();
        String[] lines = text.split("\n");
        assertEquals("model s", lines[0]);
        assertTrue(lines[1].matches("part +layer +activation +parameters"), lines[1]);
        assertTrue(lines[2].matches("-+( +-+){3}"), lines[2]);
        // input, 2 encoder layers, 2 decoder layers; parameters computed here: in*out + out
        assertEquals(List.of("f", "dense 3 -> 4", "tanh", "16"), s.rows().get(1));
        assertEquals(List.of("g", "dense 4 -> 3", "identity", "15"), s.rows().get(4));
        assertTrue(text.endsWith(String.format(Locale.ROOT, "%,d parameters", 16 + 10 + 12 + 15)), text);
        assertTrue(s.mimeBundle().get("text/html").contains("<table>"));
    }
}
