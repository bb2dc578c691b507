package ae4j.vecmath;

import static ae4j.vecmath.KernelChecks.*;

import ae4j.vecmath.reference.ScalarLosses;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loss kernels against their scalar twins (which evaluate the same formulas in double). Tolerances are
 * derived bounds in units of {@code U = 2^-24}, assuming lanewise EXP/LOG/LOG1P within 1 ulp (at most
 * {@code 2U} relative; SVML measured below 0.8 ulp):
 * <ul>
 * <li>Summed losses: {@code (min(n, 4096) + k) * U * sum|pieces|}, where the pieces are the nonnegative
 *     parts of each term (for bceWithLogits {@code |lin|} and {@code log1p(e)}; for bce {@code |t log p|} and
 *     {@code |(1-t) log1p(-p)|}) and k covers the per-term roundings (k = 3 for mse, 8 for the BCEs).
 * <li>mse gradient: {@code 3U} relative (two roundings in the kernel, one in the twin).
 * <li>bceWithLogits gradient: {@code 8U |gradScale| (sigmoid + |t|)} absolute: sigmoid carries about 5U
 *     relative error and {@code sigmoid - t} may cancel, so the bound is relative to the operands.
 * <li>bce gradient: {@code 8U} relative ({@code p - t} is one rounding of exact inputs, no cancellation).
 * <li>softmax: {@code (cols + 8 + |z - m|) U} relative: the float row sum of cols positive terms, and
 *     rounding {@code z - m} to float perturbs {@code exp} by {@code U |z - m|} relative.
 * <li>softmax cross-entropy: loss {@code (cols + 8) U sum_ij t_ij (|log s_i| + 1 + |z_ij - m_i|)}; gradient
 *     {@code U |gradScale| ((cols + 8 + |z - m|) p + 3 |t|)}. Both softmax bounds add {@code 2 * 2^-149} for
 *     subnormal probabilities (logit gaps beyond about 87).
 * </ul>
 */
class LossesTest {

    private static final int PO = 3, TO = 6, GO = 9;
    private static final float GRAD_SCALE = 0.3f;
    /**
     * Softmax probabilities below 2^-126 are subnormal: there the spacing is a fixed 2^-149, so the relative
     * bounds get this absolute floor (one rounding of exp, one of the product, half of the twin's rounding).
     */
    private static final double SUBNORMAL_FLOOR = 2 * Float.MIN_VALUE;

