package ae4j.vecmath;

import static ae4j.vecmath.KernelChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ae4j.vecmath.reference.ScalarElementwise;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Elementwise kernels against their scalar twins, at sizes around the vector length (any lane count up to 64)
 * and across the 4096-element reduction block, with misaligned offsets and sentinel guard cells.
 *
 * <p>Tolerances. Exact (bitwise) for add, sub, mul, scale, fill, copy, addBias, clamp and axpy: each element
 * is one correctly rounded operation in both ({@code axpy} is a fused multiply-add in both). Reductions:
 * {@code |err| <= nEff * U * sum|terms|} with {@code U = 2^-24} (c = 1 in units of the unit roundoff), where
 * nEff is the number of terms (plus one for the twin's final rounding to float); for the double-returning
 * {@code sum}/{@code dot}, nEff = min(n, 4096) + 1 because float partials are folded into a double every
 * 4096 elements. exp/log: 2 ulps of the float result (SVML measured below 1 ulp; the twin adds half an ulp).
 */
class ElementwiseTest {

    private static final int XO = 3, YO = 5, OO = 11;

    private static Random rng(int n, int salt) {
        return new Random(1_000_003L * n + salt);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void axpy(int n) {
        Random r = rng(n, 1);
        float[] x = vector(r, XO, n), y = output(r, YO, n);
        float[] x0 = x.clone(), yRef = y.clone();
        float alpha = value(r);
        Elementwise.axpy(n, alpha, x, XO, y, YO);
        ScalarElementwise.axpy(n, alpha, x, XO, yRef, YO);
        assertBits(x0, x, "axpy input x");
        assertGuards(y, YO, n, "axpy y");
        assertBits(yRef, y, "axpy y");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void scale(int n) {
        Random r = rng(n, 2);
        float[] x = output(r, XO, n);
        float[] ref = x.clone();
        float alpha = value(r);
        Elementwise.scale(n, alpha, x, XO);
        ScalarElementwise.scale(n, alpha, ref, XO);
        assertGuards(x, XO, n, "scale");
        assertBits(ref, x, "scale");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void addSubMul(int n) {
        Random r = rng(n, 3);
        float[] a = vector(r, XO, n), b = vector(r, YO, n);
        float[] a0 = a.clone(), b0 = b.clone();
        for (int op = 0; op < 3; op++) {
            float[] out = output(r, OO, n), ref = out.clone();
            switch (op) {
                case 0 -> {
                    Elementwise.add(n, a, XO, b, YO, out, OO);
                    ScalarElementwise.add(n, a, XO, b, YO, ref, OO);
                }
                case 1 -> {
                    Elementwise.sub(n, a, XO, b, YO, out, OO);
                    ScalarElementwise.sub(n, a, XO, b, YO, ref, OO);
                }
                default -> {
                    Elementwise.mul(n, a, XO, b, YO, out, OO);
                    ScalarElementwise.mul(n, a, XO, b, YO, ref, OO);
                }
            }
            String what = new String[] {"add", "sub", "mul"}[op];
            assertBits(a0, a, what + " input a");
            assertBits(b0, b, what + " input b");
            assertGuards(out, OO, n, what);
            assertBits(ref, out, what);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void inPlaceAdd(int n) {
        Random r = rng(n, 4);
        float[] a = output(r, XO, n), b = vector(r, YO, n);
        float[] ref = a.clone();
        Elementwise.add(n, a, XO, b, YO, a, XO);
        ScalarElementwise.add(n, ref, XO, b, YO, ref, XO);
        assertGuards(a, XO, n, "add in place");
        assertBits(ref, a, "add in place");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void fillAndCopy(int n) {
        Random r = rng(n, 5);
        float[] x = vector(r, XO, n);
        float[] x0 = x.clone();
        float v = value(r);
        float[] out = output(r, OO, n), ref = out.clone();
        Elementwise.fill(n, v, out, OO);
        ScalarElementwise.fill(n, v, ref, OO);
        assertGuards(out, OO, n, "fill");
        assertBits(ref, out, "fill");
        Elementwise.copy(n, x, XO, out, OO);
        ScalarElementwise.copy(n, x, XO, ref, OO);
        assertBits(x0, x, "copy input");
        assertGuards(out, OO, n, "copy");
        assertBits(ref, out, "copy");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void clamp(int n) {
        Random r = rng(n, 6);
        float[] x = vector(r, XO, n);
        // Boundary values, signed zeros and NaN at positions that land both in vector lanes and in the tail.
        float[] special = {Float.NaN, -0f, 0f, -0.5f, 0.5f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 3f};
        for (int i = 0; i < n; i += 5) x[XO + i] = special[(i / 5) % special.length];
        float[] x0 = x.clone();
        float[] out = output(r, OO, n), ref = out.clone();
        Elementwise.clamp(n, -0.5f, 0.5f, x, XO, out, OO);
        ScalarElementwise.clamp(n, -0.5f, 0.5f, x, XO, ref, OO);
        assertBits(x0, x, "clamp input");
        assertGuards(out, OO, n, "clamp");
        assertBits(ref, out, "clamp");
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1",
        "1, 1, 4",
        "3, 17, 17",
        "3, 17, 20",
        "17, 3, 5",
        "33, 785, 790",
        "128, 257, 263",
        "0, 5, 7",
        "4, 0, 3"
    })
    void addBias(int rows, int cols, int ldc) {
        Random r = new Random(31L * rows + cols);
        float[] bias = vector(r, XO, cols);
        float[] bias0 = bias.clone();
        float[] c = outputMatrix(r, OO, rows, cols, ldc), ref = c.clone();
        Elementwise.addBias(rows, cols, bias, XO, c, OO, ldc);
        ScalarElementwise.addBias(rows, cols, bias, XO, ref, OO, ldc);
        assertBits(bias0, bias, "addBias bias");
        assertGuards(c, OO, rows, cols, ldc, "addBias");
        assertBits(ref, c, "addBias");
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1",
        "1, 1, 4",
        "3, 17, 17",
        "3, 17, 20",
        "17, 3, 5",
        "33, 785, 790",
        "128, 257, 263",
        "0, 5, 7",
        "4, 0, 3"
    })
    void colSums(int rows, int cols, int lda) {
        for (boolean accumulate : new boolean[] {false, true}) {
            Random r = new Random(37L * rows + cols + (accumulate ? 1 : 0));
            float[] a = matrix(r, XO, rows, cols, lda);
            float[] a0 = a.clone();
            float[] out = output(r, OO, cols), ref = out.clone(), before = out.clone();
            Elementwise.colSums(rows, cols, a, XO, lda, out, OO, accumulate);
            ScalarElementwise.colSums(rows, cols, a, XO, lda, ref, OO, accumulate);
            assertBits(a0, a, "colSums input");
            assertGuards(out, OO, cols, "colSums");
            for (int j = 0; j < cols; j++) {
                double sumAbs = accumulate ? Math.abs(before[OO + j]) : 0;
                for (int i = 0; i < rows; i++) sumAbs += Math.abs(a[XO + i * lda + j]);
                int terms = rows + (accumulate ? 1 : 0);
                assertClose(
                        ref[OO + j],
                        out[OO + j],
                        sumTol(terms + 1, sumAbs),
                        "colSums accumulate=" + accumulate + " column " + j);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1",
        "1, 1, 4",
        "3, 17, 17",
        "3, 17, 20",
        "17, 3, 5",
        "33, 785, 790",
        "128, 257, 263",
        "0, 5, 7",
        "4, 0, 3"
    })
    void rowSums(int rows, int cols, int lda) {
        for (boolean accumulate : new boolean[] {false, true}) {
            Random r = new Random(41L * rows + cols + (accumulate ? 1 : 0));
            float[] a = matrix(r, XO, rows, cols, lda);
            float[] a0 = a.clone();
            float[] out = output(r, OO, rows), ref = out.clone(), before = out.clone();
            Elementwise.rowSums(rows, cols, a, XO, lda, out, OO, accumulate);
            ScalarElementwise.rowSums(rows, cols, a, XO, lda, ref, OO, accumulate);
            assertBits(a0, a, "rowSums input");
            assertGuards(out, OO, rows, "rowSums");
            for (int i = 0; i < rows; i++) {
                double sumAbs = accumulate ? Math.abs(before[OO + i]) : 0;
                for (int j = 0; j < cols; j++) sumAbs += Math.abs(a[XO + i * lda + j]);
                int terms = cols + (accumulate ? 1 : 0);
                assertClose(
                        ref[OO + i],
                        out[OO + i],
                        sumTol(terms + 1, sumAbs),
                        "rowSums accumulate=" + accumulate + " row " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099, 20000})
    void sumAndDot(int n) {
        Random r = rng(n, 7);
        float[] a = vector(r, XO, n), b = vector(r, YO, n);
        float[] a0 = a.clone(), b0 = b.clone();
        double absA = 0, absAB = 0;
        for (int i = 0; i < n; i++) {
            absA += Math.abs(a[XO + i]);
            absAB += Math.abs((double) a[XO + i] * b[YO + i]);
        }
        double nEff = Math.min(n, Elementwise.BLOCK) + 1;
        assertClose(ScalarElementwise.sum(n, a, XO), Elementwise.sum(n, a, XO), sumTol(nEff, absA), "sum n=" + n);
        assertClose(
                ScalarElementwise.dot(n, a, XO, b, YO),
                Elementwise.dot(n, a, XO, b, YO),
                sumTol(nEff, absAB),
                "dot n=" + n);
        assertBits(a0, a, "sum/dot input a");
        assertBits(b0, b, "dot input b");
    }

    @Test
    void sumOfConstantsIsExactAcrossBlocks() {
        // 10007 ones: every partial sum is an integer below 2^24, so any correct blocking gives exactly n.
        int n = 10007;
        float[] x = new float[n + XO];
        java.util.Arrays.fill(x, 1f);
        assertEquals(n, Elementwise.sum(n, x, XO));
        assertEquals(n, Elementwise.dot(n, x, XO, x, XO));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void exp(int n) {
        Random r = rng(n, 8);
        float[] x = vector(r, XO, n);
        for (int i = 0; i < n; i++) x[XO + i] = (float) (r.nextDouble() * 175 - 87); // results stay normal
        float[] x0 = x.clone();
        float[] out = output(r, OO, n), ref = out.clone();
        Elementwise.exp(n, x, XO, out, OO);
        ScalarElementwise.exp(n, x, XO, ref, OO);
        assertBits(x0, x, "exp input");
        assertGuards(out, OO, n, "exp");
        for (int i = 0; i < n; i++) {
            assertClose(ref[OO + i], out[OO + i], 2 * Math.ulp(ref[OO + i]), "exp(" + x[XO + i] + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void log(int n) {
        Random r = rng(n, 9);
        float[] x = vector(r, XO, n);
        for (int i = 0; i < n; i++) {
            // Wide range, plus values just around 1 where the result is tiny.
            x[XO + i] = i % 3 == 0
                    ? (float) (1 + (r.nextDouble() - 0.5) * 1e-3)
                    : (float) Math.exp(r.nextDouble() * 170 - 85);
        }
        float[] x0 = x.clone();
        float[] out = output(r, OO, n), ref = out.clone();
        Elementwise.log(n, x, XO, out, OO);
        ScalarElementwise.log(n, x, XO, ref, OO);
        assertBits(x0, x, "log input");
        assertGuards(out, OO, n, "log");
        for (int i = 0; i < n; i++) {
            assertClose(ref[OO + i], out[OO + i], 2 * Math.ulp(ref[OO + i]), "log(" + x[XO + i] + ")");
        }
    }

    @Test
    void expAndLogSpecialValues() {
        float[] specials = {
            Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY,
            Float.NaN,
            0f,
            -0f,
            100f,
            -1f,
            1f,
            Float.MAX_VALUE,
            Float.MIN_NORMAL,
            89f,
            -200f
        };
        // Repeat so each value lands in vector lanes and in the scalar tail.
        int n = 3 * specials.length + 5;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = specials[i % specials.length];
        float[] out = new float[n], ref = new float[n];
        Elementwise.exp(n, x, 0, out, 0);
        ScalarElementwise.exp(n, x, 0, ref, 0);
        assertSameNumbers(ref, out, "exp specials");
        Elementwise.log(n, x, 0, out, 0);
        ScalarElementwise.log(n, x, 0, ref, 0);
        for (int i = 0; i < n; i++) assertClose(ref[i], out[i], Math.ulp(ref[i]), "log(" + x[i] + ")");
    }
}
