package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.format.Examples;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every model of every example program lowers, emits, compiles (all in one javac task) and runs a
 * training step on random data with a finite loss and finite gradients.
 */
class ExamplesCompileTest {

    @Test
    void everyExampleModelCompilesAndRunsATrainingStep() {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        List<Path> files = Examples.files();
        assertFalse(files.isEmpty());
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            String text = Examples.read(f);
            FrontEnd.Result r = FrontEnd.check(f.toString(), text);
            assertTrue(r.ok(), r.diagnostics().render());
            if (text.contains("model ")) assertFalse(r.checked().models().isEmpty(), f + " declares a model");
            String pkg = "ae4j.generated.examples.e" + i;
            for (CheckedModel m : r.checked().models()) {
                Graph g = Lowering.lower(m);
                String src = JavaEmitter.emit(g, pkg);
                assertTrue(src.contains("// line "), f + ": no DSL line comments in\n" + src);
                String cls = pkg + "." + JavaEmitter.classNameFor(g);
                sources.put(cls, src);
                origin.put(cls, f.getFileName() + " model " + m.name());
            }
        }
        Map<String, Class<?>> classes = InMemoryCompiler.compileAll(sources);
        SplittableRandom rnd = new SplittableRandom(3);
        List<String> ran = new ArrayList<>();
        for (var e : classes.entrySet()) {
            String what = origin.get(e.getKey());
            CompiledModel m;
            try {
                m = (CompiledModel) e.getValue().getConstructor(int.class).newInstance(1);
            } catch (ReflectiveOperationException ex) {
                throw new AssertionError(what, ex);
            }
            float[][] p = m.params();
            long state = rnd.nextLong();
            for (float[] t : p) {
                for (int j = 0; j < t.length; j++) { // small uniform weights in [-0.05, 0.05) (cheap: millions of them)
                    state = state * 6364136223846793005L + 1442695040888963407L;
                    t[j] = (float) ((state >>> 40) / (double) (1L << 24) - 0.5) * 0.1f;
                }
            }
            float[] x = new float[m.inputWidth()];
            for (int j = 0; j < x.length; j++) x[j] = (float) rnd.nextDouble();
            double loss = m.forwardBackward(x, 1, 1, 0);
            assertTrue(Double.isFinite(loss), what + ": loss " + loss);
            boolean finite = true;
            for (float[] gr : m.grads()) for (float v : gr) finite &= Float.isFinite(v);
            assertTrue(finite, what + ": a gradient is not finite");
            assertTrue(Double.isFinite(m.loss(x, 1, 1, 0, false)), what + ": evaluation loss");
            ran.add(what);
        }
        assertTrue(ran.size() >= files.size(), "ran " + ran);
    }
}
