package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Section 14.6, figure 14.8: the nonparametric side of manifold learning. The exact k-nearest-neighbour
 * graph of the data ({@link NearestNeighbours}, symmetrised as {@link NeighbourGraph}) and a spectral
 * embedding of it: Isomap (graph geodesics, then classical MDS) or Laplacian eigenmaps (the normalised
 * graph Laplacian's smallest nontrivial eigenvectors). The O(n^2) parts run on at most {@code samples}
 * examples, evenly spaced through the data set.
 *
 * <p>As the analysis {@code knn_embedding(k, dims, method, samples, space)}: embeds the inputs (or, with
 * {@code space: code}, the model's codes), prints the Spearman rank correlation between each embedding
 * coordinate and the same-numbered intrinsic coordinate when the data set has them (swiss roll, spiral,
 * embedded manifold, ...), and writes {@code knn-embedding.csv} (the coordinates, the intrinsic ones and
 * the label) and {@code knn-embedding.png} (the first two coordinates coloured by the first intrinsic
 * coordinate, else by label); {@code -laplacian} and {@code -code} are appended to the names for the other
 * method and space.
 */
public final class KnnEmbedding implements Analysis {

    /** The most examples embedded: a 4,000 x 4,000 dense eigenproblem takes minutes and 128 MB per matrix. */
    public static final int MAX_SAMPLES = 4000;

    /**
     * An embedding and its numbers.
     *
     * @param rows     the examples of the data set that were embedded (evenly spaced), in order
     * @param spearman per embedding coordinate c, its rank correlation with intrinsic coordinate c (NaN when
     *                 the data set has no such coordinate)
     * @param picture  the scatter of the embedding
     */
    public record Result(
            Embedding embedding,
            int k,
            int edges,
            int[] rows,
            double[] spearman,
            Map<String, Double> numbers,
            BufferedImage picture) {}

    /** The evenly spaced examples of a data set of {@code size} when at most {@code samples} are kept. */
    public static int[] evenlySpaced(int size, int samples) {
        int n = Math.min(size, samples);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = (int) ((long) i * size / n);
        return rows;
    }

    /**
     * Embeds {@code points} (one row of {@code width} per example of {@code data}: the inputs or their
     * codes), on at most {@code samples} evenly spaced examples.
     *
     * @param method "isomap" or "laplacian"
     */
    public static Result embed(
            Dataset data, float[] points, int width, int k, int dims, String method, int samples, String title) {
        if (samples < 3) throw new IllegalArgumentException("knn_embedding needs samples >= 3, got " + samples);
        if (samples > MAX_SAMPLES)
            throw new IllegalArgumentException("knn_embedding(samples: " + samples + "): the eigenproblems are dense"
                    + " (memory grows as samples^2, time as samples^3); use at most " + MAX_SAMPLES);
        if (points.length != (long) data.size() * width)
            throw new IllegalArgumentException(data.size() + " examples of width " + width + " need "
                    + (long) data.size() * width + " values, got " + points.length);
        int[] rows = evenlySpaced(data.size(), samples);
        int n = rows.length;
        if (k >= n)
            throw new IllegalArgumentException("knn_embedding(k: " + k + ") needs more than " + k + " examples, "
                    + (n < data.size()
                            ? "samples keeps " + n + "; raise samples or lower k"
                            : data.name() + " has " + n + "; lower k"));
        float[] x = new float[n * width];
        for (int i = 0; i < n; i++) System.arraycopy(points, rows[i] * width, x, i * width, width);
        NeighbourGraph g = NeighbourGraph.of(NearestNeighbours.of(x, n, width, k));
        Embedding e = switch (method) {
            case "isomap" -> Isomap.embed(g, dims);
            case "laplacian" -> LaplacianEigenmaps.embed(g, dims);
            default ->
                throw new IllegalArgumentException(
                        "knn_embedding(method: " + method + "): the methods are isomap and laplacian");
        };
        double[] rho = new double[dims];
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (int c = 0; c < dims; c++) {
            if (c < data.latentDim()) {
                double[] t = new double[n];
                for (int i = 0; i < n; i++) t[i] = data.latent(rows[i])[c];
                rho[c] = Spearman.of(e.coordinate(c), t);
                numbers.put(c == 0 ? "spearman" : "spearman_" + (c + 1), rho[c]);
            } else rho[c] = Double.NaN;
        }
        numbers.put("k", (double) k);
        numbers.put("n", (double) n);
        numbers.put("edges", (double) g.edges());
        return new Result(e, k, g.edges(), rows, rho, numbers, picture(e, data, rows, title));
    }

    /** The first two embedding coordinates (or the first against the example's order) as coloured dots. */
    static BufferedImage picture(Embedding e, Dataset data, int[] rows, String title) {
        int n = e.n();
        double[] px = e.coordinate(0);
        double[] py = new double[n];
        for (int i = 0; i < n; i++) py[i] = e.dims() > 1 ? e.coords()[i * e.dims() + 1] : 0;
        double[] colour = new double[n];
        boolean coloured = data.latentDim() > 0 || data.hasLabels();
        for (int i = 0; i < n; i++)
            colour[i] = data.latentDim() > 0 ? data.latent(rows[i])[0] : data.hasLabels() ? data.label(rows[i]) : 0;
        double x0 = min(px), x1 = max(px), y0 = min(py), y1 = max(py);
        double pad = 0.05 * Math.max(x1 - x0, Math.max(y1 - y0, 1e-9));
        double[] box = {x0 - pad, x1 + pad, y0 - pad, y1 + pad};
        double c0 = min(colour), c1 = max(colour);
        try (Plane p = new Plane(box, 720, title, "embedding coordinate 1", "embedding coordinate 2")) {
            for (int i = 0; i < n; i++) {
                double u = c1 > c0 ? (colour[i] - c0) / (c1 - c0) : 0.5;
                p.dot(px[i], py[i], 5, coloured ? ramp(u) : new Color(60, 90, 160));
            }
            if (coloured) {
                String what = data.latentDim() > 0 ? "intrinsic coordinate 1" : "label";
                p.legend(0, ramp(0), String.format(Locale.ROOT, "%s = %.3g", what, c0));
                p.legend(1, ramp(1), String.format(Locale.ROOT, "%s = %.3g", what, c1));
            }
            return p.image;
        }
    }

    /** Blue (0) through green to red (1). */
    static Color ramp(double u) {
        return Color.getHSBColor((float) (0.66 * (1 - Math.max(0, Math.min(1, u)))), 0.85f, 0.85f);
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) m = Math.min(m, v);
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) m = Math.max(m, v);
        return m;
    }

    /**
     * {@code knn-embedding} for the defaults (Isomap of the inputs), with {@code -laplacian} and {@code -code}
     * appended otherwise, so that several embeddings of one model sit side by side.
     */
    static String fileName(String method, String space) {
        return "knn-embedding" + (method.equals("isomap") ? "" : "-" + method) + (space.equals("code") ? "-code" : "");
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset ds = ctx.data();
        int k = ctx.integer("k");
        int dims = ctx.integer("dims");
        int samples = ctx.integer("samples");
        String method = String.valueOf(ctx.args().getOrDefault("method", "isomap"));
        String space = String.valueOf(ctx.args().getOrDefault("space", "input"));
        String who = "knn_embedding " + ctx.checked().name() + " on " + ds.name();
        float[] points;
        int width;
        if (space.equals("code")) {
            if (ctx.ir().code() < 0)
                throw new IllegalArgumentException(
                        who + ": model '" + ctx.checked().name() + "' has no code layer; use space: input");
            width = ctx.checked().code().size();
            points = Codes.compute(ctx);
        } else {
            width = ds.dim();
            points = ds.values();
        }
        String title = String.format(
                Locale.ROOT,
                "%s of the %d-NN graph of %s (%s)",
                method.equals("isomap") ? "Isomap" : "Laplacian eigenmap",
                k,
                ds.name(),
                space.equals("code") ? "codes of " + ctx.checked().name() : "inputs");
        Result r = embed(ds, points, width, k, dims, method, samples, title);
        int n = r.rows().length;
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s: %s of the %d-nearest-neighbour graph of %d %s (%d of %d examples, %d edges), %d dims%n",
                        who,
                        method,
                        k,
                        n,
                        space.equals("code") ? "codes" : "inputs",
                        n,
                        ds.size(),
                        r.edges(),
                        dims);
        StringBuilder ev = new StringBuilder();
        for (double v : r.embedding().eigenvalues()) ev.append(String.format(Locale.ROOT, " %.4g", v));
        ctx.out().println("  eigenvalues:" + ev);
        if (ds.latentDim() == 0) ctx.out().println("  " + ds.name() + " has no known intrinsic coordinates");
        for (int c = 0; c < dims; c++) {
            if (!Double.isNaN(r.spearman()[c]))
                ctx.out()
                        .printf(
                                Locale.ROOT,
                                "  Spearman correlation of embedding coordinate %d with intrinsic coordinate %d: %.4f%n",
                                c + 1,
                                c + 1,
                                r.spearman()[c]);
        }
        StringBuilder csv = new StringBuilder("example");
        for (int c = 0; c < dims; c++) csv.append(",e").append(c + 1);
        for (int c = 0; c < ds.latentDim(); c++) csv.append(",latent").append(c + 1);
        if (ds.hasLabels()) csv.append(",label");
        csv.append('\n');
        for (int i = 0; i < n; i++) {
            csv.append(r.rows()[i]);
            for (int c = 0; c < dims; c++) csv.append(',').append(r.embedding().coords()[i * dims + c]);
            if (ds.latentDim() > 0)
                for (float v : ds.latent(r.rows()[i])) csv.append(',').append(v);
            if (ds.hasLabels()) csv.append(',').append(ds.label(r.rows()[i]));
            csv.append('\n');
        }
        String file = fileName(method, space);
        AtomicFile.writeString(ctx.dir().resolve(file + ".csv"), csv.toString());
        AtomicFile.write(ctx.dir().resolve(file + ".png"), Pictures.png(r.picture()));
        ctx.out().println(who + ": wrote " + file + ".csv, " + file + ".png in " + ctx.dir());
        return r.numbers();
    }
}
