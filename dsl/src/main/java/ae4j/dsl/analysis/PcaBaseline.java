package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import ae4j.vecmath.Gemm;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Sections 14.1 and 14.9 (Hinton and Salakhutdinov 2006): the autoencoder's reconstruction error against
 * PCA's with the same number of components. PCA-k is fitted (EJML) on a fit set ({@code fit:}; {@code ae4j run}
 * defaults it to the data the model was trained on, else it is the analysed set itself); both errors are
 * measured on the analysed set as the mean over examples of the squared error summed over features,
 * {@code mean_i ||x_i - r(x_i)||^2}. Fitted and measured on the same set, PCA-k's error equals the sum of
 * the discarded eigenvalues of the covariance (normalised by n). The ratio is autoencoder / PCA: below 1,
 * the autoencoder wins.
 *
 * <p>The analysis {@code pca_baseline(k: int, fit: data)} (k defaults to the code size) prints a table
 * and writes {@code pca-baseline.csv} (the table), {@code pca-errors.csv} and {@code pca-errors.png} (PCA's
 * error for every number of components up to max(4k, 64), with the autoencoder's error as a line: where
 * they cross is the number of components PCA needs to match the autoencoder; the table is printed in
 * the picture too), and, for image data,
 * {@code pca-reconstructions.png} (originals, PCA-k and autoencoder reconstructions of 8 examples, as in
 * figure 2 of Hinton and Salakhutdinov).
 */
public final class PcaBaseline implements Analysis {

    public static final Analysis ANALYSIS = new PcaBaseline();

    /** Rows per block of the covariance accumulation. */
    private static final int CHUNK = 2048;

    private PcaBaseline() {}

    /**
     * PCA fitted on n x d data: the mean, the principal directions (rows, largest variance first), and the
     * covariance eigenvalues (min(n, d) of them, descending, normalised by n).
     */
    public record Pca(double[] mean, double[][] components, double[] eigenvalues) {

