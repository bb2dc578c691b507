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
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's models, its work counts and its encoder-only pass; no PyTorch needed. */
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
    void encoderOnlyPassGivesTheCompiledModelsCode() throws Exception {
        int batch = 5;
        CompiledModel m = CompareModels.compile("mid", batch, new ModelCompiler(cache), 3);
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[(batch + 2) * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        // rows 2..6 through the whole model, and through the encoder alone
        float[] rows = java.util.Arrays.copyOfRange(x, 2 * 784, (2 + batch) * 784);
        m.loss(rows, batch, 0, 0, false);
        float[] code =
                m.value(Lowering.lowerWithRoles(CompareModels.checked("mid")).code());
        float[] enc = new CompareModels.Encoder("mid", m, batch).encode(x, 2, batch);
        for (int i = 0; i < batch * 64; i++) assertEquals(code[i], enc[i], 1e-6f, "element " + i);
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
        CompareBench.Options quick = CompareBench.parse(new String[] {"--quick", "--models", "deep"});
        assertEquals(List.of("deep"), quick.models());
        assertEquals(1, quick.runs());
        assertEquals(10_000, quick.examples());
        assertThrows(IllegalArgumentException.class, () -> CompareBench.parse(new String[] {"--models", "vae"}));
        assertThrows(IllegalArgumentException.class, () -> CompareBench.parse(new String[] {"--batches", "0"}));
    }
}
