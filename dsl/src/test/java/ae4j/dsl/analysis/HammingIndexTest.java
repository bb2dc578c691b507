package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hash table of semantic hashing: look-ups by flipping bits against a brute-force scan of every item. */
class HammingIndexTest {

    /** n random addresses of `bits` bits, drawn from a pool of `pool` addresses so that many items share one. */
    static long[] randomCodes(int n, int bits, int pool, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        long[] distinct = new long[pool];
        for (int i = 0; i < pool; i++) distinct[i] = r.nextLong() & mask;
        long[] codes = new long[n];
        for (int i = 0; i < n; i++) codes[i] = distinct[r.nextInt(pool)];
        return codes;
    }

    /** The items within distance `radius` of `query`, by comparing it with every item. */
    static Set<Integer> bruteForceBall(long[] codes, long query, int radius) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < codes.length; i++) if (Long.bitCount(codes[i] ^ query) <= radius) s.add(i);
        return s;
    }

    static Set<Integer> asSet(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int v : a) assertTrue(s.add(v), "item " + v + " found twice");
        return s;
    }

    @Test
    void theBallByFlippingBitsHoldsExactlyTheItemsABruteForceScanFinds() {
        SplittableRandom r = new SplittableRandom(11);
        int checked = 0;
        for (int bits : new int[] {1, 3, 8, 12, 20, 32, 64}) {
            // Dense pools (most addresses of few bits taken) and sparse ones; queries at items and at random addresses.
            for (int pool : new int[] {5, 300}) {
                long[] codes = randomCodes(2000, bits, pool, 100L * bits + pool);
                HammingIndex index = HammingIndex.build(codes, bits);
                long mask = bits == 64 ? -1L : (1L << bits) - 1;
                for (int radius = 0; radius <= Math.min(bits, bits >= 32 ? 3 : 4); radius++) {
                    for (int t = 0; t < 6; t++) {
                        long query = t % 2 == 0 ? codes[r.nextInt(codes.length)] : r.nextLong() & mask;
                        Set<Integer> expected = bruteForceBall(codes, query, radius);
                        String where = bits + " bits, radius " + radius + ", query " + Long.toBinaryString(query);
                        assertEquals(expected, asSet(index.ball(query, radius)), where);
                        List<Integer> flipped = new ArrayList<>();
                        index.ballByFlipping(query, radius, (item, d) -> flipped.add(item));
                        assertEquals(expected.size(), flipped.size(), where);
                        assertEquals(expected, new HashSet<>(flipped), where);
                        // Each item comes with its true distance.
                        int[] wrong = {0};
                        index.ball(query, radius, (item, d) -> {
                            if (d != Long.bitCount(codes[item] ^ query)) wrong[0]++;
                        });
                        assertEquals(0, wrong[0]);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 300);
    }

    @Test
    void theBallVisitsAsManyAddressesAsTheBinomialSum() {
        // Radius 4 over 20 bits: 1 + 20 + 190 + 1140 + 4845 = 6196 addresses.
        assertEquals(6196, HammingIndex.ballAddresses(20, 4));
        for (int bits : new int[] {1, 5, 20, 32, 64}) {
            for (int radius = 0; radius <= Math.min(bits, 4); radius++) {
                long sum = 0;
                for (int i = 0; i <= radius; i++) sum += binomial(bits, i);
                assertEquals(sum, HammingIndex.ballAddresses(bits, radius), bits + " bits, radius " + radius);
                // An index holding every address of the ball exactly once: the ball returns each of them once.
                if (sum <= 50_000) {
                    long query = bits == 64 ? 0x0123456789abcdefL : (0x5555555555555555L & ((1L << bits) - 1));
                    List<Long> ball = new ArrayList<>();
                    for (long c : allAddressesWithin(query, bits, radius)) ball.add(c);
                    long[] codes = ball.stream().mapToLong(Long::longValue).toArray();
                    assertEquals(sum, codes.length);
                    HammingIndex index = HammingIndex.build(codes, bits);
                    assertEquals(sum, index.distinctAddresses());
                    assertEquals(sum, index.ball(query, radius).length);
                    long[] lookups = {0};
                    index.ballByFlipping(query, radius, (item, d) -> lookups[0]++);
                    assertEquals(sum, lookups[0]);
                    if (radius < bits) assertEquals(0, index.ring(query, radius + 1).length);
                }
            }
        }
        assertEquals(83_278_001L, HammingIndex.ballAddresses(64, 6));
        assertEquals(1L << 20, HammingIndex.ballAddresses(20, 20));
    }

    /** Every address within `radius` of `query`, by testing all 2^bits addresses (few bits) or by sets of bits. */
    static List<Long> allAddressesWithin(long query, int bits, int radius) {
        List<Long> out = new ArrayList<>();
        collect(query, 0, bits, radius, out);
        return out;
    }

    private static void collect(long a, int from, int bits, int left, List<Long> out) {
        out.add(a);
        if (left == 0) return;
        for (int b = from; b < bits; b++) collect(a ^ (1L << b), b + 1, bits, left - 1, out);
    }

    static long binomial(int n, int k) {
        java.math.BigInteger c = java.math.BigInteger.ONE;
        for (int i = 0; i < k; i++)
            c = c.multiply(java.math.BigInteger.valueOf(n - i)).divide(java.math.BigInteger.valueOf(i + 1));
        return c.longValueExact();
    }

    @Test
    void theKNearestAreTheFirstKOfABruteForceRanking() {
        SplittableRandom r = new SplittableRandom(5);
        for (int bits : new int[] {4, 16, 24, 40, 64}) {
            long[] codes = randomCodes(3000, bits, 700, bits);
            HammingIndex index = HammingIndex.build(codes, bits);
            long mask = bits == 64 ? -1L : (1L << bits) - 1;
            for (int k : new int[] {1, 10, 100, 2999, 5000}) {
                for (int t = 0; t < 4; t++) {
                    long query = t == 0 ? codes[r.nextInt(codes.length)] : r.nextLong() & mask;
                    // Brute force: sort (distance, item).
                    long[] ranked = new long[codes.length];
                    for (int i = 0; i < codes.length; i++)
                        ranked[i] = ((long) Long.bitCount(codes[i] ^ query) << 32) | i;
                    Arrays.sort(ranked);
                    int[] expected = new int[Math.min(k, codes.length)];
                    for (int i = 0; i < expected.length; i++) expected[i] = (int) ranked[i];
                    assertArrayEquals(expected, index.nearest(query, k), bits + " bits, k " + k);
                    // The rings visited: every item up to the k-th one's distance, none beyond.
                    int kth = (int) (ranked[expected.length - 1] >>> 32);
                    int[] visited = {0};
                    int last = index.nearest(query, k, (item, d) -> visited[0]++);
                    int within = 0;
                    for (long c : codes) if (Long.bitCount(c ^ query) <= kth) within++;
                    assertEquals(k >= codes.length ? bits : kth, last, "last ring");
                    assertEquals(within, visited[0], "items in the rings up to the k-th distance");
                }
            }
        }
    }

    @Test
    void itemsThatShareAnAddressAreAllFoundAndTheCountsAddUp() {
        long[] codes = {5, 5, 7, 5, 0, 7};
        HammingIndex index = HammingIndex.build(codes, 3);
        assertEquals(6, index.size());
        assertEquals(3, index.distinctAddresses());
        assertEquals(3, index.count(5));
        assertEquals(2, index.count(7));
        assertEquals(0, index.count(1));
        assertEquals(Set.of(0, 1, 3), asSet(index.ball(5, 0)));
        assertEquals(Set.of(0, 1, 3, 2, 5), asSet(index.ball(5, 1)));
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), asSet(index.ball(5, 2)));
        assertArrayEquals(new int[] {0, 1, 3}, index.nearest(5, 3));
        assertArrayEquals(new int[] {0, 1, 3, 2}, index.nearest(5, 4));
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> HammingIndex.build(new long[] {8}, 3));
        assertTrue(e.getMessage().contains("bits set above bit 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HammingIndex.build(new long[] {1}, 65));
        HammingIndex index = HammingIndex.build(new long[] {1, 2}, 4);
        e = assertThrows(IllegalArgumentException.class, () -> index.ball(1, 5));
        assertTrue(e.getMessage().contains("0..4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.nearest(1, 0));
        // An empty index answers nothing.
        HammingIndex empty = HammingIndex.build(new long[0], 8);
        assertEquals(0, empty.ball(3, 2).length);
        assertEquals(0, empty.nearest(3, 5).length);
    }
}
