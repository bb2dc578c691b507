package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyTaskRunsExactlyOnce() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 4}) {
                Parallel.setThreads(threads);
                for (int round = 0; round < 200; round++) {
                    int tasks = 1 + round % 17;
                    AtomicIntegerArray hits = new AtomicIntegerArray(tasks);
                    Parallel.run(tasks, hits::incrementAndGet);
                    for (int t = 0; t < tasks; t++) assertEquals(1, hits.get(t), "task " + t + " round " + round);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void nestedLoopsRunOnTheCaller() {
        AtomicIntegerArray hits = new AtomicIntegerArray(12);
        Parallel.run(3, outer -> Parallel.run(4, inner -> hits.incrementAndGet(outer * 4 + inner)));
        for (int i = 0; i < 12; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void taskFailureIsRethrownAndThePoolSurvives() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Parallel.run(8, t -> {
                    if (t == 5) throw new IllegalStateException("task 5 failed");
                }));
        assertEquals("task 5 failed", e.getMessage());
        AtomicIntegerArray hits = new AtomicIntegerArray(8);
        Parallel.run(8, hits::incrementAndGet);
        for (int i = 0; i < 8; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void rejectsBadThreadCounts() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }

    /** A thread count far beyond the processors is capped (it created that many threads). */
    @Test
    void threadCountsAreCappedAtFourPerProcessor() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(100_000);
            org.junit.jupiter.api.Assertions.assertEquals(Parallel.maxThreads(), Parallel.threads());
            org.junit.jupiter.api.Assertions.assertEquals(
                    4 * Runtime.getRuntime().availableProcessors(), Parallel.maxThreads());
        } finally {
            Parallel.setThreads(before);
        }
    }
}
