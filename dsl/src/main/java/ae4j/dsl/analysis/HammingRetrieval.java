package ae4j.dsl.analysis;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Retrieval by Hamming distance, measured against labels: each query is one of the items, its answers are the
 * other items (leave one out), and an answer is relevant when it has the query's label. For one hashing method
 * (its binary addresses), the figures at each radius 0..r of the Hamming ball, precision@k of the k nearest
 * addresses, and the whole precision-recall curve of Hamming ranking (radius 0..bits).
 *
 * <p>Addresses of at most 64 bits are put in a {@link HammingIndex} and the table's figures come from its
 * look-ups (the ball by flipping bits, the k nearest by growing the radius); wider addresses are compared by a
 * linear scan. The curve always comes from a linear scan over the items (every radius up to the number of bits
 * would mean up to 2^bits look-ups), which agrees with the index where both apply.
 */
public final class HammingRetrieval {

    /**
     * One method's figures. Arrays indexed by radius 0..{@code radius} (the table) or 0..{@code bits} (the
     * curve). Per radius: {@code precision} is the mean over the queries whose ball (the query left out) is not
     * empty of the fraction of the ball that shares the query's label ({@code emptyFraction} says how many had
     * an empty ball); {@code recall} the mean over the queries of the fraction of the items with the query's
     * label (the query left out) that are in the ball; {@code meanBallSize} the mean number of items in the
     * ball. {@code precisionAtK}: the fraction of the k nearest items that share the query's label, ties at the
     * k-th distance counted in expectation (as if broken at random). NaN where labels are needed and missing.
     */
    public record Figures(
            String method,
            int bits,
            int radius,
            int k,
            int queries,
            boolean indexed,
            int distinctAddresses,
            double precisionAtK,
            double[] precision,
            double[] recall,
            double[] meanBallSize,
            double[] emptyFraction,
            double[] curvePrecision,
            double[] curveRecall,
            double[] curveBallSize) {}

    private HammingRetrieval() {}

    /**
     * The figures of retrieval with {@code addresses} (n rows of (bits + 63) / 64 words) for the given query
     * items; {@code labels} may be null (then only ball sizes and distinct addresses).
     */
    public static Figures evaluate(
            String method, long[][] addresses, int bits, int[] labels, int k, int radius, int[] queries) {
        return evaluate(method, addresses, bits, labels, k, radius, queries, bits <= 64);
    }

    /** {@link #evaluate}, with the table from the index ({@code indexed}, at most 64 bits) or from the linear scan. */
    static Figures evaluate(
            String method,
            long[][] addresses,
            int bits,
            int[] labels,
            int k,
            int radius,
            int[] queries,
            boolean indexed) {
        int n = addresses.length;
        if (bits < 1) throw new IllegalArgumentException("bits must be at least 1, got " + bits);
        if (radius < 0 || radius > bits)
            throw new IllegalArgumentException("radius must be in 0.." + bits + ", got " + radius);
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        if (labels != null && labels.length != n)
            throw new IllegalArgumentException(labels.length + " labels for " + n + " items");
        if (indexed && bits > 64)
            throw new IllegalArgumentException("a hash table holds addresses of at most 64 bits, got " + bits);
        HammingIndex index = null;
        int distinct;
        if (indexed) {
            long[] codes = new long[n];
            for (int i = 0; i < n; i++) codes[i] = addresses[i][0];
            index = HammingIndex.build(codes, bits);
            distinct = index.distinctAddresses();
        } else if (bits <= 64) {
            distinct = (int)
                    Arrays.stream(addresses).mapToLong(a -> a[0]).distinct().count();
        } else {
            Set<String> seen = new HashSet<>();
            for (long[] a : addresses) seen.add(Arrays.toString(a));
            distinct = seen.size();
        }
        java.util.Map<Integer, Integer> perLabel = new java.util.HashMap<>();
        if (labels != null) for (int l : labels) perLabel.merge(l, 1, Integer::sum);
        int kk = Math.min(k, n - 1);
        Sums table = new Sums(radius, labels != null);
        Sums curve = new Sums(bits, labels != null);
        double precAtK = 0;
        int[] all = new int[bits + 1], same = new int[bits + 1];
        int[] allK = new int[bits + 1], sameK = new int[bits + 1];
        int[] allS = new int[bits + 1], sameS = new int[bits + 1];
        for (int q : queries) {
            int lq = labels == null ? 0 : labels[q];
            int relevant = labels == null ? 0 : perLabel.get(lq) - 1;
            scan(addresses, q, labels, allS, sameS);
            curve.add(allS, sameS, relevant);
            if (indexed) {
                Arrays.fill(all, 0);
                Arrays.fill(same, 0);
                HammingIndex.Visitor tally = tally(q, labels, lq, all, same);
                index.ball(addresses[q][0], radius, tally);
                table.add(all, same, relevant);
                if (kk >= 1) {
                    Arrays.fill(allK, 0);
                    Arrays.fill(sameK, 0);
                    index.nearest(addresses[q][0], kk + 1, tally(q, labels, lq, allK, sameK));
                    precAtK += precisionAtK(allK, sameK, kk);
                }
            } else {
                table.add(allS, sameS, relevant);
                if (kk >= 1) precAtK += precisionAtK(allS, sameS, kk);
            }
        }
        int nq = queries.length;
        return new Figures(
                method,
                bits,
                radius,
                k,
                nq,
                indexed,
                distinct,
                labels == null || kk < 1 || nq == 0 ? Double.NaN : precAtK / nq,
                table.precision(),
                table.recall(),
                table.meanBallSize(nq),
                table.emptyFraction(nq),
                curve.precision(),
                curve.recall(),
                curve.meanBallSize(nq));
    }

