package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.report.Pictures;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Manifold Parzen windows (section 14.6, figure 14.9; Vincent and Bengio 2003): a mixture of one Gaussian per
 * training point x_i, centred on it, with covariance {@code sigma^2 I + sum_j lambda_ij v_ij v_ij^T} where
 * v_ij, lambda_ij are the d leading principal directions and variances of the local PCA of its k nearest
 * neighbours ({@link LocalPca}): a flat "pancake" along the manifold, thin (sigma) across it. With d = 0 it is
 * the ordinary isotropic Parzen window.
 *
 * <p>Because the v_ij are orthonormal, the inverse covariance is {@code (I - sum_j lambda_j / (lambda_j +
 * sigma^2) v_j v_j^T) / sigma^2} and the log-determinant {@code (D - d) log sigma^2 + sum_j log(lambda_j +
 * sigma^2)} (the Woodbury identity and the determinant lemma for this low-rank update), so one Gaussian costs
 * O(D d) per evaluation; the mixture's log-density is a log-sum-exp over the Gaussians.
 *
 * <p>{@link #compare} holds every {@value #VALIDATION_EVERY}-th example of the fitting set aside as
 * validation data, centres the Gaussians on the others, chooses the isotropic window's bandwidth and the
 * pancakes' sigma separately on the validation data from the same geometric grid ({@link #grid}), and reports
 * the mean log-likelihood per example (nats) of the held-out test data under both.
 */
public final class ManifoldParzen implements Analysis {

    /** Every this-many-th example of the fitting set (indices 4, 9, 14, ...) is validation data. */
    public static final int VALIDATION_EVERY = 5;

    /** The number of sigmas in the grid. */
    public static final int GRID_SIZE = 41;

    /** How many pancakes the picture draws as ellipses. */
    static final int ELLIPSES = 24;

    /**
     * A fitted mixture of pancakes with the noise sigma left open.
     *
     * @param centres    n x dim, row-major: the training points the Gaussians sit on
     * @param directions directions[i][j] is the j-th local principal direction (unit norm, length dim) at centre i
     * @param variances  variances[i][j] is the local variance along directions[i][j]
     */
    public record Pancakes(float[] centres, int n, int dim, double[][][] directions, double[][] variances) {

        /** The number of local directions per Gaussian (0 for the isotropic window). */
        public int d() {
            return n == 0 ? 0 : directions[0].length;
        }
    }

    /**
     * The comparison of the two density estimates.
     *
     * @param grid              the sigmas tried (the same grid for both)
     * @param isoValidation     mean validation log-likelihood of the isotropic window at each sigma of the grid
     * @param pancakeValidation the same for the pancakes
     * @param isoSigma          the isotropic window's bandwidth, chosen on the validation data
     * @param pancakeSigma      the pancakes' noise sigma, chosen on the validation data
     * @param isoLogLikelihood  mean log-likelihood (nats per example) of the test data under the isotropic window
     * @param pancakeLogLikelihood the same under the pancakes
     * @param picture           for 2-D data, the data, the density and pancakes as 1-sigma ellipses (figure
     *                          14.9); otherwise null
     */
    public record Result(
            int k,
            int d,
            int centres,
            int validation,
            int test,
            double[] grid,
            double[] isoValidation,
            double[] pancakeValidation,
            double isoSigma,
            double pancakeSigma,
            double isoLogLikelihood,
            double pancakeLogLikelihood,
            BufferedImage picture) {

        /** The main numbers, by name. */
        public Map<String, Double> numbers() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("k", (double) k);
            m.put("d", (double) d);
            m.put("centres", (double) centres);
            m.put("validation", (double) validation);
            m.put("test", (double) test);
            m.put("iso_sigma", isoSigma);
            m.put("pancake_sigma", pancakeSigma);
            m.put("iso_loglik", isoLogLikelihood);
            m.put("pancake_loglik", pancakeLogLikelihood);
            m.put("gain_nats", pancakeLogLikelihood - isoLogLikelihood);
            return m;
        }
    }

    /** The pancakes on the n x dim points x: local PCA of each point's k nearest neighbours among x, d directions. */
    public static Pancakes fit(float[] x, int n, int dim, int k, int d) {
        if (d < 0 || d > dim)
            throw new IllegalArgumentException("manifold_parzen: d must be 0 to " + dim + ", got " + d);
        if (d > 0 && k < 2) throw new IllegalArgumentException("manifold_parzen: k must be at least 2, got " + k);
        if (d > 0 && d >= Math.min(k, n))
            throw new IllegalArgumentException("manifold_parzen: d = " + d + " local directions need k > d neighbours,"
                    + " got k = " + Math.min(k, n));
        double[][][] dirs = new double[n][][];
        double[][] vars = new double[n][];
        IntStream.range(0, n).parallel().forEach(i -> {
            if (d == 0) {
                dirs[i] = new double[0][];
                vars[i] = new double[0];
                return;
            }
            float[] p = java.util.Arrays.copyOfRange(x, i * dim, (i + 1) * dim);
            LocalPca.Result r = LocalPca.around(x, n, dim, p, k, d);
            dirs[i] = new double[d][dim];
            vars[i] = new double[d];
            for (int j = 0; j < d; j++) {
                for (int c = 0; c < dim; c++) dirs[i][j][c] = r.basis().get(c, j);
                vars[i][j] = j < r.spread().length ? r.spread()[j] * r.spread()[j] : 0;
            }
        });
        return new Pancakes(x, n, dim, dirs, vars);
    }

    /** The isotropic Parzen window on the n x dim points x (pancakes without directions). */
    public static Pancakes isotropic(float[] x, int n, int dim) {
        return fit(x, n, dim, 0, 0);
    }

    /**
     * log N(mu + r; mu, sigma^2 I + sum_j variances[j] directions[j] directions[j]^T) for orthonormal directions,
     * in O(dim d).
     */
    public static double logGaussian(double[] r, double[][] directions, double[] variances, double sigma) {
        double s2 = sigma * sigma;
        double r2 = 0;
        for (double v : r) r2 += v * v;
        double q = r2 / s2;
        double logDet = (r.length - directions.length) * Math.log(s2);
        for (int j = 0; j < directions.length; j++) {
            double p = 0;
            for (int c = 0; c < r.length; c++) p += directions[j][c] * r[c];
            double l = variances[j];
            q -= p * p * l / ((l + s2) * s2);
            logDet += Math.log(l + s2);
        }
        return -0.5 * (r.length * Math.log(2 * Math.PI) + logDet + q);
    }

    /** The mixture's log-density (equal weights) at {@code point}, for each sigma of {@code sigmas}. */
    public static double[] logDensity(Pancakes p, float[] point, int off, double[] sigmas) {
        int dim = p.dim(), d = p.d(), s = sigmas.length;
        double[] max = new double[s];
        double[] sum = new double[s];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        double[] logS2 = new double[s];
        double[] s2 = new double[s];
        for (int t = 0; t < s; t++) {
            s2[t] = sigmas[t] * sigmas[t];
            logS2[t] = Math.log(s2[t]);
        }
        double log2pi = dim * Math.log(2 * Math.PI);
        double[] proj = new double[d];
        float[] x = p.centres();
        for (int i = 0; i < p.n(); i++) {
            double r2 = 0;
            int base = i * dim;
            for (int c = 0; c < dim; c++) {
                double v = point[off + c] - x[base + c];
                r2 += v * v;
            }
            for (int j = 0; j < d; j++) {
                double[] v = p.directions()[i][j];
                double a = 0;
                for (int c = 0; c < dim; c++) a += v[c] * (point[off + c] - x[base + c]);
                proj[j] = a * a;
            }
            for (int t = 0; t < s; t++) {
                double q = r2 / s2[t];
                double logDet = (dim - d) * logS2[t];
                for (int j = 0; j < d; j++) {
                    double l = p.variances()[i][j];
                    q -= proj[j] * l / ((l + s2[t]) * s2[t]);
                    logDet += Math.log(l + s2[t]);
                }
                double v = -0.5 * (log2pi + logDet + q);
                if (v > max[t]) {
                    sum[t] = sum[t] * Math.exp(max[t] - v) + 1;
                    max[t] = v;
                } else {
                    sum[t] += Math.exp(v - max[t]);
                }
            }
        }
        double[] out = new double[s];
        for (int t = 0; t < s; t++) out[t] = max[t] + Math.log(sum[t]) - Math.log(p.n());
        return out;
    }

    /** The mean log-density (nats per example) of the m x dim points {@code test}, for each sigma. */
    public static double[] meanLogLikelihood(Pancakes p, float[] test, int m, double[] sigmas) {
        if (m == 0) throw new IllegalArgumentException("manifold_parzen: no examples to evaluate");
        double[][] per = new double[m][];
        IntStream.range(0, m).parallel().forEach(i -> per[i] = logDensity(p, test, i * p.dim(), sigmas));
        double[] mean = new double[sigmas.length];
        for (double[] row : per) for (int t = 0; t < sigmas.length; t++) mean[t] += row[t] / m;
        return mean;
    }

    /**
     * The sigmas tried: {@value #GRID_SIZE} values spaced geometrically from 0.001 to 10 times the points'
     * scale (the root mean variance per coordinate), ten per decade.
     */
    public static double[] grid(float[] x, int n, int dim) {
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) for (int c = 0; c < dim; c++) mean[c] += x[i * dim + c];
        for (int c = 0; c < dim; c++) mean[c] /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < dim; c++) {
                double v = x[i * dim + c] - mean[c];
                var += v * v;
            }
        }
        double scale = Math.sqrt(var / ((double) n * dim));
        if (!(scale > 0)) throw new IllegalArgumentException("manifold_parzen: the data has no spread");
        double[] g = new double[GRID_SIZE];
        for (int t = 0; t < GRID_SIZE; t++) g[t] = scale * Math.pow(10, -3 + t / 10.0);
        return g;
    }

    private static int argmax(double[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }

    /**
     * Fits both estimates on {@code fit} (every {@value #VALIDATION_EVERY}-th example held aside for choosing
     * sigma, the others are the centres) and evaluates them on {@code test}.
     */
    public static Result compare(Dataset fit, Dataset test, int k, int d) {
        if (fit.dim() != test.dim())
            throw new IllegalArgumentException("manifold_parzen: " + fit.name() + " has " + fit.dim()
                    + " features per example but " + test.name() + " has " + test.dim());
        int n = fit.size(), dim = fit.dim();
        int nVal = n / VALIDATION_EVERY;
        int nCentres = n - nVal;
        if (nVal < 1 || nCentres < 2)
            throw new IllegalArgumentException("manifold_parzen: " + fit.name() + " has " + n
                    + " examples; it needs at least " + VALIDATION_EVERY + " (every " + VALIDATION_EVERY
                    + "th is held aside as validation data)");
        float[] centres = new float[nCentres * dim];
        float[] val = new float[nVal * dim];
        for (int i = 0, c = 0, v = 0; i < n; i++) {
            if (i % VALIDATION_EVERY == VALIDATION_EVERY - 1 && v < nVal) fit.row(i, val, dim * v++);
            else fit.row(i, centres, dim * c++);
        }
        int kk = Math.min(k, nCentres);
        double[] grid = grid(centres, nCentres, dim);
        Pancakes iso = isotropic(centres, nCentres, dim);
        Pancakes pan = fit(centres, nCentres, dim, kk, d);
        double[] isoVal = meanLogLikelihood(iso, val, nVal, grid);
        double[] panVal = meanLogLikelihood(pan, val, nVal, grid);
        double isoSigma = grid[argmax(isoVal)];
        double panSigma = grid[argmax(panVal)];
        double[] isoTest = meanLogLikelihood(iso, test.values(), test.size(), new double[] {isoSigma});
        double[] panTest = meanLogLikelihood(pan, test.values(), test.size(), new double[] {panSigma});
        BufferedImage picture = dim == 2 ? picture(pan, panSigma, test, kk, d) : null;
        return new Result(
                kk,
                d,
                nCentres,
                nVal,
                test.size(),
                grid,
                isoVal,
                panVal,
                isoSigma,
                panSigma,
                isoTest[0],
                panTest[0],
                picture);
    }

    /**
     * Figure 14.9 for 2-D data: the pancake mixture's density as a heat map (log scale, white to blue), the
     * data as gray dots, and {@value #ELLIPSES} pancakes (evenly spaced through the centres) as their 1-sigma
     * ellipses in red, with their centres.
     */
    static BufferedImage picture(Pancakes p, double sigma, Dataset data, int k, int d) {
        double[] box = ScoreField.box(data);
        int cells = 90;
        String title = String.format(
                Locale.ROOT, "manifold Parzen windows (k %d, d %d, sigma %.3g): density and pancakes", k, d, sigma);
        try (Plane plane = new Plane(box, 640, title)) {
            double[] logp = new double[cells * cells];
            float[] pt = new float[2 * cells * cells];
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++) {
                    pt[2 * (gy * cells + gx)] = (float) (box[0] + (box[1] - box[0]) * (gx + 0.5) / cells);
                    pt[2 * (gy * cells + gx) + 1] = (float) (box[2] + (box[3] - box[2]) * (gy + 0.5) / cells);
                }
            }
            double[] sg = {sigma};
            IntStream.range(0, cells * cells).parallel().forEach(i -> logp[i] = logDensity(p, pt, 2 * i, sg)[0]);
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : logp) hi = Math.max(hi, v);
            double range = 12; // nats below the peak shown; lower is white
            double cw = (box[1] - box[0]) / cells, ch = (box[3] - box[2]) / cells;
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++) {
                    double f = Math.max(0, Math.min(1, 1 + (logp[gy * cells + gx] - hi) / range));
                    plane.g.setColor(new Color((int) (255 - 215 * f), (int) (255 - 155 * f), 255));
                    double xa = box[0] + gx * cw, ya = box[2] + gy * ch;
                    plane.g.fill(new java.awt.geom.Rectangle2D.Double(
                            plane.px(xa), plane.py(ya + ch), cw * plane.scale + 1, ch * plane.scale + 1));
                }
            }
            plane.data(data);
            plane.g.setStroke(new BasicStroke(1.5f));
            int shown = Math.min(ELLIPSES, p.n());
            for (int e = 0; e < shown; e++) {
                int i = (int) ((long) e * p.n() / shown);
                double cx = p.centres()[2 * i], cy = p.centres()[2 * i + 1];
                // the 2 x 2 covariance sigma^2 I + sum_j l_j v_j v_j^T and its eigen-decomposition
                double a = sigma * sigma, b = 0, c = sigma * sigma;
                for (int j = 0; j < p.d(); j++) {
                    double[] v = p.directions()[i][j];
                    double l = p.variances()[i][j];
                    a += l * v[0] * v[0];
                    b += l * v[0] * v[1];
                    c += l * v[1] * v[1];
                }
                double mid = (a + c) / 2, rad = Math.sqrt((a - c) * (a - c) / 4 + b * b);
                double l1 = mid + rad, l2 = Math.max(0, mid - rad);
                double ang = 0.5 * Math.atan2(2 * b, a - c);
                double ux = Math.cos(ang), uy = Math.sin(ang);
                double r1 = Math.sqrt(l1), r2 = Math.sqrt(l2);
                Path2D.Double path = new Path2D.Double();
                for (int s = 0; s <= 64; s++) {
                    double t = 2 * Math.PI * s / 64;
                    double ex = cx + r1 * Math.cos(t) * ux - r2 * Math.sin(t) * uy;
                    double ey = cy + r1 * Math.cos(t) * uy + r2 * Math.sin(t) * ux;
                    if (s == 0) path.moveTo(plane.px(ex), plane.py(ey));
                    else path.lineTo(plane.px(ex), plane.py(ey));
                }
                plane.g.setColor(new Color(200, 30, 30));
                plane.g.draw(path);
                plane.dot(cx, cy, 5, new Color(200, 30, 30));
            }
            plane.legend(0, new Color(150, 150, 150), "data");
            plane.legend(1, new Color(200, 30, 30), "pancakes (1 sigma)");
            plane.legend(2, new Color(40, 100, 255), "log density (12 nats)");
            return plane.image;
        }
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset data = ctx.data();
        Dataset fit = data;
        Dataset test = data;
        boolean split = false;
        if (ctx.args().get("fit") instanceof String name && !name.equals(data.name())) {
            fit = ctx.dataSet(name);
            if (fit.dim() != data.dim()) {
                throw new IllegalArgumentException("manifold_parzen(fit: " + name + "): " + name + " has " + fit.dim()
                        + " features per example but " + data.name() + " has " + data.dim());
            }
        } else {
            // no separate training set: every 4th example of the data is the held-out test data
            int[] tr = IntStream.range(0, data.size()).filter(i -> i % 4 != 3).toArray();
            int[] te = IntStream.range(0, data.size()).filter(i -> i % 4 == 3).toArray();
            if (te.length == 0)
                throw new IllegalArgumentException("manifold_parzen: " + data.name() + " has " + data.size()
                        + " examples, too few to hold some out");
            split = true;
            fit = data.subset(tr);
            test = data.subset(te);
        }
        int k = ctx.integer("k");
        int d = ctx.integer("d");
        if (k > fit.size()) {
            ctx.err()
                    .printf(
                            Locale.ROOT,
                            "manifold_parzen: k = %d but the fitting set has %d examples; using fewer%n",
                            k,
                            fit.size());
        }
        Result r = compare(fit, test, k, d);
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "manifold_parzen(k: %d, d: %d) on %s: held-out log-likelihood per example %.4f nats"
                                + " (pancakes, sigma %.4g) vs %.4f (isotropic Parzen, bandwidth %.4g), gain %.4f"
                                + " nats; %d Gaussians%s, sigmas chosen on %d validation examples from %d values"
                                + " %.3g..%.3g, tested on %d examples%s%n",
                        r.k(),
                        r.d(),
                        data.name(),
                        r.pancakeLogLikelihood(),
                        r.pancakeSigma(),
                        r.isoLogLikelihood(),
                        r.isoSigma(),
                        r.pancakeLogLikelihood() - r.isoLogLikelihood(),
                        r.centres(),
                        split ? "" : " (on " + fit.name() + ")",
                        r.validation(),
                        r.grid().length,
                        r.grid()[0],
                        r.grid()[r.grid().length - 1],
                        r.test(),
                        !split ? "" : " (every 4th example of " + data.name() + "; the rest fit)");
        double lo = r.grid()[0], hi = r.grid()[r.grid().length - 1];
        for (double s : new double[] {r.isoSigma(), r.pancakeSigma()}) {
            if (s == lo || s == hi)
                ctx.err().printf(Locale.ROOT, "manifold_parzen: a chosen sigma (%.4g) is at the edge of the grid%n", s);
        }
        StringBuilder csv = new StringBuilder("sigma,iso_validation_loglik,pancake_validation_loglik\n");
        for (int t = 0; t < r.grid().length; t++)
            csv.append(String.format(
                    Locale.ROOT, "%.6g,%.6g,%.6g%n", r.grid()[t], r.isoValidation()[t], r.pancakeValidation()[t]));
        Files.writeString(ctx.dir().resolve("manifold-parzen.csv"), csv);
        if (r.picture() != null) Files.write(ctx.dir().resolve("manifold-parzen.png"), Pictures.png(r.picture()));
        return r.numbers();
    }
}
