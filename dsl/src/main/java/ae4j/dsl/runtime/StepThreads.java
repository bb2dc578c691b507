package ae4j.dsl.runtime;

import ae4j.vecmath.Parallel;

/**
 * The cost model of a training step's parallelism: how many threads each phase of the step (the rows, the
 * parameters' gradients and update, the packing of the weights) runs on, chosen by measuring the step's
 * phases both ways on this machine, for this model and batch size.
 *
 * <p>After {@link #WARMUP} steps (the JIT compiles the step meanwhile) a trial runs every pattern of choices (each
 * phase on one thread or on all; up to 2^{@link #PHASES} patterns) for {@link #BLOCK} steps in a row, and the plan
 * keeps the pattern whose fastest step was the fastest, not counting each pattern's first step (it pays for moving
 * the data from where the previous pattern left it; other load on the machine only adds to a step). Phases the
 * trial did not run (the packing, when the update packs the weights it writes) have no say, and the next trial
 * varies only the phases this one ran. The choice is taken for
 * the whole step, not phase by phase, because the phases hand data to each other: a phase on one thread that
 * reads what the other thread just wrote pays for bringing it over, and on a host that places the two
 * processors far apart that cost is what decides (measured on the 2-vCPU VM of 2026-12-06: a cache line's
 * round trip between the two threads at 52-117 ns most of the time and 340-440 ns in the epochs that ran at
 * half speed; in those, one thread for the parameter phase alone took 1.3-1.5 ms against 0.6-0.8 ms
 * otherwise). Trials repeat, {@link #FIRST_GAP} steps apart at first and then further apart up to every
 * {@link #PERIOD} steps, so that the first decisions (taken while the JIT is still compiling) are revisited
 * and a machine that gets busier (or quieter) is followed.
 *
 * <p>Between trials the plan watches its choice: every {@link #WATCH} steps, if the median step over those
 * steps took more than {@link #WATCH_MARGIN} times another pattern's in the last trial, a trial starts at once, so
 * a change of the host's placement (which comes and goes within seconds) is not followed only a period later. A
 * trial the watch started that kept the choice was a false alarm: the watch then rests until the next periodic
 * trial.
 *
 * <p>The choice changes no result: the parts a step is split into depend on the batch size only, and the
 * same parts run on one thread or several give the same bits.
 */
public final class StepThreads {

    /** The phases of a step. */
    public static final int ROWS = 0, PARAMS = 1, PACK = 2;

    static final int PHASES = 3;

    static final int PATTERNS = 1 << PHASES;
    /** Steps before the first trial. */
    static final int WARMUP = 24;
    /** Steps in a row that a trial gives each pattern. */
    static final int BLOCK = 3;
    /** Steps in a trial that varies every phase (the first; later ones vary the phases that ran). */
    static final int TRIALS = BLOCK * PATTERNS;
    /**
     * Steps from the start of one trial to the next: FIRST_GAP after the first, doubling up to PERIOD. The early
     * trials run while the JIT still compiles the step (measured: a first trial at step 24 kept one thread for the
     * rows of a batch of 128 that two threads ran 1.7 times faster from step 1,000), so later ones correct them.
     */
    static final int FIRST_GAP = 64;

    static final int PERIOD = 1024;

    /** Steps over which the watch takes the median step between trials (even: the median of the middle two). */
    static final int WATCH = 8;

    /** How much slower than another pattern's trial the watched median step must be to start a trial. */
    static final double WATCH_MARGIN = 1.1;

    /**
     * {@code -Dae4j.step.threads=all} turns the measuring off (every phase on all threads, as before there was a
     * cost model); benchmarks compare the two with it.
     */
    static final boolean MEASURE = !"all".equals(System.getProperty("ae4j.step.threads", "measured"));

    static final boolean DEBUG = Boolean.getBoolean("ae4j.step.debug");
    private final int threads;
    /** The pattern in use: bit p set = phase p on all threads. */
    private int chosen = PATTERNS - 1;
    /** The current step's time so far (the phases it ran). */
    private long stepNanos;
    /** The phases the current trial has run so far (bit p: phase p). */
    private int ran;
    /**
     * The phases the last trial ran, which the next one varies (the others keep their choice), so that a trial
     * does not spend steps on patterns that differ only in a phase that does not run; all before the first.
     */
    private int varied = PATTERNS - 1;
    /** Whether the current trial was started by the watch, and whether the watch rests until the next trial. */
    private boolean watchStarted, resting;
    /** Steps in the next (or current) trial: {@link #BLOCK} for each pattern of the varied phases. */
    private int trialLength = TRIALS;
    /** The trial's steps, by trial index. */
    private final long[] trialSteps = new long[TRIALS];
    /**
     * The fastest counted step in the last trial of each pattern of the phases it ran (the other bits clear); 0
     * before a trial, {@link Long#MAX_VALUE} for a pattern with a bit of a phase that did not run.
     */
    private final long[] measured = new long[PATTERNS];
    /** Steps between trials, for the watch. */
    private final long[] watched = new long[WATCH];

    private int nWatched;
    private long step;
    /** The first step of the next trial, and the steps from its start to the one after. */
    private long trialStart = WARMUP;

    private long gap = FIRST_GAP;

