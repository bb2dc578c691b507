package ae4j.dsl.data;

/**
 * The mixture of Gaussians that {@code gaussian_mixture(k, dim, spread, noise: s)} samples from, exposed so
 * that an analysis can compare a denoising autoencoder's reconstruction field with the exact score.
 *
 * <p>Definition (independent of the seed, so that data sets with different seeds share the distribution):
 * k components with equal weights 1/k and isotropic covariance {@code (spread^2 + noise^2) I}. Let
 * R = 4 max(1, k / 4). For dim = 1 the means are equally spaced on [-R, R] (0 when k = 1); for dim >= 2
 * mean j is {@code (R cos(2 pi j / k), R sin(2 pi j / k), 0, ..., 0)}.
 *
 * <p>Smoothing with a Gaussian kernel of standard deviation sigma (the density a DAE with corruption sigma
 * is trained against, section 14.5.1) gives again a mixture, with variances {@code var + sigma^2}, whose
 * score {@link #score} is exact.
 */
public record GaussianMixture(int k, int dim, double[] weights, double[][] means, double variance) {

    public static GaussianMixture of(int k, int dim, double spread, double noise) {
        if (k < 1 || dim < 1)
            throw new DataException("gaussian_mixture needs k >= 1 and dim >= 1, got k: " + k + ", dim: " + dim);
        double r = 4 * Math.max(1.0, k / 4.0);
        double[] w = new double[k];
        double[][] mu = new double[k][dim];
        for (int j = 0; j < k; j++) {
            w[j] = 1.0 / k;
            if (dim == 1) mu[j][0] = k == 1 ? 0 : -r + 2 * r * j / (k - 1);
            else {
                mu[j][0] = r * Math.cos(2 * Math.PI * j / k);
                mu[j][1] = r * Math.sin(2 * Math.PI * j / k);
            }
        }
        return new GaussianMixture(k, dim, w, mu, spread * spread + noise * noise);
    }

    /** The covariance matrix of component j: {@code variance * I} (a new dim x dim array). */
    public double[][] covariance(int j) {
        if (j < 0 || j >= k) throw new IndexOutOfBoundsException(j);
        double[][] c = new double[dim][dim];
        for (int i = 0; i < dim; i++) c[i][i] = variance;
        return c;
    }

    /** log of the density smoothed by N(0, sigma^2 I) (sigma = 0: the density itself) at x. */
    public double logDensity(double[] x, double sigma) {
        double v = variance + sigma * sigma;
        double[] l = logTerms(x, v);
        double m = Double.NEGATIVE_INFINITY;
        for (double t : l) m = Math.max(m, t);
        double s = 0;
        for (double t : l) s += Math.exp(t - m);
        return m + Math.log(s);
    }

    /**
     * The score d/dx log p_sigma(x) of the density smoothed by N(0, sigma^2 I), into {@code out} (dim
     * values): sum_j r_j(x) (mu_j - x) / (variance + sigma^2), r_j the posterior responsibilities.
     */
    public void score(double[] x, double sigma, double[] out) {
        double v = variance + sigma * sigma;
        double[] l = logTerms(x, v);
        double m = Double.NEGATIVE_INFINITY;
        for (double t : l) m = Math.max(m, t);
        double s = 0;
        for (int j = 0; j < k; j++) {
            l[j] = Math.exp(l[j] - m);
            s += l[j];
        }
        java.util.Arrays.fill(out, 0, dim, 0);
        for (int j = 0; j < k; j++) {
            double r = l[j] / s;
            for (int i = 0; i < dim; i++) out[i] += r * (means[j][i] - x[i]) / v;
        }
    }

    private double[] logTerms(double[] x, double v) {
        double[] l = new double[k];
        double norm = -0.5 * dim * Math.log(2 * Math.PI * v);
        for (int j = 0; j < k; j++) {
            double q = 0;
            for (int i = 0; i < dim; i++) {
                double d = x[i] - means[j][i];
                q += d * d;
            }
            l[j] = Math.log(weights[j]) + norm - 0.5 * q / v;
        }
        return l;
    }
}
