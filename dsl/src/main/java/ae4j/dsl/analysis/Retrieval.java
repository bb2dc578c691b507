package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.Nonlinearity;
import ae4j.dsl.data.Dataset;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Semantic hashing (section 14.9): the sigmoid codes, binarised at 0.5, are addresses; retrieval returns
 * the examples whose addresses are near the query's in Hamming distance. The analysis
 * {@code retrieval(bits, k)} uses the first {@code bits} code units and reports, for labelled data (each
 * example queried against all the others, up to {@value #QUERIES} queries):
 * <ul>
 * <li>precision@k of nearest-Hamming retrieval: the fraction of the k examples nearest in Hamming
 * distance that share the query's label, ties at the k-th distance counted in expectation (as if broken at
 * random), so the number does not depend on the order of the data;
 * <li>the precision of Hamming-ball retrieval of radius {@value #RADIUS} (everything within that distance),
 * over the queries whose ball is not empty, and the mean ball size;
 * <li>the chance precision (the precision of a random pick: sum over labels of p(label)^2, roughly).
 * </ul>
 * and, labelled or not, the fraction of code values that are saturated (within 0.1 of 0 or 1: the codes
 * that binarisation barely changes) and the number of distinct addresses. Writes {@code retrieval.csv}.
 */
public final class Retrieval implements Analysis {

    /** At most this many queries (evenly spaced through the data). */
    public static final int QUERIES = 2000;
    /** The radius of the Hamming ball. */
    public static final int RADIUS = 2;

    /** The numbers of one evaluation; NaN where labels are needed and missing. */
    public record Stats(
            int bits,
            int k,
            double precisionAtK,
            double ballPrecision,
            double meanBallSize,
            double emptyBallFraction,
            double chance,
            double saturated,
            int distinctCodes) {}

    /** The binary addresses: bit j of example i is set when codes[i * width + j] >= 0.5; words of 64 bits. */
    public static long[][] binarise(float[] codes, int n, int width, int bits) {
        int words = (bits + 63) / 64;
        long[][] a = new long[n][words];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < bits; j++) {
                if (codes[i * width + j] >= 0.5f) a[i][j >> 6] |= 1L << (j & 63);
            }
        }
        return a;
    }

    static int hamming(long[] a, long[] b) {
        int s = 0;
        for (int w = 0; w < a.length; w++) s += Long.bitCount(a[w] ^ b[w]);
        return s;
    }

    /** Evaluates retrieval with the first {@code bits} of the n codes (n x width); labels may be null. */
    public static Stats evaluate(float[] codes, int n, int width, int bits, int[] labels, int k) {
        if (bits < 1 || bits > width)
            throw new IllegalArgumentException("bits must be in 1.." + width + ", got " + bits);
        long[][] addr = binarise(codes, n, width, bits);
        long sat = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < bits; j++) {
                float v = codes[i * width + j];
                if (v <= 0.1f || v >= 0.9f) sat++;
            }
        }
        double saturated = (double) sat / ((long) n * bits);
        int distinct = (int) java.util.Arrays.stream(addr)
                .map(java.util.Arrays::toString)
                .distinct()
                .count();
        if (labels == null || n < 2) {
            return new Stats(bits, k, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, saturated, distinct);
        }
        k = Math.min(k, n - 1);
        Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int l : labels) counts.merge(l, 1, Integer::sum);
        int[] qs = LocalPca.sampleIndices(n, QUERIES);
        double chance = 0;
        for (int q : qs) chance += (counts.get(labels[q]) - 1.0) / (n - 1);
        chance /= qs.length;
        int[] all = new int[bits + 1];
        int[] same = new int[bits + 1];
        double precSum = 0, ballSum = 0, ballSize = 0;
        int nonEmpty = 0;
        for (int q : qs) {
            java.util.Arrays.fill(all, 0);
            java.util.Arrays.fill(same, 0);
            for (int i = 0; i < n; i++) {
                if (i == q) continue;
                int dist = hamming(addr[q], addr[i]);
                all[dist]++;
                if (labels[i] == labels[q]) same[dist]++;
            }
            double hit = 0;
            int left = k;
            for (int dist = 0; dist <= bits && left > 0; dist++) {
                if (all[dist] == 0) continue;
                int take = Math.min(left, all[dist]);
                hit += (double) take * same[dist] / all[dist];
                left -= take;
            }
            precSum += hit / k;
            int ball = 0, ballSame = 0;
            for (int dist = 0; dist <= Math.min(RADIUS, bits); dist++) {
                ball += all[dist];
                ballSame += same[dist];
            }
            ballSize += ball;
            if (ball > 0) {
                nonEmpty++;
                ballSum += (double) ballSame / ball;
            }
        }
        return new Stats(
                bits,
                k,
                precSum / qs.length,
                nonEmpty == 0 ? Double.NaN : ballSum / nonEmpty,
                ballSize / qs.length,
                1 - (double) nonEmpty / qs.length,
                chance,
                saturated,
                distinct);
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset data = ctx.data();
        CheckedModel m = ctx.checked();
        int width = m.code().size();
        int bits = ctx.integerOr("bits", width);
        int k = ctx.integer("k");
        if (bits > width) {
            ctx.err()
                    .printf(
                            Locale.ROOT,
                            "retrieval: bits = %d but the code has %d units; using %d%n",
                            bits,
                            width,
                            width);
            bits = width;
        }
        if (bits < 1 || k < 1) throw new IllegalArgumentException("retrieval: bits and k must be at least 1");
        Nonlinearity act = m.encoder().codeActivation();
        if (act != Nonlinearity.SIGMOID) {
            ctx.err()
                    .printf(
                            Locale.ROOT,
                            "retrieval: the code of %s is not a sigmoid layer (%s); semantic hashing thresholds "
                                    + "codes in [0, 1] at 0.5, so the addresses may mean little%n",
                            ctx.checked().name(),
                            act == null ? "no layer" : act);
        }
        float[] h = Codes.compute(ctx);
        Stats s = evaluate(h, data.size(), width, bits, data.labels(), k);
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("bits", (double) s.bits());
        r.put("saturated_fraction", s.saturated());
        r.put("distinct_codes", (double) s.distinctCodes());
        String head = String.format(
                Locale.ROOT,
                "retrieval(bits: %d, k: %d) of %s on %s",
                bits,
                s.k(),
                ctx.checked().name(),
                data.name());
        if (data.hasLabels()) {
            r.put("precision_at_k", s.precisionAtK());
            r.put("ball_precision", s.ballPrecision());
            r.put("mean_ball_size", s.meanBallSize());
            r.put("chance_precision", s.chance());
            ctx.out()
                    .printf(
                            Locale.ROOT,
                            "%s: precision@%d %.4f (chance %.4f); Hamming ball of radius %d: precision %.4f, "
                                    + "mean size %.1f, empty for %.1f%% of queries; %d distinct addresses; %.1f%% of code values saturated%n",
                            head,
                            s.k(),
                            s.precisionAtK(),
                            s.chance(),
                            RADIUS,
                            s.ballPrecision(),
                            s.meanBallSize(),
                            100 * s.emptyBallFraction(),
                            s.distinctCodes(),
                            100 * s.saturated());
        } else {
            ctx.out()
                    .printf(
                            Locale.ROOT,
                            "%s: the data has no labels, so no precision; %d distinct addresses; "
                                    + "%.1f%% of code values saturated%n",
                            head,
                            s.distinctCodes(),
                            100 * s.saturated());
        }
        try (Writer w = Files.newBufferedWriter(ctx.dir().resolve("retrieval.csv"), StandardCharsets.UTF_8)) {
            w.write("metric,value\n");
            for (Map.Entry<String, Double> e : r.entrySet()) w.write(e.getKey() + "," + e.getValue() + "\n");
        }
        return r;
    }
}
