package ae4j.vecmath;

import static ae4j.vecmath.KernelChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.vecmath.reference.ScalarLosses;
import ae4j.vecmath.reference.ScalarNorms;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the scalar twins against independent truth: every gradient against a central finite difference of
 * the twin's own (double) loss, extreme logits, and the identity bceWithLogits(z) = bce(sigmoid(z)).
 *
 * <p>Finite differences step one float input by about {@code h} and divide by the step actually taken
 * ({@code (float)(x + h) - (float)(x - h)}, exact in double), so the only errors are truncation
 * ({@code O(h^2)} times the third derivative) and double rounding of the loss (about {@code 1e-16 / h});
 * the gradient itself is rounded to float. Tolerance: {@code 1e-5} relative plus {@code 1e-6} absolute,
 * with {@code h = 1e-3} (1e-4 for bce, whose third derivative is large near the clamp).
 */
class ScalarTwinTruthTest {

    private static final float GS = 0.7f;
    private static final int N = 9;

    interface Loss {
        double eval(float[] x, float[] grad);
    }

    /** Compares {@code grad[k]} with {@code GS * dLoss/dx[k]} by central differences, for every k. */
    private static void checkGradient(String what, float[] x, double h, Loss loss) {
        float[] grad = new float[x.length];
        loss.eval(x, grad);
        for (int k = 0; k < x.length; k++) {
            float orig = x[k];
            float up = (float) (orig + h), down = (float) (orig - h);
            x[k] = up;
            double lUp = loss.eval(x, null);
            x[k] = down;
            double lDown = loss.eval(x, null);
            x[k] = orig;
            double fd = GS * (lUp - lDown) / ((double) up - down);
            assertClose(fd, grad[k], 1e-5 * Math.abs(fd) + 1e-6, what + " d/dx[" + k + "] at x=" + orig);
        }
    }

    private static float[] uniform(Random r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return a;
    }

    @Test
    void mseGradient() {
        Random r = new Random(1);
        float[] p = uniform(r, N, -2, 2), t = uniform(r, N, -2, 2);
        checkGradient("mse", p, 1e-3, (x, g) -> ScalarLosses.mse(N, x, 0, t, 0, GS, g, 0));
    }

    @Test
    void bceWithLogitsGradient() {
        Random r = new Random(2);
        float[] z = uniform(r, N, -6, 6), t = uniform(r, N, 0, 1);
        t[0] = 0;
        t[1] = 1;
        checkGradient("bceWithLogits", z, 1e-3, (x, g) -> ScalarLosses.bceWithLogits(N, x, 0, t, 0, GS, g, 0));
    }

    @Test
    void bceGradient() {
        Random r = new Random(3);
        float[] p = uniform(r, N, 0.05, 0.95), t = uniform(r, N, 0, 1);
        t[0] = 0;
        t[1] = 1;
        checkGradient("bce", p, 1e-4, (x, g) -> ScalarLosses.bce(N, x, 0, t, 0, 1e-6f, GS, g, 0));
    }

