package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CorruptionKind;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Section 14.5.1: a denoising autoencoder trained with Gaussian corruption N(x~; x, sigma^2 I) and squared
 * error learns a reconstruction r with {@code r(x) - x ~ sigma^2 grad_x log p(x)} (eq. 14.15, figure 14.5), so
 * {@code (r(x) - x) / sigma^2} estimates the score. r is the model's reconstruction node (g(f(x~)) for a
 * denoising model) evaluated on the clean input, without corruption.
 *
 * <p>The analysis {@code score_field(grid: int, sigma)} writes {@code score-field.csv} (the estimate at the
 * grid points for 2-D data, else at the data points) and, for 2-D data, {@code score-field.png}: the data as
 * small gray points and the estimated score as arrows on a grid x grid lattice over the data's bounding box
 * (padded by 10%). Arrows share one scale (the 95th percentile of the lengths fills 90% of a cell; longer
 * arrows are clipped to 1.2 cells and drawn in red). With {@code from} and {@code to} (indices of two
 * examples) it also follows the straight path between them in {@code steps} points: the score's
 * component along the path and its integral, the estimated change of log p(x) from the start, in
 * {@code score-path.csv} and {@code score-path.png}.
 */
public final class ScoreField implements Analysis {

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private ScoreField() {}

    public static final Analysis ANALYSIS = new ScoreField();

    /** Points with their estimated score: both n x d, row-major. */
    public record Field(int n, int d, float[] points, float[] scores) {
        /** The score at point i, component c. */
        public double score(int i, int c) {
            return scores[i * d + c];
        }
    }

    /** A grid over a 2-D box: {@code grid x grid} points, x fastest. */
    public record Grid(double x0, double x1, double y0, double y1, int size, Field field) {}

    /** A straight path from {@code from} to {@code to}: the field at its points and the score along the path. */
    public record PathProfile(Field field, double[] t, double[] along, double[] logDensity) {}

    // ------------------------------------------------------------------ estimates

    /** The estimate (r(x) - x) / sigma^2 at the n rows of x (n x d). */
    public static Field at(CompiledModel m, int reconstruction, double sigma, float[] x, int n, int d) {
        if (!(sigma > 0)) throw new IllegalArgumentException("sigma must be > 0, got " + sigma);
        float[] r = Forward.values(m, reconstruction, x, n, d, d);
        float[] s = new float[n * d];
        double inv = 1.0 / (sigma * sigma);
        for (int i = 0; i < n * d; i++) s[i] = (float) ((r[i] - x[i]) * inv);
        return new Field(n, d, Arrays.copyOf(x, n * d), s);
    }

