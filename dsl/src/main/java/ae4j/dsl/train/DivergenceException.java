package ae4j.dsl.train;

/** Training produced NaN or infinity: the message names the step, the term and what to try. */
public final class DivergenceException extends RuntimeException {

    private final long step;

    public DivergenceException(String message, long step) {
        super(message);
        this.step = step;
    }

    public long step() {
        return step;
    }
}
