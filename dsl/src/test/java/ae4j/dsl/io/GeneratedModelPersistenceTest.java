package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Activation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files and checkpoints with a real generated model class (javac in memory). */
class GeneratedModelPersistenceTest {

    @TempDir
    Path dir;

    private static CompiledModel instantiate(Graph g) throws ReflectiveOperationException {
        return ModelBuilder.generated().instantiate(g, 4, 0);
    }

    @Test
    void savedWeightsGiveTheSameLossInAFreshInstance() throws Exception {
        // input 5 -> f.0 dense 3 sigmoid -> g.0 dense 5 sigmoid, mse
        Graph g = new Graph(
                "tiny",
                List.of(
                        new Param("f.0.weight", 3, 5),
                        new Param("f.0.bias", 1, 3),
                        new Param("g.0.weight", 5, 3),
                        new Param("g.0.bias", 1, 5)),
                List.of(
                        new Input(0, 5),
                        new Dense(1, 0, 0, 1, false, 3),
                        new Activate(2, 1, Activation.SIGMOID, 3),
                        new Dense(3, 2, 2, 3, false, 5),
                        new Activate(4, 3, Activation.SIGMOID, 5)),
                List.of(new Mse(1, 0, 4)));
        CompiledModel a = instantiate(g);
        SplittableRandom r = new SplittableRandom(11);
        for (float[] p : a.params()) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) r.nextGaussian();
            }
        }
        float[] x = new float[4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        double loss = a.loss(x, 4, 1, 0, false);

        Path file = dir.resolve("tiny.safetensors");
        ModelFile.save(file, a, "model tiny { }", Map.of("epochs", 1), Map.of("loss", loss));
        CompiledModel b = instantiate(g);
        assertNotEquals(loss, b.loss(x, 4, 1, 0, false));
        ModelFile.load(file, b);
        assertEquals(loss, b.loss(x, 4, 1, 0, false));
        assertEquals(
                List.of("f.0.weight", "f.0.bias", "g.0.weight", "g.0.bias"),
                List.copyOf(Safetensors.read(file).tensors().keySet()));

        Path ckpt = dir.resolve("tiny-ckpt.safetensors");
        a.forwardBackward(x, 4, 1, 0);
        Checkpoint.capture(
                        a, "", "sgd", Map.of("g", a.grads()), new Checkpoint.Progress(1, 0, 1, 0), Map.of(), Map.of())
                .write(ckpt);
        CompiledModel c = instantiate(g);
        Checkpoint back = Checkpoint.read(ckpt);
        back.restoreParams(ckpt.toString(), c);
        assertEquals(loss, c.loss(x, 4, 1, 0, false));
        float[][] grads = back.slotArrays("g", c);
        for (int i = 0; i < grads.length; i++) {
            assertArrayEquals(a.grads()[i], grads[i]);
        }
    }
}
