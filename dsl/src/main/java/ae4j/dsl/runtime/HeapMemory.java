package ae4j.dsl.runtime;

/** How much more memory Java may still use, for the checks that refuse a size before allocating it. */
public final class HeapMemory {

    private HeapMemory() {}

    /**
     * The bytes Java may still allocate: its maximum heap minus what is in use. When that is less than {@code
     * wanted}, a garbage collection runs first (what is in use may be garbage) and the figure is taken again.
     */
    public static long available(long wanted) {
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (wanted > available) {
            System.gc();
            available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        return available;
    }
}
