package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.runtime.CompiledModel;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated class speaks the model's language: buffers, parameters and widths carry the model's names, only
 * buffers the class uses are allocated, comments say what each block computes in the language's words; names
 * that would clash with the class's own (locals, fields, Java keywords) still compile.
 */
class GeneratedNamesTest {

    private static String emit(String source) {
        FrontEnd.Result r = FrontEnd.check("m.ae", source);
        assertTrue(r.ok(), r.diagnostics().render());
        return JavaEmitter.emit(Lowering.lower(r.checked().models().get(0)), GeneratedCodeTest.PKG);
    }

    @Test
    void aDenoisingModelReadsLikeItsDeclaration() {
        String src = emit(TrainingStepTest.DAE);
        // widths named after layers, buffers after the model's values
        assertTrue(src.contains("static final int X = 20;"), src);
        assertTrue(src.contains("static final int F0 = 9;"), src);
        assertTrue(src.contains("static final int H = 4;"), src);
        for (String field : new String[] {"x", "xTilde", "f0Pre", "f0", "hPre", "h", "f0OfXTilde", "g1OfXTildePre"}) {
            assertTrue(
                    Pattern.compile("final float\\[\\] " + field + "[,;]")
                            .matcher(src)
                            .find(),
                    field + " in\n" + src);
        }
        assertTrue(src.contains("final float[] f0Weight, dF0Weight;   // f.0.weight [9 x 20]"), src);
        // no numbered buffers, no IR text in comments
        assertFalse(Pattern.compile("\\b[vdpg]\\d+\\b").matcher(src).find(), "numbered buffers in\n" + src);
        assertFalse(src.contains("of node"), src);
        assertFalse(src.contains("Gaussian[sigma"), src);
        assertFalse(src.contains("bernoullinll"), src);
        assertTrue(src.contains("// xTilde = gaussian(x, sigma: 0.3), fresh noise every training step"), src);
        assertTrue(src.contains("// term 0: bernoulli_nll(x, logits g1OfXTildePre)"), src);
        // gradients only where the training step computes them: not for the input, the clean code f(x), the output
        // sigmoid
        for (String absent : new String[] {"dX", "dXTilde", "dF0Pre", "dH", "dG1OfXTilde"}) {
            assertFalse(Pattern.compile("\\b" + absent + "\\b").matcher(src).find(), absent + " in\n" + src);
        }
        assertTrue(src.contains("dF0OfXTildePre = new float[maxBatch * F0];"), src);
        assertTrue(
                src.contains("private void trainingForward(float[] data, int r0, int batch, long seed, long step)"),
                src);
        assertTrue(
                src.contains(
                        "private void evaluationForward(float[] data, int r0, int batch, long seed, long step, boolean noisy, int to)"),
                src);
    }

    /** Every name here is also a local, a field or a class the generated code uses itself. */
    @Test
    void namesThatClashWithTheGeneratedCodeStillCompileAndTrain() throws Exception {
        String source = """
                model clash {
                  input data[6]
                  encoder batch { dense 5 relu; dense 3 sigmoid }
                  decoder scratch { dense 6 sigmoid }
                  code t = batch(data)
                  corrupt data~ = masking(data, p: 0.2)
                  minimize mse(data, scratch(batch(data~))) + 0.01 * l1(t)
                }
                """;
        String src = emit(source);
        FrontEnd.Result r = FrontEnd.check("m.ae", source);
        CompiledModel m = ModelBuilder.generated()
                .build(r.checked().models().get(0), 8, 1)
                .model();
        float[] x = new float[8 * 6];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        double first = m.forwardBackward(x, 8, 1, 0);
        assertTrue(Double.isFinite(first), src);
        assertEquals(6, m.inputWidth());
        assertTrue(
                src.contains("final float[] data_0"),
                "the input renamed away from the method parameter 'data':\n" + src);
    }
}
