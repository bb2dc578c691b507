package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.runtime.CompiledModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static float[][] slot(FakeModel m, float base) {
        float[][] s = new float[m.params().length][];
        for (int i = 0; i < s.length; i++) {
            s[i] = new float[m.params()[i].length];
            for (int j = 0; j < s[i].length; j++) {
                s[i][j] = base + i + j * 1e-3f;
            }
        }
        return s;
    }

    @Test
    void roundTripRestoresParametersOptimizerStateAndProgress() throws IOException {
        FakeModel m = FakeModel.small(5);
        float[][] adamM = slot(m, 0.5f);
        float[][] adamV = slot(m, 2e-6f);
        Map<String, float[][]> slots = new LinkedHashMap<>();
        slots.put("m", adamM);
        slots.put("v", adamV);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("epochs", 10L);
        config.put("batch", 128L);
        config.put("optimizer", Map.of("name", "adam", "lr", 1e-3, "beta1", 0.9));
        Checkpoint written = Checkpoint.capture(
                m,
                "model ae {}",
                "adam",
                slots,
                new Checkpoint.Progress(4690, 10, 7, 123456789012L),
                config,
                Map.of("note", "after epoch 10"));
        Path file = dir.resolve("ckpt-000010.safetensors");
        written.write(file);

        Checkpoint back = Checkpoint.read(file);
        assertEquals("ae", back.modelName());
        assertEquals("model ae {}", back.source());
        assertEquals("adam", back.optimizer());
        assertEquals(new Checkpoint.Progress(4690, 10, 7, 123456789012L), back.progress());
        assertEquals(config, back.config());
        assertEquals(Map.of("note", "after epoch 10"), back.extra());
        assertEquals(written.params(), back.params());
        assertEquals(written.optimizerState(), back.optimizerState());
        assertEquals(List.of("m", "v"), List.copyOf(back.optimizerState().keySet()));

        List<String> names = List.copyOf(Safetensors.read(file).tensors().keySet());
        assertEquals("f.0.weight", names.getFirst());
        assertEquals("opt.m.f.0.weight", names.get(6));
        assertEquals("opt.v.g.0.bias", names.getLast());

        FakeModel fresh = FakeModel.small(0);
        back.restoreParams(file.toString(), fresh);
        for (int i = 0; i < m.params().length; i++) {
            assertArrayEquals(m.params()[i], fresh.params()[i]);
        }
        float[][] m2 = back.slotArrays("m", fresh);
        float[][] v2 = back.slotArrays("v", fresh);
        for (int i = 0; i < adamM.length; i++) {
            assertArrayEquals(adamM[i], m2[i]);
            assertArrayEquals(adamV[i], v2[i]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> back.slotArrays("s", fresh));
        assertEquals("the checkpoint has no optimizer slot \"s\" (it has [m, v])", e.getMessage());
    }

    @Test
    void parameterNamedLikeOptimizerStateStaysAParameter() throws IOException {
        FakeModel m = new FakeModel(
                "odd",
                new CompiledModel.ParamInfo("opt.0.weight", 2, 2),
                new CompiledModel.ParamInfo("opt.0.bias", 1, 2));
        m.fill(1);
        Path file = dir.resolve("odd.safetensors");
        Checkpoint.capture(
                        m, "", "adam", Map.of("m", slot(m, 3)), new Checkpoint.Progress(1, 1, 1, 1), Map.of(), Map.of())
                .write(file);
        Checkpoint back = Checkpoint.read(file);
        assertEquals(
                List.of("opt.0.weight", "opt.0.bias"), List.copyOf(back.params().keySet()));
        assertEquals(
                List.of("opt.0.weight", "opt.0.bias"),
                List.copyOf(back.optimizerState().get("m").keySet()));
        assertArrayEquals(slot(m, 3)[1], back.slotArrays("m", m)[1]);
    }

    /** The trainer's Optimizer keys its state "m.0", "v.0", ...; SGD-like slots may skip parameters. */
    @Test
    void indexedOptimizerStateRoundTrips() throws IOException {
        FakeModel m = FakeModel.small(2);
        Map<String, float[]> state = new LinkedHashMap<>();
        for (int i = 0; i < m.params().length; i++) {
            state.put("m." + i, slot(m, 1)[i]);
            if (i != 2) {
                state.put("v." + i, slot(m, 9)[i]);
            }
        }
        record Cfg(int epochs, String optimizer, Map<String, Object> optimizerArgs, String checkpoint) {}
        Map<String, Object> config = ae4j.dsl.io.Json.fromRecord(new Cfg(3, "adam", Map.of("lr", 0.01), null));
        Path file = dir.resolve("c.safetensors");
        Checkpoint.capture(
                        m,
                        "",
                        "adam",
                        Checkpoint.slotsFromIndexed(state, m.params().length),
                        new Checkpoint.Progress(30, 3, 1, 0),
                        config,
                        Map.of())
                .write(file);
        Checkpoint back = Checkpoint.read(file);
        Map<String, float[]> again = back.indexedState(m);
        assertEquals(state.size(), again.size());
        for (var e : state.entrySet()) {
            assertArrayEquals(e.getValue(), again.get(e.getKey()), e.getKey());
        }
        assertEquals(
                List.of("f.0.weight", "f.0.bias", "f.1.bias", "g.0.weight", "g.0.bias"),
                List.copyOf(back.optimizerState().get("v").keySet()));
        Map<String, Object> cfgBack = new LinkedHashMap<>();
        cfgBack.put("epochs", 3L);
        cfgBack.put("optimizer", "adam");
        cfgBack.put("optimizerArgs", Map.of("lr", 0.01));
        cfgBack.put("checkpoint", null);
        assertEquals(cfgBack, back.config());
        assertThrows(
                IllegalArgumentException.class, () -> Checkpoint.slotsFromIndexed(Map.of("m.99", new float[1]), 6));
    }

    @Test
    void modelFileIsNotACheckpoint() throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, FakeModel.small(1), "", Map.of(), Map.of());
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Checkpoint.read(file));
        assertEquals(
                file + ": not an ae4j checkpoint (metadata format is \"ae4j.model\", expected \"ae4j.checkpoint\")",
                e.getMessage());
    }

    @Test
    void slotNamesWithoutDots() {
        FakeModel m = FakeModel.small(1);
        assertThrows(
                IllegalArgumentException.class,
                () -> Checkpoint.capture(
                        m,
                        "",
                        "adam",
                        Map.of("m.x", slot(m, 0)),
                        new Checkpoint.Progress(0, 0, 0, 0),
                        Map.of(),
                        Map.of()));
    }

    private String refused(Checkpoint c) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        c.write(file);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private static Checkpoint adam(FakeModel m, float[][] first, Checkpoint.Progress progress) {
        return Checkpoint.capture(m, "", "adam", Map.of("m", first, "v", slot(m, 1e-3f)), progress, Map.of(), Map.of());
    }

    /**
     * Found by FileFormatFuzzTest: a checkpoint that reads must be one a training can resume from; before,
     * these read and the trainer failed later (Optimizer.restore's IllegalArgumentException, a NaN loss).
     */
    @Test
    void checkpointsThatCannotBeResumedAreRefusedOnRead() throws IOException {
        FakeModel m = FakeModel.small(2);
        Checkpoint.Progress ok = new Checkpoint.Progress(10, 1, 7, 10);
        float[][] nan = slot(m, 0.5f);
        nan[2][3] = Float.NaN;
        assertTrue(refused(adam(m, nan, ok)).contains("tensor \"opt.m.f.1.weight\" holds NaN at index 3"));
        String neg = refused(adam(m, slot(m, 0.5f), new Checkpoint.Progress(-1, 1, 7, 10)));
        assertTrue(neg.contains("checkpoint metadata \"step\" is -1"), neg);
        String epoch = refused(adam(m, slot(m, 0.5f), new Checkpoint.Progress(10, -3, 7, 10)));
        assertTrue(epoch.contains("\"epoch\" is -3"), epoch);
        // An optimizer tensor not shaped like its parameter (f.0.weight is 4 x 6).
        Checkpoint good = adam(m, slot(m, 0.5f), ok);
        Map<String, SequencedMap<String, Safetensors.Tensor>> state = new LinkedHashMap<>();
        SequencedMap<String, Safetensors.Tensor> first =
                new LinkedHashMap<>(good.optimizerState().get("m"));
        first.put("f.0.weight", Safetensors.Tensor.of("f.0.weight", 2, 3, new float[6]));
        state.put("m", first);
        Checkpoint bent =
                new Checkpoint("ae", "", good.params(), "adam", new LinkedHashMap<>(state), ok, Map.of(), Map.of());
        String shape = refused(bent);
        assertTrue(shape.contains("optimizer tensor \"opt.m.f.0.weight\" is 2 x 3 but its parameter is 4 x 6"), shape);
    }
}
