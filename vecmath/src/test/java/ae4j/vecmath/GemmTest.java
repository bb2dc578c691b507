package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ae4j.vecmath.Gemm.Op;
import ae4j.vecmath.reference.ScalarGemm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GEMM against its scalar twin (double accumulation), for every transpose combination, both micro-kernels
 * (4 and 8 rows) on any machine, awkward sizes (1, 15, 17, 33, 783, 785, K across several KC blocks, M
 * across several MC blocks), alpha/beta values, offsets and leading dimensions larger than the width.
 *
 * <p>Error bound (standard forward error of a dot product in float with fused multiply-adds, plus the
 * alpha/beta/bias updates): |c - ref| <= (k + 4) * eps * (|alpha| sum_p |a_ip b_pj| + |beta c_ij| + |bias_j|)
 * with eps = 2^-23, plus 2^-126 for underflow.
 */
class GemmTest {

    private static final float EPS = Math.ulp(1f);
    private static final float GUARD = -777.25f;

    static Stream<Arguments> cases() {
        int[][] shapes = {
            {1, 1, 1}, {1, 17, 15}, {15, 1, 17}, {17, 15, 1}, {33, 17, 15}, {15, 33, 17},
            {7, 783, 9}, {9, 785, 13}, {5, 13, 785}, {17, 3, 783}, {31, 65, 33}, {100, 100, 100},
            {200, 20, 40}, {3, 1200, 5}, {128, 64, 48}
        };
        float[][] alphaBeta = {{1f, 0f}, {0.5f, -1.5f}, {-2f, 1f}, {1f, 1f}};
        List<Arguments> out = new ArrayList<>();
        int seed = 1;
        for (int[] s : shapes) {
            for (Op opA : Op.values()) {
                for (Op opB : Op.values()) {
                    float[] ab = alphaBeta[seed % alphaBeta.length];
                    int mr = seed % 2 == 0 ? 4 : 8;
                    out.add(Arguments.of(opA, opB, s[0], s[1], s[2], ab[0], ab[1], mr, seed++));
                }
            }
        }
        return out.stream();
    }

