package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.HammingBall;
import ae4j.dsl.check.Nonlinearity;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Semantic hashing (section 14.9): the sigmoid codes, binarised at 0.5, are addresses in a hash table
 * ({@link HammingIndex}); a query returns the items whose addresses are within a small Hamming distance of its
 * own, found by flipping bits of its address. The analysis {@code retrieval(bits, radius, k, fit, seed)} uses
 * the first {@code bits} code units, indexes every item of the analysed data and queries up to {@value #QUERIES}
 * of them (evenly spaced), each against the others; an answer is relevant when it has the query's label. It
 * compares the autoencoder with two baselines at the same number of bits on the same data:
 * random-hyperplane LSH ({@link RandomHyperplaneLsh}, seeded by {@code seed}) and PCA-sign ({@link PcaSign}),
 * both fitted on {@code fit} (default: the analysed data). For each it reports (see
 * {@link HammingRetrieval.Figures}) precision@k, the precision, recall and mean size of the Hamming ball at each
 * radius 0..{@code radius}, and the precision-recall curve of Hamming ranking; for the autoencoder, the
 * fraction of code values that are saturated (within {@value #SATURATION_MARGIN} of 0 or 1, so that
 * binarisation barely changes them).
 *
 * <p>Writes {@code retrieval.csv} (one row per method), {@code retrieval-pr.csv} and {@code retrieval-pr.png}
 * (precision against recall, one point per radius 0..bits, one curve per method).
 */
public final class Retrieval implements Analysis {

    /** At most this many queries (evenly spaced through the data). */
    public static final int QUERIES = 2000;
    /** The default radius of the Hamming ball (at most the number of bits). */
    public static final int RADIUS = 2;
    /** A code value within this distance of 0 or 1 counts as saturated. */
    public static final double SATURATION_MARGIN = 0.05;

    public static final String AUTOENCODER = "autoencoder";
    public static final String LSH = "LSH";
    public static final String PCA_SIGN = "PCA-sign";

    /**
     * One comparison: the autoencoder and the baselines (in this order; PCA-sign is missing when the fit data has
     * fewer features or examples than bits, said in {@code notes}), retrieving among {@code items} items with
     * {@code queries} queries; {@code chance} is the precision of a random pick (the mean over queries of the
     * share of the other items that have the query's label), NaN without labels.
     */
    public record Report(
            String model,
            String data,
            String fit,
            int items,
            int queries,
            int bits,
            int radius,
            int k,
            long seed,
            double chance,
            double saturated,
            List<HammingRetrieval.Figures> methods,
            List<String> notes) {

        /** The figures of one method ({@link #AUTOENCODER}, {@link #LSH}, {@link #PCA_SIGN}), or null. */
        public HammingRetrieval.Figures method(String name) {
            for (HammingRetrieval.Figures f : methods) if (f.method().equals(name)) return f;
            return null;
        }

        public boolean labelled() {
            return !Double.isNaN(chance);
        }

        /** The table as {@code ae4j run} prints it: one row per method. */
        public String table() {
            StringBuilder b = new StringBuilder();
            HammingRetrieval.Figures ae = methods.get(0);
            b.append(String.format(
                    Locale.ROOT,
                    "retrieval(bits: %d, radius: %d, k: %d) of %s on %s: %d items %s, %d queries, each against the"
                            + " other items%s%n",
                    bits,
                    radius,
                    k,
                    model,
                    data,
                    items,
                    ae.indexed()
                            ? "in a hash table of " + bits + "-bit addresses"
                            : "(more than 64 bits: a linear scan, no hash table)",
                    queries,
                    labelled()
                            ? String.format(Locale.ROOT, "; relevant = same label, chance precision %.4f", chance)
                            : "; the data has no labels, so no precision or recall"));
            b.append(String.format(Locale.ROOT, "  %-12s %9s %13s", "method", "distinct", "precision@" + k));
            for (int r = 0; r <= radius; r++)
                b.append(String.format(Locale.ROOT, " | r=%d %9s %7s %9s", r, "precision", "recall", "mean ball"));
            b.append('\n');
            for (HammingRetrieval.Figures f : methods) {
                b.append(String.format(
                        Locale.ROOT,
                        "  %-12s %9d %13s",
                        f.method(),
                        f.distinctAddresses(),
                        fixed(f.precisionAtK(), 4)));
                for (int r = 0; r <= radius; r++)
                    b.append(String.format(
                            Locale.ROOT,
                            " | %3s %9s %7s %9s",
                            "",
                            fixed(f.precision()[r], 4),
                            fixed(f.recall()[r], 4),
                            fixed(f.meanBallSize()[r], 1)));
                b.append('\n');
            }
            b.append("  empty balls (precision is the mean over queries with a non-empty one):");
            for (HammingRetrieval.Figures f : methods)
                b.append(String.format(
                        Locale.ROOT,
                        " %s %.1f%% at r=0, %.1f%% at r=%d;",
                        f.method(),
                        100 * f.emptyFraction()[0],
                        100 * f.emptyFraction()[radius],
                        radius));
            b.setLength(b.length() - 1);
            b.append('\n');
            b.append(String.format(
                    Locale.ROOT,
                    "  saturation: %.1f%% of the autoencoder's code values are within %.2f of 0 or 1; LSH (seed %d)"
                            + " and PCA-sign fitted on %s%n",
                    100 * saturated,
                    SATURATION_MARGIN,
                    seed,
                    fit));
            for (String n : notes) b.append("  note: ").append(n).append('\n');
            return b.toString();
        }

        /** {@code retrieval.csv}: one row per method. */
        public String csv() {
            StringBuilder b = new StringBuilder("method,bits,k,precision_at_k,distinct_addresses,saturated_fraction");
            for (int r = 0; r <= radius; r++)
                b.append(String.format(
                        Locale.ROOT,
                        ",precision_r%d,recall_r%d,mean_ball_size_r%d,empty_ball_fraction_r%d",
                        r,
                        r,
                        r,
                        r));
            b.append('\n');
            for (HammingRetrieval.Figures f : methods) {
                b.append(f.method())
                        .append(',')
                        .append(bits)
                        .append(',')
                        .append(k)
                        .append(',')
                        .append(f.precisionAtK())
                        .append(',')
                        .append(f.distinctAddresses())
                        .append(',')
                        .append(f.method().equals(AUTOENCODER) ? Double.toString(saturated) : "");
                for (int r = 0; r <= radius; r++)
                    b.append(',')
                            .append(f.precision()[r])
                            .append(',')
                            .append(f.recall()[r])
                            .append(',')
                            .append(f.meanBallSize()[r])
                            .append(',')
                            .append(f.emptyFraction()[r]);
                b.append('\n');
            }
            return b.toString();
        }

        /** {@code retrieval-pr.csv}: the precision-recall curve of each method, one row per method and radius 0..bits. */
        public String curveCsv() {
            StringBuilder b = new StringBuilder("method,radius,precision,recall,mean_ball_size\n");
            for (HammingRetrieval.Figures f : methods)
                for (int r = 0; r <= bits; r++)
                    b.append(f.method())
                            .append(',')
                            .append(r)
                            .append(',')
                            .append(f.curvePrecision()[r])
                            .append(',')
                            .append(f.curveRecall()[r])
                            .append(',')
                            .append(f.curveBallSize()[r])
                            .append('\n');
            return b.toString();
        }

        /** {@code retrieval-pr.png}: precision against recall (log scale), one point per radius, one curve per method. */
        public byte[] curvePng() throws IOException {
            return Pictures.pngBytes(curveChart());
        }

        /** The chart of {@link #curvePng}. */
        public org.knowm.xchart.XYChart curveChart() {
            List<Pictures.Curve> curves = new ArrayList<>();
            for (HammingRetrieval.Figures f : methods)
                curves.add(new Pictures.Curve(
                        String.format(Locale.ROOT, "%s (precision@%d %.3f)", f.method(), k, f.precisionAtK()),
                        f.curveRecall(),
                        f.curvePrecision()));
            return Pictures.curvesChart(
                    String.format(
                            Locale.ROOT,
                            "Hamming-ball retrieval on %s, %d bits: one point per radius 0..%d",
                            data,
                            bits,
                            bits),
                    "recall",
                    "precision",
                    true,
                    curves,
                    800,
                    560);
        }

        /** The main numbers: the autoencoder's without a prefix, then {@code lsh_...} and {@code pca_sign_...}. */
        public Map<String, Double> numbers() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("bits", (double) bits);
            m.put("radius", (double) radius);
            m.put("k", (double) k);
            m.put("saturated_fraction", saturated);
            if (labelled()) m.put("chance_precision", chance);
            for (HammingRetrieval.Figures f : methods) {
                String p = switch (f.method()) {
                    case LSH -> "lsh_";
                    case PCA_SIGN -> "pca_sign_";
                    default -> "";
                };
                m.put(p + "distinct_codes", (double) f.distinctAddresses());
                if (labelled()) m.put(p + "precision_at_k", f.precisionAtK());
                for (int r = 0; r <= radius; r++) {
                    if (labelled()) {
                        m.put(p + "precision_r" + r, f.precision()[r]);
                        m.put(p + "recall_r" + r, f.recall()[r]);
                    }
                    m.put(p + "mean_ball_size_r" + r, f.meanBallSize()[r]);
                }
            }
            return m;
        }
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

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

    /** The fraction of the first {@code bits} code values of the n codes within {@link #SATURATION_MARGIN} of 0 or 1. */
    public static double saturation(float[] codes, int n, int width, int bits) {
        long sat = 0;
        float lo = (float) SATURATION_MARGIN, hi = 1f - lo; // in float, as the codes are: 0.05f and 0.95f count
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < bits; j++) {
                float v = codes[i * width + j];
                if (v <= lo || v >= hi) sat++;
            }
        }
        return n == 0 ? Double.NaN : (double) sat / ((long) n * bits);
    }

    /**
     * The comparison on {@code data}: {@code codes} are the autoencoder's codes of its n examples (n x width); the
     * baselines are fitted on {@code fit} (the same data, or another set of the same width).
     */
    public static Report measure(
            String model, float[] codes, int width, Dataset data, Dataset fit, int bits, int radius, int k, long seed) {
        int n = data.size();
        if (bits < 1 || bits > width)
            throw new IllegalArgumentException("bits must be in 1.." + width + " (the code size), got " + bits);
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        String problem = HammingBall.problem(bits, radius);
        if (problem != null) throw new IllegalArgumentException(problem);
        if (fit.dim() != data.dim())
            throw new IllegalArgumentException("the baselines are fitted on " + fit.name() + ", which has " + fit.dim()
                    + " features per example, but " + data.name() + " has " + data.dim()
                    + "; fit them on data of the same shape");
        if ((long) n * width > codes.length)
            throw new IllegalArgumentException(
                    n + " codes of " + width + " units need " + (long) n * width + " values, got " + codes.length);
        int[] labels = data.hasLabels() ? data.labels() : null;
        int[] queries = LocalPca.sampleIndices(n, QUERIES);
        double chance = Double.NaN;
        if (labels != null && n >= 2) {
            Map<Integer, Integer> counts = new java.util.HashMap<>();
            for (int l : labels) counts.merge(l, 1, Integer::sum);
            chance = 0;
            for (int q : queries) chance += (counts.get(labels[q]) - 1.0) / (n - 1);
            chance /= queries.length;
        }
        List<HammingRetrieval.Figures> methods = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        methods.add(HammingRetrieval.evaluate(
                AUTOENCODER, binarise(codes, n, width, bits), bits, labels, k, radius, queries));
        SignProjection lsh = RandomHyperplaneLsh.fit(fit.values(), fit.size(), fit.dim(), bits, seed);
        methods.add(HammingRetrieval.evaluate(LSH, lsh.addresses(data.values(), n), bits, labels, k, radius, queries));
        if (bits <= Math.min(fit.size(), fit.dim())) {
            SignProjection pca = PcaSign.fit(fit.values(), fit.size(), fit.dim(), bits);
            methods.add(HammingRetrieval.evaluate(
                    PCA_SIGN, pca.addresses(data.values(), n), bits, labels, k, radius, queries));
        } else {
            notes.add("no PCA-sign: " + bits + " bits need " + bits + " principal components, but " + fit.name()
                    + " (" + fit.size() + " examples of " + fit.dim() + " features) has at most "
                    + Math.min(fit.size(), fit.dim()));
        }
        return new Report(
                model,
                data.name(),
                fit.name(),
                n,
                queries.length,
                bits,
                radius,
                k,
                seed,
                chance,
                saturation(codes, n, width, bits),
                methods,
                notes);
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
        int radius = ctx.integerOr("radius", Math.min(RADIUS, bits));
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
        Dataset fit = data;
        if (ctx.args().get("fit") instanceof String fitName && !fitName.equals(data.name())) fit = ctx.dataSet(fitName);
        long seed = ctx.integer("seed");
        float[] h = Codes.compute(ctx);
        Report report = measure(m.name(), h, width, data, fit, bits, radius, k, seed);
        ctx.out().print(report.table());
        AtomicFile.writeString(ctx.dir().resolve("retrieval.csv"), report.csv());
        AtomicFile.writeString(ctx.dir().resolve("retrieval-pr.csv"), report.curveCsv());
        String wrote = "retrieval.csv, retrieval-pr.csv";
        if (report.labelled()) {
            Pictures.write(ctx.dir().resolve("retrieval-pr.png"), report.curveChart());
            wrote += ", retrieval-pr.png";
        }
        ctx.out().println("retrieval " + m.name() + " on " + data.name() + ": wrote " + wrote + " in " + ctx.dir());
        return report.numbers();
    }
}
