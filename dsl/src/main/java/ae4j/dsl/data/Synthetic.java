package ae4j.dsl.data;

import ae4j.vecmath.Philox;
import java.util.Map;

/**
 * The synthetic data sources. Every one is a pure function of its arguments: random numbers come from
 * {@link Philox} (counter-based, bit-reproducible across machines, threads and JIT state) keyed by the
 * {@code seed} argument, with one stream per purpose: stream 0 the positions on the manifold (uniforms, or
 * Gaussians for the mixture), stream 1 the additive noise, stream 2 the mixture component choices. The noise
 * is isotropic N(0, noise^2 I) added to the values; tangents and latent coordinates are those of the clean
 * point. Tangents are derivatives of the generating map with respect to the latent coordinates (not
 * normalised).
 *
 * <table>
 * <caption>generators</caption>
 * <tr><th>source</th><th>latent</th><th>point</th><th>tangents</th><th>labels</th></tr>
 * <tr><td>spiral(turns)</td><td>t ~ U[0, 1)</td><td>r (cos a, sin a), a = 2 pi turns t, r = 0.1 + 0.9 t</td>
 *     <td>d/dt</td><td>-</td></tr>
 * <tr><td>two_moons</td><td>a ~ U[0, pi)</td><td>even i: (cos a, sin a); odd i: (1 - cos a, 0.5 - sin a)</td>
 *     <td>d/da</td><td>i mod 2</td></tr>
 * <tr><td>gaussian_mixture(k, dim, spread)</td><td>-</td><td>mu_j + spread z, j uniform in 0..k-1, see
 *     {@link GaussianMixture}</td><td>-</td><td>j</td></tr>
 * <tr><td>circle(radius)</td><td>a ~ U[0, 2 pi)</td><td>radius (cos a, sin a)</td><td>d/da</td><td>-</td></tr>
 * <tr><td>swiss_roll</td><td>t = 1.5 pi (1 + 2u), y = 21 v; u, v ~ U[0, 1)</td><td>(t cos t, y, t sin t)</td>
 *     <td>d/dt, d/dy</td><td>-</td></tr>
 * <tr><td>translated_template(size, shift)</td><td>t ~ U[-shift, shift]</td><td>see {@link TranslatedTemplate},
 *     shape [size, size]</td><td>d/dt</td><td>-</td></tr>
 * <tr><td>embedded_manifold(intrinsic, ambient)</td><td>s, see {@link EmbeddedManifold}</td><td>Q phi(s)</td>
 *     <td>Q d phi/ds_i</td><td>-</td></tr>
 * </table>
 */
public final class Synthetic {

    static final int POSITION = 0;
    static final int NOISE = 1;
    static final int CHOICE = 2;

    private Synthetic() {}

    /** Whether {@code source} names a synthetic generator. */
    public static boolean isSynthetic(String source) {
        return switch (source) {
            case "spiral",
                    "two_moons",
                    "gaussian_mixture",
                    "circle",
                    "swiss_roll",
                    "translated_template",
                    "embedded_manifold" -> true;
            default -> false;
        };
    }

    /** Runs the generator {@code source} with the checker's defaulted arguments. */
    public static Dataset generate(String name, String source, Map<String, Object> args) {
        int n = intArg(args, "n", 1000);
        long seed = intArg(args, "seed", 0);
        double noise = numArg(args, "noise", 0);
        if (noise < 0) throw new DataException(source + ": noise must be >= 0, got " + noise);
        return switch (source) {
            case "spiral" -> spiral(name, n, seed, noise, numArg(args, "turns", 2));
            case "two_moons" -> twoMoons(name, n, seed, noise);
            case "gaussian_mixture" ->
                gaussianMixture(
                        name, n, seed, noise, intArg(args, "k", 4), intArg(args, "dim", 2), numArg(args, "spread", 1));
            case "circle" -> circle(name, n, seed, noise, numArg(args, "radius", 1));
            case "swiss_roll" -> swissRoll(name, n, seed, noise);
            case "translated_template" ->
                translatedTemplate(name, n, seed, noise, intArg(args, "size", 28), intArg(args, "shift", 8));
            case "embedded_manifold" ->
                embeddedManifold(name, n, seed, noise, intArg(args, "intrinsic", 1), intArg(args, "ambient", 100));
            default -> throw new IllegalArgumentException("not a synthetic source: " + source);
        };
    }