    /** A stored operand: a rows x cols matrix at a random offset with ld = cols + pad, guards elsewhere. */
    record Stored(float[] data, int off, int ld, int rows, int cols) {
        static Stored random(SplittableRandom rnd, int rows, int cols) {
            int off = rnd.nextInt(5);
            int ld = Math.max(1, cols) + rnd.nextInt(4);
            float[] d = new float[off + rows * ld + 3];
            java.util.Arrays.fill(d, GUARD);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) d[off + i * ld + j] = (float) (rnd.nextDouble() * 2 - 1);
            }
            return new Stored(d, off, ld, rows, cols);
        }

        boolean inside(int idx) {
            int rel = idx - off;
            return rel >= 0 && rel / ld < rows && rel % ld < cols;
        }
    }

    /** Random stored op(A) (m x k), op(B) (k x n), C (m x n) and a bias of n values from offset 2. */
    record Operands(Stored a, Stored b, Stored c, float[] bias) {
        static Operands random(int seed, Op opA, Op opB, int m, int k, int n) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Stored a = opA == Op.N ? Stored.random(rnd, m, k) : Stored.random(rnd, k, m);
            Stored b = opB == Op.N ? Stored.random(rnd, k, n) : Stored.random(rnd, n, k);
            Stored c = Stored.random(rnd, m, n);
            float[] bias = new float[n + 2];
            for (int j = 0; j < bias.length; j++) bias[j] = (float) rnd.nextGaussian();
            return new Operands(a, b, c, bias);
        }
    }

    @ParameterizedTest(name = "op{0}{1} m={2} k={3} n={4} alpha={5} beta={6} mr={7}")
    @MethodSource("cases")
    void matchesScalarTwin(Op opA, Op opB, int m, int k, int n, float alpha, float beta, int mr, int seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Stored a = opA == Op.N ? Stored.random(rnd, m, k) : Stored.random(rnd, k, m);
        Stored b = opB == Op.N ? Stored.random(rnd, k, n) : Stored.random(rnd, n, k);
        Stored c = Stored.random(rnd, m, n);
        float[] expected = c.data.clone();
        ScalarGemm.gemm(
                opA,
                opB,
                m,
                n,
                k,
                alpha,
                a.data,
                a.off,
                a.ld,
                b.data,
                b.off,
                b.ld,
                beta,
                expected,
                c.off,
                c.ld,
                null,
                0,
                Activation.IDENTITY);
        float[] actual = c.data.clone();
        Gemm.run(
                mr,
                1,
                opA,
                opB,
                m,
                n,
                k,
                alpha,
                a.data,
                a.off,
                a.ld,
                b.data,
                b.off,
                b.ld,
                beta,
                actual,
                c.off,
                c.ld,
                Epilogue.NONE);
        assertWithinBound(opA, opB, m, n, k, alpha, beta, a, b, c, null, expected, actual, 0f);
    }

    @ParameterizedTest(name = "op{0}{1} m={2} k={3} n={4} mr={7}")
    @MethodSource("cases")
    void resultDoesNotDependOnTheSplit(Op opA, Op opB, int m, int k, int n, float alpha, float beta, int mr, int seed) {
        Operands o = Operands.random(seed, opA, opB, m, k, n);
        Stored a = o.a(), b = o.b(), c = o.c();
        Epilogue ep = new Epilogue(o.bias(), 2, Activation.SIGMOID);
        float[] one = c.data.clone();
        Gemm.run(mr, 1, opA, opB, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, one, c.off, c.ld, ep);
        for (int parts : new int[] {2, 3, 5}) {
            float[] split = c.data.clone();
            Gemm.run(
                    mr, parts, opA, opB, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, split, c.off,
                    c.ld, ep);
            assertArrayEquals(one, split, 0f, "split into " + parts + " parts must be bit-identical");
        }
    }

    /** A product with op(B) packed once (in parts, on any thread count) has the bits of the unpacked product. */
    @ParameterizedTest(name = "op{0}{1} m={2} k={3} n={4}")
    @MethodSource("cases")
    void prepackedBGivesTheSameBits(Op opA, Op opB, int m, int k, int n, float alpha, float beta, int mr, int seed) {
        Operands o = Operands.random(seed, opA, opB, m, k, n);
        Stored a = o.a(), b = o.b(), c = o.c();
        Epilogue ep = new Epilogue(o.bias(), 2, Activation.RELU);
        float[] expected = c.data.clone();
        Gemm.run(
                Gemm.MR, 1, opA, opB, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, expected, c.off,
                c.ld, ep);
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                for (int parts : new int[] {1, 3}) {
                    Parallel.setThreads(threads);
                    Gemm.PackedB packed = new Gemm.PackedB(k, n);
                    java.util.Arrays.fill(packed.data, Float.NaN); // every float the kernel reads must be written
                    for (int part = 0; part < parts; part++) Gemm.pack(opB, b.data, b.off, b.ld, packed, part, parts);
                    float[] actual = c.data.clone();
                    Gemm.gemm(opA, m, n, k, alpha, a.data, a.off, a.ld, packed, beta, actual, c.off, c.ld, ep);
                    assertArrayEquals(expected, actual, 0f, threads + " thread(s), packed in " + parts + " part(s)");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Products large enough to run on the pool's threads, with a packed B: few rows (the threads split C's columns,
     * each reading its own panels of B) and more rows (they split C's rows) have the bits of the serial product.
     */
    @Test
    void aThreadedProductWithPackedBGivesTheSerialBits() {
        int[][] shapes = {{32, 784, 256}, {5, 2000, 333}, {17, 2000, 97}, {40, 784, 256}, {32, 3000, 33}};
        int before = Parallel.threads();
        try {
            int seed = 40;
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                assertTrue(2.0 * m * n * k >= Gemm.PARALLEL_MIN_FLOPS, "shape too small to run on threads");
                for (Op opA : Op.values()) {
                    Operands o = Operands.random(seed++, opA, Op.T, m, k, n);
                    Stored a = o.a(), b = o.b(), c = o.c();
                    Epilogue ep = new Epilogue(o.bias(), 2, Activation.SIGMOID);
                    float[] expected = c.data.clone();
                    Gemm.run(
                            Gemm.MR, 1, opA, Op.T, m, n, k, 1f, a.data, a.off, a.ld, b.data, b.off, b.ld, 0.5f,
                            expected, c.off, c.ld, ep);
                    Gemm.PackedB packed = new Gemm.PackedB(k, n);
                    Gemm.pack(Op.T, b.data, b.off, b.ld, packed, 0, 1);
                    for (int threads : new int[] {1, 2, 3}) {
                        Parallel.setThreads(threads);
                        float[] actual = c.data.clone();
                        Gemm.gemm(opA, m, n, k, 1f, a.data, a.off, a.ld, packed, 0.5f, actual, c.off, c.ld, ep);
                        assertArrayEquals(
                                expected, actual, 0f, "m=" + m + " k=" + k + " n=" + n + ", " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Packing a matrix range by range (as the optimizer's threads repack the rows of a weight they updated, in
     * ranges aligned or not) over a pack of other values leaves what packing it whole writes.
     */
    @ParameterizedTest(name = "op{0}{1} m={2} k={3} n={4}")
    @MethodSource("cases")
    void packingByRowRangesGivesTheWholePack(
            Op opA, Op opB, int m, int k, int n, float alpha, float beta, int mr, int seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31L + 7);
        Stored old = opB == Op.N ? Stored.random(rnd, k, n) : Stored.random(rnd, n, k);
        Stored b = opB == Op.N ? Stored.random(rnd, k, n) : Stored.random(rnd, n, k);
        Gemm.PackedB expected = new Gemm.PackedB(k, n);
        Gemm.pack(opB, b.data, b.off, b.ld, expected, 0, 1);
        Gemm.PackedB packed = new Gemm.PackedB(k, n);
        Gemm.pack(opB, old.data, old.off, old.ld, packed, 0, 1);
        int rows = opB == Op.N ? k : n;
        for (int from = 0; from < rows; ) {
            int to = Math.min(rows, from + 1 + rnd.nextInt(Math.max(1, rows / 3) + 40));
            Gemm.packRows(opB, b.data, b.off, b.ld, packed, from, to);
            from = to;
        }
        assertArrayEquals(expected.data, packed.data, 0f, "packed by row ranges");
    }

    @Test
    void threadCountDoesNotChangeTheResult() {
        SplittableRandom rnd = new SplittableRandom(11);
        int m = 256, k = 300, n = 300;
        Stored a = Stored.random(rnd, m, k);
        Stored b = Stored.random(rnd, n, k);
        int before = Parallel.threads();
        try {
            float[][] results = new float[3][];
            int[] threadCounts = {1, 2, 3};
            for (int t = 0; t < 3; t++) {
                Parallel.setThreads(threadCounts[t]);
                results[t] = new float[m * n];
                Gemm.gemm(
                        Op.N,
                        Op.T,
                        m,
                        n,
                        k,
                        1f,
                        a.data,
                        a.off,
                        a.ld,
                        b.data,
                        b.off,
                        b.ld,
                        0f,
                        results[t],
                        0,
                        n,
                        Epilogue.bias(new float[n], Activation.TANH));
            }
            assertArrayEquals(results[0], results[1], 0f);
            assertArrayEquals(results[0], results[2], 0f);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @ParameterizedTest
    @MethodSource("activations")
    void fusedEpilogueMatchesScalarTwin(Activation act) {
        for (int mr : new int[] {4, 8}) {
            SplittableRandom rnd = new SplittableRandom(act.ordinal() * 10 + mr);
            int m = 37, k = 785, n = 41;
            Stored a = Stored.random(rnd, m, k);
            Stored b = Stored.random(rnd, k, n);
            Stored c = Stored.random(rnd, m, n);
            float[] bias = new float[n + 1];
            for (int j = 0; j < bias.length; j++) bias[j] = (float) rnd.nextGaussian();
            float[] expected = c.data.clone();
            ScalarGemm.gemm(
                    Op.N, Op.N, m, n, k, 0.1f, a.data, a.off, a.ld, b.data, b.off, b.ld, 0.5f, expected, c.off, c.ld,
                    bias, 1, act);
            float[] actual = c.data.clone();
            Gemm.run(
                    mr,
                    1,
                    Op.N,
                    Op.N,
                    m,
                    n,
                    k,
                    0.1f,
                    a.data,
                    a.off,
                    a.ld,
                    b.data,
                    b.off,
                    b.ld,
                    0.5f,
                    actual,
                    c.off,
                    c.ld,
                    new Epilogue(bias, 1, act));
            // Every activation here is 1-Lipschitz, so the pre-activation bound carries through; the
            // lanewise EXP/TANH/LOG1P add at most a few ulps of the result (2e-6 relative).
            assertWithinBound(Op.N, Op.N, m, n, k, 0.1f, 0.5f, a, b, c, bias, expected, actual, 2e-6f);
        }
    }

    static Stream<Activation> activations() {
        return Stream.of(Activation.values());
    }

    @Test
    void betaZeroDoesNotReadC() {
        int m = 9, k = 5, n = 19;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 2f);
        for (int mr : new int[] {4, 8}) {
            float[] c = new float[m * n];
            java.util.Arrays.fill(c, Float.NaN);
            Gemm.run(mr, 1, Op.N, Op.N, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, Epilogue.NONE);
            for (float v : c) assertEquals(10f, v, 0f);
        }
    }

    @Test
    void zeroKOrZeroAlphaScalesC() {
        float[] c = {1f, 2f, 3f, 4f};
        Gemm.gemm(Op.N, Op.N, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 3f, c, 0, 2);
        assertArrayEquals(new float[] {3f, 6f, 9f, 12f}, c, 0f);
        float[] a = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.gemm(Op.N, Op.N, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {1.5f, 3f, 4.5f, 6f}, c, 0f);
        Gemm.gemm(
                Op.N,
                Op.N,
                2,
                2,
                0,
                1f,
                new float[0],
                0,
                1,
                new float[0],
                0,
                2,
                0f,
                c,
                0,
                2,
                Epilogue.bias(new float[] {1f, -1f}, Activation.RELU));
        assertArrayEquals(new float[] {1f, 0f, 1f, 0f}, c, 0f);
    }

    @Test
    void matrixViewsAndShapeErrors() {
        Matrix a = Matrix.zeros(3, 4);
        Matrix b = Matrix.zeros(4, 5);
        Matrix c = Matrix.zeros(3, 5);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) a.set(i, j, i + j);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) b.set(i, j, i - j);
        Gemm.gemm(Op.N, Op.N, 1f, a, b, 0f, c);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                float s = 0;
                for (int p = 0; p < 4; p++) s += (i + p) * (p - j);
                assertEquals(s, c.get(i, j), 0f);
            }
        }
        // The same product through transposed copies.
        Matrix ct = Matrix.zeros(3, 5);
        Gemm.gemm(Op.T, Op.T, 1f, a.transposed(), b.transposed(), 0f, ct);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) assertEquals(c.get(i, j), ct.get(i, j), 0f);

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(Op.N, Op.T, 1f, a, b, 0f, c));
        assertTrue(e.getMessage().contains("shape mismatch"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.gemm(Op.N, Op.N, 3, 5, 4, 1f, new float[11], 0, 4, b.data(), 0, 5, 0f, c.data(), 0, 5));
        assertTrue(e.getMessage().contains("operand A"), e.getMessage());
    }

    private static void assertWithinBound(
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float alpha,
            float beta,
            Stored a,
            Stored b,
            Stored c,
            float[] bias,
            float[] expected,
            float[] actual,
            float relExtra) {
        for (int idx = 0; idx < actual.length; idx++) {
            if (!c.inside(idx)) {
                if (Float.floatToRawIntBits(actual[idx]) != Float.floatToRawIntBits(c.data[idx])) {
                    fail("wrote outside C at index " + idx);
                }
                continue;
            }
            int i = (idx - c.off) / c.ld;
            int j = (idx - c.off) % c.ld;
            double scale =
                    Math.abs(alpha) * ScalarGemm.absProduct(opA, opB, k, a.data, a.off, a.ld, b.data, b.off, b.ld, i, j)
                            + Math.abs(beta * c.data[idx])
                            + (bias == null ? 0 : Math.abs(bias[j + 1]));
            double bound = (k + 4) * EPS * scale + relExtra * Math.abs(expected[idx]) + 0x1p-126;
            double err = Math.abs((double) actual[idx] - expected[idx]);
            if (!(err <= bound)) {
                fail("C[" + i + "][" + j + "] = " + actual[idx] + ", reference " + expected[idx] + ", error " + err
                        + " > bound " + bound);
            }
        }
        assertFalse(Float.isNaN(actual[c.off]), "NaN in result");
    }
}
