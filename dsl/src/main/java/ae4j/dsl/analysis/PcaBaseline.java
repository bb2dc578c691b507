package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.runtime.AtomicFile;
import ae4j.dsl.runtime.CompiledModel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Sections 14.1 and 14.9 (Hinton and Salakhutdinov 2006): the autoencoder's reconstruction error against
 * PCA's with the same number of components. PCA-k is fitted on the analysed set (SVD of the centred data,
 * EJML); both errors are the mean over examples of the squared error summed over features,
 * {@code mean_i ||x_i - r(x_i)||^2}. For PCA-k that equals the sum of the discarded eigenvalues of the
 * covariance (normalised by n). The ratio is autoencoder / PCA: below 1, the autoencoder wins.
 *
 * <p>The analysis {@code pca_baseline(k: int)} (k defaults to the code size) prints a table and writes
 * {@code pca-baseline.csv}.
 */
public final class PcaBaseline implements Analysis {

    public static final Analysis ANALYSIS = new PcaBaseline();

    private PcaBaseline() {
    }

    /**
     * PCA fitted on n x d data: the mean, the principal directions (rows, largest variance first), and the
     * covariance eigenvalues (all min(n, d) of them, descending, normalised by n).
     */
    public record Pca(double[] mean, double[][] components, double[] eigenvalues) {

        /** The first k components' reconstruction of x (n x d): mean + projection onto their span. */
        public float[] reconstruct(float[] x, int n, int k) {
            int d = mean.length;
            if (k < 0 || k > components.length) throw new IllegalArgumentException("k must be in 0.." + components.length + ", got " + k);
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
    }

    /** PCA of the n rows of x (n x d) by the SVD of the centred data matrix. */
    public static Pca fit(float[] x, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        DMatrixRMaj a = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) a.unsafe_set(i, j, x[i * d + j] - mean[j]);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, false, true, true);
        if (!svd.decompose(a)) throw new IllegalStateException("the SVD of the " + n + " x " + d + " data did not converge");
        DMatrixRMaj v = svd.getV(null, true);       // rows: right singular vectors
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

    /** The comparison's numbers. */
    public record Comparison(int k, int n, int d, double pcaError, double aeError, double ratio, double explained) {
    }

    /** PCA-k vs the model's reconstruction (node {@code reconstruction}, no corruption) on the n rows of x. */
    public static Comparison compare(CompiledModel m, int reconstruction, float[] x, int n, int d, int k) {
        Pca pca = fit(x, n, d);
        int kk = Math.min(k, pca.components().length);
        double pcaErr = meanSquaredError(x, pca.reconstruct(x, n, kk), n, d);
        double aeErr = meanSquaredError(x, Forward.values(m, reconstruction, x, n, d, d), n, d);
        double total = pca.discarded(0);
        return new Comparison(k, n, d, pcaErr, aeErr, aeErr / pcaErr, total > 0 ? 1 - pca.discarded(kk) / total : 1);
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        String who = "pca_baseline " + ctx.checked().name() + " on " + ctx.data().name();
        if (ctx.ir().reconstruction() < 0) {
            ctx.err().println(who + ": model '" + ctx.checked().name() + "' has no decoder, so no reconstruction; skipped");
            return Map.of();
        }
        Dataset ds = ctx.data();
        int k = ctx.integer("k", ctx.checked().codeSize());
        if (k < 1) {
            ctx.err().println(who + ": k must be >= 1, got " + k + "; skipped");
            return Map.of();
        }
        Comparison c = compare(ctx.model(), ctx.ir().reconstruction(), ds.values(), ds.size(), ds.dim(), k);
        String ratio = String.format(Locale.ROOT, "%.4f", c.ratio());
        ctx.out().printf(Locale.ROOT, "%s: mean squared reconstruction error (sum over %d features, mean over %d examples)%n",
                who, c.d(), c.n());
        ctx.out().printf(Locale.ROOT, "  %-22s %14s %14s%n", "method", "error", "per feature");
        ctx.out().printf(Locale.ROOT, "  %-22s %14.6g %14.6g%n", "PCA-" + k + String.format(Locale.ROOT, " (%.1f%% var)", 100 * c.explained()),
                c.pcaError(), c.pcaError() / c.d());
        ctx.out().printf(Locale.ROOT, "  %-22s %14.6g %14.6g%n", "autoencoder (code " + ctx.checked().codeSize() + ")",
                c.aeError(), c.aeError() / c.d());
        ctx.out().printf(Locale.ROOT, "  ratio autoencoder / PCA: %s (%s)%n", ratio,
                c.ratio() < 1 ? "the autoencoder reconstructs better" : "PCA reconstructs at least as well");
        AtomicFile.writeString(ctx.dir().resolve("pca-baseline.csv"), String.format(Locale.ROOT,
                "method,k,error,error_per_feature\npca,%d,%s,%s\nautoencoder,%d,%s,%s\nratio,,%s,\n",
                k, c.pcaError(), c.pcaError() / c.d(), ctx.checked().codeSize(), c.aeError(), c.aeError() / c.d(), c.ratio()));
        ctx.out().println(who + ": wrote " + ctx.dir().resolve("pca-baseline.csv"));
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("k", (double) k);
        r.put("pca_error", c.pcaError());
        r.put("autoencoder_error", c.aeError());
        r.put("ratio", c.ratio());
        r.put("pca_explained_variance", c.explained());
        return r;
    }
}
