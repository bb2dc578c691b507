package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.runtime.Forward;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reconstruction error apart from the penalties: checked against the squared error summed by hand. */
class ReconstructionErrorTest {

    static final String MODEL = """
            model m {
              input x[6]
              encoder f { dense 3 sigmoid }
              decoder g { dense 6 }
              minimize 2 * mse(x, g(f(x))) + %s
            }
            """;

    @Test
    void theLossTermsAloneAreTheSquaredErrorAndThePenaltyIsLeftOut() {
        int n = 300, d = 6;
        float[] x = new float[n * d];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Built b = Built.of(MODEL.formatted("0.5 * jacobian_frobenius(f, x)"), "m", 128, 3);
        float[] rec = Forward.values(b.model(), b.ir().reconstruction(), x, n, d, d);
        double byHand = 0;
        for (int i = 0; i < x.length; i++) byHand += (x[i] - rec[i]) * (double) (x[i] - rec[i]);
        byHand = 2 * byHand / n; // the weight 2 and the mean over examples
        ReconstructionError e = ReconstructionError.measure(b.model(), b.ir().graph(), x, n, d);
        assertTrue(e.penalties());
        assertEquals(byHand, e.reconstruction(), 1e-5 * byHand);
        assertTrue(e.objective() > e.reconstruction() + 1e-3, "the penalty is positive: " + e.describe());
        assertEquals(Forward.meanLoss(b.model(), x, n, d), e.objective(), 1e-9);

        Built plain = Built.of(MODEL.formatted("0 * mse(x, x)").replace(" + 0 * mse(x, x)", ""), "m", 128, 3);
        ReconstructionError p =
                ReconstructionError.measure(plain.model(), plain.ir().graph(), x, n, d);
        assertFalse(p.penalties());
        assertEquals(p.objective(), p.reconstruction());
    }
}