    @Test
    void softmaxCrossEntropyGradient() {
        Random r = new Random(4);
        int rows = 3, cols = 5, ld = 6;
        float[] z = uniform(r, rows * ld, -3, 3);
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) s += t[i * cols + j] = r.nextFloat();
            for (int j = 0; j < cols; j++) t[i * cols + j] = (float) (t[i * cols + j] / s);
        }
        // Gradient buffer layout equals the logits layout (ld), so checkGradient's index k matches.
        checkGradient(
                "softmaxCrossEntropy",
                z,
                1e-3,
                (x, g) -> ScalarLosses.softmaxCrossEntropy(rows, cols, x, 0, ld, t, 0, cols, GS, g, 0, ld));
    }

    @Test
    void l1AndL2Gradients() {
        Random r = new Random(5);
        float[] x = uniform(r, N, -2, 2);
        for (int i = 0; i < N; i++) if (Math.abs(x[i]) < 0.01f) x[i] = 0.5f; // keep away from the kink
        checkGradient("l1", x, 1e-3, (v, g) -> {
            if (g != null) ScalarNorms.l1Grad(N, GS, v, 0, g, 0, false);
            return ScalarNorms.l1(N, v, 0);
        });
        checkGradient("l2sq", x, 1e-3, (v, g) -> {
            if (g != null) ScalarNorms.l2sqGrad(N, GS, v, 0, g, 0, false);
            return ScalarNorms.l2sq(N, v, 0);
        });
        float[] g = new float[1];
        ScalarNorms.l1Grad(1, GS, new float[] {0f}, 0, g, 0, false);
        assertEquals(0f, g[0], 0f, "subgradient at 0");
        Norms.l1Grad(1, GS, new float[] {0f}, 0, g, 0, false);
        assertEquals(0f, g[0], 0f, "vector subgradient at 0");
    }

    @Test
    void extremeLogitsStayFinite() {
        float[] z = {
            100f, -100f, 1e4f, -1e4f, 100f, -100f, 1e4f, -1e4f, 0f, 30f, -30f, 88f, -88f, 89f, -89f, 1e4f, -1e4f
        };
        int n = z.length;
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? 1f : 0.5f;
        float[] g = new float[n], gRef = new float[n];
        double loss = Losses.bceWithLogits(n, z, 0, t, 0, GS, g, 0);
        double lossRef = ScalarLosses.bceWithLogits(n, z, 0, t, 0, GS, gRef, 0);
        assertTrue(Double.isFinite(loss) && Double.isFinite(lossRef), "finite bceWithLogits loss");
        for (int i = 0; i < n; i++) {
            assertTrue(Float.isFinite(g[i]) && Float.isFinite(gRef[i]), "finite grad at z=" + z[i]);
            // For |z| >= 30 the loss term is max(z,0) - z t up to e^-30 and the gradient GS * (step(z) - t).
            if (Math.abs(z[i]) >= 30) {
                double step = z[i] > 0 ? 1 : 0;
                assertClose(GS * (step - t[i]), g[i], 1e-6, "saturated grad z=" + z[i]);
                float[] one = {z[i]}, tOne = {t[i]};
                double term = Losses.bceWithLogits(1, one, 0, tOne, 0, GS, null, 0);
                assertClose(
                        Math.max(z[i], 0) - (double) z[i] * t[i],
                        term,
                        1e-6 * Math.abs(z[i]) + 1e-12,
                        "saturated loss z=" + z[i]);
            }
        }
        assertClose(lossRef, loss, 1e-6 * lossRef, "extreme bceWithLogits vector vs twin");

        // Softmax cross-entropy with logit gaps of 2e4 in one row.
        int rows = 2, cols = 17;
        float[] zz = new float[rows * cols], tt = new float[rows * cols], gg = new float[rows * cols];
        float[] ggRef = new float[rows * cols];
        for (int j = 0; j < cols; j++) {
            zz[j] = j % 2 == 0 ? 1e4f : -1e4f;
            zz[cols + j] = j % 3 == 0 ? 100f : -100f;
            tt[j] = 1f / cols;
            tt[cols + j] = j == 1 ? 1f : 0f;
        }
        double ce = Losses.softmaxCrossEntropy(rows, cols, zz, 0, cols, tt, 0, cols, GS, gg, 0, cols);
        double ceRef = ScalarLosses.softmaxCrossEntropy(rows, cols, zz, 0, cols, tt, 0, cols, GS, ggRef, 0, cols);
        assertTrue(Double.isFinite(ce) && Double.isFinite(ceRef), "finite softmax cross-entropy");
        assertClose(ceRef, ce, 1e-6 * ceRef, "extreme softmax cross-entropy vector vs twin");
        for (int i = 0; i < gg.length; i++) {
            assertTrue(Float.isFinite(gg[i]), "finite softmax grad");
            assertClose(ggRef[i], gg[i], 1e-6, "extreme softmax grad " + i);
        }
        float[] sm = new float[rows * cols];
        Losses.softmax(rows, cols, zz, 0, cols, sm, 0, cols);
        for (float v : sm) assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, "softmax in [0, 1]");

        // bce on probabilities exactly 0 and 1 is finite thanks to the clamp.
        float[] p = {0f, 1f, 0f, 1f};
        float[] tp = {0f, 1f, 1f, 0f};
        float[] gp = new float[4];
        double b = Losses.bce(4, p, 0, tp, 0, 1e-7f, GS, gp, 0);
        assertTrue(Double.isFinite(b), "finite bce at 0 and 1");
        for (float v : gp) assertTrue(Float.isFinite(v), "finite bce grad at 0 and 1");
    }

    /**
     * For moderate z, bceWithLogits(z) equals bce(sigmoid(z)), and its gradient equals the bce gradient times
     * dsigmoid/dz = p (1 - p). The only difference is rounding sigmoid(z) to float, which changes
     * {@code log(1 - p)} by up to {@code U p / (1 - p)} relative, at most 55 U for |z| <= 4: tolerance 1e-5
     * relative (168 U).
     */
    @Test
    void bceWithLogitsMatchesBceOfSigmoid() {
        Random r = new Random(6);
        int n = 37;
        float[] z = uniform(r, n, -4, 4), t = uniform(r, n, 0, 1);
        float[] p = new float[n];
        for (int i = 0; i < n; i++) p[i] = (float) (1 / (1 + Math.exp(-z[i])));
        float[] gz = new float[n], gp = new float[n];
        for (boolean vector : new boolean[] {false, true}) {
            double lz = vector
                    ? Losses.bceWithLogits(n, z, 0, t, 0, GS, gz, 0)
                    : ScalarLosses.bceWithLogits(n, z, 0, t, 0, GS, gz, 0);
            double lp = vector
                    ? Losses.bce(n, p, 0, t, 0, 1e-7f, GS, gp, 0)
                    : ScalarLosses.bce(n, p, 0, t, 0, 1e-7f, GS, gp, 0);
            assertClose(lp, lz, 1e-5 * lp, "bceWithLogits vs bce(sigmoid), vector=" + vector);
            for (int i = 0; i < n; i++) {
                double chain = gp[i] * (double) p[i] * (1 - p[i]);
                assertClose(
                        chain, gz[i], 1e-5 * Math.abs(chain) + 1e-7, "grad chain rule, vector=" + vector + " i=" + i);
            }
        }
    }

    @Test
    void softmaxTwinIsADistribution() {
        Random r = new Random(7);
        int rows = 4, cols = 9;
        float[] z = uniform(r, rows * cols, -5, 5), out = new float[rows * cols];
        ScalarLosses.softmax(rows, cols, z, 0, cols, out, 0, cols);
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) s += out[i * cols + j];
            assertClose(1, s, cols * 0x1p-24, "row sum");
            for (int j = 1; j < cols; j++) {
                double ratio = (double) out[i * cols + j] / out[i * cols];
                double expected = Math.exp((double) z[i * cols + j] - z[i * cols]);
                assertClose(expected, ratio, 4e-7 * expected, "ratio exp(z_j - z_0)");
            }
        }
    }
}
