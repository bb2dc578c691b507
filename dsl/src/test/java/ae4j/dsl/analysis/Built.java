package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import java.util.Map;

/** A model written in the language, built as ae4j run builds it (checked, lowered, compiled, initialised): test helper. */
record Built(CheckedModel checked, Lowering.Lowered ir, CompiledModel model) {

    static Built of(String source, String modelName, int maxBatch, long seed) {
        FrontEnd.Result r = FrontEnd.check("test.ae", source);
        if (!r.ok()) throw new AssertionError(r.diagnostics().render());
        BuiltModel b = ModelBuilder.generated().build(r.checked().model(modelName), maxBatch, seed);
        return new Built(b.checked(), b.ir(), b.model());
    }

    Built train(float[] x, int n, int d, int epochs, int batch, double lr, long seed) {
        new Trainer(
                        model,
                        TrainConfig.defaults()
                                .withEpochs(epochs)
                                .withBatch(batch)
                                .withOptimizer("adam", Map.of("lr", lr))
                                .withSchedule("cosine", Map.of("min", lr / 20))
                                .withSeed(seed),
                        null)
                .train(x, n, d);
        return this;
    }
}
