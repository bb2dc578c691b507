package ae4j.dsl.runtime;

/**
 * The optimizer's update as the training step applies it ({@link CompiledModel#forwardBackward(float[], int,
 * long, long, ParamUpdate)}): once the step's objective is known, {@link #begin} decides whether to update at
 * all (not after a non-finite or diverging objective); then each thread of the parameter-gradient phase calls
 * {@link #update} for the share of each parameter whose gradient it has just finished.
 */
public interface ParamUpdate {

    /** Called once per step, before any update, with the step's objective; false: no update this step. */
    boolean begin(double objective);

    /**
     * Updates elements [from, to) of parameter {@code param} (flat, row-major, in {@link CompiledModel#params()}
     * order) from the same elements of its gradient, which are final for this step. Calls for disjoint ranges
     * may run at the same time.
     */
    void update(int param, int from, int to);
}
