package ae4j.vecmath;

import static ae4j.vecmath.KernelChecks.*;

import ae4j.vecmath.reference.ScalarNorms;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Norm kernels against their scalar twins. l1/l2sq: {@code |err| <= (min(n, 4096) + 1) * U * sum|terms|}
 * ({@code U = 2^-24}; float partials folded into a double every 4096 elements; for l2sq the squares are fused
 * into the accumulators, so the terms carry no extra rounding). Gradients are exact: {@code l1Grad} adds
 * {@code +-scale} or 0 (compared as numbers, so the twin's {@code -0} equals {@code +0}), {@code l2sqGrad}
 * is one correctly rounded product or fused multiply-add in both.
 */
class NormsTest {

    private static final int XO = 3, GO = 7;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099, 20000})
    void l1AndL2sq(int n) {
        Random r = new Random(7_000_003L * n + 1);
        float[] x = vector(r, XO, n);
        float[] x0 = x.clone();
        double absSum = 0, sqSum = 0;
        for (int i = 0; i < n; i++) {
            absSum += Math.abs(x[XO + i]);
            sqSum += (double) x[XO + i] * x[XO + i];
        }
        double nEff = Math.min(n, Elementwise.BLOCK) + 1;
        assertClose(ScalarNorms.l1(n, x, XO), Norms.l1(n, x, XO), sumTol(nEff, absSum), "l1 n=" + n);
        assertClose(ScalarNorms.l2sq(n, x, XO), Norms.l2sq(n, x, XO), sumTol(nEff, sqSum), "l2sq n=" + n);
        assertBits(x0, x, "norm input");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void l1Grad(int n) {
        for (boolean accumulate : new boolean[] {false, true}) {
            Random r = new Random(7_000_003L * n + 2 + (accumulate ? 1 : 0));
            float[] x = vector(r, XO, n);
            float[] special = {0f, -0f, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, Float.NEGATIVE_INFINITY};
            for (int i = 0; i < n; i += 3) x[XO + i] = special[(i / 3) % special.length];
            float[] x0 = x.clone();
            float scale = 0.37f;
            float[] g = output(r, GO, n), ref = g.clone();
            Norms.l1Grad(n, scale, x, XO, g, GO, accumulate);
            ScalarNorms.l1Grad(n, scale, x, XO, ref, GO, accumulate);
            assertBits(x0, x, "l1Grad input");
            assertGuards(g, GO, n, "l1Grad");
            assertSameNumbers(ref, g, "l1Grad accumulate=" + accumulate);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void l2sqGrad(int n) {
        for (boolean accumulate : new boolean[] {false, true}) {
            Random r = new Random(7_000_003L * n + 4 + (accumulate ? 1 : 0));
            float[] x = vector(r, XO, n);
            float[] x0 = x.clone();
            float scale = 0.37f;
            float[] g = output(r, GO, n), ref = g.clone();
            Norms.l2sqGrad(n, scale, x, XO, g, GO, accumulate);
            ScalarNorms.l2sqGrad(n, scale, x, XO, ref, GO, accumulate);
            assertBits(x0, x, "l2sqGrad input");
            assertGuards(g, GO, n, "l2sqGrad");
            assertBits(ref, g, "l2sqGrad accumulate=" + accumulate);
        }
    }
}
