package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.format.Examples;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.BatchSplit;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Parallel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code encode} (activations fused into the GEMMs, weights packed once, rows split) leaves the code
 * that {@code forwardTo} leaves, bit for bit, for every model of the example programs, batches of 1, 7, 40 and 300
 * rows, on one thread and on two; and every node before the code but the fused pre-activations as well.
 */
class EncodeTest {

    private static final int MAX_BATCH = 300;

    @Test
    void encodeGivesForwardTosValuesBitForBit() {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Lowering.Lowered> lowered = new LinkedHashMap<>();
        List<Path> files = Examples.files();
        assertFalse(files.isEmpty());
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            FrontEnd.Result r = FrontEnd.check(f.toString(), Examples.read(f));
            assertTrue(r.ok(), r.diagnostics().render());
            String pkg = "ae4j.generated.encode.e" + i;
            for (CheckedModel m : r.checked().models()) {
                Lowering.Lowered l = Lowering.lowerWithRoles(m);
                if (l.code() < 0) continue;
                String cls = pkg + "." + JavaEmitter.classNameFor(l.graph());
                sources.put(cls, JavaEmitter.emit(l.graph(), pkg));
                lowered.put(cls, l);
            }
        }
        Map<String, Class<?>> classes = InMemoryCompiler.compileAll(sources);
        int threadsBefore = Parallel.threads();
        int fusedSeen = 0;
        try {
            SplittableRandom rnd = new SplittableRandom(19);
            for (var e : classes.entrySet()) {
                Lowering.Lowered l = lowered.get(e.getKey());
                Graph g = l.graph();
                String what = g.name() + " (" + e.getKey() + ")";
                CompiledModel m = instantiate(e.getValue(), what);
                randomWeights(m, rnd);
                float[] x = new float[MAX_BATCH * m.inputWidth()];
                for (int j = 0; j < x.length; j++) x[j] = (float) rnd.nextDouble();
                boolean[] fused = EncodeEmitter.fusedLayers(g);
                for (int id = 0; id <= l.code(); id++) if (fused[id]) fusedSeen++;
                for (int batch : new int[] {1, 7, 40, 72, MAX_BATCH}) {
                    for (int threads = 1; threads <= 2; threads++) {
                        Parallel.setThreads(threads);
                        String at = what + ", batch " + batch + ", " + threads + " thread(s)";
                        check(m, g, x, batch, l.code(), fused, at);
                        // a pre-activation asked for itself, and the whole model
                        for (int id = 0; id < l.code(); id++) {
                            if (fused[id]) check(m, g, x, batch, id, fused, at);
                        }
                        if (l.reconstruction() >= 0) check(m, g, x, batch, l.reconstruction(), fused, at);
                    }
                }
                if (BatchSplit.parts(72) < 2) throw new AssertionError("a batch of 72 is not split");
            }
        } finally {
            Parallel.setThreads(threadsBefore);
        }
        assertTrue(classes.size() >= files.size(), "models: " + classes.keySet());
        assertTrue(fusedSeen > classes.size(), "only " + fusedSeen + " fused layers in " + classes.size() + " models");
    }

    /** encode(x, batch, to) against forwardTo(x, batch, to): node to and the unfused nodes before it. */
    private static void check(CompiledModel m, Graph g, float[] x, int batch, int to, boolean[] fused, String at) {
        m.forwardTo(x, batch, to);
        int[][] expected = new int[to + 1][];
        for (int id = 0; id <= to; id++) {
            expected[id] = bits(m.value(id), batch * g.width(id));
            Arrays.fill(m.value(id), Float.NaN);
        }
        m.encode(x, batch, to);
        for (int id = 0; id <= to; id++) {
            if (id < to && fused[id]) continue; // a fused pre-activation: not written
            if (id == 0 && to > 0 && Float.isNaN(m.value(0)[0])) continue; // the input read in place
            assertArrayEquals(
                    expected[id],
                    bits(m.value(id), batch * g.width(id)),
                    at + ": node " + id + " after encode(" + to + ")");
        }
        // the same rows further down a larger array, read where they are
        int d = g.width(0);
        float[] shifted = new float[(batch + 5) * d];
        System.arraycopy(x, 0, shifted, 3 * d, batch * d);
        Arrays.fill(m.value(to), Float.NaN);
        m.encode(shifted, 3, batch, to);
        assertArrayEquals(
                expected[to], bits(m.value(to), batch * g.width(to)), at + ": node " + to + " of rows from offset 3");
    }

    private static int[] bits(float[] v, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    private static CompiledModel instantiate(Class<?> c, String what) {
        try {
            return (CompiledModel) c.getConstructor(int.class).newInstance(MAX_BATCH);
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(what, ex);
        }
    }

    /** Uniform weights in [-1, 1) / sqrt(fan-in): pre-activations of order one, so every activation bends. */
    private static void randomWeights(CompiledModel m, SplittableRandom rnd) {
        for (int i = 0; i < m.params().length; i++) {
            float[] p = m.params()[i];
            int fanIn = Math.max(1, m.paramInfo().get(i).cols());
            float scale = (float) (1 / Math.sqrt(fanIn));
            for (int j = 0; j < p.length; j++) p[j] = (float) (2 * rnd.nextDouble() - 1) * scale;
        }
    }
}
