package ae4j.api;

/**
 * Called while {@link Model#train(Data, String, TrainingCallback)} runs, on the training thread (keep it
 * cheap). Throwing stops the training with that exception.
 */
public interface TrainingCallback {

    /** After each optimisation step (batch), counted from 1, with that batch's loss. */
    default void onBatch(long step, double loss) {}

    /** After each epoch, with everything measured over it (the same record the returned history holds). */
    default void onEpoch(History.Epoch epoch) {}
}
