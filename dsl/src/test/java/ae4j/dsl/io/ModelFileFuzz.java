package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Model files written by {@link ModelFile#save}, loaded into a model of the same shapes as {@code load}
 * statements do. A load either fills the model with finite weights, or fails with a
 * {@link SafetensorsException} (a {@link ModelMismatchException} when the tensors do not fit) and leaves
 * the model as it was.
 */
final class ModelFileFuzz implements FuzzedFormat {

    static final String SOURCE =
            "model ae {\n  input x[6]\n  encoder f { dense 4 relu; dense 2 }\n  decoder g { dense 6 }\n}\n";

    private final Path file;
    private final byte[][] seeds = new byte[3][];

    ModelFileFuzz(Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("model"));
        this.file = sub.resolve("ae.safetensors");
        for (int k = 0; k < seeds.length; k++) {
            Path seed = sub.resolve("seed" + k + ".safetensors");
            ModelFile.save(
                    seed,
                    FakeModel.small(k + 1),
                    SOURCE,
                    Map.of("epochs", 10L, "optimizer", "adam"),
                    Map.of("train_loss", 0.25 / (k + 1)));
            seeds[k] = Files.readAllBytes(seed);
        }
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public Case mutated(FileMutator m) throws IOException {
        byte[] bytes = SafetensorsMutation.mutate(m, seeds[m.random().nextInt(seeds.length)]);
        Files.write(file, bytes);
        return new Case(file, bytes, this::load);
    }

    private String load() throws IOException {
        FakeModel model = FakeModel.small(0);
        List<float[]> before = model.copyParams();
        try {
            ModelFile.Saved saved = ModelFile.load(file, model);
            for (float[] p : model.params()) {
                for (float v : p) assertTrue(Float.isFinite(v), "loaded weight " + v);
            }
            assertEquals(List.of(), ModelFile.differences(saved.tensors(), model));
            return saved.tensors().size() + " tensors";
        } catch (SafetensorsException e) {
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), model.params()[i], "a failed load changed the model");
            }
            throw e;
        }
    }

    @Override
    public void checkSeeds() throws Exception {
        for (int k = 0; k < seeds.length; k++) {
            Files.write(file, seeds[k]);
            FakeModel model = FakeModel.small(0);
            ModelFile.load(file, model);
            List<float[]> want = FakeModel.small(k + 1).copyParams();
            for (int i = 0; i < want.size(); i++) assertArrayEquals(want.get(i), model.params()[i]);
        }
    }

    @Override
    public boolean isUserError(Throwable t) {
        return t instanceof SafetensorsException;
    }
}
