package ae4j.dsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The step's cost model keeps the threads per phase whose steps its trials measured fastest, tries again later
 * (and at once when its choice turns slower than another was), follows a change, and never splits on a
 * machine of one thread.
 */
class StepThreadsTest {

    /** Runs one step of the plan with the phase times {@code nanos(phase, threads)}. */
    private static void step(StepThreads plan, java.util.function.IntBinaryOperator nanos) {
        for (int p = 0; p < StepThreads.PHASES; p++) {
            int used = plan.threads(p);
            plan.record(p, used, nanos.applyAsInt(p, used));
        }
        plan.endStep();
    }

    @Test
    void theFastestPatternOfATrialIsKept() {
        StepThreads plan = new StepThreads(2);
        for (int p = 0; p < StepThreads.PHASES; p++) assertEquals(2, plan.threads(p), "before any trial");
        // rows: one thread faster (a small batch); parameters: two faster; packing: two faster
        java.util.function.IntBinaryOperator times = (p, t) -> switch (p) {
            case StepThreads.ROWS -> t == 1 ? 300 : 500;
            case StepThreads.PARAMS -> t == 1 ? 800 : 450;
            default -> t == 1 ? 200 : 120;
        };
        boolean sawOne = false;
        boolean sawAll = false;
        for (int s = 0; s < StepThreads.WARMUP + StepThreads.TRIALS; s++) {
            if (s >= StepThreads.WARMUP) {
                sawOne |= plan.threads(StepThreads.ROWS) == 1;
                sawAll |= plan.threads(StepThreads.ROWS) == 2;
            }
            step(plan, times);
        }
        assertTrue(sawOne && sawAll, "the trial runs the rows both ways");
        assertEquals(1, plan.threads(StepThreads.ROWS), "rows: one thread was faster");
        assertEquals(2, plan.threads(StepThreads.PARAMS), "parameters: two threads were faster");
        assertEquals(2, plan.threads(StepThreads.PACK), "packing: two threads were faster");
    }

    @Test
    void aLaterTrialFollowsAChange() {
        StepThreads plan = new StepThreads(2);
        for (int s = 0; s < StepThreads.WARMUP + StepThreads.TRIALS; s++) step(plan, (p, t) -> t == 1 ? 100 : 900);
        assertEquals(1, plan.threads(StepThreads.ROWS));
        // the machine gets quieter: two threads now win; by the next trials the plan has moved
        java.util.function.IntBinaryOperator twoFaster = (p, t) -> t == 1 ? 900 : 100;
        for (int s = 0; s < StepThreads.FIRST_GAP + StepThreads.TRIALS; s++) step(plan, twoFaster);
        while (plan.measuring()) step(plan, twoFaster);
        assertEquals(2, plan.threads(StepThreads.ROWS));
        assertEquals(2, plan.threads(StepThreads.PARAMS));
    }

    /** A plan 5,000 steps into a run with the phase times {@code times}, where all threads won: trials PERIOD apart. */
    private static StepThreads settledOnAll(java.util.function.IntBinaryOperator times) {
        StepThreads plan = new StepThreads(2);
        for (int s = 0; s < 5000; s++) step(plan, times);
        assertEquals(2, plan.threads(StepThreads.ROWS));
        return plan;
    }

    @Test
    void aChangedChoiceIsCheckedAgainSoon() {
        StepThreads plan = settledOnAll((p, t) -> t == 1 ? 900 : 100);
        // the other thread gets busy: the plan turns to one thread (the watch starts a trial within a few steps)
        java.util.function.IntBinaryOperator busy = (p, t) -> t == 1 ? 100 : 900;
        int s = 0;
        while (plan.measuring() || plan.threads(StepThreads.ROWS) == 2) {
            step(plan, busy);
            if (++s > 2 * StepThreads.PERIOD) throw new AssertionError("no trial within a period");
        }
        assertEquals(1, plan.threads(StepThreads.PARAMS));
        // two threads get faster than ever (one thread's steps stay as they were, so the watch sees nothing): only
        // a trial finds it, and after a change the next one comes FIRST_GAP steps after the last began, not PERIOD
        java.util.function.IntBinaryOperator allFaster = (p, t) -> t == 1 ? 100 : 30;
        for (int k = 0; k < StepThreads.FIRST_GAP; k++) step(plan, allFaster);
        while (plan.measuring()) step(plan, allFaster);
        assertEquals(2, plan.threads(StepThreads.ROWS));
        assertEquals(2, plan.threads(StepThreads.PARAMS));
    }

    @Test
    void aFalseAlarmRestsTheWatchUntilTheNextTrial() {
        java.util.function.IntBinaryOperator twoFaster = (p, t) -> t == 1 ? 900 : 500;
        java.util.function.IntBinaryOperator otherSlow = (p, t) -> t == 1 ? 900 : 1800;
        StepThreads plan = settledOnAll(twoFaster);
        // a slow moment: the watch starts a trial, which finds two threads faster again and keeps them
        stepsUntil(plan, StepThreads.ROWS, 1, otherSlow, 2 * StepThreads.WATCH);
        while (plan.measuring()) step(plan, twoFaster);
        assertEquals(2, plan.threads(StepThreads.ROWS));
        // slow moments right after do not start another trial before the periodic one (FIRST_GAP after the last)
        for (int k = 0; k < 3 * StepThreads.WATCH; k++) {
            assertTrue(!plan.measuring() && plan.threads(StepThreads.ROWS) == 2, "step " + k + " after the trial");
            step(plan, otherSlow);
        }
    }

