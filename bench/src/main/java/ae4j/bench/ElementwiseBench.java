package ae4j.bench;

import ae4j.vecmath.Activation;
import ae4j.vecmath.Elementwise;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Elementwise kernels on one thread, in elements per nanosecond: with data that fits in L2 (16K floats
 * per array) and with data far out of cache (16M floats per array, where the figure to compare with is
 * the memory bandwidth, also printed in GB/s of traffic).
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
