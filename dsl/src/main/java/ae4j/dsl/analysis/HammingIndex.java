package ae4j.dsl.analysis;

import ae4j.dsl.check.HammingBall;
import java.util.Arrays;

/**
 * The hash table of semantic hashing (section 14.9): each binary address of at most 64 bits (one {@code long},
 * bit j the j-th code unit) maps to the items that have it. Built once from the items' addresses in one pass
 * over them; then a query looks up the addresses near its own by flipping bits: the Hamming ball of radius r
 * is the sum over i = 0..r of C(bits, i) look-ups ({@link #ballAddresses}), whatever the number of items. A
 * ball with so many addresses that looking them up would cost more than one pass over the distinct addresses of
 * the index is found by that pass instead.
 *
 * <p>Layout: the distinct addresses in {@code keys} (in order of first appearance), the items of key u in
 * {@code items[start[u] .. start[u + 1])} (increasing), and an open-addressing table (linear probing, a
 * power-of-two size at least twice the number of keys) from an address to its key's index.
 */
public final class HammingIndex {

    /** Receives each item found, with its Hamming distance to the query. */
    @FunctionalInterface
    public interface Visitor {
        void item(int item, int distance);
    }

    private final int bits;
    private final long mask;
    private final long[] keys;
    private final int[] start;
    private final int[] items;
    private final int[] table; // key index + 1; 0 is an empty slot
    private final int shift;

    private HammingIndex(int bits, long[] keys, int[] start, int[] items, int[] table) {
        this.bits = bits;
        this.mask = bits == 64 ? -1L : (1L << bits) - 1;
        this.keys = keys;
        this.start = start;
        this.items = items;
        this.table = table;
        this.shift = 64 - Integer.numberOfTrailingZeros(table.length);
    }

