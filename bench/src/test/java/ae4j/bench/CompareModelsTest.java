package ae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.check.LayerKind;
import ae4j.dsl.check.Nonlinearity;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Parallel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's models, its work counts, its encode-only pass and its GEMMs-alone step; no PyTorch needed. */
class CompareModelsTest {

    @TempDir
    Path cache;

    @Test
    void everyModelChecksAndCountsItsGemmWork() {
        for (String m : CompareModels.NAMES) assertTrue(CompareModels.trainFlopsPerExample(m) > 0, m);
        double mid = 4.0 * 784 * 256 + 6.0 * (256 * 64 + 64 * 256 + 256 * 784);
        assertEquals(mid, CompareModels.trainFlopsPerExample("mid"));
        assertEquals(mid, CompareModels.trainFlopsPerExample("dae"));
        assertEquals(2.0 * (784 * 256 + 256 * 64), CompareModels.encodeFlopsPerExample("mid"));
        // The tied CAE applies W and W^T: forward twice, weight gradient twice, one input gradient.
        assertEquals(
                List.of(
                        new LayerInfo(LayerKind.DENSE, 784, 512, Nonlinearity.SIGMOID),
                        new LayerInfo(LayerKind.DENSE, 512, 784, Nonlinearity.SIGMOID)),
                CompareModels.layers("cae"));
        assertEquals(10.0 * 784 * 512, CompareModels.trainFlopsPerExample("cae"));
        assertEquals(8, CompareModels.layers("deep").size());
    }

    @Test
    void encodeOnlyPassGivesTheCompiledModelsCodeBitForBit() throws Exception {
        int c = Lowering.lowerWithRoles(CompareModels.checked("mid")).code();
        SplittableRandom r = new SplittableRandom(9);
        int threadsBefore = Parallel.threads();
        try {
            for (int batch : new int[] {5, 300}) {
                CompiledModel m = CompareModels.compile("mid", batch, new ModelCompiler(cache), 3);
                float[] x = new float[batch * 784];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
                m.loss(x, batch, 0, 0, false);
                float[] code = Arrays.copyOf(m.value(c), batch * 64);
                for (int t = 1; t <= 2; t++) {
                    Parallel.setThreads(t);
                    Arrays.fill(m.value(c), Float.NaN);
                    m.encode(x, batch, c); // what the worker's encode mode runs
                    for (int i = 0; i < batch * 64; i++) {
                        assertEquals(
                                Float.floatToRawIntBits(code[i]),
                                Float.floatToRawIntBits(m.value(c)[i]),
                                "batch " + batch + ", " + t + " thread(s), element " + i);
                    }
                }
            }
        } finally {
            Parallel.setThreads(threadsBefore);
        }
    }

    @Test
    void stepGemmsCountTheModelsWork() {
        for (String name : CompareModels.NAMES) {
            StepGemms g = CompareModels.stepGemms(name, 40);
            assertEquals(40 * CompareModels.trainFlopsPerExample(name), g.flops(), name);
            assertTrue(Double.isFinite(g.run()), name);
        }
    }

    @Test
    void optionsHaveTheIssuesDefaultsAndRefuseUnknownModels() {
        CompareBench.Options full = CompareBench.parse(new String[0]);
        assertEquals(CompareModels.NAMES, full.models());
        assertEquals(List.of(32, 128), full.batches());
        assertEquals(3, full.runs());
        assertTrue(full.encode());
        int rowsPerThreadCount = 4 * 2 + 1;
        assertEquals(
                rowsPerThreadCount * full.threads().size(),
                CompareBench.rows(full).size());
        // Each model and batch's thread counts are measured together (their workers' runs interleaved).
        List<List<CompareBench.Row>> groups = CompareBench.groups(CompareBench.rows(full));
        assertEquals(rowsPerThreadCount, groups.size());
        for (List<CompareBench.Row> g : groups) {
            assertEquals(
                    full.threads(), g.stream().map(CompareBench.Row::threads).toList());
            assertEquals(
                    1,
                    g.stream()
                            .map(r -> r.model() + r.encode() + r.batch())
                            .distinct()
                            .count());
        }
        CompareBench.Options quick = CompareBench.parse(new String[] {"--quick", "--models", "deep"});
        assertEquals(List.of("deep"), quick.models());
        assertEquals(1, quick.runs());
        assertEquals(10_000, quick.examples());
        assertThrows(IllegalArgumentException.class, () -> CompareBench.parse(new String[] {"--models", "vae"}));
        assertThrows(IllegalArgumentException.class, () -> CompareBench.parse(new String[] {"--batches", "0"}));
    }

    @Test
    void everyWorkerRunsOncePerRunEverySideOfARowLeadsInTurnAndTheRowsWithMoreThreadsGoFirst() {
        for (int[] sides : new int[][] {{2, 2}, {3, 3}, {2}, {3, 2, 3}}) {
            int runs = 6;
            java.util.Set<String> leads = new java.util.HashSet<>();
            java.util.Set<String> followers = new java.util.HashSet<>();
            for (int r = 0; r < runs; r++) {
                List<int[]> order = CompareBench.turns(sides, r);
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int[] t : order) assertTrue(seen.add(t[0] + "/" + t[1]), "twice in run " + r);
                assertEquals(java.util.Arrays.stream(sides).sum(), seen.size(), "every worker in run " + r);
                for (int i = 0; i < sides.length; i++) {
                    int row = i;
                    int[] first =
                            order.stream().filter(t -> t[0] == row).findFirst().orElseThrow();
                    leads.add(row + "/" + first[1]);
                }
                for (int k = 1; k < order.size(); k++) {
                    int[] before = order.get(k - 1), turn = order.get(k);
                    followers.add(before[0] + "/" + before[1] + ">" + turn[0] + "/" + turn[1]);
                    // the rows with more threads (later rows) go first: no turn follows one of a row with fewer
                    assertTrue(before[0] >= turn[0], "run " + r + " turn " + k);
                }
            }
            // within `sides[i]` runs each of row i's sides has gone first once
            for (int i = 0; i < sides.length; i++)
                for (int s = 0; s < sides[i]; s++) assertTrue(leads.contains(i + "/" + s), "row " + i + " side " + s);
            // the worker that follows another is not always the same one
            if (java.util.Arrays.stream(sides).sum() > 2)
                assertTrue(followers.size() > java.util.Arrays.stream(sides).sum() - 1, followers.toString());
        }
    }
}
