package ae4j.bench;

import java.util.Arrays;

/**
 * A small measurement harness: warm-up until the JIT has settled, then several timed repetitions, each
 * long enough (tens of milliseconds) to dwarf timer noise; reports median, min and max of the rate.
 * Every op returns a value folded into a sink so the JIT cannot remove it.
 */
final class Harness {

    static volatile double sink;

    interface Op {
        /** Runs the operation once; returns something derived from its result. */
        double run();
    }

    record Result(double median, double min, double max) {
        double spreadPercent() {
            return median == 0 ? 0 : 100.0 * (max - min) / median;
        }
    }

    final long warmupNanos;
    final long repNanos;
    final int reps;

    Harness(long warmupMillis, long repMillis, int reps) {
        this.warmupNanos = warmupMillis * 1_000_000L;
        this.repNanos = repMillis * 1_000_000L;
        this.reps = reps;
    }

    /** Measures {@code workPerOp / seconds} (e.g. flops per second) over repetitions of op. */
    Result rate(Op op, double workPerOp) {
        double acc = 0;
        long start = System.nanoTime();
        long calls = 0;
        while (System.nanoTime() - start < warmupNanos || calls < 10) {
            acc += op.run();
            calls++;
        }
        // Re-time a few calls now that the JIT has settled: the warm-up average includes interpreted calls.
        long t = System.nanoTime();
        for (int i = 0; i < 5; i++) acc += op.run();
        long perCall = Math.max(1, (System.nanoTime() - t) / 5);
        int batch = (int) Math.max(1, Math.min(1_000_000, repNanos / perCall));
        double[] rates = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) acc += op.run();
            long t1 = System.nanoTime();
            rates[r] = workPerOp * batch / ((t1 - t0) * 1e-9);
        }
        sink += acc;
        Arrays.sort(rates);
        double median = reps % 2 == 1 ? rates[reps / 2] : 0.5 * (rates[reps / 2 - 1] + rates[reps / 2]);
        return new Result(median, rates[0], rates[reps - 1]);
    }
}
