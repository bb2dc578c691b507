package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.InMemoryCompiler;
import ae4j.dsl.compile.JavaEmitter;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import java.util.Map;
import java.util.SplittableRandom;

/** A model written in the language, checked, lowered with its roles, compiled in memory and initialised (test helper). */
record Built(CheckedModel checked, Lowering.Lowered ir, CompiledModel model) {

    private static int counter;

    static synchronized Built of(String source, String modelName, int maxBatch, long seed) {
        FrontEnd.Result r = FrontEnd.check("test.ae", source);
        if (!r.ok()) throw new AssertionError(r.diagnostics().render());
        CheckedModel cm = r.checked().model(modelName);
        Lowering.Lowered ir = Lowering.lowerWithRoles(cm);
        Graph g = ir.graph();
        Graph named = new Graph(g.name() + "_a" + (counter++), g.params(), g.nodes(), g.objective());
        try {
            CompiledModel m = (CompiledModel) InMemoryCompiler.compile("ae4j.generated.analysis." + JavaEmitter.classNameFor(named),
                    JavaEmitter.emit(named, "ae4j.generated.analysis")).getConstructor(int.class).newInstance(maxBatch);
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < m.params().length; i++) {
                var info = m.paramInfo().get(i);
                double scale = info.rows() == 1 ? 0 : Math.sqrt(2.0 / (info.rows() + info.cols()));
                float[] p = m.params()[i];
                for (int j = 0; j < p.length; j++) p[j] = (float) (rnd.nextGaussian() * scale);
            }
            return new Built(cm, ir, m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    Built train(float[] x, int n, int d, int epochs, int batch, double lr, long seed) {
        new Trainer(model, TrainConfig.defaults().withEpochs(epochs).withBatch(batch).withOptimizer("adam", Map.of("lr", lr))
                .withSchedule("cosine", Map.of("min", lr / 20)).withSeed(seed), null).train(x, n, d);
        return this;
    }
}
