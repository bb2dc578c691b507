package ae4j.dsl.runtime;

import ae4j.vecmath.Parallel;

/**
 * The cost model of a training step's parallelism: how many threads each phase of the step (the rows, the
 * parameters' gradients and update, the packing of the weights) runs on, chosen by measuring the phase both
 * ways on this machine, for this model and batch size.
 *
 * <p>After {@link #WARMUP} steps (the JIT compiles the step meanwhile) a trial of {@link #TRIALS} steps runs
 * each phase on one thread in half of them and on all threads in the other half, in a pattern that pairs
 * every phase's two choices evenly with the other phases' choices; each phase then keeps the choice whose
 * median time was lower. Trials repeat, {@link #FIRST_GAP} steps apart at first and then further apart up
 * to every {@link #PERIOD} steps, so that the first decisions (taken while the JIT is still compiling) are
 * revisited and a machine that gets busier (or quieter) is followed. A phase never uses two threads where one was measured faster.
 *
 * <p>Between trials the plan watches the choices it made: every {@link #WATCH} steps, a phase whose median time
 * over those steps has grown past what its other choice took in the last trial starts a trial at once. On a
 * shared host the other processor can, for seconds at a time, deliver half of its speed or less (measured on a
 * 2-vCPU VM: two threads' FMA loop at 59 + 59 GFLOP/s instead of 116 + 116 in 6 of 90 probes while idle, and
 * whole epochs on two threads at half the speed of the one-thread rows beside them); two threads then lose to
 * one, and a plan that waited {@link #PERIOD} steps for its next trial would spend that time on the slower
 * choice.
 *
 * <p>The choice changes no result: the parts a step is split into depend on the batch size only, and the
 * same parts run on one thread or several give the same bits.
 */
public final class StepThreads {

    /** The phases of a step. */
    public static final int ROWS = 0, PARAMS = 1, PACK = 2;

    static final int PHASES = 3;
    /** Steps before the first trial. */
    static final int WARMUP = 24;
    /** Steps in a trial: 2^PHASES patterns, twice. */
    static final int TRIALS = 16;
    /**
     * Steps from the start of one trial to the next: FIRST_GAP after the first, doubling up to PERIOD. The early
     * trials run while the JIT still compiles the step (measured: a first trial at step 24 kept one thread for the
     * rows of a batch of 128 that two threads ran 1.7 times faster from step 1,000), so later ones correct them.
     */
    static final int FIRST_GAP = 64;

    static final int PERIOD = 1024;

    /** Steps over which the watch takes the median of a phase's time between trials. */
    static final int WATCH = 8;

    /**
     * {@code -Dae4j.step.threads=all} turns the measuring off (every phase on all threads, as before there was a
     * cost model); benchmarks compare the two with it.
     */
    static final boolean MEASURE = !"all".equals(System.getProperty("ae4j.step.threads", "measured"));

    static final boolean DEBUG = Boolean.getBoolean("ae4j.step.debug");
    private final int threads;
    private final boolean[] many = new boolean[PHASES];
    private final long[][][] samples = new long[PHASES][2][TRIALS / 2];
    private final int[][] counts = new int[PHASES][2];
    /** Each phase's median time on one thread [0] and on all [1] in its last trial; 0 before one. */
    private final long[][] measured = new long[PHASES][2];
    /** The phases' times between trials, for the watch. */
    private final long[][] watched = new long[PHASES][WATCH];

    private final int[] nWatched = new int[PHASES];
    private long step;
    /** The first step of the next trial, and the steps from its start to the one after. */
    private long trialStart = WARMUP;

    private long gap = FIRST_GAP;

    /** A plan for a step on {@code threads} threads; every phase starts on all of them. */
    public StepThreads(int threads) {
        this.threads = threads;
        java.util.Arrays.fill(many, true);
    }

    /** How many threads phase {@code phase} uses in the current step. */
    public int threads(int phase) {
        if (threads <= 1) return 1;
        int trial = trialIndex();
        boolean all = trial >= 0 ? ((trial >> phase) & 1) == 1 : many[phase];
        return all ? threads : 1;
    }

    /** Records the time phase {@code phase} took in the current step on {@code used} threads. */
    public void record(int phase, int used, long nanos) {
        int trial = trialIndex();
        if (threads <= 1) return;
        if (trial < 0) {
            if (nWatched[phase] < WATCH) watched[phase][nWatched[phase]++] = nanos;
            return;
        }
        int c = used > 1 ? 1 : 0;
        int k = counts[phase][c];
        if (k < samples[phase][c].length) {
            samples[phase][c][k] = nanos;
            counts[phase][c] = k + 1;
        }
    }

    /** Ends the current step; at the end of a trial each phase keeps the faster choice. */
    public void endStep() {
        int trial = trialIndex();
        step++;
        if (trial == TRIALS - 1) decide();
        else if (MEASURE && trial < 0 && step < trialStart) watch();
    }

    /**
     * Starts a trial with the next step when a phase's recent median is above what its other choice took in the
     * last trial: the choice is no longer known to be the faster one.
     */
    private void watch() {
        boolean stale = false;
        for (int p = 0; p < PHASES; p++) {
            if (nWatched[p] < WATCH) continue;
            long other = measured[p][many[p] ? 0 : 1];
            long now = median(watched[p], WATCH);
            if (other > 0 && now > other) {
                stale = true;
                if (DEBUG)
                    System.err.printf(
                            "step %d phase %d: %d us on %s, above %d us on %s in the last trial -> trial%n",
                            step, p, now / 1000, many[p] ? "all" : "one", other / 1000, many[p] ? "one" : "all");
            }
            nWatched[p] = 0;
        }
        if (stale) {
            trialStart = step;
            gap = FIRST_GAP;
        }
    }

    private int trialIndex() {
        if (!MEASURE || step < trialStart) return -1;
        long s = step - trialStart;
        return s < TRIALS ? (int) s : -1;
    }

    private void decide() {
        boolean changed = false;
        for (int p = 0; p < PHASES; p++) {
            int one = counts[p][0];
            int all = counts[p][1];
            // A phase the step did not run (no packing when the packs are fresh) keeps its choice.
            if (one > 0 && all > 0) {
                boolean was = many[p];
                measured[p][0] = median(samples[p][0], one);
                measured[p][1] = median(samples[p][1], all);
                many[p] = measured[p][1] < measured[p][0];
                changed |= many[p] != was;
            }
            if (DEBUG && one > 0 && all > 0)
                System.err.printf(
                        "step %d phase %d: one %d us, all %d us -> %s%n",
                        step, p, measured[p][0] / 1000, measured[p][1] / 1000, many[p] ? "all" : "one");
            counts[p][0] = 0;
            counts[p][1] = 0;
            nWatched[p] = 0;
        }
        // A changed choice is checked again soon: a trial can catch a moment when the other thread is busy (seen:
        // the same step of a run measured two threads at twice their usual time), and a wrong choice would
        // otherwise hold for PERIOD steps.
        trialStart += gap;
        gap = changed ? FIRST_GAP : Math.min(2 * gap, PERIOD);
    }

    private static long median(long[] a, int n) {
        long[] s = java.util.Arrays.copyOf(a, n);
        java.util.Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The plan of a model for one batch size, made again when the thread count changed. */
    public static StepThreads of(StepThreads[] plans, int batch) {
        StepThreads p = plans[batch];
        int t = Parallel.threads();
        if (p == null || p.threads != t) plans[batch] = p = new StepThreads(t);
        return p;
    }
}
