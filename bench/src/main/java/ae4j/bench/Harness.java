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
        // Warm up in rounds until the JIT has settled: at least the warm-up time, and the last two rounds'
        // call rates within 10% of each other (interpreted Vector API code is 100x slower than compiled).
        double acc = 0;
        long begin = System.nanoTime();
        double prevRate = -1;
        double rate;
        while (true) {
            long t0 = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - t0 < warmupNanos / 5 || calls < 3) {
                acc += op.run();
                calls++;
            }
            long now = System.nanoTime();
            rate = calls / (double) (now - t0);
            boolean settled = prevRate > 0 && Math.abs(rate - prevRate) < 0.1 * rate;
            if ((now - begin >= warmupNanos && settled) || now - begin > 10 * warmupNanos) break;
            prevRate = rate;
        }
        long perCall = Math.max(1, (long) (1 / rate));
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
