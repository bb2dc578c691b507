package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reference model sees the same corruption and noise as the generated class: same loss, same gradients. */
class ReferenceModelTest {

    @Test
    void agreesWithTheGeneratedClassIncludingNoise() throws Exception {
        String src = """
                model m {
                  input x[10]
                  encoder f { dense 6 relu; dense 4 sigmoid }
                  decoder g { dense 6 tanh; dense 10 sigmoid }
                  corrupt x~ = salt_pepper(masking(gaussian(x, sigma: 0.2), p: 0.3), p: 0.1)
                  noise before h = gaussian(sigma: 0.5)
                  code h = f(x~)
                  minimize bernoulli_nll(x, g(h)) + 0.01 * l1(h)
                }
                """;
        FrontEnd.Result r = FrontEnd.check("m.ae", src);
        Graph g = Lowering.lower(r.checked().models().get(0));
        CompiledModel gen = ModelBuilder.generated().instantiate(g, 8, 0);
        ReferenceModel ref = new ReferenceModel(g, 8);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < gen.params().length; i++) {
            for (int j = 0; j < gen.params()[i].length; j++) {
                gen.params()[i][j] = (float) (rnd.nextGaussian() * 0.5);
                ref.params()[i][j] = gen.params()[i][j];
            }
        }
        float[] x = new float[8 * 10];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        double a = gen.forwardBackward(x, 7, 42, 5);
        double b = ref.forwardBackward(x, 7, 42, 5);
        assertEquals(b, a, 1e-4 * Math.abs(b));
        for (int i = 0; i < gen.grads().length; i++) {
            double max = 0;
            for (float v : ref.grads()[i]) max = Math.max(max, Math.abs(v));
            for (int j = 0; j < gen.grads()[i].length; j++) {
                assertEquals(
                        ref.grads()[i][j],
                        gen.grads()[i][j],
                        1e-3 * max + 1e-5,
                        g.params().get(i).name() + "[" + j + "]");
            }
        }
        assertEquals(ref.loss(x, 7, 0, 0, false), gen.loss(x, 7, 0, 0, false), 1e-4 * Math.abs(b));
    }
}
