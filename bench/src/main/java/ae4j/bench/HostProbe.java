package ae4j.bench;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far apart the host has placed two of this machine's processors, seen from Java: the round trip of one
 * cache line between two threads that spin on it, each on a processor of its own.
 *
 * <p>On the 2-vCPU VM of 2026-12-06 (AMD EPYC, Zen 4) the round trip was 52-117 ns most of the time and
 * 340-440 ns for stretches of seconds (C and Java alike): the host had moved one of the two virtual
 * processors away from the other's cache. Those stretches were the epochs where two threads ran at half
 * their usual speed (mid, batch 32: 19-23k examples/s against 40-53k) while the FMA loop on both processors
 * read its full 230 GFLOP/s; a step on two threads hands every layer's data from one processor to the other.
 * The harness prints the round trip before each epoch on several threads, so a reader can tell those
 * epochs apart.
 */
final class HostProbe {

    private HostProbe() {}

    /** On that VM, round trips below this were one shared cache; above it the processors were placed apart. */
    static final double FAR_NANOS = 250;

    /** Whether there are two processors to probe (on one, the two threads would take turns, milliseconds each). */
    static boolean useful() {
        return Runtime.getRuntime().availableProcessors() > 1;
    }

    /**
     * The median, over 9 bursts of 2 ms (after 10 ms of warm-up), of the mean round trip in a burst, in
     * nanoseconds; about 30 ms in all.
     */
    static double roundTripNanos() {
        AtomicInteger line = new AtomicInteger();
        Thread pong = Thread.ofPlatform().daemon().name("ae4j-probe").start(() -> {
            int seen = 0;
            while (true) {
                int v;
                while ((v = line.get()) == seen) {
                    // spin: the other thread's write is what this waits for
                }
                if (v < 0) return;
                line.set(v + 1);
                seen = v + 1;
            }
        });
        int value = 0;
        double[] bursts = new double[9];
        for (int b = -1; b < bursts.length; b++) {
            long t0 = System.nanoTime();
            long end = t0 + (b < 0 ? 10_000_000L : 2_000_000L);
            long trips = 0;
            long t1;
            do {
                line.set(++value);
                while (line.get() == value) {
                    // spin until the other thread has answered
                }
                value++;
                trips++;
            } while ((t1 = System.nanoTime()) < end);
            if (b >= 0) bursts[b] = (t1 - t0) / (double) trips;
        }
        line.set(-1);
        try {
            pong.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        java.util.Arrays.sort(bursts);
        return bursts[bursts.length / 2];
    }
}
