package ae4j.kernel;

/**
 * Hands the value of a Java cell's last expression from JShell's snippet to the kernel (both run in this
 * JVM and see this one class), so the kernel can display the object itself, not only its text.
 */
public final class Results {

    private static Object held;

    private Results() {}

    public static synchronized void hold(Object value) {
        held = value;
    }

    static synchronized Object take() {
        Object o = held;
        held = null;
        return o;
    }

    static synchronized void clear() {
        held = null;
    }
}
