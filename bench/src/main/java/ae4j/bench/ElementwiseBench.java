package ae4j.bench;

import ae4j.vecmath.Activation;
import ae4j.vecmath.Elementwise;
import ae4j.vecmath.Gemm;
import ae4j.vecmath.Updates;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels on one thread, in elements per nanosecond: with data that fits in L2 (16K floats
 * per array) and with data far out of cache (16M floats per array, where the figure to compare with is
 * the memory bandwidth, also printed in GB/s of traffic). Then the parameter phase's Adam update and transposing
 * pack beside their floors, in nanoseconds per element.
 */
final class ElementwiseBench {

    private interface Kernel {
        void run(float[] x, float[] y, float[] bias, int n);
    }

    private record Entry(String name, int arraysTouched, Kernel kernel) {}

    static void run(Harness h) {
        Entry[] entries = {
            new Entry("axpy  y += a*x", 3, (x, y, b, n) -> Elementwise.axpy(n, 0.5f, x, 0, y, 0)),
            new Entry("bias add (rows x 128)", 2, (x, y, b, n) -> Elementwise.addBias(n / 128, 128, b, 0, y, 0, 128)),
            new Entry("relu", 2, (x, y, b, n) -> Activation.RELU.forward(n, x, 0, y, 0)),
            new Entry("sigmoid", 2, (x, y, b, n) -> Activation.SIGMOID.forward(n, x, 0, y, 0)),
            new Entry("tanh", 2, (x, y, b, n) -> Activation.TANH.forward(n, x, 0, y, 0)),
            new Entry("softplus", 2, (x, y, b, n) -> Activation.SOFTPLUS.forward(n, x, 0, y, 0)),
            new Entry(
                    "bias + relu (fused)",
                    2,
                    (x, y, b, n) -> Activation.RELU.biasForward(n / 128, 128, b, 0, x, 0, 128, y, 0, 128)),
            new Entry(
                    "bias + sigmoid (fused)",
                    2,
                    (x, y, b, n) -> Activation.SIGMOID.biasForward(n / 128, 128, b, 0, x, 0, 128, y, 0, 128)),
            new Entry("sigmoid backward", 3, (x, y, b, n) -> Activation.SIGMOID.backward(n, x, 0, y, 0, y, 0)),
        };
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-26s | %18s | %18s %10s%n",
                "elementwise, 1 thread",
                "in L2 (16K floats)",
                "out of cache (16M)",
                "GB/s");
        SplittableRandom rnd = new SplittableRandom(3);
        float[] xs = GemmBench.random(rnd, 1 << 14), ys = GemmBench.random(rnd, 1 << 14);
        float[] xl = GemmBench.random(rnd, 1 << 24), yl = GemmBench.random(rnd, 1 << 24);
        float[] bias = GemmBench.random(rnd, 128);
        for (Entry e : entries) {
            Harness.Result small = h.rate(
                    () -> {
                        e.kernel().run(xs, ys, bias, xs.length);
                        return ys[7];
                    },
                    xs.length);
            Harness.Result large = h.rate(
                    () -> {
                        e.kernel().run(xl, yl, bias, xl.length);
                        return yl[7];
                    },
                    xl.length);
            // Refresh y so repeated in-place updates (axpy) do not drift to infinity.
            System.arraycopy(xs, 0, ys, 0, ys.length);
            System.out.printf(
                    Locale.ROOT,
                    "%-26s | %11.2f el/ns | %11.2f el/ns %10.1f%n",
                    e.name(),
                    small.median() / 1e9,
                    large.median() / 1e9,
                    large.median() * 4 * e.arraysTouched() / 1e9);
        }
        gather(h);
        floors(h);
    }

    /** mid's parameters, 784-256-64-256-784: the elements a training step's Adam update and weight packs go over. */
    private static final int MID_PARAMS = 2 * (784 * 256 + 256 * 64) + 256 + 64 + 256 + 784;

    /**
     * The two kernels of a training step's parameter phase besides its products, each beside the instruction floor it
     * runs into: Adam, one divide and one square root per element, against those two alone; the transposing pack of an
     * updated weight (the forward product reads W^T), against the same pack of a weight that fits in L1.
     */
    private static void floors(Harness h) {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = MID_PARAMS;
        float[] p = GemmBench.random(rnd, n), g = GemmBench.random(rnd, n);
        float[] m = new float[n], v = new float[n];
        Harness.Result adam = h.rate(
                () -> {
                    Updates.adam(n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0.5f, 0.5f, p, g, m, v);
                    return p[7];
                },
                n);
        Harness.Result divSqrt = h.rate(() -> divideAndRoot(g, n), n);
        System.out.printf(
                Locale.ROOT,
                "Adam update, %,d elements (mid's parameters; reads p, g, m, v, writes p, m, v), 1 thread: %.3f ns per"
                        + " element; its divide and square root alone (no memory): %.3f ns per element%n",
                n,
                nanosPer(adam),
                nanosPer(divSqrt));
        System.out.printf(
                Locale.ROOT,
                "transposing pack of a 256 x 784 weight (the forward product's W^T), 1 thread: %.3f ns per float; of a"
                        + " 48 x 48 weight, in L1: %.3f ns per float%n",
                nanosPer(transposingPack(h, rnd, 256, 784)),
                nanosPer(transposingPack(h, rnd, 48, 48)));
    }

    /** Floats per second of the pack of a random rows x cols weight, transposed as the forward product reads it. */
    private static Harness.Result transposingPack(Harness h, SplittableRandom rnd, int rows, int cols) {
        float[] w = GemmBench.random(rnd, rows * cols);
        Gemm.PackedB packed = new Gemm.PackedB(cols, rows);
        return h.rate(
                () -> {
                    Gemm.packRows(Gemm.Op.T, w, 0, cols, packed, 0, rows);
                    return w[7];
                },
                rows * cols);
    }

    private static double nanosPer(Harness.Result perSecond) {
        return 1e9 / perSecond.median();
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Adam's divide and square root on n elements, the operands in registers: lr m / (sqrt(v / c2) + eps). */
    private static float divideAndRoot(float[] g, int n) {
        FloatVector m = FloatVector.fromArray(S, g, 0).abs(), v = m.mul(m).add(1e-3f);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i + S.length() <= n; i += S.length()) {
            FloatVector denom = v.mul(2f).lanewise(VectorOperators.SQRT).add(1e-8f);
            acc = acc.add(m.mul(1e-3f).div(denom));
            v = v.add(1e-7f);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * A batch as the trainer gathers it: 128 rows of 784 floats, in shuffled order, from a 60,000-row data set (188
     * MB). With 4 KB pages most rows miss the TLB; {@code ./ae4j} gives Java huge pages where the OS offers them.
     */
    private static void gather(Harness h) {
        int n = 60_000, d = 784, b = 128;
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i += 97) x[i] = i; // touch every page
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] buf = new float[b * d];
        int[] next = {0};
        Harness.Result r = h.rate(
                () -> {
                    int from = next[0];
                    next[0] = from + 2 * b > n ? 0 : from + b;
                    for (int k = 0; k < b; k++) System.arraycopy(x, order[from + k] * d, buf, k * d, d);
                    return buf[d];
                },
                1);
        boolean huge = java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments()
                .contains("-XX:+UseTransparentHugePages");
        System.out.printf(
                Locale.ROOT,
                "batch gather, %d shuffled rows of %d floats from %,d, one thread (the trainer splits a large batch among its"
                        + " threads): %.1f us per batch,"
                        + " huge pages %s%n",
                b,
                d,
                n,
                1e6 / r.median(),
                huge ? "on" : "off (./ae4j turns them on where the OS offers them; AE4J_THP=0 turns them off)");
    }
}