    /** A plan for a step on {@code threads} threads; every phase starts on all of them. */
    public StepThreads(int threads) {
        this.threads = threads;
    }

    /** How many threads phase {@code phase} uses in the current step. */
    public int threads(int phase) {
        if (threads <= 1) return 1;
        int trial = trialIndex();
        int pattern = trial >= 0 ? trialPattern(trial / BLOCK) : chosen;
        return ((pattern >> phase) & 1) == 1 ? threads : 1;
    }

    /**
     * Records the time phase {@code phase} took in the current step. ({@code used}, the threads it ran on, is what
     * {@link #threads} said; the plan keeps it in its patterns. The parameter stays for the generated models that
     * pass it.)
     */
    public void record(int phase, int used, long nanos) {
        stepNanos += nanos;
        if (trialIndex() >= 0) ran |= 1 << phase;
    }

    /** Ends the current step; at the end of a trial the plan keeps the fastest pattern. */
    public void endStep() {
        long nanos = stepNanos;
        stepNanos = 0;
        if (threads <= 1 || !MEASURE) return;
        int trial = trialIndex();
        step++;
        if (trial >= 0) {
            trialSteps[trial] = nanos;
            if (trial == trialLength - 1) decide();
        } else if (measured[0] > 0 && !resting) {
            watched[nWatched++] = nanos;
            if (nWatched == WATCH) watch();
        }
    }

    /**
     * Starts a trial with the next step when the recent median step is more than {@link #WATCH_MARGIN} times
     * another pattern's in the last trial.
     */
    private void watch() {
        nWatched = 0;
        java.util.Arrays.sort(watched); // in place: the window starts over; nothing is allocated per step
        long now = (watched[WATCH / 2 - 1] + watched[WATCH / 2]) / 2;
        int other = fastest(chosen & varied);
        if (now > WATCH_MARGIN * measured[other] && step < trialStart) {
            if (DEBUG)
                System.err.printf(
                        "step %d: median step %d us on %s, above %d us on %s in the last trial -> trial%n",
                        step, now / 1000, name(chosen), measured[other] / 1000, name(other));
            trialStart = step;
            gap = FIRST_GAP;
            watchStarted = true;
        }
    }

    /** Whether the current step belongs to a trial (its threads are the trial's, not the plan's). */
    boolean measuring() {
        return trialIndex() >= 0;
    }

    private int trialIndex() {
        if (!MEASURE || step < trialStart) return -1;
        long s = step - trialStart;
        return s < trialLength ? (int) s : -1;
    }

    /** The k-th pattern of a trial: the k-th choice of the varied phases, the others as chosen. */
    private int trialPattern(int k) {
        for (int q = 0; q < PATTERNS; q++) if ((q & ~varied) == 0 && k-- == 0) return q | (chosen & ~varied);
        throw new IllegalStateException("no pattern " + k);
    }

    private void decide() {
        // each pattern of the phases that ran: the fastest counted step of every trial pattern that ran the same way
        // (they differ only in phases that did not run); MAX_VALUE for the others
        java.util.Arrays.fill(measured, Long.MAX_VALUE);
        for (int t = 0; t < trialLength; t++) {
            int q = trialPattern(t / BLOCK) & ran;
            if (t % BLOCK != 0) measured[q] = Math.min(measured[q], trialSteps[t]);
        }
        int was = chosen;
        chosen = fastest(-1) | (chosen & ~ran);
        if (DEBUG) {
            StringBuilder b = new StringBuilder("step " + step + ":");
            for (int q = 0; q < PATTERNS; q++)
                if (measured[q] != Long.MAX_VALUE)
                    b.append(' ').append(name(q)).append(' ').append(measured[q] / 1000);
            System.err.println(b + " us -> " + name(chosen));
        }
        varied = ran != 0 ? ran : PATTERNS - 1;
        ran = 0;
        trialLength = BLOCK << Integer.bitCount(varied);
        nWatched = 0;
        resting = watchStarted && chosen == was;
        watchStarted = false;
        // A changed choice is checked again soon: a trial can catch a moment when the other thread is busy (seen:
        // the same step of a run measured two threads at twice their usual time), and a wrong choice would
        // otherwise hold for PERIOD steps.
        trialStart += gap;
        gap = chosen != was ? FIRST_GAP : Math.min(2 * gap, PERIOD);
    }

    /** The pattern with the fastest step in the last trial, other than {@code except}. */
    private int fastest(int except) {
        int best = -1;
        for (int q = 0; q < PATTERNS; q++) if (q != except && (best < 0 || measured[q] < measured[best])) best = q;
        return best;
    }

    /** A pattern as the phases' thread choices, e.g. "[rows all, params one, pack all]". */
    private static String name(int pattern) {
        return "[rows " + ((pattern & 1) != 0 ? "all" : "one") + ", params " + ((pattern & 2) != 0 ? "all" : "one")
                + ", pack " + ((pattern & 4) != 0 ? "all" : "one") + "]";
    }

    /** The plan of a model for one batch size, made again when the thread count changed. */
    public static StepThreads of(StepThreads[] plans, int batch) {
        StepThreads p = plans[batch];
        int t = Parallel.threads();
        if (p == null || p.threads != t) plans[batch] = p = new StepThreads(t);
        return p;
    }
}
