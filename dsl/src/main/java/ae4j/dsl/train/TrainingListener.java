package ae4j.dsl.train;

/** What a trainer reports while it runs. Called on the training thread; keep it cheap. */
public interface TrainingListener {

    /** After each optimisation step; {@code terms} are the objective's unweighted terms (batch means). */
    default void onStep(Progress p) {}

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
}
