package ae4j.api;

import java.util.Map;

/**
 * An object that can show itself richer than its text where the front end can (a notebook): its MIME bundle,
 * MIME type to content, with {@code text/plain} and {@code text/html} as text and images (such as {@code
 * image/png}) base64-encoded. The ae4j Jupyter kernel shows any value that implements this, from {@code
 * display(x)} or as a cell's last expression.
 */
public interface Displayable {

    /** MIME type to content; always has {@code text/plain}. */
    Map<String, String> mimeBundle();
}
