package ae4j.vecmath;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A persistent pool of worker threads for data-parallel loops: {@code run(tasks, body)} calls
 * {@code body.accept(t)} once for every t in [0, tasks), on the calling thread and the workers, and
 * returns when all are done.
 *
 * <p>Workers spin briefly before parking, so back-to-back calls (one per layer of a training step) pay
 * a few microseconds, not a full wake-up. Only one parallel loop runs at a time: a nested call, or a call
 * from another thread while a loop is running, runs its tasks serially on the caller. Bodies must write
 * disjoint outputs; then results never depend on the thread count.
 *
 * <p>The size defaults to the number of available processors and can be set with
 * {@link #setThreads(int)} or the system property {@code ae4j.threads}.
 */
public final class Parallel {

    private static final long SPIN_NANOS = 100_000;

    private static final ReentrantLock SUBMIT = new ReentrantLock();
    /** The current loop; workers grab it and work on its own counters, so a stale job has nothing left. */
    private static volatile Job current;

    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        /** How many more workers may join (the caller always works): a loop on fewer threads leaves the rest out. */
        final AtomicInteger seats;

        Job(IntConsumer body, int tasks, int helpers) {
            this.body = body;
            this.tasks = tasks;
            this.seats = new AtomicInteger(helpers);
        }

        void work() {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static int threads = defaultThreads();
    private static Thread[] workers = new Thread[0];

    private Parallel() {}

    private static int defaultThreads() {
        String p = System.getProperty("ae4j.threads");
        if (p != null && !p.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ae4j.threads must be a positive integer, got '" + p + "'");
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The number of threads a parallel loop uses, counting the caller. */
    public static int threads() {
        return threads;
    }

    /** The most threads a loop uses: 4 per available processor (more only adds hand-offs). */
    public static int maxThreads() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    /** Sets the pool size (1 = everything runs on the caller). Takes effect for the next loop. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        SUBMIT.lock();
        try {
            threads = Math.min(n, maxThreads());
        } finally {
            SUBMIT.unlock();
        }
    }

    /**
     * Whether the calling thread is inside a parallel loop's body (a worker, or the caller of a running
     * loop): a loop started here would run serially, so kernels should not split their work.
     */
    public static boolean nested() {
        return Thread.currentThread() instanceof Worker || SUBMIT.isHeldByCurrentThread();
    }

    /** Runs body(t) for t in [0, tasks). Exceptions thrown by a task are rethrown on the caller. */
    public static void run(int tasks, IntConsumer body) {
        run(tasks, threads, body);
    }

    /**
     * Runs body(t) for t in [0, tasks) on at most {@code maxThreads} threads (counting the caller). With one
     * thread the tasks run in order on the caller, inside the loop as far as {@link #nested()} is concerned,
     * so kernels they call do not split their work among threads either.
     */
    public static void run(int tasks, int maxThreads, IntConsumer body) {
        if (tasks <= 0) return;
        if (SUBMIT.isHeldByCurrentThread()) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        int use = Math.min(Math.min(threads, maxThreads), tasks);
        if (use <= 1) {
            if (maxThreads <= 1 && SUBMIT.tryLock()) {
                try {
                    for (int t = 0; t < tasks; t++) body.accept(t);
                } finally {
                    SUBMIT.unlock();
                }
            } else {
                for (int t = 0; t < tasks; t++) body.accept(t);
            }
            return;
        }
        if (!SUBMIT.tryLock()) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        try {
            ensureWorkers(use - 1);
            Job j = new Job(body, tasks, use - 1);
            current = j;
            for (int i = 0; i < use - 1; i++) LockSupport.unpark(workers[i]);
            j.work();
            while (j.done.get() < tasks) Thread.onSpinWait();
            current = null;
            Throwable f = j.failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error er) throw er;
                throw new RuntimeException(f);
            }
        } finally {
            SUBMIT.unlock();
        }
    }

    private static void ensureWorkers(int wanted) {
        if (workers.length >= wanted) return;
        Thread[] grown = java.util.Arrays.copyOf(workers, wanted);
        for (int i = workers.length; i < wanted; i++) {
            Thread w = new Worker("ae4j-worker-" + (i + 1));
            w.setDaemon(true);
            grown[i] = w;
            w.start();
        }
        workers = grown;
    }

    private static final class Worker extends Thread {
        Worker(String name) {
            super(Parallel::workerLoop, name);
        }
    }

    private static void workerLoop() {
        Job seen = null;
        while (true) {
            long spinStart = System.nanoTime();
            Job j;
            while ((j = current) == null || j == seen) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            seen = j;
            if (j.seats.getAndDecrement() > 0) j.work();
        }
    }
}
