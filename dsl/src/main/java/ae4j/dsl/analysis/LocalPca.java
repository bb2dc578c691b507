package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The nonparametric tangent-plane estimate of section 14.6 (figure 14.8): around a point, PCA of its k
 * nearest neighbours (Euclidean, brute force; the point itself included when it belongs to the data)
 * gives the leading directions of the local spread, an estimate of the tangent plane.
 *
 * <p>As the analysis {@code local_pca(k, fit)}: the neighbours come from {@code fit} (default: the analysed
 * data itself; e.g. {@code fit: train} to estimate tangents at held-out points from the training set, as
 * the autoencoder does). On data with known tangents it prints the mean principal angle
 * (degrees) between the local-PCA plane (as many directions as there are known tangents) and the true
 * tangent plane over up to {@value #SAMPLES} sample points; without known tangents it prints the mean
 * local PCA spectrum (standard deviations along the local principal directions). Writes {@code local-pca.csv}.
 */
public final class LocalPca implements Analysis {

    /** How many sample points the analysis looks at (evenly spaced through the data). */
    public static final int SAMPLES = 200;

    /**
     * The local PCA around one point.
     *
     * @param basis      d x dims, orthonormal columns: the leading local principal directions
     * @param spread     the standard deviations along all local principal directions, descending
     *                   (singular values of the centred neighbours over sqrt(k - 1))
     * @param neighbours the indices of the k nearest examples, nearest first
     */
    public record Result(DMatrixRMaj basis, double[] spread, int[] neighbours) {}

    /** The indices of the k examples of x (n x d, row-major) nearest to {@code point}, nearest first. */
    public static int[] nearest(float[] x, int n, int d, float[] point, int k) {
        k = Math.min(k, n);
        double[] dist = new double[n];
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            int off = i * d;
            for (int c = 0; c < d; c++) {
                double t = x[off + c] - point[c];
                s += t * t;
            }
            dist[i] = s;
            idx[i] = i;
        }
        java.util.Arrays.sort(
                idx, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : Integer.compare(a, b));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }

    /** Local PCA of the k nearest examples of x (n x d) around {@code point}; keeps {@code dims} directions. */
    public static Result around(float[] x, int n, int d, float[] point, int k, int dims) {
        int[] nb = nearest(x, n, d, point, k);
        int m = nb.length;
        if (m < 2) throw new IllegalArgumentException("local PCA needs at least 2 neighbours, got " + m);
        double[] mean = new double[d];
        for (int i : nb) for (int c = 0; c < d; c++) mean[c] += x[i * d + c];
        for (int c = 0; c < d; c++) mean[c] /= m;
        DMatrixRMaj a = new DMatrixRMaj(m, d);
        for (int r = 0; r < m; r++) for (int c = 0; c < d; c++) a.set(r, c, x[nb[r] * d + c] - mean[c]);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, d, false, true, true);
        if (!svd.decompose(a)) throw new IllegalStateException("SVD failed");
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(null, false, w, v, false);
        int r = Math.min(m, d);
        double[] spread = new double[r];
        for (int i = 0; i < r; i++) spread[i] = w.get(i, i) / Math.sqrt(m - 1);
        dims = Math.min(dims, r);
        DMatrixRMaj basis = new DMatrixRMaj(d, dims);
        for (int i = 0; i < d; i++) for (int j = 0; j < dims; j++) basis.set(i, j, v.get(i, j));
        return new Result(basis, spread, nb);
    }

    /** Local PCA around example i of the data set (which is one of its own neighbours). */
    public static Result at(Dataset data, int i, int k, int dims) {
        return around(data.values(), data.size(), data.dim(), data.row(i), k, dims);
    }

    /** The sample indices: min(n, count) examples evenly spaced through 0..n-1. */
    static int[] sampleIndices(int n, int count) {
        int m = Math.min(n, count);
        int[] s = new int[m];
        for (int i = 0; i < m; i++) s[i] = (int) ((long) i * n / m);
        return s;
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset data = ctx.data();
        Dataset fit = data;
        if (ctx.args().get("fit") instanceof String name && !name.equals(data.name())) {
            fit = ctx.dataSet(name);
            if (fit.dim() != data.dim()) {
                throw new IllegalArgumentException("local_pca(fit: " + name + "): " + name + " has " + fit.dim()
                        + " features per example but " + data.name() + " has " + data.dim());
            }
        }
        int k = ctx.integer("k");
        int n = fit.size();
        if (k < 2) throw new IllegalArgumentException("local_pca: k must be at least 2, got " + k);
        if (k > n) {
            ctx.err()
                    .printf(
                            Locale.ROOT,
                            "local_pca: k = %d but %s has %d examples; using %d%n",
                            k,
                            fit == data ? "the data" : fit.name(),
                            n,
                            n);
            k = n;
        }
        int[] samples = sampleIndices(data.size(), SAMPLES);
        Map<String, Double> result = new LinkedHashMap<>();
        String head = "local_pca(k: " + k + ") of " + ctx.checked().name() + " on " + data.name()
                + (fit == data ? "" : " (neighbours from " + fit.name() + ", " + n + " examples)");
        final Dataset neighbours = fit;
        try (Writer w = Files.newBufferedWriter(ctx.dir().resolve("local-pca.csv"), StandardCharsets.UTF_8)) {
            if (data.hasTangents()) {
                int dims = data.tangentCount();
                w.write("index,mean_angle_deg,largest_angle_deg\n");
                double sum = 0, worst = 0;
                for (int i : samples) {
                    Result r = around(neighbours.values(), n, data.dim(), data.row(i), k, dims);
                    DMatrixRMaj truth = PrincipalAngles.trueTangents(data, i);
                    double[] ang = PrincipalAngles.degrees(r.basis(), truth);
                    double mean = 0;
                    for (double a : ang) mean += a;
                    mean /= ang.length;
                    sum += mean;
                    worst = Math.max(worst, ang[ang.length - 1]);
                    w.write(String.format(Locale.ROOT, "%d,%.6g,%.6g%n", i, mean, ang[ang.length - 1]));
                }
                double mean = sum / samples.length;
                result.put("mean_angle_deg", mean);
                result.put("largest_angle_deg", worst);
                ctx.out()
                        .printf(
                                Locale.ROOT,
                                "%s: mean principal angle to the true tangent %s %.2f degrees "
                                        + "(largest %.2f) over %d points%n",
                                head,
                                dims == 1 ? "line" : "plane",
                                mean,
                                worst,
                                samples.length);
            } else {
                int r = Math.min(k, data.dim());
                double[] spectrum = new double[r];
                w.write("index");
                for (int j = 0; j < r; j++) w.write(",sd" + (j + 1));
                w.write("\n");
                for (int i : samples) {
                    Result res = around(neighbours.values(), n, data.dim(), data.row(i), k, 1);
                    w.write(Integer.toString(i));
                    for (int j = 0; j < r; j++) {
                        double s = j < res.spread().length ? res.spread()[j] : 0;
                        spectrum[j] += s / samples.length;
                        w.write(String.format(Locale.ROOT, ",%.6g", s));
                    }
                    w.write("\n");
                }
                StringBuilder b = new StringBuilder();
                for (int j = 0; j < Math.min(r, 8); j++) {
                    b.append(j == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4g", spectrum[j]));
                    result.put("sd" + (j + 1), spectrum[j]);
                }
                ctx.out()
                        .printf(
                                Locale.ROOT,
                                "%s: mean local spectrum (sd along local principal directions) %s%s "
                                        + "over %d points%n",
                                head,
                                b,
                                r > 8 ? " ..." : "",
                                samples.length);
            }
        }
        return result;
    }
}
