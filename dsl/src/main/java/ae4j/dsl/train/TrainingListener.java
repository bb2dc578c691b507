package ae4j.dsl.train;

/** What a trainer reports while it runs. Called on the training thread; keep it cheap. */
public interface TrainingListener {

    /** After each optimisation step; {@code terms} are the objective's unweighted terms (batch means). */
    default void onStep(Progress p) {}

    /**
     * After each epoch, with everything measured over it. The default calls {@link #onEpoch(int, double,
     * double)}, so a listener may implement either.
     */
    default void onEpoch(Epoch e) {
        onEpoch(e.epoch(), e.trainLoss(), e.validationLoss());
    }

    /** After each epoch, with the mean training loss and the validation loss (NaN without validation). */
    default void onEpoch(int epoch, double trainLoss, double validationLoss) {}

    /** Once, when training ends (normally, early, cancelled, or diverged). */
    default void onEnd(Trainer.Result result) {}

    /** A snapshot of progress: counts, loss and throughput. */
    record Progress(
            long step,
            long totalSteps,
            int epoch,
            int epochs,
            double loss,
            double[] terms,
            double examplesPerSecond,
            double secondsLeft) {}

    /**
     * One finished epoch (counted from 0) of {@code epochs}: the training loss and each unweighted term
     * of the objective as means over the epoch's examples (null when the model reports no terms), the
     * validation loss (NaN without validation), the examples trained, and the epoch's wall time.
     */
    record Epoch(
            int epoch,
            int epochs,
            double trainLoss,
            double[] terms,
            double validationLoss,
            long examples,
            double seconds) {
        /** Examples per second over this epoch (training steps and the validation pass). */
        public double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : Double.NaN;
        }
    }
}
