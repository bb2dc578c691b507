package ae4j.dsl.io;

import java.io.IOException;

/** A file that is not valid safetensors, or does not fit what was asked of it; the message names the file. */
public class SafetensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
