package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.report.Pictures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tangents(k, samples)} (section 14.6, figure 14.10): the leading k right singular vectors of the
 * encoder's Jacobian df/dx at {@code samples} points spread over the data set, read as the tangent
 * directions of the manifold the autoencoder has learned. For images (a data set of shape [h, w]) writes
 * {@code tangents.png}: one row per point, the point then its k tangents, each rescaled to [0, 1] with 0
 * at mid gray (v / (2 max|v|) + 1/2; a singular vector's sign is arbitrary). When the data set knows its
 * true tangents, also reports the mean principal angle (degrees) between the k-dimensional learned tangent
 * space and the true one (min(k, true count) angles per point, averaged over angles and points).
 *
 * <p>Also, for images, {@code tangents-vs-local-pca.png} (figure 14.10): each row the point, its k learned
 * tangents, then the k leading directions of local PCA of its {@value #LOCAL_PCA_K} nearest neighbours in the
 * data. For 2-D data, {@code tangent-lines.png} (figure 14.7): the learned tangent as a short segment at
 * max(samples, {@value #LINE_POINTS}) points, beside the true tangent when the data set knows it.
 */
public final class Tangents implements Analysis {

    /** The measured tangents: {@code tangents[p][i]} is the i-th direction (unit norm) at point {@code rows[p]}. */
    public record Result(int[] rows, double[][][] tangents, double[][] singularValues, double meanAngleDegrees) {}

    /** The tangents of {@code jac} at {@code samples} points of {@code data}. */
    public static Result measure(EncoderJacobian jac, Dataset data, int k, int samples) {
        int[] rows = JacobianSpectrum.spread(data.size(), samples);
        int d = data.dim(), c = jac.codeWidth();
        int kk = Math.min(k, Math.min(c, d));
        double[][][] t = new double[rows.length][][];
        double[][] sv = new double[rows.length][];
        double angleSum = 0;
        int angles = 0;
        for (int from = 0; from < rows.length; from += JacobianSpectrum.CHUNK) {
            int count = Math.min(JacobianSpectrum.CHUNK, rows.length - from);
            float[] x = new float[count * d];
            for (int r = 0; r < count; r++) data.row(rows[from + r], x, r * d);
            EncoderJacobian.Batch b = jac.at(x, count);
            for (int r = 0; r < count; r++) {
                JacobianSvd svd = JacobianSvd.of(b.jacobians()[r], c, d, true);
                t[from + r] = java.util.Arrays.copyOf(svd.rightVectors(), kk);
                sv[from + r] = java.util.Arrays.copyOf(svd.singularValues(), kk);
                if (data.hasTangents() && data.tangentCount() > 0) {
                    double[][] truth = new double[data.tangentCount()][];
                    for (int j = 0; j < truth.length; j++) {
                        float[] v = data.tangent(rows[from + r], j);
                        truth[j] = new double[d];
                        for (int i = 0; i < d; i++) truth[j][i] = v[i];
                    }
                    for (double a : principalAnglesDegrees(t[from + r], orthonormalize(truth), d)) {
                        angleSum += a;
                        angles++;
                    }
                }
            }
        }
        return new Result(rows, t, sv, angles == 0 ? Double.NaN : angleSum / angles);
    }

    /** The neighbours of the local PCA set beside the autoencoder's tangents in {@code tangents-vs-local-pca.png}. */
    static final int LOCAL_PCA_K = 10;

    /** At least this many points carry a tangent segment in {@code tangent-lines.png}. */
    static final int LINE_POINTS = 24;

    /** A tangent direction as an image row: v / (2 max|v|) + 1/2, so 0 is mid gray. */
    static void asImage(double[] v, float[] row, int off) {
        double mx = 0;
        for (double x : v) mx = Math.max(mx, Math.abs(x));
        for (int j = 0; j < v.length; j++) row[off + j] = (float) (mx == 0 ? 0.5 : 0.5 + v[j] / (2 * mx));
    }

    /**
     * Figure 14.10: one row per point of {@code res}: the image, the autoencoder's tangents, then as many
     * tangents of local PCA of the image's {@code k} nearest neighbours in the data (each direction's sign
     * flipped to agree with the autoencoder's, as both signs are arbitrary).
     */
    static List<float[]> besideLocalPca(Dataset data, Result res, int k) {
        int d = data.dim();
        int kk = res.tangents()[0].length;
        List<float[]> rows = new ArrayList<>();
        for (int p = 0; p < res.rows().length; p++) {
            float[] row = new float[(2 * kk + 1) * d];
            data.row(res.rows()[p], row, 0);
            LocalPca.Result pca = LocalPca.at(data, res.rows()[p], k, kk);
            for (int i = 0; i < kk; i++) {
                double[] ae = res.tangents()[p][i];
                asImage(ae, row, (i + 1) * d);
                if (i >= pca.basis().numCols) continue;
                double[] v = new double[d];
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    v[j] = pca.basis().get(j, i);
                    dot += v[j] * ae[j];
                }
                if (dot < 0) for (int j = 0; j < d; j++) v[j] = -v[j];
                asImage(v, row, (kk + i + 1) * d);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * Figure 14.7 for 2-D data: the data, and at each point of {@code res} the learned tangent (the leading
     * right singular vector of df/dx) as a short blue segment through the point, beside the true tangent in
     * green when the data set knows it. Segments are a tenth of the data's extent long.
     */
    static java.awt.image.BufferedImage tangentLines(Dataset data, Result res, String model) {
        double[] box = ScoreField.box(data);
        double half = 0.05 * Math.max(box[1] - box[0], box[3] - box[2]);
        java.awt.Color learned = new java.awt.Color(30, 80, 220), truth = new java.awt.Color(20, 160, 60);
        try (Plane plane = new Plane(box, 640, model + ": tangent lines of the learned manifold (figure 14.7)")) {
            plane.data(data);
            plane.g.setStroke(new java.awt.BasicStroke(2f));
            for (int p = 0; p < res.rows().length; p++) {
                float[] x = data.row(res.rows()[p]);
                if (data.hasTangents() && data.tangentCount() > 0) {
                    float[] t = data.tangent(res.rows()[p], 0);
                    double n = Math.hypot(t[0], t[1]);
                    if (n > 0) {
                        double ux = t[0] / n, uy = t[1] / n;
                        plane.line(x[0] - half * ux, x[1] - half * uy, x[0] + half * ux, x[1] + half * uy, truth);
                    }
                }
                double[] v = res.tangents()[p][0];
                plane.line(x[0] - half * v[0], x[1] - half * v[1], x[0] + half * v[0], x[1] + half * v[1], learned);
                plane.dot(x[0], x[1], 6, java.awt.Color.BLACK);
            }
            plane.legend(0, learned, "autoencoder (df/dx)");
            if (data.hasTangents()) plane.legend(1, truth, "true tangent");
            return plane.image;
        }
    }

    /** Gram-Schmidt (twice) of the rows; rows that are (numerically) dependent are dropped. */
    static double[][] orthonormalize(double[][] rows) {
        List<double[]> out = new ArrayList<>();
        for (double[] r : rows) {
            double[] v = r.clone();
            double norm0 = norm(v);
            if (norm0 == 0) continue;
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : out) {
                    double dot = 0;
                    for (int i = 0; i < v.length; i++) dot += v[i] * q[i];
                    for (int i = 0; i < v.length; i++) v[i] -= dot * q[i];
                }
            }
            double n = norm(v);
            if (n < 1e-10 * norm0) continue;
            for (int i = 0; i < v.length; i++) v[i] /= n;
            out.add(v);
        }
        return out.toArray(new double[0][]);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** Principal angles (degrees) between the spans of two orthonormal row sets: acos of the singular values of A B^T. */
    static double[] principalAnglesDegrees(double[][] a, double[][] b, int d) {
        if (a.length == 0 || b.length == 0) return new double[0];
        double[] m = new double[a.length * b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) s += a[i][c] * b[j][c];
                m[i * b.length + j] = s;
            }
        }
        double[] cos = JacobianSvd.of(m, a.length, b.length, false).singularValues();
        double[] deg = new double[cos.length];
        for (int i = 0; i < cos.length; i++) deg[i] = Math.toDegrees(Math.acos(Math.min(1, Math.max(-1, cos[i]))));
        return deg;
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        int k = ctx.integer("k");
        EncoderJacobian jac = EncoderJacobian.of(ctx);
        Dataset data = ctx.data();
        Result res = measure(jac, data, k, ctx.integer("samples"));
        int kk = res.tangents()[0].length;
        double meanSv = 0;
        for (double[] s : res.singularValues()) for (double v : s) meanSv += v;
        meanSv /= res.rows().length * (double) Math.max(1, kk);
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s on %s: tangents: %d leading right singular vectors of df/dx at %d points "
                                + "(mean singular value %.4f)%s%n",
                        ctx.model().name(),
                        data.name(),
                        kk,
                        res.rows().length,
                        meanSv,
                        Double.isNaN(res.meanAngleDegrees())
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", mean principal angle to the true tangents %.2f degrees",
                                        res.meanAngleDegrees()));
        int[] shape = data.shape();
        if (shape.length == 2) {
            int h = shape[0], w = shape[1], d = h * w;
            List<float[]> rows = new ArrayList<>();
            for (int p = 0; p < res.rows().length; p++) {
                float[] row = new float[(kk + 1) * d];
                data.row(res.rows()[p], row, 0);
                for (int i = 0; i < kk; i++) asImage(res.tangents()[p][i], row, (i + 1) * d);
                rows.add(row);
            }
            int scale = Math.max(1, Math.min(8, 112 / Math.max(h, w)));
            Pictures.imageGrid(ctx.dir().resolve("tangents.png"), rows, kk + 1, h, w, scale);
            Pictures.imageGrid(
                    ctx.dir().resolve("tangents-vs-local-pca.png"),
                    besideLocalPca(data, res, LOCAL_PCA_K),
                    2 * kk + 1,
                    h,
                    w,
                    scale);
        } else if (data.dim() == 2) {
            Result lines = res.rows().length >= LINE_POINTS ? res : measure(jac, data, 1, LINE_POINTS);
            java.nio.file.Files.write(
                    ctx.dir().resolve("tangent-lines.png"),
                    Pictures.png(tangentLines(data, lines, ctx.model().name())));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("k", (double) kk);
        m.put("samples", (double) res.rows().length);
        m.put("mean_singular_value", meanSv);
        if (!Double.isNaN(res.meanAngleDegrees())) m.put("mean_principal_angle_degrees", res.meanAngleDegrees());
        return m;
    }
}