    /** The estimate on a size x size grid over [x0, x1] x [y0, y1] (2-D models only). */
    public static Grid grid(
            CompiledModel m, int reconstruction, double sigma, double x0, double x1, double y0, double y1, int size) {
        if (m.inputWidth() != 2)
            throw new IllegalArgumentException("a grid needs 2-D inputs, the model has " + m.inputWidth());
        if (size < 2) throw new IllegalArgumentException("grid must be >= 2, got " + size);
        float[] p = new float[size * size * 2];
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                p[2 * (j * size + i)] = (float) (x0 + (x1 - x0) * i / (size - 1));
                p[2 * (j * size + i) + 1] = (float) (y0 + (y1 - y0) * j / (size - 1));
            }
        }
        return new Grid(x0, x1, y0, y1, size, at(m, reconstruction, sigma, p, size * size, 2));
    }

    /** The estimate on the grid over the data's bounding box, padded by 10% on every side. */
    public static Grid grid(CompiledModel m, int reconstruction, double sigma, Dataset data, int size) {
        double[] b = box(data);
        return grid(m, reconstruction, sigma, b[0], b[1], b[2], b[3], size);
    }

    /**
     * The estimate at {@code steps} (>= 2) equally spaced points from {@code from} to {@code to}, with the
     * score's component along the path and its integral (the estimated log p relative to the start,
     * trapezoid rule): log p(to) - log p(from) ~ integral of grad log p . dx.
     */
    public static PathProfile along(
            CompiledModel m, int reconstruction, double sigma, float[] from, float[] to, int steps) {
        int d = from.length;
        if (to.length != d || steps < 2)
            throw new IllegalArgumentException("a path needs two points of the same size and steps >= 2");
        float[] p = new float[steps * d];
        double len = 0;
        for (int c = 0; c < d; c++) len += (to[c] - from[c]) * (double) (to[c] - from[c]);
        len = Math.sqrt(len);
        for (int i = 0; i < steps; i++) {
            double t = i / (double) (steps - 1);
            for (int c = 0; c < d; c++) p[i * d + c] = (float) (from[c] + t * (to[c] - from[c]));
        }
        Field f = at(m, reconstruction, sigma, p, steps, d);
        double[] ts = new double[steps];
        double[] along = new double[steps];
        double[] logp = new double[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = i / (double) (steps - 1);
            double dot = 0;
            for (int c = 0; c < d; c++) dot += f.score(i, c) * (to[c] - from[c]);
            along[i] = len == 0 ? 0 : dot / len;
            if (i > 0) logp[i] = logp[i - 1] + 0.5 * (along[i] + along[i - 1]) * len / (steps - 1);
        }
        return new PathProfile(f, ts, along, logp);
    }

    /** The sigma of the outermost gaussian corruption of the model, or null when it has none. */
    public static Double gaussianSigma(CheckedModel model) {
        for (CheckedModel.Corruption c = model.corruption(); c != null; c = c.inner()) {
            if (c.kind() == CorruptionKind.GAUSSIAN && c.args().get("sigma") instanceof Number s)
                return s.doubleValue();
        }
        return null;
    }

    /** The data's bounding box in its first two coordinates, padded by 10%: {x0, x1, y0, y1}. */
    static double[] box(Dataset data) {
        float[] v = data.values();
        int d = data.dim();
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = x0, y1 = x1;
        for (int i = 0; i < data.size(); i++) {
            x0 = Math.min(x0, v[i * d]);
            x1 = Math.max(x1, v[i * d]);
            y0 = Math.min(y0, v[i * d + 1]);
            y1 = Math.max(y1, v[i * d + 1]);
        }
        double px = Math.max(1e-6, 0.1 * (x1 - x0));
        double py = Math.max(1e-6, 0.1 * (y1 - y0));
        return new double[] {x0 - px, x1 + px, y0 - py, y1 + py};
    }

    // ------------------------------------------------------------------ the analysis

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        String who = "score_field " + ctx.checked().name() + " on " + ctx.data().name();
        Double sigma = ctx.args().get("sigma") instanceof Number s ? s.doubleValue() : gaussianSigma(ctx.checked());
        if (sigma == null) {
            ctx.err()
                    .println(who + ": needs sigma: model '" + ctx.checked().name() + "' has no gaussian corruption; "
                            + "give the corruption's noise level, e.g. score_field(sigma: 0.1); skipped");
            return Map.of();
        }
        if (ctx.ir().reconstruction() < 0) {
            ctx.err()
                    .println(who + ": model '" + ctx.checked().name()
                            + "' has no decoder, so no reconstruction; skipped");
            return Map.of();
        }
        int grid = ctx.integer("grid");
        Dataset ds = ctx.data();
        int d = ds.dim();
        Field atData = at(ctx.model(), ctx.ir().reconstruction(), sigma, ds.values(), ds.size(), d);
        double meanNorm = meanNorm(atData);
        double[] mean = new double[d];
        for (int i = 0; i < atData.n(); i++) for (int c = 0; c < d; c++) mean[c] += atData.score(i, c) / atData.n();
        double meanVecNorm = 0;
        for (double v : mean) meanVecNorm += v * v;
        meanVecNorm = Math.sqrt(meanVecNorm);
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("sigma", sigma);
        result.put("mean_score_norm", meanNorm);
        result.put("norm_of_mean_score", meanVecNorm);
        StringBuilder csv = new StringBuilder();
        if (d == 2) {
            Grid g = grid(ctx.model(), ctx.ir().reconstruction(), sigma, ds, grid);
            csv.append("x1,x2,score1,score2\n");
            appendRows(csv, g.field());
            AtomicFile.write(ctx.dir().resolve("score-field.png"), Pictures.png(picture(g, ds, sigma, 800)));
            result.put("grid", (double) grid);
            result.put("grid_mean_score_norm", meanNorm(g.field()));
        } else {
            for (int c = 0; c < d; c++)
                csv.append(c == 0 ? "" : ",").append("x").append(c + 1);
            for (int c = 0; c < d; c++) csv.append(",score").append(c + 1);
            csv.append('\n');
            appendRows(csv, atData);
        }
        AtomicFile.writeString(ctx.dir().resolve("score-field.csv"), csv.toString());
        boolean hasFrom = ctx.args().get("from") instanceof Number,
                hasTo = ctx.args().get("to") instanceof Number;
        if (hasFrom != hasTo) {
            throw new IllegalArgumentException("score_field: a path needs both from: and to: (indices of examples of "
                    + ds.name() + "), got only " + (hasFrom ? "from" : "to"));
        }
        if (hasFrom) {
            int from = ctx.integerOr("from", 0), to = ctx.integerOr("to", 0), steps = ctx.integerOr("steps", 50);
            for (int i : new int[] {from, to}) {
                if (i < 0 || i >= ds.size()) {
                    throw new IllegalArgumentException("score_field: the path's ends are example indices of "
                            + ds.name() + ", 0.." + (ds.size() - 1) + "; got " + i);
                }
            }
            if (steps < 2) throw new IllegalArgumentException("score_field: steps must be >= 2, got " + steps);
            PathProfile p = along(ctx.model(), ctx.ir().reconstruction(), sigma, ds.row(from), ds.row(to), steps);
            StringBuilder pc = new StringBuilder("t,score_along_path,log_density_change\n");
            for (int i = 0; i < steps; i++)
                pc.append(String.format(Locale.ROOT, "%.6g,%.8g,%.8g%n", p.t()[i], p.along()[i], p.logDensity()[i]));
            AtomicFile.writeString(ctx.dir().resolve("score-path.csv"), pc.toString());
            Pictures.write(ctx.dir().resolve("score-path.png"), pathChart(p, from, to, sigma, ds.name()));
            double[] lp = p.logDensity();
            double min = Arrays.stream(lp).min().orElse(0),
                    max = Arrays.stream(lp).max().orElse(0);
            result.put("path_log_density_change", lp[steps - 1]);
            result.put("path_log_density_min", min);
            ctx.out()
                    .printf(
                            Locale.ROOT,
                            "%s: along the path from example %d to example %d (%d points): estimated log p(to) - log p(from)"
                                    + " %.4f, lowest %.4f, highest %.4f on the way; wrote %s and %s%n",
                            who,
                            from,
                            to,
                            steps,
                            lp[steps - 1],
                            min,
                            max,
                            ctx.dir().resolve("score-path.png"),
                            ctx.dir().resolve("score-path.csv"));
        }
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s: estimated score (r(x) - x) / sigma^2, sigma %.4g: mean |score| at the data %.4f, "
                                + "|mean score| %.4f (the true score averages to 0)%n",
                        who,
                        sigma,
                        meanNorm,
                        meanVecNorm);
        ctx.out()
                .println(who + ": wrote "
                        + (d == 2
                                ? ctx.dir().resolve("score-field.png") + " (" + grid + " x " + grid + " grid) and "
                                : "")
                        + ctx.dir().resolve("score-field.csv")
                        + (d == 2 ? "" : " (at the data points: not 2-D, no picture)"));
        return result;
    }

    private static double meanNorm(Field f) {
        double s = 0;
        for (int i = 0; i < f.n(); i++) {
            double q = 0;
            for (int c = 0; c < f.d(); c++) q += f.score(i, c) * f.score(i, c);
            s += Math.sqrt(q);
        }
        return s / Math.max(1, f.n());
    }

    private static void appendRows(StringBuilder b, Field f) {
        for (int i = 0; i < f.n(); i++) {
            for (int c = 0; c < f.d(); c++) b.append(c == 0 ? "" : ",").append(f.points()[i * f.d() + c]);
            for (int c = 0; c < f.d(); c++) b.append(',').append(f.scores()[i * f.d() + c]);
            b.append('\n');
        }
    }

    // ------------------------------------------------------------------ pictures

    /** The score's component along a path and its integral, the estimated change of log p from the start. */
    static org.knowm.xchart.XYChart pathChart(PathProfile p, int from, int to, double sigma, String data) {
        org.knowm.xchart.XYChart chart = Pictures.chart(
                String.format(
                        Locale.ROOT,
                        "Estimated score along the path from %s[%d] to %s[%d] (sigma %.3g)",
                        data,
                        from,
                        data,
                        to,
                        sigma),
                "position along the path (0 = from, 1 = to)",
                "value",
                800,
                500);
        chart.getStyler().setMarkerSize(4);
        Pictures.style(chart.addSeries("log p(x) - log p(from), integrated score", p.t(), p.logDensity()), 0, true);
        Pictures.style(chart.addSeries("score component along the path", p.t(), p.along()), 1, true);
        return chart;
    }

    /** Figure 14.5: the data as gray points, the estimated score as arrows on the grid. */
    public static BufferedImage picture(Grid g, Dataset data, double sigma, int size) {
        try (Plane plane = new Plane(
                new double[] {g.x0(), g.x1(), g.y0(), g.y1()},
                size,
                String.format(
                        Locale.ROOT, "estimated score (r(x) - x) / sigma^2, sigma = %.3g (section 14.5.1)", sigma))) {
            plane.data(data);
            Graphics2D gr = plane.g;
            java.util.function.DoubleUnaryOperator px = plane::px;
            java.util.function.DoubleUnaryOperator py = plane::py;
            double scale = plane.scale;
            // arrows
            Field f = g.field();
            double[] len = new double[f.n()];
            for (int i = 0; i < f.n(); i++) len[i] = Math.hypot(f.score(i, 0), f.score(i, 1));
            double[] sorted = len.clone();
            Arrays.sort(sorted);
            double ref = sorted[Math.min(sorted.length - 1, (int) (0.95 * sorted.length))];
            double cell = Math.min((g.x1() - g.x0()), (g.y1() - g.y0())) / (g.size() - 1) * scale; // pixels
            double k = ref > 0 ? 0.9 * cell / ref : 0;
            gr.setStroke(new BasicStroke(1.4f));
            for (int i = 0; i < f.n(); i++) {
                double a = px.applyAsDouble(f.points()[2 * i]);
                double b = py.applyAsDouble(f.points()[2 * i + 1]);
                double dx = f.score(i, 0) * k;
                double dy = -f.score(i, 1) * k;
                double l = Math.hypot(dx, dy);
                boolean clipped = l > 1.2 * cell;
                if (clipped) {
                    dx *= 1.2 * cell / l;
                    dy *= 1.2 * cell / l;
                    l = 1.2 * cell;
                }
                gr.setColor(clipped ? new Color(200, 40, 40) : new Color(30, 80, 200));
                if (l < 0.5) {
                    gr.fill(new java.awt.geom.Ellipse2D.Double(a - 1, b - 1, 2, 2));
                    continue;
                }
                gr.draw(new Line2D.Double(a, b, a + dx, b + dy));
                double head = Math.min(6, 0.35 * l);
                double ux = dx / l, uy = dy / l;
                Path2D.Double tip = new Path2D.Double();
                tip.moveTo(a + dx, b + dy);
                tip.lineTo(a + dx - head * ux - 0.5 * head * uy, b + dy - head * uy + 0.5 * head * ux);
                tip.lineTo(a + dx - head * ux + 0.5 * head * uy, b + dy - head * uy - 0.5 * head * ux);
                tip.closePath();
                gr.fill(tip);
            }
            return plane.image;
        }
    }
}
