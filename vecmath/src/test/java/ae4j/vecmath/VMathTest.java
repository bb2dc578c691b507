package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * VMath against java.lang.Math in double precision. Errors are measured in ulps of the float result
 * (Math.ulp of the correctly rounded value), with the bounds the class documents.
 */
class VMathTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Worst error in ulps of f against the double reference over the given inputs. */
    private static double maxUlpError(UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float[] xs) {
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i += S.length()) {
            f.apply(FloatVector.fromArray(S, xs, i)).intoArray(out, i);
        }
        double worst = 0;
        for (int i = 0; i < xs.length; i++) {
            double want = ref.applyAsDouble(xs[i]);
            float wantF = (float) want;
            if (Float.isNaN(wantF) || Float.isInfinite(wantF)) {
                if (Float.compare(wantF, out[i]) != 0) fail("at " + xs[i] + ": got " + out[i] + ", want " + wantF);
                continue;
            }
            double err = Math.abs(out[i] - want) / Math.ulp(Math.max(Math.abs(wantF), Float.MIN_NORMAL));
            if (err > worst) worst = err;
        }
        return worst;
    }

    private static float[] uniform(double lo, double hi, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    private static float[] logUniform(double lo, double hi, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float) Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * r.nextDouble());
        return x;
    }

    @Test
    void exp() {
        assertTrue(maxUlpError(VMath::exp, Math::exp, uniform(-87, 88.7, 1 << 16, 1)) <= 2);
        assertTrue(maxUlpError(VMath::exp, Math::exp, uniform(-1, 1, 1 << 14, 2)) <= 2);
        float[] sub = apply(VMath::exp, uniform(-103.9, -87.4, 4096, 16));
        float[] subIn = uniform(-103.9, -87.4, 4096, 16);
        for (int i = 0; i < sub.length; i++) {
            // Subnormal results: one rounding to the 2^-149 grid.
            assertEquals(Math.exp(subIn[i]), sub[i], 0x1p-149, "exp(" + subIn[i] + ")");
        }
        float[] edge = {
            0f,
            -0f,
            1e-30f,
            -1e-30f,
            88.72f,
            88.73f,
            1000f,
            -87.3f,
            -88f,
            -1000f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            1f,
            -1f,
            0.5f
        };
        float[] out = apply(VMath::exp, edge);
        assertEquals(1f, out[0]);
        assertEquals(Float.POSITIVE_INFINITY, out[5]);
        assertEquals(Float.POSITIVE_INFINITY, out[6]);
        assertEquals((float) Math.exp(-88), out[8], Math.ulp((float) Math.exp(-88))); // subnormal
        assertEquals(0f, out[9]);
        assertEquals(Float.POSITIVE_INFINITY, out[10]);
        assertEquals(0f, out[11]);
        assertTrue(Float.isNaN(out[12]));
        assertTrue(Math.abs(out[4] - Math.exp(88.72f)) <= 2 * Math.ulp((float) Math.exp(88.72f)));
    }

    @Test
    void expm1() {
        assertTrue(maxUlpError(VMath::expm1, Math::expm1, uniform(-20, 88, 1 << 16, 3)) <= 2);
        assertTrue(maxUlpError(VMath::expm1, Math::expm1, logUniform(1e-30, 1, 1 << 14, 4)) <= 2);
        float[] neg = logUniform(1e-30, 1, 1 << 14, 5);
        for (int i = 0; i < neg.length; i++) neg[i] = -neg[i];
        assertTrue(maxUlpError(VMath::expm1, Math::expm1, neg) <= 2);
        float[] out = apply(VMath::expm1, new float[] {-100f, 0f, 100f, Float.NaN});
        assertEquals(-1f, out[0]);
        assertEquals(0f, out[1]);
        assertEquals(Float.POSITIVE_INFINITY, out[2]);
        assertTrue(Float.isNaN(out[3]));
    }

    @Test
    void log() {
        assertTrue(maxUlpError(VMath::log, Math::log, logUniform(1.2e-38, 3e38, 1 << 16, 6)) <= 2);
        assertTrue(maxUlpError(VMath::log, Math::log, uniform(0.5, 2, 1 << 16, 7)) <= 2);
        float[] out = apply(VMath::log, new float[] {0f, -1f, Float.POSITIVE_INFINITY, Float.NaN, 1f, 1e-45f});
        assertEquals(Float.NEGATIVE_INFINITY, out[0]);
        assertTrue(Float.isNaN(out[1]));
        assertEquals(Float.POSITIVE_INFINITY, out[2]);
        assertTrue(Float.isNaN(out[3]));
        assertEquals(0f, out[4]);
        assertEquals(Float.NEGATIVE_INFINITY, out[5]);
    }

    @Test
    void log1p() {
        // Goldberg's correction adds a division and a product to log's 1 ulp: measured 2.2 and 2.5 ulp.
        assertTrue(maxUlpError(VMath::log1p, Math::log1p, logUniform(1e-30, 1e30, 1 << 16, 8)) <= 3);
        assertTrue(maxUlpError(VMath::log1p, Math::log1p, uniform(-0.999, 1, 1 << 16, 9)) <= 3);
        float[] out = apply(VMath::log1p, new float[] {-1f, -2f, 0f, Float.POSITIVE_INFINITY});
        assertEquals(Float.NEGATIVE_INFINITY, out[0]);
        assertTrue(Float.isNaN(out[1]));
        assertEquals(0f, out[2]);
        assertEquals(Float.POSITIVE_INFINITY, out[3]);
    }

    @Test
    void log1pOnTheUnitInterval() {
        // The series form used by softplus and the logistic loss, for x in [0, 1].
        assertTrue(maxUlpError(VMath::log1pUnit, Math::log1p, uniform(0, 1, 1 << 16, 17)) <= 3);
        assertTrue(maxUlpError(VMath::log1pUnit, Math::log1p, logUniform(1e-30, 1, 1 << 14, 18)) <= 3);
    }

    @Test
    void sigmoidTanhSoftplus() {
        assertTrue(maxUlpError(VMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), uniform(-80, 30, 1 << 16, 10)) <= 3);
        assertTrue(maxUlpError(VMath::tanh, Math::tanh, uniform(-12, 12, 1 << 16, 11)) <= 3);
        assertTrue(maxUlpError(VMath::tanh, Math::tanh, logUniform(1e-20, 1, 1 << 14, 12)) <= 3);
        assertTrue(maxUlpError(
                        VMath::softplus,
                        x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
                        uniform(-80, 80, 1 << 16, 13))
                <= 3);
        float[] out = apply(VMath::sigmoid, new float[] {-1000f, 1000f, 0f});
        assertEquals(0f, out[0]);
        assertEquals(1f, out[1]);
        assertEquals(0.5f, out[2]);
        out = apply(VMath::tanh, new float[] {-1000f, 1000f, -0f, Float.NaN});
        assertEquals(-1f, out[0]);
        assertEquals(1f, out[1]);
        assertEquals(-0f, out[2]);
        assertTrue(Float.isNaN(out[3]));
    }

    @Test
    void sinCos2pi() {
        float[] u = uniform(-3, 3, 1 << 16, 14);
        float[] s = apply(VMath::sin2pi, u);
        float[] c = apply(VMath::cos2pi, u);
        for (int i = 0; i < u.length; i++) {
            double th = 2 * Math.PI * u[i];
            if (Math.abs(s[i] - Math.sin(th)) > 2e-7 || Math.abs(c[i] - Math.cos(th)) > 2e-7) {
                fail("u=" + u[i] + ": sin " + s[i] + " vs " + Math.sin(th) + ", cos " + c[i] + " vs " + Math.cos(th));
            }
        }
    }

    /** The reason VMath exists: the interpreter/C1 and C2 must produce the same bits. */
    @Test
    void sameBitsColdAndHot() {
        float[] x = uniform(-20, 20, 4096, 15);
        float[] cold = fingerprint(x);
        float[] hot = null;
        for (int i = 0; i < 3000; i++) hot = fingerprint(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(cold[i]), Float.floatToRawIntBits(hot[i]), "at x=" + x[i]);
        }
    }

    private static float[] fingerprint(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            VMath.exp(v)
                    .add(VMath.tanh(v))
                    .add(VMath.log1p(v.abs()))
                    .add(VMath.sin2pi(v))
                    .add(VMath.softplus(v))
                    .add(VMath.expm1(v.mul(0.1f)))
                    .intoArray(out, i);
        }
        return out;
    }

    private static float[] apply(UnaryOperator<FloatVector> f, float[] xs) {
        int n = (xs.length + S.length() - 1) / S.length() * S.length();
        float[] in = java.util.Arrays.copyOf(xs, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i += S.length())
            f.apply(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        return java.util.Arrays.copyOf(out, xs.length);
    }
}
