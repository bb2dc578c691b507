package ae4j.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.Builtins;
import ae4j.dsl.check.CheckedProgram;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.ir.Graph;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Defaults live in one place, the built-ins registry: a train statement with no options, the Java API's
 * {@link TrainConfig#defaults()}, an optimizer or schedule built from Java, and a free code without options all
 * get the values the registry (and so the language reference) states.
 */
class DefaultsTest {

    private static CheckedProgram check(String source) {
        FrontEnd.Result r = FrontEnd.check("d.ae", source);
        assertTrue(r.ok(), r.diagnostics().render());
        return r.checked();
    }

    @Test
    void aTrainStatementWithoutOptionsIsTheJavaDefault() {
        CheckedProgram p = check("""
                data d = gaussian_mixture(k: 2, dim: 3, n: 50)
                model m { input x[3]  encoder f { dense 2 tanh }  decoder g { dense 3 }  minimize mse(x, g(f(x))) }
                train m on d { }
                """);
        var train = (CheckedProgram.Step.Train) p.steps().get(0);
        assertEquals(TrainConfig.defaults(), TrainConfig.from(train.options()));
        assertEquals(10, TrainConfig.defaults().epochs());
        assertEquals(128, TrainConfig.defaults().batch());
        assertEquals("adam", TrainConfig.defaults().optimizer());
        assertEquals(1e-3, ((Number) TrainConfig.defaults().optimizerArgs().get("lr")).doubleValue());
    }

    @Test
    void optimizersFromJavaTakeTheRegistrysDefaults() {
        float[][] params = {new float[3]};
        for (String name : Builtins.names(Builtins.Kind.OPTIMIZER)) {
            double registry = ((Number) Builtins.withDefaults(Builtins.Kind.OPTIMIZER, name, Map.of())
                            .get("lr"))
                    .doubleValue();
            assertEquals(registry, Optimizer.of(name, Map.of(), params).baseLearningRate(), name);
        }
        assertEquals(0.01, Optimizer.of("sgd", Map.of(), params).baseLearningRate());
    }

    @Test
    void aFreeCodeWithoutOptionsTakesTheRegistrysSteps() {
        CheckedProgram p = check("""
                data d = gaussian_mixture(k: 2, dim: 4, n: 50)
                model psd {
                  input x[4]
                  encoder f { dense 3 tanh }
                  decoder g { dense 4 }
                  free code h { }
                  minimize mse(x, g(h)) + mse(h, f(x))
                }
                train psd on d { epochs: 1 }
                """);
        Graph.FreeCode fc = Lowering.lower(p.model("psd")).freeCode();
        Map<String, Object> registry = Builtins.defaultOptions(Builtins.Kind.FREE_CODE_OPTION);
        assertEquals(((Number) registry.get("steps")).intValue(), fc.steps());
        assertEquals(((Number) registry.get("lr")).doubleValue(), fc.lr());
    }
}
