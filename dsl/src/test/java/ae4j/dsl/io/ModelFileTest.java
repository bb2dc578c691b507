package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ae4j.dsl.runtime.CompiledModel.ParamInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir
    Path dir;

    private static final String SOURCE = "model ae {\n  input x[6]\n  encoder f { dense 4 relu; dense 2 sigmoid }\n}\n";

    @Test
    void saveThenLoadIntoAFreshModel() throws IOException {
        FakeModel trained = FakeModel.small(3);
        Path file = dir.resolve("ae.safetensors");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("epochs", 10);
        config.put("optimizer", Map.of("name", "adam", "lr", 1e-3));
        ModelFile.save(file, trained, SOURCE, config, Map.of("val_loss", 0.125));

        FakeModel fresh = FakeModel.small(0);
        ModelFile.Saved saved = ModelFile.load(file, fresh);
        for (int i = 0; i < trained.params().length; i++) {
            assertArrayEquals(trained.params()[i], fresh.params()[i]);
        }
        assertEquals("ae", saved.modelName());
        assertEquals(SOURCE, saved.source());
        assertEquals(10L, saved.config().get("epochs"));
        assertEquals(Map.of("name", "adam", "lr", 1e-3), saved.config().get("optimizer"));
        assertEquals(Map.of("val_loss", 0.125), saved.metrics());
        assertEquals(
                List.of("f.0.weight", "f.0.bias", "f.1.weight", "f.1.bias", "g.0.weight", "g.0.bias"),
                List.copyOf(saved.tensors().keySet()));
        assertArrayEquals(new int[] {4, 6}, saved.tensors().get("f.0.weight").shape());
        assertArrayEquals(new int[] {4}, saved.tensors().get("f.0.bias").shape(), "a bias is [out], as PyTorch's");
        Map<String, String> meta = Safetensors.read(file).metadata();
        assertEquals("ae4j.model", meta.get("format"));
        assertEquals(
                "{\"epochs\":10,\"optimizer\":{\"name\":\"adam\",\"lr\":0.001}}".length(),
                meta.get("config").length());
    }

    /** Weights that are NaN or infinite (a diverged run saved elsewhere) are refused, the model left as it was. */
    @Test
    void nonFiniteWeightsAreRefusedOnLoad() throws IOException {
        FakeModel diverged = FakeModel.small(3);
        diverged.params()[1][2] = Float.NaN;
        Path file = dir.resolve("nan.safetensors");
        ModelFile.save(file, diverged, "", Map.of(), Map.of());
        FakeModel fresh = FakeModel.small(0);
        float[] before = fresh.params()[1].clone();
        ModelMismatchException e = org.junit.jupiter.api.Assertions.assertThrows(
                ModelMismatchException.class, () -> ModelFile.load(file, fresh));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(
                e.getMessage().contains(fresh.paramInfo().get(1).name() + " holds NaN at index 2"), e.getMessage());
        assertArrayEquals(before, fresh.params()[1]);
    }

    @Test
    void shapeMismatchSaysExactlyWhatDiffers() throws IOException {
        FakeModel big = new FakeModel(
                "ae",
                new ParamInfo("f.0.weight", 256, 784),
                new ParamInfo("f.0.bias", 1, 256),
                new ParamInfo("g.0.weight", 784, 256),
                new ParamInfo("old.extra", 1, 3));
        Path file = dir.resolve("big.safetensors");
        ModelFile.save(file, big, "", Map.of(), Map.of());
        FakeModel small = new FakeModel(
                "ae",
                new ParamInfo("f.0.weight", 128, 784),
                new ParamInfo("f.0.bias", 1, 128),
                new ParamInfo("g.0.weight", 784, 256),
                new ParamInfo("g.0.bias", 1, 784));
        small.params()[2][0] = 42f;
        ModelMismatchException e = assertThrows(ModelMismatchException.class, () -> ModelFile.load(file, small));
        assertEquals(
                List.of(
                        "f.0.weight: file has 256 x 784, model has 128 x 784",
                        "f.0.bias: file has 256, model has 128",
                        "missing from the file: g.0.bias (784)",
                        "in the file but not in the model: old.extra (1 x 3)"),
                e.differences());
        assertEquals(
                file + " does not fit model ae:\n  f.0.weight: file has 256 x 784, model has 128 x 784\n"
                        + "  f.0.bias: file has 256, model has 128\n  missing from the file: g.0.bias (784)\n"
                        + "  in the file but not in the model: old.extra (1 x 3)",
                e.getMessage());
        assertEquals(42f, small.params()[2][0], "nothing copied when anything differs");
    }

    /** Files written before biases became [out] hold them as [1, out]: they still load, values unchanged. */
    @Test
    void oldLayoutWithTwoDimensionalBiasesStillLoads() throws IOException {
        FakeModel m = new FakeModel("lin", new ParamInfo("f.0.weight", 2, 3), new ParamInfo("f.0.bias", 1, 2));
        Path file = dir.resolve("old.safetensors");
        Safetensors.write(
                file,
                List.of(
                        Safetensors.Tensor.of("f.0.weight", 2, 3, new float[] {1, 2, 3, 4, 5, 6}),
                        Safetensors.Tensor.of("f.0.bias", 1, 2, new float[] {7, 8})),
                Map.of("format", "ae4j.model", "format_version", "1"));
        ModelFile.load(file, m);
        assertArrayEquals(new float[] {7, 8}, m.params()[1]);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.params()[0]);
        // saved again, the bias takes the new layout and the values survive the round trip
        Path again = dir.resolve("new.safetensors");
        ModelFile.save(again, m, "", Map.of(), Map.of());
        assertArrayEquals(
                new int[] {2}, Safetensors.read(again).tensors().get("f.0.bias").shape());
        FakeModel back = new FakeModel("lin", new ParamInfo("f.0.weight", 2, 3), new ParamInfo("f.0.bias", 1, 2));
        ModelFile.load(again, back);
        assertArrayEquals(new float[] {7, 8}, back.params()[1]);
    }

    /** A weight with one output row stays 2-D [1, in]: only parameters named *.bias take the 1-D layout. */
    @Test
    void aOneRowWeightStaysTwoDimensional() throws IOException {
        FakeModel m = new FakeModel("lin", new ParamInfo("f.0.weight", 1, 3), new ParamInfo("f.0.bias", 1, 1));
        Path file = dir.resolve("one.safetensors");
        ModelFile.save(file, m, "", Map.of(), Map.of());
        var t = Safetensors.read(file).tensors();
        assertArrayEquals(new int[] {1, 3}, t.get("f.0.weight").shape());
        assertArrayEquals(new int[] {1}, t.get("f.0.bias").shape());
    }

    @Test
    void checkpointIsNotAModel() throws IOException {
        FakeModel m = FakeModel.small(1);
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.capture(m, "", "sgd", Map.of(), new Checkpoint.Progress(1, 1, 1, 0), Map.of(), Map.of())
                .write(file);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ModelFile.read(file));
        assertEquals(
                file + ": this is a ae4j.checkpoint file, not an ae4j model (load checkpoints with Checkpoint.read)",
                e.getMessage());
    }
}