    /** Counts each visited item other than q by distance, and those with label lq. */
    private static HammingIndex.Visitor tally(int q, int[] labels, int lq, int[] all, int[] same) {
        return (item, d) -> {
            if (item == q) return;
            all[d]++;
            if (labels != null && labels[item] == lq) same[d]++;
        };
    }

    /** The distance histogram of query q against every other item, by a linear scan. */
    static void scan(long[][] a, int q, int[] labels, int[] all, int[] same) {
        Arrays.fill(all, 0);
        Arrays.fill(same, 0);
        long[] aq = a[q];
        int lq = labels == null ? 0 : labels[q];
        for (int i = 0; i < a.length; i++) {
            if (i == q) continue;
            int d = hamming(aq, a[i]);
            all[d]++;
            if (labels != null && labels[i] == lq) same[d]++;
        }
    }

    static int hamming(long[] a, long[] b) {
        int s = 0;
        for (int w = 0; w < a.length; w++) s += Long.bitCount(a[w] ^ b[w]);
        return s;
    }

    /**
     * The fraction of the k nearest that are relevant, from the counts per distance (all items and relevant
     * ones): whole rings while they fit, then the k-th ring's share in expectation.
     */
    static double precisionAtK(int[] all, int[] same, int k) {
        double hit = 0;
        int left = k;
        for (int d = 0; d < all.length && left > 0; d++) {
            if (all[d] == 0) continue;
            int take = Math.min(left, all[d]);
            hit += (double) take * same[d] / all[d];
            left -= take;
        }
        return hit / k;
    }

    /** Sums over queries of the figures at each radius 0..r. */
    private static final class Sums {
        final double[] precision, recall, ball;
        final int[] nonEmpty, withRelevant;
        final boolean labelled;

        Sums(int r, boolean labelled) {
            this.labelled = labelled;
            precision = new double[r + 1];
            recall = new double[r + 1];
            ball = new double[r + 1];
            nonEmpty = new int[r + 1];
            withRelevant = new int[r + 1];
        }

        void add(int[] all, int[] same, int relevant) {
            long inBall = 0, sameInBall = 0;
            for (int r = 0; r < precision.length; r++) {
                inBall += all[r];
                sameInBall += same[r];
                ball[r] += inBall;
                if (inBall > 0) {
                    nonEmpty[r]++;
                    if (labelled) precision[r] += (double) sameInBall / inBall;
                }
                if (labelled && relevant > 0) {
                    withRelevant[r]++;
                    recall[r] += (double) sameInBall / relevant;
                }
            }
        }

        double[] precision() {
            double[] p = new double[precision.length];
            for (int r = 0; r < p.length; r++)
                p[r] = !labelled || nonEmpty[r] == 0 ? Double.NaN : precision[r] / nonEmpty[r];
            return p;
        }

        double[] recall() {
            double[] p = new double[recall.length];
            for (int r = 0; r < p.length; r++) p[r] = withRelevant[r] == 0 ? Double.NaN : recall[r] / withRelevant[r];
            return p;
        }

        double[] meanBallSize(int queries) {
            double[] p = new double[ball.length];
            for (int r = 0; r < p.length; r++) p[r] = queries == 0 ? Double.NaN : ball[r] / queries;
            return p;
        }

        double[] emptyFraction(int queries) {
            double[] p = new double[ball.length];
            for (int r = 0; r < p.length; r++) p[r] = queries == 0 ? Double.NaN : 1 - (double) nonEmpty[r] / queries;
            return p;
        }
    }
}