        /** The first k components' reconstruction of x (n x d): mean + projection onto their span. */
        public float[] reconstruct(float[] x, int n, int k) {
            int d = mean.length;
            if (k < 0 || k > components.length)
                throw new IllegalArgumentException("k must be in 0.." + components.length + ", got " + k);
            float[] out = new float[n * d];
            double[] c = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) c[j] = x[i * d + j] - mean[j];
                double[] r = mean.clone();
                for (int p = 0; p < k; p++) {
                    double z = 0;
                    for (int j = 0; j < d; j++) z += c[j] * components[p][j];
                    for (int j = 0; j < d; j++) r[j] += z * components[p][j];
                }
                for (int j = 0; j < d; j++) out[i * d + j] = (float) r[j];
            }
            return out;
        }

        /** The sum of the eigenvalues from index k on: PCA-k's mean squared error on the fitted data. */
        public double discarded(int k) {
            double s = 0;
            for (int i = k; i < eigenvalues.length; i++) s += eigenvalues[i];
            return s;
        }

        /**
         * PCA-j's mean squared reconstruction error on the n rows of x, for j = 0..maxK: element j is
         * {@code mean_i ||x_i - mean - sum_{p<j} z_ip v_p||^2 = mean_i (||x_i - mean||^2 - sum_{p<j} z_ip^2)}
         * with {@code z_ip = (x_i - mean) . v_p} (the components are orthonormal).
         */
        public double[] errors(float[] x, int n, int maxK) {
            int d = mean.length;
            int kk = Math.min(maxK, components.length);
            double[] err = new double[kk + 1];
            double[] c = new double[d];
            double[] removed = new double[kk + 1];
            for (int i = 0; i < n; i++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    c[j] = x[i * d + j] - mean[j];
                    sq += c[j] * c[j];
                }
                err[0] += sq;
                for (int p = 0; p < kk; p++) {
                    double z = 0;
                    double[] v = components[p];
                    for (int j = 0; j < d; j++) z += c[j] * v[j];
                    removed[p + 1] += z * z;
                }
            }
            double total = err[0];
            double cum = 0;
            for (int p = 1; p <= kk; p++) {
                cum += removed[p];
                err[p] = Math.max(0, total - cum) / n;
            }
            err[0] = total / n;
            return err;
        }
    }

    /**
     * PCA of the n rows of x (n x d). When n >= d, from the covariance: X_c^T X_c accumulated block by block
     * (a single-precision product per block of rows, summed in double) and EJML's symmetric
     * eigendecomposition; otherwise by EJML's SVD of the centred data matrix.
     */
    public static Pca fit(float[] x, int n, int d) {
        if (n < 1 || d < 1)
            throw new IllegalArgumentException("PCA needs at least one example and one feature, got " + n + " x " + d);
        return n >= d ? fitByCovariance(x, n, d) : fitBySvd(x, n, d);
    }

    private static double[] mean(float[] x, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        return mean;
    }

    static Pca fitByCovariance(float[] x, int n, int d) {
        double[] mean = mean(x, n, d);
        double[] cov = new double[d * d];
        int rowsPerChunk = Math.min(CHUNK, n);
        float[] block = new float[rowsPerChunk * d];
        float[] gram = new float[d * d];
        for (int from = 0; from < n; from += rowsPerChunk) {
            int rows = Math.min(rowsPerChunk, n - from);
            for (int i = 0; i < rows; i++) {
                int src = (from + i) * d, dst = i * d;
                for (int j = 0; j < d; j++) block[dst + j] = (float) (x[src + j] - mean[j]);
            }
            // gram = block^T block (d x d), then cov += gram in double
            Gemm.gemm(Gemm.Op.T, Gemm.Op.N, d, d, rows, 1f, block, 0, d, block, 0, d, 0f, gram, 0, d);
            for (int i = 0; i < d * d; i++) cov[i] += gram[i];
        }
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double v = 0.5 * (cov[i * d + j] + cov[j * d + i]) / n; // exactly symmetric
                c.unsafe_set(i, j, v);
                c.unsafe_set(j, i, v);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(c))
            throw new IllegalStateException(
                    "the eigendecomposition of the " + d + " x " + d + " covariance did not converge");
        Integer[] order = new Integer[d];
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
            values[i] = eig.getEigenvalue(i).getReal();
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] comps = new double[d][d];
        double[] ev = new double[d];
        for (int p = 0; p < d; p++) {
            DMatrixRMaj v = eig.getEigenVector(order[p]);
            double norm = 0;
            for (int j = 0; j < d; j++) norm += v.get(j, 0) * v.get(j, 0);
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) comps[p][j] = v.get(j, 0) / norm;
            ev[p] = Math.max(0, values[order[p]]);
        }
        return new Pca(mean, comps, ev);
    }

    static Pca fitBySvd(float[] x, int n, int d) {
        double[] mean = mean(x, n, d);
        DMatrixRMaj a = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) a.unsafe_set(i, j, x[i * d + j] - mean[j]);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, false, true, true);
        if (!svd.decompose(a))
            throw new IllegalStateException("the SVD of the " + n + " x " + d + " data did not converge");
        DMatrixRMaj v = svd.getV(null, true); // rows: right singular vectors
        double[] s = svd.getSingularValues().clone();
        int m = svd.numberOfSingularValues();
        // sort descending (EJML does not order them)
        SingularOps_DDRM.descendingOrder(null, false, s, m, v, true);
        double[][] comps = new double[m][d];
        double[] eig = new double[m];
        for (int p = 0; p < m; p++) {
            for (int j = 0; j < d; j++) comps[p][j] = v.get(p, j);
            eig[p] = s[p] * s[p] / n;
        }
        return new Pca(mean, comps, eig);
    }

    /** mean_i ||a_i - b_i||^2 over n rows of width d. */
    public static double meanSquaredError(float[] a, float[] b, int n, int d) {
        double s = 0;
        for (int i = 0; i < n * d; i++) {
            double e = a[i] - (double) b[i];
            s += e * e;
        }
        return s / n;
    }

    /**
     * The comparison's numbers: k, the measured set's size n and width d, the fit set's size, PCA-k's and
     * the autoencoder's errors on the measured set and their ratio, the fraction of the fit set's variance
     * PCA-k keeps, PCA-j's error for j = 0..{@code pcaErrors.length - 1} on the measured set, and
     * {@code componentsToMatch}: the fewest components with which PCA reconstructs the measured set at
     * least as well as the autoencoder (-1 when more than {@code pcaErrors.length - 1} are needed).
     */
    public record Comparison(
            int k,
            int n,
            int d,
            int fitN,
            double pcaError,
            double aeError,
            double ratio,
            double explained,
            double[] pcaErrors,
            int componentsToMatch) {}

    /** PCA-k fitted on the n rows of x vs the model's reconstruction (node {@code reconstruction}, no corruption) of them. */
    public static Comparison compare(CompiledModel m, int reconstruction, float[] x, int n, int d, int k) {
        return compare(m, reconstruction, x, n, x, n, d, k);
    }

    /**
     * PCA-k fitted on the {@code fitN} rows of {@code fitX} vs the model's reconstruction, both measured on
     * the n rows of x (e.g. fitted on the training set, measured on the test set).
     */
    public static Comparison compare(
            CompiledModel m, int reconstruction, float[] fitX, int fitN, float[] x, int n, int d, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        Pca pca = fit(fitX, fitN, d);
        int kk = Math.min(k, pca.components().length);
        int maxK = Math.min(pca.components().length, Math.max(4 * k, 64));
        double[] errors = pca.errors(x, n, maxK);
        double pcaErr = meanSquaredError(x, pca.reconstruct(x, n, kk), n, d);
        double aeErr = meanSquaredError(x, Forward.values(m, reconstruction, x, n, d, d), n, d);
        int match = -1;
        for (int j = 0; j < errors.length; j++) {
            if (errors[j] <= aeErr) {
                match = j;
                break;
            }
        }
        double total = pca.discarded(0);
        return new Comparison(
                k,
                n,
                d,
                fitN,
                pcaErr,
                aeErr,
                aeErr / pcaErr,
                total > 0 ? 1 - pca.discarded(kk) / total : 1,
                errors,
                match);
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        String who =
                "pca_baseline " + ctx.checked().name() + " on " + ctx.data().name();
        if (ctx.ir().reconstruction() < 0) {
            ctx.err()
                    .println(who + ": model '" + ctx.checked().name()
                            + "' has no decoder, so no reconstruction; skipped");
            return Map.of();
        }
        Dataset ds = ctx.data();
        int k = ctx.integerOr("k", ctx.checked().code().size());
        if (k < 1) {
            ctx.err().println(who + ": k must be >= 1, got " + k + "; skipped");
            return Map.of();
        }
        Dataset fitSet = ds;
        if (ctx.args().get("fit") instanceof String fitName && !fitName.equals(ds.name())) {
            fitSet = ctx.dataSet(fitName);
            if (fitSet.dim() != ds.dim()) {
                throw new IllegalArgumentException("pca_baseline(fit: " + fitName + "): " + fitName + " has "
                        + fitSet.dim() + " features per example but " + ds.name() + " has " + ds.dim()
                        + "; fit PCA on data of the same shape");
            }
        }
        if (k > Math.min(fitSet.size(), ds.dim())) {
            throw new IllegalArgumentException("pca_baseline(k: " + k + "): PCA on " + fitSet.size() + " examples of "
                    + ds.dim() + " features has at most " + Math.min(fitSet.size(), ds.dim())
                    + " components; choose a smaller k");
        }
        Comparison c = compare(
                ctx.model(),
                ctx.ir().reconstruction(),
                fitSet.values(),
                fitSet.size(),
                ds.values(),
                ds.size(),
                ds.dim(),
                k);
        String ratio = String.format(Locale.ROOT, "%.4f", c.ratio());
        String fitted = fitSet == ds
                ? "fitted on " + ds.name()
                : "fitted on " + fitSet.name() + " (" + fitSet.size() + " examples)";
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s: mean squared reconstruction error (sum over %d features, mean over %d examples); PCA %s%n",
                        who,
                        c.d(),
                        c.n(),
                        fitted);
        ctx.out().printf(Locale.ROOT, "  %-26s %14s %14s%n", "method", "error", "per feature");
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "  %-26s %14.6g %14.6g%n",
                        "PCA-" + k + String.format(Locale.ROOT, " (%.1f%% var)", 100 * c.explained()),
                        c.pcaError(),
                        c.pcaError() / c.d());
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "  %-26s %14.6g %14.6g%n",
                        "autoencoder (code " + ctx.checked().code().size() + ")",
                        c.aeError(),
                        c.aeError() / c.d());
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "  ratio autoencoder / PCA: %s (%s)%n",
                        ratio,
                        c.ratio() < 1 ? "the autoencoder reconstructs better" : "PCA reconstructs at least as well");
        int maxK = c.pcaErrors().length - 1;
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "  PCA needs %s components to match the autoencoder%n",
                        c.componentsToMatch() >= 0 ? Integer.toString(c.componentsToMatch()) : "more than " + maxK);
        AtomicFile.writeString(
                ctx.dir().resolve("pca-baseline.csv"),
                String.format(
                        Locale.ROOT,
                        "method,k,error,error_per_feature\npca,%d,%s,%s\nautoencoder,%d,%s,%s\nratio,,%s,\n",
                        k,
                        c.pcaError(),
                        c.pcaError() / c.d(),
                        ctx.checked().code().size(),
                        c.aeError(),
                        c.aeError() / c.d(),
                        c.ratio()));
        StringBuilder curve = new StringBuilder("components,pca_error,autoencoder_error\n");
        for (int j = 0; j <= maxK; j++)
            curve.append(String.format(Locale.ROOT, "%d,%s,%s%n", j, c.pcaErrors()[j], c.aeError()));
        AtomicFile.writeString(ctx.dir().resolve("pca-errors.csv"), curve.toString());
        Pictures.write(
                ctx.dir().resolve("pca-errors.png"),
                errorChart(c, ctx.checked().name(), ctx.checked().code().size(), ds.name(), fitted));
        List<String> wrote = new ArrayList<>(List.of("pca-baseline.csv", "pca-errors.csv", "pca-errors.png"));
        int[] hw = imageShape(ds);
        if (hw != null) {
            int shown = Math.min(8, ds.size());
            float[] orig = new float[shown * ds.dim()];
            ds.batch(0, shown, orig);
            Pca pca = fit(fitSet.values(), fitSet.size(), ds.dim());
            float[] byPca = pca.reconstruct(orig, shown, Math.min(k, pca.components().length));
            float[] byAe = Forward.values(ctx.model(), ctx.ir().reconstruction(), orig, shown, ds.dim(), ds.dim());
            int scale = Math.max(1, Math.min(4, 112 / Math.max(hw[0], hw[1])));
            Pictures.labelledGrid(
                    ctx.dir().resolve("pca-reconstructions.png"),
                    List.of(orig, byPca, byAe),
                    List.of("original", "PCA-" + k, ctx.checked().name()),
                    shown,
                    hw[0],
                    hw[1],
                    scale);
            wrote.add("pca-reconstructions.png (rows: originals, PCA-" + k + ", autoencoder)");
        }
        ctx.out().println(who + ": wrote " + String.join(", ", wrote) + " in " + ctx.dir());
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("k", (double) k);
        r.put("pca_error", c.pcaError());
        r.put("autoencoder_error", c.aeError());
        r.put("ratio", c.ratio());
        r.put("pca_explained_variance", c.explained());
        r.put("fit_examples", (double) c.fitN());
        r.put("components_to_match", (double) c.componentsToMatch());
        return r;
    }

    /** {h, w} for image-shaped data ([h, w], or a square of side >= 8), null otherwise. */
    static int[] imageShape(Dataset ds) {
        int[] shape = ds.shape();
        if (shape.length == 2) return new int[] {shape[0], shape[1]};
        int side = (int) Math.round(Math.sqrt(ds.dim()));
        return side * side == ds.dim() && side >= 8 ? new int[] {side, side} : null;
    }

    /** PCA-j's error against j, the autoencoder's error as a horizontal line and a marker at its code size, and the error table. */
    static XYChart errorChart(Comparison c, String model, int codeSize, String data, String fitted) {
        int maxK = c.pcaErrors().length - 1;
        double[] j = new double[maxK];
        double[] e = new double[maxK];
        for (int i = 1; i <= maxK; i++) {
            j[i - 1] = i;
            e[i - 1] = c.pcaErrors()[i];
        }
        XYChart chart = Pictures.chart(
                "Error on " + data + ": PCA-k vs autoencoder " + model + " (PCA " + fitted + ")",
                "PCA components k",
                "mean squared error per example",
                800,
                500);
        chart.getStyler().setMarkerSize(4);
        Pictures.integerTicks(chart, j);
        Pictures.style(chart.addSeries("PCA-k", j, e), 0, true);
        XYSeries a = chart.addSeries(
                String.format(Locale.ROOT, "autoencoder, code %d (ratio %.3f)", codeSize, c.ratio()),
                new double[] {1, maxK},
                new double[] {c.aeError(), c.aeError()});
        a.setLineColor(Pictures.color(3));
        a.setLineStyle(
                new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        a.setMarker(SeriesMarkers.NONE);
        XYSeries at =
                chart.addSeries("autoencoder at k = code size", new double[] {codeSize}, new double[] {c.aeError()});
        at.setMarker(SeriesMarkers.DIAMOND);
        at.setMarkerColor(new Color(0xd62728));
        at.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        // The error table, in the plot's lower left.
        String table = String.format(
                Locale.ROOT,
                "PCA-%d: %.4g%nautoencoder (code %d): %.4g%nratio: %.4f%nPCA matches it at k %s",
                c.k(),
                c.pcaError(),
                codeSize,
                c.aeError(),
                c.ratio(),
                c.componentsToMatch() >= 0 ? "= " + c.componentsToMatch() : "> " + maxK);
        chart.addAnnotation(
                new org.knowm.xchart.AnnotationTextPanel(table, 0.55 * maxK, 0.6 * e[0] + 0.4 * e[maxK - 1], false));
        return chart;
    }
}
