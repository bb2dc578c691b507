package ae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CompareTableTest {

    private static CompareBench.SideResult side(double gemmsAlone, double... rates) {
        double[] notProbed = new double[rates.length];
        java.util.Arrays.fill(notProbed, Double.NaN);
        return new CompareBench.SideResult(rates, 1, 1, 1024, Map.of(), gemmsAlone, notProbed);
    }

    /** The columns (split at '|') of the first line the table prints for model mid. */
    private static String[] midLine(Consumer<PrintStream> table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String line = bytes.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith("mid "))
                .findFirst()
                .orElseThrow();
        return line.split("\\|");
    }

    @Test
    void speedTableGivesTheMedianRatioAndTheBestRunsRatio() {
        List<CompareBench.Row> rows = List.of(new CompareBench.Row("mid", false, 32, 1));
        List<CompareBench.SideResult[]> results = List.<CompareBench.SideResult[]>of(new CompareBench.SideResult[] {
            side(Double.NaN, 30_000, 45_000, 20_000), side(Double.NaN, 10_000, 12_000, 15_000), null
        });
        String[] cols = midLine(out -> CompareTable.print(out, rows, results, 200e9, 100));
        String all = String.join("|", cols);
        assertTrue(cols[1].contains("30000") && cols[1].contains("12000") && cols[1].contains("2.50x"), all);
        assertEquals("3.00x", cols[4].trim(), all); // the fastest runs: 45k / 15k
        assertEquals("-", cols[5].trim(), all); // one thread: no round trip probed
    }

    @Test
    void nearColumnTakesOnlyTheEpochsThatBeganWithTheProcessorsNear() {
        List<CompareBench.Row> rows = List.of(new CompareBench.Row("mid", false, 32, 2));
        // ae4j: 48k and 44k near, 22k apart (400 ns); PyTorch: 16k near, 11k and 12k apart
        CompareBench.SideResult a = new CompareBench.SideResult(
                new double[] {48_000, 22_000, 44_000}, 1, 1, 1024, Map.of(), 60_000, new double[] {90, 400, 120});
        CompareBench.SideResult p = new CompareBench.SideResult(
                new double[] {16_000, 11_000, 12_000}, 1, 1, 1024, Map.of(), Double.NaN, new double[] {100, 380, 350});
        String[] cols = midLine(out -> CompareTable.print(
                out, rows, List.<CompareBench.SideResult[]>of(new CompareBench.SideResult[] {a, p, null}), 200e9, 100));
        String all = String.join("|", cols);
        assertTrue(cols[1].contains("3.67x"), all); // the medians of all runs: 44k / 12k
        assertEquals("2.88x", cols[5].trim(), all); // near only: median(48k, 44k) = 46k over 16k
        // no epoch of PyTorch began near: no ratio
        CompareBench.SideResult pApart = new CompareBench.SideResult(
                new double[] {16_000, 11_000, 12_000}, 1, 1, 1024, Map.of(), Double.NaN, new double[] {300, 380, 350});
        assertEquals("-", CompareTable.nearRatio(a, pApart));
    }

    @Test
    void gemmsAloneTableGivesTheRatioAStepOfOnlyGemmsWouldReach() {
        List<CompareBench.Row> rows = List.of(new CompareBench.Row("mid", false, 128, 2));
        // ae4j: runs 50k/70k/60k (median 60k), GEMMs alone 80k; PyTorch median 40k
        List<CompareBench.SideResult[]> results = List.<CompareBench.SideResult[]>of(new CompareBench.SideResult[] {
            side(80_000, 50_000, 70_000, 60_000), side(Double.NaN, 40_000, 38_000, 41_000), null
        });
        String[] cols = midLine(out -> CompareTable.gemmsAlone(out, rows, results, 200e9));
        String all = String.join("|", cols);
        assertEquals(5, cols.length, all);
        assertTrue(cols[1].trim().startsWith("80000"), all);
        assertTrue(cols[2].trim().startsWith("60000"), all);
        assertEquals("75%", cols[3].trim(), all); // whole 60k / GEMMs 80k
        assertEquals("2.00x", cols[4].trim(), all); // GEMMs 80k / PyTorch's median 40k
    }
}
