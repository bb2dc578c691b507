package ae4j.bench;

import ae4j.vecmath.Epilogue;
import ae4j.vecmath.Gemm;
import ae4j.vecmath.Gemm.Op;
import ae4j.vecmath.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code ae4j bench gemm}: GEMM GFLOP/s at the autoencoder shapes and their backprop variants, plus
 * 1024^3, on 1 and 2 threads, as a fraction of the FMA peak measured in the same process.
 */
public final class GemmBench {

    record Case(String label, Op opA, Op opB, int m, int k, int n) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        boolean elementwiseOnly = List.of(args).contains("--elementwise");
        Harness h = quick ? new Harness(1000, 30, 5) : new Harness(1500, 120, 9);
        int maxThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        System.out.println(ae4j.vecmath.SystemInfo.report());
        System.out.println("date: " + java.time.LocalDate.now());
        System.out.printf(
                Locale.ROOT,
                "harness: warm-up %d ms, %d repetitions of >= %d ms; median [min .. max]%n",
                h.warmupNanos / 1_000_000,
                h.reps,
                h.repNanos / 1_000_000);

        if (elementwiseOnly) {
            ElementwiseBench.run(h);
            return;
        }
        double[] peak = new double[maxThreads + 1];
        for (int t = 1; t <= maxThreads; t++) {
            Harness.Result r =
                    PeakFma.measure(t, (int) (h.warmupNanos / 1_000_000), h.reps, (int) (h.repNanos / 1_000_000));
            peak[t] = r.median();
            System.out.printf(
                    Locale.ROOT,
                    "peak FMA loop, %d thread%s: %.1f GFLOP/s [%.1f .. %.1f]%n",
                    t,
                    t == 1 ? "" : "s",
                    r.median() / 1e9,
                    r.min() / 1e9,
                    r.max() / 1e9);
        }

        // The micro-kernel by itself: packed panels as the GEMM lays them out (a 192-row A block and 8 B panels,
        // in L2), no packing and no store into C: how close the register tile comes to the FMA loop.
        for (int kc : new int[] {32, 128, 256}) {
            int mr = Gemm.tileRows(), nr = Gemm.tileCols(), rows = 192 / mr * mr, panels = 8;
            SplittableRandom rnd = new SplittableRandom(7);
            float[] ap = random(rnd, rows * kc), bp = random(rnd, panels * kc * nr), tile = new float[mr * nr];
            Harness.Result r = h.rate(
                    () -> {
                        for (int j = 0; j < panels; j++)
                            for (int i = 0; i < rows; i += mr) Gemm.microKernel(kc, ap, i * kc, bp, j * kc * nr, tile);
                        return tile[0];
                    },
                    2.0 * rows * nr * kc * panels);
            System.out.printf(
                    Locale.ROOT,
                    "micro-kernel alone, %d x %d tile, kc %d, 1 thread: %.1f GFLOP/s = %.1f%% of the FMA loop%n",
                    mr,
                    nr,
                    kc,
                    r.median() / 1e9,
                    100 * r.median() / peak[1]);
        }