    static int intArg(Map<String, Object> args, String key, int dflt) {
        Object v = args.get(key);
        return v instanceof Number x ? x.intValue() : dflt;
    }

    static double numArg(Map<String, Object> args, String key, double dflt) {
        Object v = args.get(key);
        return v instanceof Number x ? x.doubleValue() : dflt;
    }

    private static float[] uniforms(long seed, int count) {
        float[] u = new float[count];
        Philox.uniform(seed, POSITION, 0, u, 0, count);
        return u;
    }

    private static void addNoise(float[] values, long seed, double noise) {
        if (noise > 0) Philox.addGaussian(seed, NOISE, 0, (float) noise, values, 0, values.length);
    }

    private static void checkN(String source, int n) {
        if (n < 1) throw new DataException(source + ": n must be at least 1, got " + n);
    }

    // ------------------------------------------------------------------ 2-D and 3-D toys

    public static Dataset spiral(String name, int n, long seed, double noise, double turns) {
        checkN("spiral", n);
        float[] u = uniforms(seed, n);
        float[] x = new float[2 * n];
        float[] tan = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double t = u[i];
            double a = 2 * Math.PI * turns * t;
            double r = 0.1 + 0.9 * t;
            double da = 2 * Math.PI * turns;
            x[2 * i] = (float) (r * Math.cos(a));
            x[2 * i + 1] = (float) (r * Math.sin(a));
            tan[2 * i] = (float) (0.9 * Math.cos(a) - r * da * Math.sin(a));
            tan[2 * i + 1] = (float) (0.9 * Math.sin(a) + r * da * Math.cos(a));
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {2}, null, tan, 1, u, 1);
    }

    public static Dataset twoMoons(String name, int n, long seed, double noise) {
        checkN("two_moons", n);
        float[] u = uniforms(seed, n);
        float[] x = new float[2 * n];
        float[] tan = new float[2 * n];
        float[] lat = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double a = Math.PI * u[i];
            lat[i] = (float) a;
            labels[i] = i & 1;
            double c = Math.cos(a), s = Math.sin(a);
            if (labels[i] == 0) {
                x[2 * i] = (float) c;
                x[2 * i + 1] = (float) s;
                tan[2 * i] = (float) -s;
                tan[2 * i + 1] = (float) c;
            } else {
                x[2 * i] = (float) (1 - c);
                x[2 * i + 1] = (float) (0.5 - s);
                tan[2 * i] = (float) s;
                tan[2 * i + 1] = (float) -c;
            }
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {2}, labels, tan, 1, lat, 1);
    }

    public static Dataset circle(String name, int n, long seed, double noise, double radius) {
        checkN("circle", n);
        float[] u = uniforms(seed, n);
        float[] x = new float[2 * n];
        float[] tan = new float[2 * n];
        float[] lat = new float[n];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * u[i];
            lat[i] = (float) a;
            x[2 * i] = (float) (radius * Math.cos(a));
            x[2 * i + 1] = (float) (radius * Math.sin(a));
            tan[2 * i] = (float) (-radius * Math.sin(a));
            tan[2 * i + 1] = (float) (radius * Math.cos(a));
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {2}, null, tan, 1, lat, 1);
    }

    public static Dataset swissRoll(String name, int n, long seed, double noise) {
        checkN("swiss_roll", n);
        float[] u = uniforms(seed, 2 * n);
        float[] x = new float[3 * n];
        float[] tan = new float[6 * n];
        float[] lat = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * u[2 * i]);
            double y = 21 * u[2 * i + 1];
            lat[2 * i] = (float) t;
            lat[2 * i + 1] = (float) y;
            double c = Math.cos(t), s = Math.sin(t);
            x[3 * i] = (float) (t * c);
            x[3 * i + 1] = (float) y;
            x[3 * i + 2] = (float) (t * s);
            tan[6 * i] = (float) (c - t * s);
            tan[6 * i + 1] = 0f;
            tan[6 * i + 2] = (float) (s + t * c);
            tan[6 * i + 3] = 0f;
            tan[6 * i + 4] = 1f;
            tan[6 * i + 5] = 0f;
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {3}, null, tan, 2, lat, 2);
    }

    // ------------------------------------------------------------------ mixture

    public static Dataset gaussianMixture(String name, int n, long seed, double noise, int k, int dim, double spread) {
        checkN("gaussian_mixture", n);
        GaussianMixture m = GaussianMixture.of(k, dim, spread, 0);
        float[] x = new float[n * dim];
        Philox.gaussian(seed, POSITION, 0, 0f, (float) spread, x, 0, x.length);
        float[] u = new float[n];
        Philox.uniform(seed, CHOICE, 0, u, 0, n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int j = Math.min(k - 1, (int) (u[i] * k));
            labels[i] = j;
            for (int c = 0; c < dim; c++) x[i * dim + c] += (float) m.means()[j][c];
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {dim}, labels, null, 0, null, 0);
    }

    /** The distribution {@code gaussian_mixture(...)} with these arguments samples from (noise included). */
    public static GaussianMixture mixtureOf(Map<String, Object> args) {
        return GaussianMixture.of(
                intArg(args, "k", 4), intArg(args, "dim", 2), numArg(args, "spread", 1), numArg(args, "noise", 0));
    }

    // ------------------------------------------------------------------ manifolds with known tangents

    public static Dataset translatedTemplate(String name, int n, long seed, double noise, int size, int shift) {
        checkN("translated_template", n);
        if (shift < 0) throw new DataException("translated_template: shift must be >= 0, got " + shift);
        TranslatedTemplate tpl = new TranslatedTemplate(size);
        int d = size * size;
        float[] u = uniforms(seed, n);
        float[] x = new float[n * d];
        float[] tan = new float[n * d];
        float[] lat = new float[n];
        for (int i = 0; i < n; i++) {
            double t = -shift + 2.0 * shift * u[i];
            lat[i] = (float) t;
            tpl.image(t, x, i * d);
            tpl.tangent(t, tan, i * d);
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {size, size}, null, tan, 1, lat, 1);
    }

    public static Dataset embeddedManifold(String name, int n, long seed, double noise, int intrinsic, int ambient) {
        checkN("embedded_manifold", n);
        EmbeddedManifold m = new EmbeddedManifold(intrinsic, ambient);
        float[] u = uniforms(seed, n * intrinsic);
        float[] x = new float[n * ambient];
        float[] tan = new float[n * intrinsic * ambient];
        float[] lat = new float[n * intrinsic];
        double[] s = new double[intrinsic];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < intrinsic; j++) {
                s[j] = intrinsic == 1 ? 2 * Math.PI * u[i] : -1 + 2.0 * u[i * intrinsic + j];
                lat[i * intrinsic + j] = (float) s[j];
            }
            double[] p = m.point(s);
            for (int c = 0; c < ambient; c++) x[i * ambient + c] = (float) p[c];
            for (int j = 0; j < intrinsic; j++) {
                double[] t = m.tangent(s, j);
                for (int c = 0; c < ambient; c++) tan[(i * intrinsic + j) * ambient + c] = (float) t[c];
            }
        }
        addNoise(x, seed, noise);
        return new Dataset(name, x, n, new int[] {ambient}, null, tan, intrinsic, lat, intrinsic);
    }
}
