package ae4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's fused multiply-add peak as Java reaches it: 12 independent FMA chains on the preferred
 * species (enough to cover FMA latency times the number of FMA pipes), nothing else in the loop.
 * GEMM results are reported as a fraction of this, measured in the same process.
 */
final class PeakFma {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ITERS = 100_000;
    static final int CHAINS = 12;

    /**
     * The loop's rate on {@code threads} threads at once, each a thread of its own running the loop until a
     * common deadline: after {@code warmupMillis}, {@code reps} rounds of {@code repMillis}; each round's rate is
     * the sum of the threads' own rates. Not through {@code Parallel}'s pool: there, on the Zen 4 VM of
     * 2026-12-06, the pool's worker ran this loop 2.25 times slower than the caller in 4 of 5 processes (744
     * against 330 us a call, on either processor; a compilation of the loop inlined into the worker's own loop),
     * and the two-thread peak read 102-104 GFLOP/s while two threads of the same loop reached 229-233. Training
     * does not show it: its bodies are not inlined into the pool's loop (caller and worker tasks measured at the
     * same time in the same processes: 207 against 216 us).
     */
    static Harness.Result measure(int threads, int warmupMillis, int reps, int repMillis) {
        double[][] rates = new double[threads][reps];
        long[] deadline = new long[1];
        java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(threads + 1);
        java.util.concurrent.CyclicBarrier done = new java.util.concurrent.CyclicBarrier(threads + 1);
        double[] sink = new double[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().daemon().name("ae4j-peak-" + t).start(() -> {
                for (int r = -1; r < reps; r++) {
                    await(go);
                    long end = deadline[0];
                    long calls = 0;
                    long t0 = System.nanoTime();
                    long t1;
                    do {
                        sink[id] += run();
                        calls++;
                    } while ((t1 = System.nanoTime()) < end);
                    if (r >= 0) rates[id][r] = calls * flopsPerCall() / ((t1 - t0) * 1e-9);
                    await(done);
                }
            });
        }
        for (int r = -1; r < reps; r++) {
            deadline[0] = System.nanoTime() + (r < 0 ? warmupMillis : repMillis) * 1_000_000L;
            await(go);
            await(done);
        }
        double[] total = new double[reps];
        for (int r = 0; r < reps; r++) for (int t = 0; t < threads; t++) total[r] += rates[t][r];
        if (sink[0] == 42) System.out.print("");
        return new Harness.Result(
                CompareBench.median(total),
                java.util.Arrays.stream(total).min().orElseThrow(),
                java.util.Arrays.stream(total).max().orElseThrow());
    }

    private static void await(java.util.concurrent.CyclicBarrier b) {
        try {
            b.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException
                | java.util.concurrent.BrokenBarrierException
                | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the FMA peak measurement did not finish: " + e, e);
        }
    }

    /** Flops done by one call of {@link #run()}. */
    static double flopsPerCall() {
        return 2.0 * S.length() * CHAINS * ITERS;
    }

    static double run() {
        FloatVector m = FloatVector.broadcast(S, 0.9999999f);
        FloatVector a = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0.add(1f), c2 = c0.add(2f), c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f), c5 = c0.add(5f), c6 = c0.add(6f), c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f), c9 = c0.add(9f), c10 = c0.add(10f), c11 = c0.add(11f);
        for (int i = 0; i < ITERS; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        return c0.add(c1)
                .add(c2)
                .add(c3)
                .add(c4)
                .add(c5)
                .add(c6)
                .add(c7)
                .add(c8)
                .add(c9)
                .add(c10)
                .add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
