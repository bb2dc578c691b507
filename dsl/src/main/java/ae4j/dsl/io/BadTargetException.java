package ae4j.dsl.io;

import java.io.IOException;

/** A path ae4j was asked to write that it refuses or cannot use (a folder, a device, a read-only place). */
public final class BadTargetException extends IOException {

    private static final long serialVersionUID = 1L;

    public BadTargetException(String message) {
        super(message);
    }
}