    /**
     * The index of n = {@code codes.length} items, item i at address {@code codes[i]}, whose bits above
     * {@code bits} must be 0.
     */
    public static HammingIndex build(long[] codes, int bits) {
        if (bits < 1 || bits > 64)
            throw new IllegalArgumentException("a Hamming index holds addresses of 1 to 64 bits, got " + bits);
        long high = bits == 64 ? 0 : ~((1L << bits) - 1);
        int n = codes.length;
        int capacity = Integer.highestOneBit(Math.max(2, 2 * n - 1)) << 1;
        int[] table = new int[capacity];
        int sh = 64 - Integer.numberOfTrailingZeros(capacity);
        int[] keyOf = new int[n];
        long[] keys = new long[Math.max(1, n)];
        int[] count = new int[Math.max(1, n)];
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            long c = codes[i];
            if ((c & high) != 0)
                throw new IllegalArgumentException(
                        "item " + i + " has an address with bits set above bit " + bits + ": " + Long.toHexString(c));
            int slot = slot(c, sh);
            while (true) {
                int t = table[slot];
                if (t == 0) {
                    keys[distinct] = c;
                    table[slot] = ++distinct;
                    keyOf[i] = distinct - 1;
                    break;
                }
                if (keys[t - 1] == c) {
                    keyOf[i] = t - 1;
                    break;
                }
                slot = (slot + 1) & (capacity - 1);
            }
            count[keyOf[i]]++;
        }
        int[] start = new int[distinct + 1];
        for (int u = 0; u < distinct; u++) start[u + 1] = start[u] + count[u];
        int[] fill = Arrays.copyOf(start, distinct);
        int[] items = new int[n];
        for (int i = 0; i < n; i++) items[fill[keyOf[i]]++] = i;
        // A table sized for the distinct keys keeps look-ups short and memory in proportion to them.
        int cap = Integer.highestOneBit(Math.max(2, 2 * distinct - 1)) << 1;
        if (cap < capacity) {
            table = new int[cap];
            sh = 64 - Integer.numberOfTrailingZeros(cap);
            for (int u = 0; u < distinct; u++) {
                int slot = slot(keys[u], sh);
                while (table[slot] != 0) slot = (slot + 1) & (cap - 1);
                table[slot] = u + 1;
            }
        }
        return new HammingIndex(bits, Arrays.copyOf(keys, distinct), start, items, table);
    }

    /** Fibonacci hashing of the address, high bits taken. */
    private static int slot(long code, int shift) {
        long h = (code ^ (code >>> 29)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> shift);
    }

    public int bits() {
        return bits;
    }

    /** The number of items. */
    public int size() {
        return items.length;
    }

    /** The number of distinct addresses. */
    public int distinctAddresses() {
        return keys.length;
    }

    /** The key index of an address, or -1 when no item has it. */
    private int find(long code) {
        int cap = table.length - 1;
        int slot = slot(code, shift);
        while (true) {
            int t = table[slot];
            if (t == 0) return -1;
            if (keys[t - 1] == code) return t - 1;
            slot = (slot + 1) & cap;
        }
    }

    /** The number of items at exactly this address. */
    public int count(long code) {
        int u = find(code);
        return u < 0 ? 0 : start[u + 1] - start[u];
    }

    private void visitKey(long code, int distance, Visitor v) {
        int u = find(code);
        if (u < 0) return;
        for (int p = start[u]; p < start[u + 1]; p++) v.item(items[p], distance);
    }

    /**
     * A look-up (hash, probe: a random memory access) costs about as much as this many steps of a pass over the
     * distinct addresses (XOR, bit count: sequential); {@code ae4j bench hashing} measured about 19 ns against 3 ns
     * for 100,000 addresses. A table of a million no longer fits in cache and a look-up there costs about 130 ns,
     * so for such tables the pass would pay off earlier than this rule says.
     */
    static final int LOOKUP_COST = 4;

    /** Whether {@code lookups} look-ups cost less than one pass over the distinct addresses. */
    private boolean cheaperToLookUp(long lookups) {
        return lookups <= keys.length / LOOKUP_COST;
    }

    /**
     * Visits every item within Hamming distance {@code radius} of {@code query}: by looking up each of the
     * {@link #ballAddresses} addresses of the ball ({@link #ballByFlipping}), unless that costs more than one pass
     * over the distinct addresses of the index (a ball of more than a quarter of their number, see
     * {@link #LOOKUP_COST}); then by that pass (the same items).
     */
    public void ball(long query, int radius, Visitor v) {
        checkRadius(radius);
        if (cheaperToLookUp(ballAddresses(bits, radius))) {
            flip(query & mask, 0, 0, radius, v);
            return;
        }
        query &= mask;
        for (int u = 0; u < keys.length; u++) {
            int d = Long.bitCount(keys[u] ^ query);
            if (d <= radius) for (int p = start[u]; p < start[u + 1]; p++) v.item(items[p], d);
        }
    }

    /**
     * Visits every item within Hamming distance {@code radius} of {@code query} by looking up each address of the
     * ball: each subset of at most {@code radius} bits flipped, once; {@link #ballAddresses} look-ups.
     */
    public void ballByFlipping(long query, int radius, Visitor v) {
        checkRadius(radius);
        flip(query & mask, 0, 0, radius, v);
    }

    /** Whether {@link #ball} looks up the addresses of a ball of this radius (rather than scanning the distinct ones). */
    public boolean flipsBitsAt(int radius) {
        return cheaperToLookUp(ballAddresses(bits, radius));
    }

    /** The items within Hamming distance {@code radius} of {@code query}, in no particular order. */
    public int[] ball(long query, int radius) {
        Collector c = new Collector();
        ball(query, radius, c);
        return c.toArray();
    }

    /** Looks up {@code address}, at {@code distance} from the query, then flips each bit from {@code from} on. */
    private void flip(long address, int from, int distance, int left, Visitor v) {
        visitKey(address, distance, v);
        if (left == 0) return;
        for (int b = from; b < bits; b++) flip(address ^ (1L << b), b + 1, distance + 1, left - 1, v);
    }

    /** Visits every item at exactly Hamming distance {@code distance} of {@code query}: C(bits, distance) look-ups. */
    public void ring(long query, int distance, Visitor v) {
        checkRadius(distance);
        exactly(query & mask, 0, distance, distance, v);
    }

    /** The items at exactly Hamming distance {@code distance} of {@code query}, in no particular order. */
    public int[] ring(long query, int distance) {
        Collector c = new Collector();
        ring(query, distance, c);
        return c.toArray();
    }

    private void exactly(long address, int from, int distance, int left, Visitor v) {
        if (left == 0) {
            visitKey(address, distance, v);
            return;
        }
        for (int b = from; b <= bits - left; b++) exactly(address ^ (1L << b), b + 1, distance, left - 1, v);
    }

    /**
     * Visits the items of the rings at distances 0, 1, ..., D from {@code query}, where D is the first distance
     * at which at least {@code k} items have been found (all items if the index holds fewer than k); returns D.
     * The radius grows one ring at a time by look-ups while all the look-ups so far cost less than one pass over
     * the distinct addresses ({@link #LOOKUP_COST}); past that, the remaining rings come from that pass.
     */
    public int nearest(long query, int k, Visitor v) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        query &= mask;
        int found = 0;
        for (int d = 0; d <= bits; d++) {
            if (!cheaperToLookUp(ballAddresses(bits, d))) return scanFrom(query, d, k - found, v);
            int[] before = {0};
            exactly(query, 0, d, d, (item, dist) -> {
                before[0]++;
                v.item(item, dist);
            });
            found += before[0];
            if (found >= k) return d;
        }
        return bits;
    }

    /** The rings from {@code from} on by one pass over the distinct addresses, until {@code need} more items. */
    private int scanFrom(long query, int from, int need, Visitor v) {
        int[] dist = new int[keys.length];
        int[] perRing = new int[bits + 1];
        for (int u = 0; u < keys.length; u++) {
            dist[u] = Long.bitCount(keys[u] ^ query);
            perRing[dist[u]] += start[u + 1] - start[u];
        }
        int last = bits;
        int sum = 0;
        for (int d = from; d <= bits; d++) {
            sum += perRing[d];
            if (sum >= need) {
                last = d;
                break;
            }
        }
        for (int u = 0; u < keys.length; u++) {
            if (dist[u] >= from && dist[u] <= last)
                for (int p = start[u]; p < start[u + 1]; p++) v.item(items[p], dist[u]);
        }
        return last;
    }

    /**
     * The k items nearest to {@code query} in Hamming distance, nearest first; ties at the k-th distance are broken
     * by the smaller item number. Fewer when the index holds fewer than k items.
     */
    public int[] nearest(long query, int k) {
        Collector c = new Collector();
        nearest(query, k, c);
        int m = c.size;
        long[] byDistance = new long[m];
        for (int i = 0; i < m; i++) byDistance[i] = ((long) c.distances[i] << 32) | c.items[i];
        Arrays.sort(byDistance);
        int[] out = new int[Math.min(k, m)];
        for (int i = 0; i < out.length; i++) out[i] = (int) byDistance[i];
        return out;
    }

    private void checkRadius(int radius) {
        if (radius < 0 || radius > bits)
            throw new IllegalArgumentException("the radius must be in 0.." + bits + ", got " + radius);
    }

    /** C(bits, d): the addresses at Hamming distance exactly d. */
    public static long ringAddresses(int bits, int d) {
        return HammingBall.ring(bits, d);
    }

    /** The addresses within Hamming distance r of one address: sum over i = 0..r of C(bits, i). */
    public static long ballAddresses(int bits, int radius) {
        return HammingBall.addresses(bits, radius);
    }

    /** Items and their distances, as found. */
    private static final class Collector implements Visitor {
        int[] items = new int[16];
        int[] distances = new int[16];
        int size;

        @Override
        public void item(int item, int distance) {
            if (size == items.length) {
                items = Arrays.copyOf(items, 2 * size);
                distances = Arrays.copyOf(distances, 2 * size);
            }
            items[size] = item;
            distances[size++] = distance;
        }

        int[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }
}
