package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Activation kernels against their scalar definitions ({@link Activation#apply(float)} and
 * {@link Activation#derivativeFromOutput(float)}, which use Math in double), at awkward sizes with
 * offsets and guard cells; the scalar derivatives are themselves checked by central differences.
 *
 * <p>Tolerance: VMath is within 3 ulp (see VMathTest); we allow 4 ulp of the result plus 1e-7 absolute
 * for results near zero (e.g. sigmoid's 1 - y when y rounds near 1).
 */
class ActivationTest {

    private static final int[] SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099};
    private static final float GUARD = 12345.5f;

    private static float[] randomWithGuards(SplittableRandom r, int off, int n, double scale) {
        float[] x = new float[off + n + 5];
        Arrays.fill(x, GUARD);
        for (int i = 0; i < n; i++) x[off + i] = (float) (r.nextGaussian() * scale);
        return x;
    }

    private static void close(float want, float got, String where) {
        double tol = 4 * Math.ulp(Math.abs(want)) + 1e-7;
        if (!(Math.abs(want - got) <= tol) && !(Float.isNaN(want) && Float.isNaN(got))) {
            fail(where + ": got " + got + ", want " + want);
        }
    }

    private static void guardsIntact(float[] y, int off, int n) {
        for (int i = 0; i < y.length; i++) {
            if ((i < off || i >= off + n) && y[i] != GUARD) fail("wrote outside the range at " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void forwardMatchesScalar(Activation act) {
        SplittableRandom r = new SplittableRandom(act.ordinal());
        for (int n : SIZES) {
            float[] z = randomWithGuards(r, 3, n, 6);
            float[] y = new float[n + 10];
            Arrays.fill(y, GUARD);
            act.forward(n, z, 3, y, 2);
            for (int i = 0; i < n; i++) close(act.apply(z[3 + i]), y[2 + i], act + " n=" + n + " i=" + i);
            guardsIntact(y, 2, n);
            // In place.
            float[] inPlace = z.clone();
            act.forward(n, inPlace, 3, inPlace, 3);
            for (int i = 0; i < n; i++) assertEquals(y[2 + i], inPlace[3 + i], 0f);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void backwardMatchesScalar(Activation act) {
        SplittableRandom r = new SplittableRandom(10 + act.ordinal());
        for (int n : SIZES) {
            float[] z = randomWithGuards(r, 1, n, 4);
            float[] y = new float[n + 1];
            act.forward(n, z, 1, y, 1);
            float[] dy = randomWithGuards(r, 0, n + 1, 1);
            float[] dz = new float[n + 8];
            Arrays.fill(dz, GUARD);
            act.backward(n, y, 1, dy, 1, dz, 4);
            for (int i = 0; i < n; i++) {
                close(dy[1 + i] * act.derivativeFromOutput(y[1 + i]), dz[4 + i], act + " n=" + n + " i=" + i);
            }
            guardsIntact(dz, 4, n);
        }
    }

    /** The scalar derivative-from-output is right: compare with central differences of the forward map. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void scalarDerivativeMatchesFiniteDifferences(Activation act) {
        for (double z = -6; z <= 6; z += 0.37) {
            if (act == Activation.RELU && Math.abs(z) < 1e-3) continue;
            double h = 1e-3;
            double fd = (act.apply((float) (z + h)) - (double) act.apply((float) (z - h))) / (2 * h);
            double d = act.derivativeFromOutput(act.apply((float) z));
            assertEquals(fd, d, 2e-3, act + " at z=" + z);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void fusedBiasForwardMatchesScalar(Activation act) {
        SplittableRandom r = new SplittableRandom(20 + act.ordinal());
        int[][] shapes = {{1, 1}, {3, 17}, {17, 3}, {33, 785}, {128, 257}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1], ldz = cols + 3, ldo = cols + 1;
            float[] z = randomWithGuards(r, 2, rows * ldz, 3);
            float[] bias = randomWithGuards(r, 1, cols, 1);
            float[] out = new float[rows * ldo + 4];
            Arrays.fill(out, GUARD);
            act.biasForward(rows, cols, bias, 1, z, 2, ldz, out, 1, ldo);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    close(act.apply(z[2 + i * ldz + j] + bias[1 + j]), out[1 + i * ldo + j], act + " " + i + "," + j);
                }
                for (int j = cols; j < ldo && i * ldo + 1 + j < out.length; j++) {
                    if (i < rows - 1) assertEquals(GUARD, out[1 + i * ldo + j], "padding column written");
                }
            }
        }
    }

    @Test
    void extremesStayFinite() {
        float[] z = {-1e4f, -100f, -88f, 0f, 88f, 100f, 1e4f, 3f};
        float[] y = new float[z.length];
        for (Activation act : Activation.values()) {
            act.forward(z.length, z, 0, y, 0);
            for (int i = 0; i < z.length; i++) {
                if (Float.isNaN(y[i])
                        || (act != Activation.IDENTITY
                                && act != Activation.RELU
                                && act != Activation.SOFTPLUS
                                && Float.isInfinite(y[i]))) {
                    fail(act + "(" + z[i] + ") = " + y[i]);
                }
            }
        }
    }

    @Test
    void namesResolve() {
        assertEquals(Activation.SIGMOID, Activation.byName("sigmoid"));
        assertEquals(Activation.IDENTITY, Activation.byName("linear"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.byName("gelu"));
        assertEquals(true, e.getMessage().contains("expected one of"));
    }

    /**
     * The double-precision definitions (the reference executor's and the analyses') by central differences:
     * derivativeFromOutput(apply(z)) is f'(z), derivativeOfDerivativeFromOutput(y) is the slope of
     * derivativeFromOutput in y; and the float definitions agree with them to float precision.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void doublePrecisionDefinitionsMatchCentralDifferences(Activation a) {
        SplittableRandom r = new SplittableRandom(31);
        for (int i = 0; i < 200; i++) {
            double z = r.nextGaussian() * 3;
            if (a == Activation.RELU && Math.abs(z) < 1e-3) continue; // the kink
            double h = 1e-5;
            double fd = (a.apply(z + h) - a.apply(z - h)) / (2 * h);
            double y = a.apply(z);
            assertEquals(fd, a.derivativeFromOutput(y), 1e-6 * Math.max(1, Math.abs(fd)), a + " f'(" + z + ")");
            double dd = (a.derivativeFromOutput(y + h) - a.derivativeFromOutput(y - h)) / (2 * h);
            if (a != Activation.RELU || Math.abs(y) > 1e-3) {
                assertEquals(
                        dd,
                        a.derivativeOfDerivativeFromOutput(y),
                        1e-5 * Math.max(1, Math.abs(dd)),
                        a + " d f'/dy at " + y);
            }
            assertEquals(
                    a.apply((float) z),
                    (float) a.apply((double) (float) z),
                    2 * Math.ulp((float) y) + 1e-7,
                    a + " float vs double");
        }
    }
}
