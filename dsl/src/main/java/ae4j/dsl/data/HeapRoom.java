package ae4j.dsl.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether what a data file's header claims can be held: in one Java array, and in the memory Java may still
 * use. Readers ask before allocating, so a header that claims too much is a clear error instead of an
 * OutOfMemoryError (or a NegativeArraySizeException).
 */
final class HeapRoom {

    /** The longest array the JVM reliably allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private HeapRoom() {}

    /**
     * Refuses a claim of {@code values} values (or values per example) that do not fit in one Java array.
     *
     * @param claim what the file claims, e.g. "its header says 60000 x 28 x 28 unsigned byte values"
     */
    static void checkArray(Path file, String claim, long values) {
        if (values > MAX_ARRAY) {
            throw new DataException(String.format(
                    Locale.ROOT,
                    "%s: %s, more than one Java array can hold (%,d); the file is corrupt, or too large for ae4j: "
                            + "use a smaller part of it",
                    file,
                    claim,
                    MAX_ARRAY));
        }
    }

    /**
     * Refuses {@code bytes} of memory that Java may not use anymore.
     *
     * @param what what the bytes hold, e.g. "as floats"
     */
    static void checkMemory(Path file, String claim, long bytes, String what) {
        long available = ae4j.dsl.runtime.HeapMemory.available(bytes);
        if (bytes > available) {
            throw new DataException(String.format(
                    Locale.ROOT,
                    "%s: %s, which need %s %s, but Java may use only %s more (of %s); give Java more memory "
                            + "(JAVA_TOOL_OPTIONS=-Xmx...) or use a smaller part of the file",
                    file,
                    claim,
                    gb(bytes),
                    what,
                    gb(available),
                    gb(Runtime.getRuntime().maxMemory())));
        }
    }

    /** The memory Java may still use, after collecting garbage once when {@code wanted} seems not to fit. */
    static String gb(long bytes) {
        return bytes >= 1_000_000_000L
                ? String.format(Locale.ROOT, "%.2f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
