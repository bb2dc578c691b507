package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.GaussianMixture;
import ae4j.dsl.data.Synthetic;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ScoreField}: the denoising autoencoder's reconstruction field estimates the score (section 14.5.1). */
class ScoreFieldTest {

    static final double SIGMA = 0.4;
    static final double SPREAD = 0.4;

    static final String DAE = """
            model dae {
              input x[2]
              encoder f { dense 64 relu; dense 64 relu }
              decoder g { dense 64 relu; dense 2 identity }
              corrupt x~ = gaussian(x, sigma: 0.4)
              minimize mse(x, g(f(x~)))
            }
            """;

    /**
     * Section 14.5.1 (eq. 14.15, figure 14.5): a DAE trained with Gaussian corruption sigma and squared error
     * has r(x) - x ~ sigma^2 grad log p_sigma(x), p_sigma the data density smoothed by N(0, sigma^2 I). On a
     * 4-component 2-D mixture the estimate (r(x) - x) / sigma^2 at the data points has mean cosine >= 0.9 with
     * the exact score of the smoothed mixture ({@link GaussianMixture#score}).
     */
    @Test
    void daeReconstructionFieldEstimatesTheScore_14_5_1(@TempDir Path dir) throws Exception {
        int n = 3000;
        Dataset ds = Synthetic.gaussianMixture("gm", n, 1, 0, 4, 2, SPREAD);
        GaussianMixture gm = GaussianMixture.of(4, 2, SPREAD, 0);
        Built b = Built.of(DAE, "dae", 100, 3).train(ds.values(), n, 2, 45, 100, 3e-3, 5);
        // held-out points of the same distribution (another seed)
        int nt = 1000;
        Dataset test = Synthetic.gaussianMixture("gm_test", nt, 2, 0, 4, 2, SPREAD);
        ScoreField.Field f = ScoreField.at(b.model(), b.ir().reconstruction(), SIGMA, test.values(), nt, 2);
        double cos = 0, relErr = 0, cosDense = 0;
        int dense = 0;
        double[] exact = new double[2];
        double[] logp = new double[nt];
        for (int i = 0; i < nt; i++)
            logp[i] = gm.logDensity(new double[] {test.values()[2 * i], test.values()[2 * i + 1]}, 0);
        double median = java.util.Arrays.stream(logp).sorted().toArray()[nt / 2];
        for (int i = 0; i < nt; i++) {
            gm.score(new double[] {test.values()[2 * i], test.values()[2 * i + 1]}, SIGMA, exact);
            double dot = exact[0] * f.score(i, 0) + exact[1] * f.score(i, 1);
            double ne = Math.hypot(exact[0], exact[1]);
            double nf = Math.hypot(f.score(i, 0), f.score(i, 1));
            double ci = dot / Math.max(1e-12, ne * nf);
            cos += ci;
            if (logp[i] >= median) {
                cosDense += ci;
                dense++;
            }
            relErr += Math.hypot(exact[0] - f.score(i, 0), exact[1] - f.score(i, 1)) / Math.max(1e-12, ne);
        }
        cos /= nt;
        relErr /= nt;
        cosDense /= dense;
        System.out.printf(
                "14.5.1: mean cosine(estimated score, exact smoothed score) at %d held-out points: %.4f "
                        + "(mean relative error %.3f); at the %d with density above the median: %.4f%n",
                nt, cos, relErr, dense, cosDense);
        assertTrue(cos >= 0.9, "mean cosine " + cos);
        assertTrue(cosDense >= 0.9, "mean cosine above the median density " + cosDense);

        // The analysis itself, on the training data: files written, sigma defaulted from the corruption.
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Map<String, Double> r = ScoreField.ANALYSIS.run(new AnalysisContext(
                "score_field",
                Map.of("grid", 10),
                b.model(),
                b.ir(),
                b.checked(),
                ds,
                dir,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        assertEquals(SIGMA, r.get("sigma"), 1e-12);
        assertEquals(
                101,
                java.nio.file.Files.readAllLines(dir.resolve("score-field.csv")).size(),
                "header + 10 x 10");
        assertTrue(javax.imageio.ImageIO.read(dir.resolve("score-field.png").toFile())
                        .getWidth()
                == 800);
        // the true score averages to 0 over p; the estimate's mean is small against its typical length
        assertTrue(r.get("norm_of_mean_score") < 0.2 * r.get("mean_score_norm"), r.toString());

        // Along the path from a mode to the origin (between modes) the estimated log density falls.
        ScoreField.PathProfile path =
                ScoreField.along(b.model(), b.ir().reconstruction(), SIGMA, new float[] {4, 0}, new float[] {0, 0}, 21);
        double exactDrop = gm.logDensity(new double[] {0, 0}, SIGMA) - gm.logDensity(new double[] {4, 0}, SIGMA);
        System.out.printf(
                "14.5.1: log p_sigma(0) - log p_sigma(mode) along the path: estimated %.2f, exact %.2f%n",
                path.logDensity()[20], exactDrop);
        assertTrue(path.logDensity()[20] < 0, "log density falls away from the mode");

        // The path through the language: score_field(from, to) between the training points nearest to two
        // neighbouring modes. The estimated change of log p along the path follows the exact log p_sigma.
        int from = nearest(ds, gm.means()[0]), to = nearest(ds, gm.means()[1]);
        int steps = 41;
        o.reset();
        Map<String, Double> rp = ScoreField.ANALYSIS.run(new AnalysisContext(
                "score_field",
                Map.of("grid", 10, "from", from, "to", to, "steps", steps),
                b.model(),
                b.ir(),
                b.checked(),
                ds,
                dir,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                System.err));
        java.util.List<String> rows = java.nio.file.Files.readAllLines(dir.resolve("score-path.csv"));
        assertEquals("t,score_along_path,log_density_change", rows.get(0));
        assertEquals(steps + 1, rows.size());
        float[] a = ds.row(from), z = ds.row(to);
        ScoreField.PathProfile direct = ScoreField.along(b.model(), b.ir().reconstruction(), SIGMA, a, z, steps);
        double[] est = new double[steps], exactProfile = new double[steps];
        double exact0 = gm.logDensity(new double[] {a[0], a[1]}, SIGMA);
        for (int i = 0; i < steps; i++) {
            double t = i / (steps - 1.0);
            est[i] = Double.parseDouble(rows.get(i + 1).split(",")[2]);
            assertEquals(direct.logDensity()[i], est[i], 1e-5 * (1 + Math.abs(est[i])), "csv row " + i);
            exactProfile[i] =
                    gm.logDensity(new double[] {a[0] + t * (z[0] - a[0]), a[1] + t * (z[1] - a[1])}, SIGMA) - exact0;
        }
        double corr = pearson(est, exactProfile);
        double estMin = java.util.Arrays.stream(est).min().orElseThrow();
        System.out.printf(
                "14.5.1: path between two modes (examples %d and %d): estimated log p change at the end %.2f (exact %.2f),"
                        + " lowest %.2f (exact %.2f); correlation of the profiles %.4f%n",
                from,
                to,
                est[steps - 1],
                exactProfile[steps - 1],
                estMin,
                java.util.Arrays.stream(exactProfile).min().orElseThrow(),
                corr);
        assertTrue(corr >= 0.9, "correlation of estimated and exact log p profiles " + corr);
        assertTrue(
                estMin < Math.min(est[0], est[steps - 1]) - 1,
                "the estimate dips between the modes: " + java.util.Arrays.toString(est));
        assertEquals(est[steps - 1], rp.get("path_log_density_change"), 1e-6);
        assertTrue(javax.imageio.ImageIO.read(dir.resolve("score-path.png").toFile())
                        .getWidth()
                == 800);
        assertTrue(
                o.toString(StandardCharsets.UTF_8)
                        .contains("along the path from example " + from + " to example " + to),
                o.toString());
    }

    private static int nearest(Dataset ds, double[] p) {
        int best = 0;
        double bd = Double.MAX_VALUE;
        for (int i = 0; i < ds.size(); i++) {
            double d = Math.hypot(ds.values()[2 * i] - p[0], ds.values()[2 * i + 1] - p[1]);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        return best;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = java.util.Arrays.stream(x).average().orElseThrow(),
                my = java.util.Arrays.stream(y).average().orElseThrow();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Without a gaussian corruption and without sigma the analysis says what to give, and writes nothing. */
    @Test
    void needsSigmaWithoutGaussianCorruption(@TempDir Path dir) throws Exception {
        Built b = Built.of(DAE.replace("gaussian(x, sigma: 0.4)", "masking(x, p: 0.2)"), "dae", 16, 1);
        Dataset ds = Synthetic.gaussianMixture("gm", 50, 1, 0, 4, 2, SPREAD);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Map<String, Double> r = ScoreField.ANALYSIS.run(new AnalysisContext(
                "score_field",
                Map.of(),
                b.model(),
                b.ir(),
                b.checked(),
                ds,
                dir,
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        assertTrue(r.isEmpty());
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("needs sigma"), e.toString(StandardCharsets.UTF_8));
        assertTrue(!java.nio.file.Files.exists(dir.resolve("score-field.csv")));
    }
}
