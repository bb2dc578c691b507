package ae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareTableTest {

    @Test
    void speedTableGivesTheMedianRatioAndTheBestRunsRatio() {
        CompareBench.Row row = new CompareBench.Row("mid", false, 32, 1);
        CompareBench.SideResult ae =
                new CompareBench.SideResult(new double[] {30_000, 45_000, 20_000}, 1, 1, 1024, Map.of(), Double.NaN);
        CompareBench.SideResult torch =
                new CompareBench.SideResult(new double[] {10_000, 12_000, 15_000}, 1, 1, 1024, Map.of(), Double.NaN);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CompareTable.print(
                out,
                List.of(row),
                List.<CompareBench.SideResult[]>of(new CompareBench.SideResult[] {ae, torch, null}),
                200e9,
                100);
        String line = bytes.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith("mid "))
                .findFirst()
                .orElseThrow();
        String[] cols = line.split("\\|");
        assertTrue(cols[1].contains("30000") && cols[1].contains("12000") && cols[1].contains("2.50x"), line);
        assertEquals("3.00x", cols[4].trim(), line); // 45k / 15k
    }

    @Test
    void gemmsAloneTableGivesTheRatioAStepOfOnlyGemmsWouldReach() {
        CompareBench.Row row = new CompareBench.Row("mid", false, 128, 2);
        // ae4j: runs 50k/60k/70k (median 60k), GEMMs alone 80k; PyTorch median 40k
        CompareBench.SideResult ae =
                new CompareBench.SideResult(new double[] {50_000, 70_000, 60_000}, 1, 1, 1024, Map.of(), 80_000);
        CompareBench.SideResult torch =
                new CompareBench.SideResult(new double[] {40_000, 38_000, 41_000}, 1, 1, 1024, Map.of(), Double.NaN);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CompareTable.gemmsAlone(
                out,
                List.of(row),
                List.<CompareBench.SideResult[]>of(new CompareBench.SideResult[] {ae, torch, null}),
                200e9);
        String line = bytes.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith("mid "))
                .findFirst()
                .orElseThrow();
        String[] cols = line.split("\\|");
        assertEquals(5, cols.length, line);
        assertTrue(cols[1].trim().startsWith("80000"), line);
        assertTrue(cols[2].trim().startsWith("60000"), line);
        assertEquals("75%", cols[3].trim(), line); // whole 60k / GEMMs 80k
        assertEquals("2.00x", cols[4].trim(), line); // GEMMs 80k / torch's median 40k
    }
}
