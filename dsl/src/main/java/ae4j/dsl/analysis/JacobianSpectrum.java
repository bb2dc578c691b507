package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import ae4j.vecmath.Activation;
import java.awt.Color;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code jacobian_spectrum(samples)} (section 14.7): the singular values of the encoder's Jacobian
 * J(x) = df/dx at {@code samples} data points spread evenly over the data set. A contractive encoder has
 * most singular values below 1 (it contracts most directions) and a few large ones (the tangent
 * directions it keeps). Reports the fraction of singular values below 1, the mean ||J||_F, the mean
 * largest singular value and, for a sigmoid or tanh code, the fraction of saturated code units (within
 * 0.01 of a bound; Rifai et al. 2011, table 1). Writes {@code jacobian-spectrum.png} (the mean of the
 * sorted singular values, with a line at 1) and {@code jacobian-spectrum.csv}. {@link #comparisonPng} and
 * {@link #comparisonCsv} put several models' spectra side by side ({@code ae4j run} writes them as
 * {@code jacobian-spectra.png} and {@code .csv} once a program has measured two or more).
 */
public final class JacobianSpectrum implements Analysis {

    /** Distance to a bound under which a sigmoid or tanh unit counts as saturated. */
    public static final double SATURATION = 0.01;

    /** Points per batch of Jacobians (bounds memory for wide inputs). */
    static final int CHUNK = 16;

    /** The measured numbers. {@code saturated} is NaN for codes that are not sigmoid or tanh. */
    public record Result(
            int samples,
            double[] meanSingularValues,
            double[] minSingularValues,
            double[] maxSingularValues,
            double fractionBelowOne,
            double meanFrobenius,
            double meanLargest,
            double saturated) {
        public Map<String, Double> numbers() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("samples", (double) samples);
            m.put("fraction_below_1", fractionBelowOne);
            m.put("mean_frobenius", meanFrobenius);
            m.put("mean_largest", meanLargest);
            m.put("saturated", saturated);
            return m;
        }
    }

    /** Evenly spread row indices: {@code count} of {@code n} (all when count >= n). */
    static int[] spread(int n, int count) {
        int c = Math.max(1, Math.min(count, n));
        int[] idx = new int[c];
        for (int i = 0; i < c; i++) idx[i] = (int) ((long) i * n / c);
        return idx;
    }

    /** The spectrum of {@code jac} at the given rows of {@code data}. */
    public static Result measure(EncoderJacobian jac, Dataset data, int samples) {
        int[] rows = spread(data.size(), samples);
        int d = data.dim(), k = jac.codeWidth();
        int m = Math.min(k, d);
        double[] sum = new double[m], min = new double[m], max = new double[m];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        long below = 0, saturated = 0;
        double fro = 0, largest = 0;
        Activation act = jac.codeActivation();
        double lo = act == Activation.SIGMOID ? 0 : act == Activation.TANH ? -1 : Double.NaN, hi = 1;
        for (int from = 0; from < rows.length; from += CHUNK) {
            int count = Math.min(CHUNK, rows.length - from);
            float[] x = new float[count * d];
            for (int r = 0; r < count; r++) data.row(rows[from + r], x, r * d);
            EncoderJacobian.Batch b = jac.at(x, count);
            for (int r = 0; r < count; r++) {
                double[] s = JacobianSvd.of(b.jacobians()[r], k, d, false).singularValues();
                for (int i = 0; i < m; i++) {
                    sum[i] += s[i];
                    min[i] = Math.min(min[i], s[i]);
                    max[i] = Math.max(max[i], s[i]);
                    if (s[i] < 1) below++;
                }
                largest += s[0];
                fro += EncoderJacobian.frobenius(b.jacobians()[r]);
            }
            if (!Double.isNaN(lo)) {
                for (int i = 0; i < count * k; i++) {
                    float h = b.codes()[i];
                    if (h - lo < SATURATION || hi - h < SATURATION) saturated++;
                }
            }
        }
        int n = rows.length;
        for (int i = 0; i < m; i++) sum[i] /= n;
        return new Result(
                n,
                sum,
                min,
                max,
                below / (double) (n * m),
                fro / n,
                largest / n,
                Double.isNaN(lo) ? Double.NaN : saturated / (double) (n * k));
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        return report(ctx).numbers();
    }

    /** {@link #run}, returning the whole measurement (ae4j run collects them to compare models). */
    public Result report(AnalysisContext ctx) throws IOException {
        EncoderJacobian jac = EncoderJacobian.of(ctx);
        Result res = measure(jac, ctx.data(), ctx.integer("samples"));
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s on %s: jacobian_spectrum at %d points (df/dx, %d x %d): singular values below 1 %.4f,"
                                + " mean ||J||_F %.4f, mean largest singular value %.4f, saturated code units %s%n",
                        ctx.model().name(),
                        ctx.data().name(),
                        res.samples(),
                        jac.codeWidth(),
                        jac.inputWidth(),
                        res.fractionBelowOne(),
                        res.meanFrobenius(),
                        res.meanLargest(),
                        Double.isNaN(res.saturated())
                                ? "n/a (code is not sigmoid or tanh)"
                                : String.format(Locale.ROOT, "%.4f", res.saturated()));
        StringBuilder csv = new StringBuilder("index,mean,min,max\n");
        for (int i = 0; i < res.meanSingularValues().length; i++) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%.8g,%.8g,%.8g%n",
                    i + 1,
                    res.meanSingularValues()[i],
                    res.minSingularValues()[i],
                    res.maxSingularValues()[i]));
        }
        AtomicFile.writeString(ctx.dir().resolve("jacobian-spectrum.csv"), csv.toString());
        Pictures.write(
                ctx.dir().resolve("jacobian-spectrum.png"),
                chart(res, ctx.model().name()));
        return res;
    }

    /**
     * Several models' spectra side by side (on one chart, log scale when all values are positive, with a
     * line at 1): the mean sorted singular values of each, keyed by a label such as "cae on test".
     */
    public static byte[] comparisonPng(Map<String, Result> spectra) throws IOException {
        return Pictures.pngBytes(comparisonChart(spectra));
    }

    /** The chart of {@link #comparisonPng}. */
    public static XYChart comparisonChart(Map<String, Result> spectra) {
        if (spectra.isEmpty()) throw new IllegalArgumentException("no spectra to compare");
        int longest = 1;
        boolean log = true;
        for (Result r : spectra.values()) {
            longest = Math.max(longest, r.meanSingularValues().length);
            for (double v : r.meanSingularValues()) if (!(v > 0)) log = false;
        }
        XYChart chart = Pictures.chart(
                "Singular values of df/dx (mean over the sample points), " + spectra.size() + " models",
                "index (sorted, largest first)",
                log ? "singular value (log scale)" : "singular value",
                900,
                550);
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setMarkerSize(longest > 60 ? 0 : 5);
        int i = 0;
        for (Map.Entry<String, Result> e : spectra.entrySet()) {
            double[] mean = e.getValue().meanSingularValues();
            double[] idx = new double[mean.length];
            for (int j = 0; j < idx.length; j++) idx[j] = j + 1;
            XYSeries s = chart.addSeries(
                    String.format(
                            Locale.ROOT,
                            "%s (%.0f%% below 1)",
                            e.getKey(),
                            100 * e.getValue().fractionBelowOne()),
                    idx,
                    mean);
            Pictures.style(s, i++, longest <= 60);
        }
        XYSeries one = chart.addSeries("1", new double[] {1, longest}, new double[] {1, 1});
        one.setLineColor(Color.BLACK);
        one.setLineStyle(new java.awt.BasicStroke(
                1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        one.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /** The spectra as columns: index, then one mean column per model (empty past a spectrum's length). */
    public static String comparisonCsv(Map<String, Result> spectra) {
        StringBuilder b = new StringBuilder("index");
        int longest = 0;
        for (Map.Entry<String, Result> e : spectra.entrySet()) {
            b.append(',').append(e.getKey().replace(',', ' '));
            longest = Math.max(longest, e.getValue().meanSingularValues().length);
        }
        b.append('\n');
        for (int j = 0; j < longest; j++) {
            b.append(j + 1);
            for (Result r : spectra.values()) {
                b.append(',');
                if (j < r.meanSingularValues().length)
                    b.append(String.format(Locale.ROOT, "%.8g", r.meanSingularValues()[j]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One model's mean sorted spectrum with a line at 1 (log scale when all values are positive). */
    static XYChart chart(Result res, String model) {
        double[] mean = res.meanSingularValues();
        double[] idx = new double[mean.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i + 1;
        boolean log = mean.length > 0 && mean[mean.length - 1] > 0;
        XYChart chart = Pictures.chart(
                "Singular values of df/dx, " + model + " (mean over " + res.samples() + " points)",
                "index (sorted, largest first)",
                log ? "singular value (log scale)" : "singular value",
                800,
                500);
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        Pictures.style(chart.addSeries("mean singular value", idx, mean), 0, mean.length <= 60);
        XYSeries one = chart.addSeries("1", new double[] {1, Math.max(1, mean.length)}, new double[] {1, 1});
        one.setLineColor(Color.BLACK);
        one.setLineStyle(new java.awt.BasicStroke(
                1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        one.setMarker(SeriesMarkers.NONE);
        return chart;
    }
}
