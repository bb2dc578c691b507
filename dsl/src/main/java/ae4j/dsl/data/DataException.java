package ae4j.dsl.data;

/**
 * A problem with a user's data (a missing, truncated or malformed file; arguments a generator cannot
 * satisfy). The message is meant for the user as is: it names the file and says what to do. Callers
 * print {@link #getMessage()}, never the stack trace.
 */
public class DataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
