package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.report.Pictures;
import ae4j.dsl.runtime.CompiledModel;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The analysis {@code codes()}: the codes h = f(x) of the (clean) data. Writes {@code codes.csv} (one row
 * per example: index, label when known, the code units, and for codes wider than 2 the first two
 * principal components of the codes) and {@code codes.png}, a scatter of the code (2-D codes), of the
 * first two principal components (wider codes) or of the code against the example index (1-D codes),
 * coloured by label when the data has labels.
 */
public final class Codes implements Analysis {

    /**
     * The codes of all examples of the data: runs the model's encoder ({@link CompiledModel#encode}: without
     * corruption or noise, activations fused into the GEMMs) in batches and reads the code node. n x width
     * floats, row-major.
     */
    public static float[] compute(CompiledModel model, int codeNode, int width, Dataset data) {
        int n = data.size();
        int d = data.dim();
        int b = model.maxBatch();
        float[] out = new float[n * width];
        float[] buf = new float[b * d];
        for (int from = 0; from < n; from += b) {
            int rows = Math.min(b, n - from);
            data.batch(from, rows, buf);
            model.encode(buf, rows, codeNode);
            System.arraycopy(model.value(codeNode), 0, out, from * width, rows * width);
        }
        return out;
    }

    /** The codes of the analysis' data under its model. */
    public static float[] compute(AnalysisContext ctx) {
        return compute(ctx.model(), ctx.ir().code(), ctx.checked().code().size(), ctx.data());
    }

    /**
     * The projections of the rows of x (n x m) on their first {@code dims} principal components (after
     * centring); n x dims, plus the fraction of the variance each explains in {@code explained}.
     */
    public static double[][] principalComponents(float[] x, int n, int m, int dims, double[] explained) {
        double[] mean = new double[m];
        for (int i = 0; i < n; i++) for (int c = 0; c < m; c++) mean[c] += x[i * m + c];
        for (int c = 0; c < m; c++) mean[c] /= n;
        DMatrixRMaj a = new DMatrixRMaj(n, m);
        for (int i = 0; i < n; i++) for (int c = 0; c < m; c++) a.set(i, c, x[i * m + c] - mean[c]);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, m, false, true, true);
        if (!svd.decompose(a.copy())) throw new IllegalStateException("SVD failed");
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(null, false, w, v, false);
        int r = Math.min(n, m);
        double total = 0;
        for (int i = 0; i < r; i++) total += w.get(i, i) * w.get(i, i);
        dims = Math.min(dims, r);
        for (int j = 0; j < dims && explained != null && j < explained.length; j++) {
            explained[j] = total == 0 ? 0 : w.get(j, j) * w.get(j, j) / total;
        }
        double[][] p = new double[n][dims];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dims; j++) {
                double s = 0;
                for (int c = 0; c < m; c++) s += a.get(i, c) * v.get(c, j);
                p[i][j] = s;
            }
        }
        return p;
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset data = ctx.data();
        int n = data.size();
        int m = ctx.checked().code().size();
        float[] h = compute(ctx);
        double[][] xy = new double[n][2];
        String xName, yName;
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("code_size", (double) m);
        double[] explained = new double[2];
        double[][] pcs = null;
        if (m == 1) {
            for (int i = 0; i < n; i++) {
                xy[i][0] = i;
                xy[i][1] = h[i];
            }
            xName = "example";
            yName = "h1";
        } else if (m == 2) {
            for (int i = 0; i < n; i++) {
                xy[i][0] = h[2 * i];
                xy[i][1] = h[2 * i + 1];
            }
            xName = "h1";
            yName = "h2";
        } else {
            pcs = principalComponents(h, n, m, 2, explained);
            xy = pcs;
            xName = "PC1 of the codes";
            yName = "PC2 of the codes";
            result.put("pc1_variance_fraction", explained[0]);
            result.put("pc2_variance_fraction", explained[1]);
        }
        // Per-unit spread of the codes.
        double sdSum = 0;
        for (int c = 0; c < m; c++) {
            double mu = 0, sq = 0;
            for (int i = 0; i < n; i++) mu += h[i * m + c];
            mu /= n;
            for (int i = 0; i < n; i++) sq += (h[i * m + c] - mu) * (h[i * m + c] - mu);
            sdSum += Math.sqrt(sq / Math.max(1, n - 1));
        }
        result.put("mean_unit_sd", sdSum / m);

        try (Writer w = Files.newBufferedWriter(ctx.dir().resolve("codes.csv"), StandardCharsets.UTF_8)) {
            w.write("index");
            if (data.hasLabels()) w.write(",label");
            for (int c = 0; c < m; c++) w.write(",h" + (c + 1));
            if (pcs != null) w.write(",pc1,pc2");
            w.write("\n");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.setLength(0);
                b.append(i);
                if (data.hasLabels()) b.append(',').append(data.label(i));
                for (int c = 0; c < m; c++) b.append(',').append(h[i * m + c]);
                if (pcs != null) b.append(String.format(Locale.ROOT, ",%.6g,%.6g", pcs[i][0], pcs[i][1]));
                b.append('\n');
                w.write(b.toString());
            }
        }
        scatter(ctx, xy, xName, yName);
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "codes of %s on %s: %d codes of size %d, mean sd per unit %.4g%s; wrote codes.csv, codes.png%n",
                        ctx.checked().name(),
                        data.name(),
                        n,
                        m,
                        sdSum / m,
                        pcs == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", first two principal components explain %.1f%% + %.1f%% of the variance",
                                        100 * explained[0],
                                        100 * explained[1]));
        return result;
    }

    private static void scatter(AnalysisContext ctx, double[][] xy, String xName, String yName) throws IOException {
        Dataset data = ctx.data();
        XYChart chart =
                Pictures.chart("codes of " + ctx.checked().name() + " on " + data.name(), xName, yName, 640, 560);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendVisible(data.hasLabels());
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < xy.length; i++)
            groups.computeIfAbsent(data.hasLabels() ? data.label(i) : 0, x -> new ArrayList<>())
                    .add(i);
        int g = 0;
        for (Map.Entry<Integer, List<Integer>> e : groups.entrySet()) {
            List<Integer> idx = e.getValue();
            double[] x = new double[idx.size()];
            double[] y = new double[idx.size()];
            for (int j = 0; j < idx.size(); j++) {
                x[j] = xy[idx.get(j)][0];
                y[j] = xy[idx.get(j)][1];
            }
            XYSeries s = chart.addSeries(data.hasLabels() ? data.className(e.getKey()) : "codes", x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Pictures.color(g));
            g++;
        }
        Pictures.write(ctx.dir().resolve("codes.png"), chart);
    }
}
