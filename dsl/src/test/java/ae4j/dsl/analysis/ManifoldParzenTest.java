package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Manifold Parzen windows (section 14.6, figure 14.9) against direct formulas and the isotropic window. */
class ManifoldParzenTest {

    /** log N(x; mu, C) straight from the definition: the full covariance inverted and its determinant, by EJML. */
    static double direct(double[] r, double[][] dirs, double[] vars, double sigma) {
        int n = r.length;
        DMatrixRMaj c = CommonOps_DDRM.identity(n);
        CommonOps_DDRM.scale(sigma * sigma, c);
        for (int j = 0; j < dirs.length; j++)
            for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) c.add(a, b, vars[j] * dirs[j][a] * dirs[j][b]);
        double det = CommonOps_DDRM.det(c);
        DMatrixRMaj inv = new DMatrixRMaj(n, n);
        assertTrue(CommonOps_DDRM.invert(c, inv));
        double q = 0;
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) q += r[a] * inv.get(a, b) * r[b];
        return -0.5 * (n * Math.log(2 * Math.PI) + Math.log(det) + q);
    }

    @Test
    void oneGaussianMatchesTheDirectFormulaWithTheFullCovariance() {
        double s = 1 / Math.sqrt(2);
        double[][] dirs = {{s, s, 0}, {0, 0, 1}};
        double[] vars = {2.5, 0.3};
        double[] r = {0.4, -1.1, 0.7};
        for (double sigma : new double[] {0.05, 0.3, 2}) {
            assertEquals(direct(r, dirs, vars, sigma), ManifoldParzen.logGaussian(r, dirs, vars, sigma), 1e-9);
            double[][] one = {dirs[0]};
            assertEquals(
                    direct(r, one, new double[] {vars[0]}, sigma),
                    ManifoldParzen.logGaussian(r, one, new double[] {vars[0]}, sigma),
                    1e-9);
        }
        // with no directions: a product of three 1-D normal densities
        double sigma = 0.7, expect = 0;
        for (double v : r) expect += -0.5 * Math.log(2 * Math.PI * sigma * sigma) - v * v / (2 * sigma * sigma);
        assertEquals(expect, ManifoldParzen.logGaussian(r, new double[0][], new double[0], sigma), 1e-12);
    }

    @Test
    void theMixtureIsTheMeanOfItsGaussiansAndSurvivesUnderflow() {
        // three points on a line in the plane; pancakes along it from their 3 neighbours (k = 3, d = 1)
        float[] x = {0, 0, 1, 0.1f, 2, 0.1f};
        ManifoldParzen.Pancakes p = ManifoldParzen.fit(x, 3, 2, 3, 1);
        float[] at = {0.5f, 0.4f};
        double[] sigmas = {0.2, 1};
        double[] got = ManifoldParzen.logDensity(p, at, 0, sigmas);
        for (int t = 0; t < sigmas.length; t++) {
            double sum = 0;
            for (int i = 0; i < 3; i++) {
                double[] r = {at[0] - x[2 * i], at[1] - x[2 * i + 1]};
                sum += Math.exp(direct(r, p.directions()[i], p.variances()[i], sigmas[t]));
            }
            assertEquals(Math.log(sum / 3), got[t], 1e-9);
        }
        // far away every exp underflows to 0, but log-sum-exp keeps the nearest Gaussian's log-density
        float[] far = {0, 300};
        double lse = ManifoldParzen.logDensity(p, far, 0, new double[] {0.01})[0];
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 3; i++) {
            double[] r = {far[0] - x[2 * i], far[1] - x[2 * i + 1]};
            best = Math.max(best, direct(r, p.directions()[i], p.variances()[i], 0.01));
        }
        assertTrue(Double.isFinite(lse), "log density " + lse);
        assertTrue(lse <= best && lse >= best - Math.log(3) - 1e-6, lse + " vs nearest " + best);
    }

    @Test
    void theIsotropicWindowIsThePancakeWindowWithoutDirections() {
        float[] x = {0, 0, 1, 0, 0, 2};
        ManifoldParzen.Pancakes p = ManifoldParzen.isotropic(x, 3, 2);
        assertEquals(0, p.d());
        float[] at = {0.3f, 0.3f};
        double sigma = 0.5, sum = 0;
        for (int i = 0; i < 3; i++) {
            double dx = at[0] - x[2 * i], dy = at[1] - x[2 * i + 1];
            sum += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
        }
        assertEquals(Math.log(sum / 3), ManifoldParzen.logDensity(p, at, 0, new double[] {sigma})[0], 1e-12);
    }

    @Test
    void badArgumentsSaySo() {
        float[] x = {0, 0, 1, 0, 0, 2};
        var e = assertThrows(IllegalArgumentException.class, () -> ManifoldParzen.fit(x, 3, 2, 10, 3));
        assertTrue(e.getMessage().contains("d must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ManifoldParzen.fit(x, 3, 2, 1, 1));
        assertTrue(e.getMessage().contains("k must be"), e.getMessage());
    }

    /**
     * The claim of figure 14.9: on data near a 1-D manifold, pancakes along the local tangents give held-out
     * data a higher likelihood than an isotropic window, each with its sigma chosen on validation data.
     * Measured over seeds 1..4 (noisy circle of radius 1, noise 0.02; a noisy curve in R^10): the smallest gain
     * was above the margin asserted below.
     */
    @Test
    void pancakesBeatTheIsotropicWindowOnHeldOutDataNearAManifold() {
        double worstCircle = Double.POSITIVE_INFINITY, worstCurve = Double.POSITIVE_INFINITY;
        for (long seed = 1; seed <= 4; seed++) {
            Dataset train = Synthetic.circle("train", 500, seed, 0.02, 1);
            Dataset test = Synthetic.circle("test", 300, seed + 1000, 0.02, 1);
            ManifoldParzen.Result r = ManifoldParzen.compare(train, test, 10, 1);
            print("circle", seed, r);
            worstCircle = Math.min(worstCircle, r.pancakeLogLikelihood() - r.isoLogLikelihood());
            assertNotNull(r.picture());
            Dataset train10 = Synthetic.embeddedManifold("train", 500, seed, 0.01, 1, 10);
            Dataset test10 = Synthetic.embeddedManifold("test", 200, seed + 1000, 0.01, 1, 10);
            ManifoldParzen.Result r10 = ManifoldParzen.compare(train10, test10, 10, 1);
            print("curve in R^10", seed, r10);
            worstCurve = Math.min(worstCurve, r10.pancakeLogLikelihood() - r10.isoLogLikelihood());
        }
        System.out.printf(
                Locale.ROOT, "worst gain: circle %.4f nats, curve in R^10 %.4f nats%n", worstCircle, worstCurve);
        // measured worst gains (ten sigmas per decade): circle 0.057, curve in R^10 0.757 nats
        assertTrue(worstCircle > 0.04, "circle gain " + worstCircle);
        assertTrue(worstCurve > 0.6, "curve gain " + worstCurve);
    }

    static void print(String what, long seed, ManifoldParzen.Result r) {
        System.out.printf(
                Locale.ROOT,
                "%s seed %d: pancakes %.4f nats (sigma %.4g), isotropic %.4f nats (bandwidth %.4g), gain %.4f%n",
                what,
                seed,
                r.pancakeLogLikelihood(),
                r.pancakeSigma(),
                r.isoLogLikelihood(),
                r.isoSigma(),
                r.pancakeLogLikelihood() - r.isoLogLikelihood());
    }
}
