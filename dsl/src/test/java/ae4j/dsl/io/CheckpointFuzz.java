package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checkpoints written by {@link Checkpoint#write} (parameters, Adam's two slots, progress, config, extra),
 * read as {@code ae4j run --resume} does. A read checkpoint must be usable: progress not negative, every
 * tensor finite, every optimizer tensor shaped like its parameter; restoring it into a model of the same
 * shapes either works or is a {@link ModelMismatchException}.
 */
final class CheckpointFuzz implements FuzzedFormat {

    private final Path file;
    private final byte[][] seeds = new byte[2][];
    private final Checkpoint[] written = new Checkpoint[2];

    CheckpointFuzz(Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("checkpoint"));
        this.file = sub.resolve("ckpt-000003.safetensors");
        for (int k = 0; k < seeds.length; k++) {
            FakeModel m = FakeModel.small(k + 1);
            Map<String, float[][]> slots = new LinkedHashMap<>();
            slots.put("m", scaled(m.params(), 0.1f));
            slots.put("v", scaled(m.params(), 0.01f));
            written[k] = Checkpoint.capture(
                    m,
                    ModelFileFuzz.SOURCE,
                    "adam",
                    slots,
                    new Checkpoint.Progress(30L * (k + 1), 3, 42, 30L * (k + 1)),
                    Map.of("batch", 32L, "optimizer", "adam"),
                    Map.of("train_loss", "[0.5,0.25,0.125]", "best_loss", "0.125"));
            Path seed = sub.resolve("seed" + k + ".safetensors");
            written[k].write(seed);
            seeds[k] = Files.readAllBytes(seed);
        }
    }

    private static float[][] scaled(float[][] params, float f) {
        float[][] out = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            out[i] = params[i].clone();
            for (int j = 0; j < out[i].length; j++) out[i][j] *= f;
        }
        return out;
    }

    @Override
    public String name() {
        return "checkpoint";
    }

    @Override
    public Case mutated(FileMutator m) throws IOException {
        byte[] bytes = SafetensorsMutation.mutate(m, seeds[m.random().nextInt(seeds.length)]);
        Files.write(file, bytes);
        return new Case(file, bytes, this::resume);
    }

    private String resume() throws IOException {
        Checkpoint cp = Checkpoint.read(file);
        Checkpoint.Progress p = cp.progress();
        assertTrue(p.step() >= 0 && p.epoch() >= 0 && p.rngPosition() >= 0, "progress " + p);
        for (Safetensors.Tensor t : cp.params().values()) finite(t);
        for (var slot : cp.optimizerState().entrySet()) {
            for (Safetensors.Tensor t : slot.getValue().values()) {
                finite(t);
                assertArrayEquals(
                        cp.params().get(t.name()).shape(),
                        t.shape(),
                        "optimizer slot " + slot.getKey() + " of " + t.name() + " is not shaped like the parameter");
            }
        }
        FakeModel model = FakeModel.small(0);
        cp.restoreParams(file.toString(), model);
        Map<String, float[]> state = cp.indexedState(model);
        for (var e : state.entrySet()) {
            int i = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('.') + 1));
            assertEquals(model.params()[i].length, e.getValue().length, e.getKey());
        }
        return cp.params().size() + " parameters, " + state.size() + " optimizer arrays, step " + p.step();
    }

    private static void finite(Safetensors.Tensor t) {
        for (float v : t.data()) assertTrue(Float.isFinite(v), t.name() + " holds " + v);
    }

    @Override
    public void checkSeeds() throws Exception {
        for (int k = 0; k < seeds.length; k++) {
            Files.write(file, seeds[k]);
            Checkpoint back = Checkpoint.read(file);
            assertEquals(written[k].progress(), back.progress());
            assertEquals(written[k].params(), back.params());
            assertEquals(written[k].optimizerState(), back.optimizerState());
        }
    }

    @Override
    public boolean isUserError(Throwable t) {
        return t instanceof SafetensorsException;
    }
}