        List<Case> cases = new ArrayList<>();
        int[][] shapes = {{128, 784, 256}, {128, 256, 784}, {128, 256, 64}, {128, 64, 256}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            String shape = "(" + m + "," + k + "," + n + ")";
            cases.add(new Case(shape + " A*B       fwd", Op.N, Op.N, m, k, n));
            cases.add(new Case(shape + " A*B^T     fwd", Op.N, Op.T, m, k, n));
            cases.add(new Case(shape + " A^T*B K=b dW", Op.T, Op.N, k, m, n));
            cases.add(new Case(shape + " A*B^T     dX", Op.N, Op.T, m, n, k));
        }
        cases.add(new Case("(1024,1024,1024) A*B", Op.N, Op.N, 1024, 1024, 1024));
        cases.add(new Case("(1024,1024,1024) A^T*B^T", Op.T, Op.T, 1024, 1024, 1024));

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-32s %5s %6s %6s %6s | %9s %9s %8s%n",
                "shape (M,K,N) variant",
                "op",
                "m",
                "k",
                "n",
                "GFLOP/s",
                "of peak",
                "spread");
        for (Case c : cases) {
            for (int t = 1; t <= maxThreads; t++) {
                Parallel.setThreads(t);
                Harness.Result r = h.rate(gemmOp(c), c.flops());
                System.out.printf(
                        Locale.ROOT,
                        "%-32s %5s %6d %6d %6d | %9.1f %8.1f%% %7.1f%%  (%dT)%n",
                        c.label(),
                        c.opA() + "" + c.opB(),
                        c.m(),
                        c.k(),
                        c.n(),
                        r.median() / 1e9,
                        100 * r.median() / peak[t],
                        r.spreadPercent(),
                        t);
            }
        }
        Parallel.setThreads(maxThreads);
        coldCaches(peak[1]);
        ElementwiseBench.run(h);
    }

    /**
     * Deep's largest products (64 rows: a batch of 128 in two parts), one thread, with their operands in the cache
     * (each call repeating the last) and with the caches flushed before every call (a 64 MB sweep, as a training
     * step's other layers and the optimizer leave them): how much of the kernel's speed a step's memory traffic
     * costs. Median of 41 single calls each way.
     */
    private static void coldCaches(double peak1) {
        int threadsBefore = Parallel.threads();
        Parallel.setThreads(1);
        float[] sweep = new float[16 << 20];
        SplittableRandom rnd = new SplittableRandom(5);
        System.out.println();
        for (int[] s : new int[][] {{64, 784, 1000}, {64, 1000, 500}}) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = random(rnd, m * k), w = random(rnd, n * k), c = new float[m * n];
            Gemm.PackedB b = new Gemm.PackedB(k, n);
            Gemm.pack(Op.T, w, 0, k, b, 0, 1);
            double[] rate = new double[2];
            for (int cold = 0; cold < 2; cold++) {
                double[] r = new double[41];
                for (int i = 0; i < 200; i++) Gemm.gemm(Op.N, m, n, k, 1f, a, 0, k, b, 0f, c, 0, n, Epilogue.NONE);
                for (int i = 0; i < r.length; i++) {
                    if (cold == 1) for (int j = 0; j < sweep.length; j += 16) sweep[j] += 1f;
                    long t0 = System.nanoTime();
                    Gemm.gemm(Op.N, m, n, k, 1f, a, 0, k, b, 0f, c, 0, n, Epilogue.NONE);
                    r[i] = 2.0 * m * n * k / (System.nanoTime() - t0);
                }
                java.util.Arrays.sort(r);
                rate[cold] = r[r.length / 2];
            }
            System.out.printf(
                    Locale.ROOT,
                    "caches, (%d,%d,%d) A*packed B^T, 1 thread: operands cached %.1f GFLOP/s (%.0f%% of the FMA loop),"
                            + " caches flushed before each call %.1f (%.0f%%)%n",
                    m,
                    k,
                    n,
                    rate[0],
                    100 * rate[0] / (peak1 / 1e9),
                    rate[1],
                    100 * rate[1] / (peak1 / 1e9));
            Harness.sink += c[0] + sweep[0];
        }
        Parallel.setThreads(threadsBefore);
    }

    private static Harness.Op gemmOp(Case c) {
        SplittableRandom rnd = new SplittableRandom(42);
        int aRows = c.opA() == Op.N ? c.m() : c.k(), aCols = c.opA() == Op.N ? c.k() : c.m();
        int bRows = c.opB() == Op.N ? c.k() : c.n(), bCols = c.opB() == Op.N ? c.n() : c.k();
        float[] a = random(rnd, aRows * aCols);
        float[] b = random(rnd, bRows * bCols);
        float[] cc = new float[c.m() * c.n()];
        return () -> {
            Gemm.gemm(c.opA(), c.opB(), c.m(), c.n(), c.k(), 1f, a, 0, aCols, b, 0, bCols, 0f, cc, 0, c.n());
            return cc[0];
        };
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
