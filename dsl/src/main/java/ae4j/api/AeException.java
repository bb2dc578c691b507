package ae4j.api;

/** ae4j language text with errors, or a run that failed for a reason the user can fix; the message says what. */
public final class AeException extends RuntimeException {
    public AeException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the message is the whole story; no stack trace for a user's mistake
    }
}
