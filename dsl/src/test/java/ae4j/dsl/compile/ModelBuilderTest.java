package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import org.junit.jupiter.api.Test;

/** The one path from a checked model to a ready model: the same seed gives the same model; what cannot fit is refused. */
class ModelBuilderTest {

    private static CheckedModel model(int width) {
        FrontEnd.Result r = FrontEnd.check(
                "m.ae",
                "model m { input x[" + width + "]  encoder f { dense 8 relu }  decoder g { dense " + width
                        + " sigmoid }  minimize mse(x, g(f(x))) }\n");
        assertTrue(r.ok(), r.diagnostics().render());
        return r.checked().model("m");
    }

    @Test
    void theSameSeedBuildsTheSameWeights() {
        ModelBuilder b = ModelBuilder.generated();
        CompiledModel one = b.build(model(12), 16, 5).model();
        CompiledModel two = b.build(model(12), 16, 5).model();
        for (int i = 0; i < one.params().length; i++) assertArrayEquals(one.params()[i], two.params()[i]);
        assertTrue(ModelBuilder.rowsFor(32) == ModelBuilder.MIN_ROWS && ModelBuilder.rowsFor(1000) == 1000);
    }

    @Test
    void aModelThatCannotFitIsRefusedWithWhatItNeeds() {
        Graph g = Lowering.lower(model(784));
        var memory = assertThrows(ModelBuilder.TooLargeException.class, () -> ModelBuilder.checkFits(g, 2_000_000));
        assertTrue(
                memory.getMessage().contains("needs about")
                        && memory.getMessage().contains("smaller batch"),
                memory.getMessage());
        var array = assertThrows(ModelBuilder.TooLargeException.class, () -> ModelBuilder.checkFits(g, 3_000_000));
        assertTrue(array.getMessage().contains("more than one Java array can hold"), array.getMessage());
    }
}