    private static float[] targets(Random r, int off, int n) {
        float[] t = vector(r, off, n);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            t[off + i] = k == 0 ? 0f : k == 1 ? 1f : r.nextFloat();
        }
        return t;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void mse(int n) {
        Random r = new Random(11_000_003L * n);
        float[] p = vector(r, PO, n), t = vector(r, TO, n);
        float[] p0 = p.clone(), t0 = t.clone();
        float[] g = output(r, GO, n), ref = g.clone();
        double loss = Losses.mse(n, p, PO, t, TO, GRAD_SCALE, g, GO);
        double lossRef = ScalarLosses.mse(n, p, PO, t, TO, GRAD_SCALE, ref, GO);
        assertBits(p0, p, "mse pred");
        assertBits(t0, t, "mse target");
        assertGuards(g, GO, n, "mse grad");
        assertClose(lossRef, loss, sumTol(Math.min(n, Elementwise.BLOCK) + 3, lossRef), "mse loss");
        for (int i = 0; i < n; i++) {
            assertClose(ref[GO + i], g[GO + i], 3 * U * Math.abs(ref[GO + i]), "mse grad " + i);
        }
        assertClose(loss, Losses.mse(n, p, PO, t, TO, GRAD_SCALE, null, 0), 0, "mse without grad");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void bceWithLogits(int n) {
        Random r = new Random(13_000_003L * n);
        float[] z = vector(r, PO, n);
        for (int i = 0; i < n; i++) z[PO + i] = (float) (r.nextGaussian() * (i % 5 == 0 ? 20 : 3));
        float[] t = targets(r, TO, n);
        float[] z0 = z.clone(), t0 = t.clone();
        float[] g = output(r, GO, n), ref = g.clone();
        double loss = Losses.bceWithLogits(n, z, PO, t, TO, GRAD_SCALE, g, GO);
        double lossRef = ScalarLosses.bceWithLogits(n, z, PO, t, TO, GRAD_SCALE, ref, GO);
        assertBits(z0, z, "bceWithLogits logits");
        assertBits(t0, t, "bceWithLogits target");
        assertGuards(g, GO, n, "bceWithLogits grad");
        double pieces = 0;
        for (int i = 0; i < n; i++) {
            double zi = z[PO + i], ti = t[TO + i];
            double e = Math.exp(-Math.abs(zi));
            pieces += Math.abs(zi >= 0 ? zi * (1 - ti) : -zi * ti) + Math.log1p(e);
            double sig = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
            assertClose(
                    ref[GO + i],
                    g[GO + i],
                    8 * U * GRAD_SCALE * (sig + Math.abs(ti)),
                    "bceWithLogits grad z=" + zi + " t=" + ti);
        }
        assertClose(lossRef, loss, sumTol(Math.min(n, Elementwise.BLOCK) + 8, pieces), "bceWithLogits loss");
        assertClose(loss, Losses.bceWithLogits(n, z, PO, t, TO, GRAD_SCALE, null, 0), 0, "without grad");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099})
    void bce(int n) {
        Random r = new Random(17_000_003L * n);
        float eps = 1e-6f;
        float[] p = vector(r, PO, n);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(8);
            // Mostly interior probabilities; also exact 0 and 1, values beyond the clamp, and values near it.
            p[PO + i] = k == 0
                    ? 0f
                    : k == 1
                            ? 1f
                            : k == 2
                                    ? (float) (r.nextDouble() * 1e-5)
                                    : k == 3 ? 1f - (float) (r.nextDouble() * 1e-5) : r.nextFloat();
        }
        float[] t = targets(r, TO, n);
        float[] p0 = p.clone(), t0 = t.clone();
        float[] g = output(r, GO, n), ref = g.clone();
        double loss = Losses.bce(n, p, PO, t, TO, eps, GRAD_SCALE, g, GO);
        double lossRef = ScalarLosses.bce(n, p, PO, t, TO, eps, GRAD_SCALE, ref, GO);
        assertBits(p0, p, "bce prob");
        assertBits(t0, t, "bce target");
        assertGuards(g, GO, n, "bce grad");
        double pieces = 0;
        for (int i = 0; i < n; i++) {
            double pc = Math.min(Math.max(p[PO + i], eps), 1f - eps), ti = t[TO + i];
            pieces += Math.abs(ti * Math.log(pc)) + Math.abs((1 - ti) * Math.log1p(-pc));
            assertClose(ref[GO + i], g[GO + i], 8 * U * Math.abs(ref[GO + i]), "bce grad p=" + pc + " t=" + ti);
        }
        assertClose(lossRef, loss, sumTol(Math.min(n, Elementwise.BLOCK) + 8, pieces), "bce loss");
        assertClose(loss, Losses.bce(n, p, PO, t, TO, eps, GRAD_SCALE, null, 0), 0, "without grad");
    }

    /** Random logits (some rows with huge spread), and target rows that are distributions (some one-hot). */
    private static float[] targetRows(Random r, int off, int rows, int cols, int ld) {
        float[] t = matrix(r, off, rows, cols, ld);
        for (int i = 0; i < rows; i++) {
            if (cols == 0) break;
            if (i % 3 == 0) {
                int hot = r.nextInt(cols);
                for (int j = 0; j < cols; j++) t[off + i * ld + j] = j == hot ? 1f : 0f;
            } else {
                double s = 0;
                for (int j = 0; j < cols; j++) s += t[off + i * ld + j] = r.nextFloat();
                for (int j = 0; j < cols; j++) t[off + i * ld + j] = (float) (t[off + i * ld + j] / s);
            }
        }
        return t;
    }

    private static float[] logitRows(Random r, int off, int rows, int cols, int ld) {
        float[] z = matrix(r, off, rows, cols, ld);
        for (int i = 0; i < rows; i++) {
            double spread = i % 4 == 3 ? 30 : 2;
            for (int j = 0; j < cols; j++) z[off + i * ld + j] = (float) (r.nextGaussian() * spread);
        }
        return z;
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1, 1",
        "1, 1, 4, 2",
        "3, 17, 17, 17",
        "3, 17, 20, 19",
        "17, 3, 5, 4",
        "33, 785, 790, 787",
        "128, 257, 263, 260",
        "0, 5, 7, 6",
        "4, 0, 3, 2"
    })
    void softmax(int rows, int cols, int ldz, int ldo) {
        Random r = new Random(19L * rows + cols);
        float[] z = logitRows(r, PO, rows, cols, ldz);
        float[] z0 = z.clone();
        float[] out = outputMatrix(r, GO, rows, cols, ldo), ref = out.clone();
        Losses.softmax(rows, cols, z, PO, ldz, out, GO, ldo);
        ScalarLosses.softmax(rows, cols, z, PO, ldz, ref, GO, ldo);
        assertBits(z0, z, "softmax input");
        assertGuards(out, GO, rows, cols, ldo, "softmax");
        for (int i = 0; i < rows; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, z[PO + i * ldz + j]);
            for (int j = 0; j < cols; j++) {
                double d = Math.abs(z[PO + i * ldz + j] - m);
                float e = ref[GO + i * ldo + j];
                assertClose(
                        e,
                        out[GO + i * ldo + j],
                        (cols + 8 + d) * U * e + SUBNORMAL_FLOOR,
                        "softmax (" + i + ", " + j + ")");
            }
        }
        // In place (out == z) gives the same result.
        float[] zz = z.clone();
        Losses.softmax(rows, cols, zz, PO, ldz, zz, PO, ldz);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertClose(out[GO + i * ldo + j], zz[PO + i * ldz + j], 0, "softmax in place");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1, 1, 1",
        "1, 1, 4, 2, 3",
        "3, 17, 17, 17, 17",
        "3, 17, 20, 19, 18",
        "17, 3, 5, 4, 3",
        "33, 785, 790, 787, 786",
        "128, 257, 263, 260, 257",
        "0, 5, 7, 6, 5",
        "4, 0, 3, 2, 1"
    })
    void softmaxCrossEntropy(int rows, int cols, int ldl, int ldt, int ldg) {
        Random r = new Random(23L * rows + cols);
        float[] z = logitRows(r, PO, rows, cols, ldl);
        float[] t = targetRows(r, TO, rows, cols, ldt);
        float[] z0 = z.clone(), t0 = t.clone();
        float[] g = outputMatrix(r, GO, rows, cols, ldg), ref = g.clone();
        double loss = Losses.softmaxCrossEntropy(rows, cols, z, PO, ldl, t, TO, ldt, GRAD_SCALE, g, GO, ldg);
        double lossRef = ScalarLosses.softmaxCrossEntropy(rows, cols, z, PO, ldl, t, TO, ldt, GRAD_SCALE, ref, GO, ldg);
        assertBits(z0, z, "softmaxCrossEntropy logits");
        assertBits(t0, t, "softmaxCrossEntropy target");
        assertGuards(g, GO, rows, cols, ldg, "softmaxCrossEntropy grad");
        double magnitude = 0;
        for (int i = 0; i < rows; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, z[PO + i * ldl + j]);
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(z[PO + i * ldl + j] - m);
            for (int j = 0; j < cols; j++) {
                double d = m - z[PO + i * ldl + j];
                double tij = t[TO + i * ldt + j];
                double p = Math.exp(-d) / s;
                magnitude += Math.abs(tij) * (Math.abs(Math.log(s)) + 1 + d);
                assertClose(
                        ref[GO + i * ldg + j],
                        g[GO + i * ldg + j],
                        U * GRAD_SCALE * ((cols + 8 + d) * p + 3 * Math.abs(tij)) + SUBNORMAL_FLOOR,
                        "softmaxCrossEntropy grad (" + i + ", " + j + ")");
            }
        }
        assertClose(lossRef, loss, sumTol(cols + 8, magnitude), "softmaxCrossEntropy loss");
        double lossNoGrad = Losses.softmaxCrossEntropy(rows, cols, z, PO, ldl, t, TO, ldt, GRAD_SCALE, null, 0, 0);
        assertClose(loss, lossNoGrad, 0, "without grad");
    }
}