    /** Steps the plan with {@code times} until {@code phase} runs on {@code threads}; returns how many steps. */
    private static int stepsUntil(
            StepThreads plan, int phase, int threads, java.util.function.IntBinaryOperator times, int limit) {
        int s = 0;
        while (plan.threads(phase) != threads) {
            step(plan, times);
            if (++s > limit) throw new AssertionError("phase " + phase + " not on " + threads + " after " + limit);
        }
        return s;
    }

    @Test
    void aChoiceThatTurnsSlowerThanTheOtherStartsATrialAtOnce() {
        StepThreads plan = settledOnAll((p, t) -> t == 1 ? 900 : 500);
        // the other processor slows down: two threads now take 1,800 (above one thread's 900 in the last trial);
        // within two windows of WATCH steps the watch starts a trial (its first step runs the rows on one thread),
        // well before the next periodic one (80 steps on)
        java.util.function.IntBinaryOperator otherSlow = (p, t) -> t == 1 ? 900 : 1800;
        stepsUntil(plan, StepThreads.ROWS, 1, otherSlow, 2 * StepThreads.WATCH);
        // that trial runs every phase both ways and moves them all to one thread
        for (int k = 0; k < StepThreads.TRIALS; k++) step(plan, otherSlow);
        assertEquals(1, plan.threads(StepThreads.ROWS));
        assertEquals(1, plan.threads(StepThreads.PARAMS));
        assertEquals(1, plan.threads(StepThreads.PACK));
    }

    @Test
    void aChoiceThatStaysFasterStartsNoTrial() {
        java.util.function.IntBinaryOperator twoFaster = (p, t) -> t == 1 ? 900 : 500;
        StepThreads plan = settledOnAll(twoFaster);
        // run into the next periodic trial and out of it
        stepsUntil(plan, StepThreads.ROWS, 1, twoFaster, 2 * StepThreads.PERIOD);
        stepsUntil(plan, StepThreads.ROWS, 2, twoFaster, StepThreads.TRIALS);
        for (int k = 0; k < StepThreads.TRIALS; k++) step(plan, twoFaster);
        // slower than in the trial (1,500 -> 1,800 a step) but still faster than the next pattern was (two phases
        // on all threads, one on one: 1,900): no trial for a period
        for (int k = 0; k < StepThreads.PERIOD - 2 * StepThreads.TRIALS; k++) {
            assertEquals(2, plan.threads(StepThreads.ROWS), "step " + k + " after the trial");
            step(plan, (p, t) -> t == 1 ? 900 : 600);
        }
    }

    @Test
    void theWholeStepDecidesNotEachPhaseByItself() {
        // Coupled phases (the host placed the two processors far apart): a phase on one thread costs 400 when the
        // whole step is on that thread, but 700 when another phase ran on both (it reads what the other thread
        // wrote); a phase on all threads costs 500. Each phase by itself looks faster on all threads (500 against
        // a median of 700), yet the step is fastest on one thread throughout: 1,200 against 1,500.
        StepThreads plan = new StepThreads(2);
        for (int s = 0; s < StepThreads.WARMUP + StepThreads.TRIALS; s++) {
            boolean anyAll = false;
            for (int p = 0; p < StepThreads.PHASES; p++) anyAll |= plan.threads(p) > 1;
            for (int p = 0; p < StepThreads.PHASES; p++) {
                int used = plan.threads(p);
                plan.record(p, used, used > 1 ? 500 : anyAll ? 700 : 400);
            }
            plan.endStep();
        }
        for (int p = 0; p < StepThreads.PHASES; p++) assertEquals(1, plan.threads(p), "phase " + p);
    }

    @Test
    void aTrialVariesOnlyThePhasesThatRun() {
        // training packs the weights inside the update: the packing phase never runs, and a trial that varied
        // it would run each of its patterns twice over
        StepThreads plan = new StepThreads(2);
        Runnable twoPhases = () -> {
            for (int p : new int[] {StepThreads.ROWS, StepThreads.PARAMS}) {
                int used = plan.threads(p);
                plan.record(p, used, used > 1 ? 100 : 900);
            }
            plan.endStep();
        };
        for (int s = 0; s < StepThreads.WARMUP + StepThreads.TRIALS; s++) twoPhases.run();
        assertEquals(2, plan.threads(StepThreads.ROWS));
        while (!plan.measuring()) twoPhases.run();
        int steps = 0;
        boolean packVaried = false;
        while (plan.measuring()) {
            packVaried |= plan.threads(StepThreads.PACK) == 1;
            twoPhases.run();
            steps++;
        }
        assertEquals(StepThreads.BLOCK * 4, steps, "four patterns of rows and parameters");
        assertTrue(!packVaried, "the packing keeps its choice");
        assertEquals(2, plan.threads(StepThreads.PARAMS));
    }

    @Test
    void oneThreadNeverSplits() {
        StepThreads plan = new StepThreads(1);
        for (int s = 0; s < 200; s++) {
            for (int p = 0; p < StepThreads.PHASES; p++) assertEquals(1, plan.threads(p));
            step(plan, (p, t) -> 100);
        }
    }
}
