package ae4j.dsl.analysis;

import ae4j.dsl.compile.Lowering;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import ae4j.dsl.runtime.CompiledModel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An autoencoder as a generative model (sections 14.4 and 14.5). One step of the chain takes x to a corrupted
 * x~ ~ C(x~ | x) (the model's corruption, if it has one), to a code h = f(x~) (with the noise before the code,
 * if any: a sample of p_encoder(h | x)), and to a new x ~ p_decoder(x | h) ({@link DecoderDistribution}). For a
 * denoising autoencoder this is the Markov chain of Bengio et al. (2013), "Generalized denoising auto-encoders
 * as generative models", whose stationary distribution estimates the data's.
 *
 * <p>{@code samples(n, steps, burn_in, thin, from, seed)} runs n chains side by side (one batch through the
 * compiled model), started from n examples of the data or from noise (uniform over each feature's range),
 * and keeps every {@code thin}-th state after {@code burn_in} steps. It reports the energy distance
 * ({@link TwoSample}) from the samples to the data set, next to three baselines: the chains' start, the same
 * chains with the corruption alone (no reconstruction: a random walk), and a Gaussian fitted to the data. It writes {@code samples.csv}
 * and {@code samples.png}: image data as a grid (a row per chain: its start, then its samples), 2-D data as
 * the samples over the data with the paths of three chains (like figure 14.4).
 */
public final class Sampling implements Analysis {

    /** Points used per side in an energy distance: all pairs are compared. */
    static final int ENERGY_POINTS = 600;

    /**
     * The chains' result: their start (n x d), the kept samples ({@code perChain} per chain, chain-major:
     * chain c's k-th sample at row c * perChain + k), the mean of p_decoder(x | h) each kept sample was drawn
     * from (the same layout; pictures show these, a Bernoulli sample of a gray image being speckle), and the full
     * paths of the first chains (steps + 1 states).
     */
    public record Chains(
            int n, int d, float[] start, float[] samples, float[] means, int perChain, List<float[]> paths) {
        public int count() {
            return n * perChain;
        }
    }

    /**
     * Runs n chains from {@code start} (n x d) for {@code steps} steps, keeping every {@code thin}-th state after
     * {@code burnIn}; the same seed gives the same samples at any number of threads.
     */
    public static Chains chains(
            CompiledModel m,
            DecoderDistribution dist,
            float[] start,
            int n,
            int d,
            int steps,
            int burnIn,
            int thin,
            long seed,
            int keepPaths) {
        return run(
                m,
                (v, rows, rng, out) -> dist.sample(v, rows, d, rng, out),
                dist.node(),
                start,
                n,
                d,
                steps,
                burnIn,
                thin,
                seed,
                keepPaths);
    }

    /**
     * The baseline chain of the corruption alone, x_{t+1} ~ C(x~ | x_t) with no reconstruction (a random walk for
     * additive noise), from the same start and kept the same way: what the denoising step adds is the difference.
     */
    public static Chains corruptionChains(
            CompiledModel m, int corrupted, float[] start, int n, int d, int steps, int burnIn, int thin, long seed) {
        return run(
                m,
                (v, rows, rng, out) -> System.arraycopy(v, 0, out, 0, rows * d),
                corrupted,
                start,
                n,
                d,
                steps,
                burnIn,
                thin,
                seed,
                0);
    }

    /** How a chain's next states come from the values of one node after a noisy pass. */
    private interface Transition {
        void next(float[] nodeValues, int rows, SplittableRandom rng, float[] out);

        /** The mean of the distribution {@link #next} draws from (the draw itself by default). */
        default void mean(float[] nodeValues, int rows, float[] out) {
            next(nodeValues, rows, new SplittableRandom(0), out);
        }
    }

    private static Chains run(
            CompiledModel m,
            Transition transition,
            int node,
            float[] start,
            int n,
            int d,
            int steps,
            int burnIn,
            int thin,
            long seed,
            int keepPaths) {
        if (m.inputWidth() != d)
            throw new IllegalArgumentException(
                    "the chain's states have " + d + " values, the model's input " + m.inputWidth());
        if (steps < 1 || burnIn < 0 || burnIn >= steps || thin < 1)
            throw new IllegalArgumentException("need steps >= 1, 0 <= burn_in < steps and thin >= 1");
        int perChain = (steps - burnIn + thin - 1) / thin;
        float[] x = Arrays.copyOf(start, n * d);
        float[] samples = new float[n * perChain * d];
        float[] means = new float[samples.length];
        float[] mean = new float[Math.min(n, m.maxBatch()) * d];
        List<float[]> paths = new ArrayList<>();
        int paths0 = Math.min(keepPaths, n);
        for (int c = 0; c < paths0; c++) {
            float[] p = new float[(steps + 1) * d];
            System.arraycopy(x, c * d, p, 0, d);
            paths.add(p);
        }
        int rowsPer = m.maxBatch();
        int chunks = (n + rowsPer - 1) / rowsPer;
        float[] buf = new float[Math.min(n, rowsPer) * d];
        float[] next = new float[buf.length];
        int kept = 0;
        for (int t = 1; t <= steps; t++) {
            for (int k = 0; k < chunks; k++) {
                int r0 = k * rowsPer;
                int rows = Math.min(rowsPer, n - r0);
                System.arraycopy(x, r0 * d, buf, 0, rows * d);
                long step = (long) t * chunks + k; // a distinct noise stream for each step and chunk
                m.loss(buf, rows, seed, step, true);
                SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
                transition.next(m.value(node), rows, rng, next);
                System.arraycopy(next, 0, x, r0 * d, rows * d);
                if (t > burnIn && (t - burnIn - 1) % thin == 0) {
                    transition.mean(m.value(node), rows, mean);
                    for (int c = 0; c < rows; c++)
                        System.arraycopy(mean, c * d, means, ((r0 + c) * perChain + kept) * d, d);
                }
            }
            for (int c = 0; c < paths0; c++) System.arraycopy(x, c * d, paths.get(c), t * d, d);
            if (t > burnIn && (t - burnIn - 1) % thin == 0) {
                for (int c = 0; c < n; c++) System.arraycopy(x, c * d, samples, (c * perChain + kept) * d, d);
                kept++;
            }
        }
        return new Chains(n, d, Arrays.copyOf(start, n * d), samples, means, perChain, paths);
    }

    /**
     * Draws of the code from p_encoder(h | x) (section 14.4, figure 14.2) for the n rows of x: the encoder with
     * the model's noise before the code (and its corruption, if any) as in a training step, so a model with
     * noise gives a different code on each draw; without noise or corruption the code is f(x) itself.
     */
    public static float[] codes(CompiledModel m, Lowering.Lowered ir, float[] x, int n, long seed, long draw) {
        int d = m.inputWidth();
        int w = ir.graph().width(ir.code());
        float[] out = new float[n * w];
        float[] buf = new float[Math.min(n, m.maxBatch()) * d];
        for (int r0 = 0; r0 < n; r0 += m.maxBatch()) {
            int rows = Math.min(m.maxBatch(), n - r0);
            System.arraycopy(x, r0 * d, buf, 0, rows * d);
            m.loss(buf, rows, seed, draw * ((n + m.maxBatch() - 1) / m.maxBatch()) + r0 / m.maxBatch(), true);
            System.arraycopy(m.value(ir.code()), 0, out, r0 * w, rows * w);
        }
        return out;
    }

    /**
     * The Gaussian decoder's sigma for an mse-trained model: the root mean square error of the reconstruction
     * (from the corrupted input, as in the chain) over the first rows of the data, its maximum-likelihood value.
     */
    public static double rmsError(CompiledModel m, DecoderDistribution dist, Dataset data, long seed) {
        int n = Math.min(data.size(), 2000);
        int d = data.dim();
        double sq = 0;
        float[] buf = new float[Math.min(n, m.maxBatch()) * d];
        for (int r0 = 0; r0 < n; r0 += m.maxBatch()) {
            int rows = Math.min(m.maxBatch(), n - r0);
            data.batch(r0, rows, buf);
            m.loss(buf, rows, seed, r0, true);
            float[] mean = m.value(dist.node());
            for (int i = 0; i < rows * d; i++) sq += Math.pow(mean[i] - buf[i], 2);
        }
        return Math.sqrt(sq / ((double) n * d));
    }

    /** n starting points: examples of the data (seeded pick) or uniform noise over each feature's range. */
    public static float[] start(Dataset data, int n, boolean fromData, long seed) {
        int d = data.dim();
        float[] x = new float[n * d];
        SplittableRandom rng = new SplittableRandom(seed);
        if (fromData) {
            for (int c = 0; c < n; c++) data.row(rng.nextInt(data.size()), x, c * d);
            return x;
        }
        float[] lo = new float[d], hi = new float[d];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        float[] v = data.values();
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < d; j++) {
                lo[j] = Math.min(lo[j], v[i * d + j]);
                hi[j] = Math.max(hi[j], v[i * d + j]);
            }
        }
        for (int i = 0; i < n * d; i++) x[i] = (float) (lo[i % d] + (hi[i % d] - lo[i % d]) * rng.nextDouble());
        return x;
    }

    /** Draws n points from a Gaussian fitted to the data (full covariance up to 64 features, else diagonal). */
    public static float[] gaussianFit(Dataset data, int n, long seed) {
        int d = data.dim();
        int m = data.size();
        double[] mean = new double[d];
        float[] v = data.values();
        for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) mean[j] += v[i * d + j] / m;
        boolean full = d <= 64;
        double[][] l = new double[d][d]; // covariance, then its Cholesky factor (lower)
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < d; a++) {
                double ea = v[i * d + a] - mean[a];
                if (full) for (int b = 0; b <= a; b++) l[a][b] += ea * (v[i * d + b] - mean[b]) / m;
                else l[a][a] += ea * ea / m;
            }
        }
        for (int a = 0; a < d; a++) {
            l[a][a] += 1e-9; // a degenerate feature (constant) stays sampleable
            for (int b = 0; b <= a; b++) {
                double s = l[a][b];
                for (int k = 0; k < b; k++) s -= l[a][k] * l[b][k];
                l[a][b] = a == b ? Math.sqrt(Math.max(s, 0)) : (l[b][b] > 0 ? s / l[b][b] : 0);
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[n * d];
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[j] = DecoderDistribution.gaussian(rng);
            for (int a = 0; a < d; a++) {
                double s = mean[a];
                for (int b = 0; b <= a; b++) s += l[a][b] * z[b];
                out[i * d + a] = (float) s;
            }
        }
        return out;
    }

    /** Up to {@code max} rows of a, evenly spaced. */
    static float[] thin(float[] a, int n, int d, int max) {
        if (n <= max) return Arrays.copyOf(a, n * d);
        float[] out = new float[max * d];
        for (int i = 0; i < max; i++) System.arraycopy(a, (int) ((long) i * n / max) * d, out, i * d, d);
        return out;
    }

    // ------------------------------------------------------------------ the analysis

    /** The arguments of {@code samples(...)}. */
    public record Options(int n, int steps, int burnIn, int thin, boolean fromData, long seed) {}

    /**
     * What sampling gives: the chains, the decoder distribution used, the energy distances to the data (keys
     * samples, start, corruption_alone when the model has a corruption, gaussian_fit) and a picture (null when
     * the data are neither 2-D nor images).
     */
    public record Result(
            Chains chains, DecoderDistribution decoder, Map<String, Double> energy, BufferedImage picture) {}

    /** Runs the chains of a model on a data set (for its start, the decoder's sigma and the comparison). */
    public static Result sample(CompiledModel m, Lowering.Lowered ir, String model, Dataset data, Options o) {
        DecoderDistribution dist = DecoderDistribution.of(ir.graph());
        int d = data.dim();
        if (dist == null || m.inputWidth() != d)
            throw new IllegalArgumentException("model '" + model
                    + "' has no objective term that reconstructs its input, so no p_decoder(x | h) to sample");
        if (dist.needsSigma()) dist = dist.withSigma(rmsError(m, dist, data, o.seed()));
        float[] start = start(data, o.n(), o.fromData(), o.seed());
        Chains ch = chains(m, dist, start, o.n(), d, o.steps(), o.burnIn(), o.thin(), o.seed(), 3);
        int points = Math.min(ENERGY_POINTS, data.size());
        float[] ref = thin(data.values(), data.size(), d, points);
        float[] kept = thin(ch.samples(), ch.count(), d, points);
        Map<String, Double> energy = new LinkedHashMap<>();
        int nk = kept.length / d;
        if (nk >= 2 && points >= 2 && o.n() >= 2) {
            energy.put("samples", TwoSample.energy(kept, nk, ref, points, d));
            energy.put(
                    "start", TwoSample.energy(thin(start, o.n(), d, points), Math.min(o.n(), points), ref, points, d));
            if (ir.corrupted() >= 0) {
                Chains walk =
                        corruptionChains(m, ir.corrupted(), start, o.n(), d, o.steps(), o.burnIn(), o.thin(), o.seed());
                float[] w = thin(walk.samples(), walk.count(), d, points);
                energy.put("corruption_alone", TwoSample.energy(w, w.length / d, ref, points, d));
            }
            energy.put(
                    "gaussian_fit", TwoSample.energy(gaussianFit(data, points, o.seed() + 1), points, ref, points, d));
        }
        return new Result(ch, dist, energy, picture(ch, data, model));
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset data = ctx.data();
        String who = "samples " + ctx.checked().name() + " on " + data.name();
        int steps = ctx.integer("steps");
        Options o = new Options(
                ctx.integer("n"),
                steps,
                ctx.integerOr("burn_in", steps / 2),
                ctx.integer("thin"),
                "data".equals(ctx.args().getOrDefault("from", "noise")),
                ctx.integer("seed"));
        Result r;
        try {
            r = sample(ctx.model(), ctx.ir(), ctx.checked().name(), data, o);
        } catch (IllegalArgumentException e) {
            ctx.err().println(who + ": " + e.getMessage() + "; skipped");
            return Map.of();
        }
        Chains ch = r.chains();
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s: %d chains of %d steps from %s, decoder %s; %d samples (burn-in %d, every %d)%n",
                        who,
                        o.n(),
                        steps,
                        o.fromData() ? "data" : "noise",
                        r.decoder().words(),
                        ch.count(),
                        o.burnIn(),
                        o.thin());
        if (!r.energy().isEmpty()) {
            ctx.out().printf(Locale.ROOT, "  energy distance to %s (0 = same distribution):%n", data.name());
            for (var e : r.energy().entrySet())
                ctx.out().printf(Locale.ROOT, "    %-18s %.5f%n", e.getKey().replace('_', ' '), e.getValue());
        }
        writeCsv(ctx, ch);
        if (r.picture() != null) AtomicFile.write(ctx.dir().resolve("samples.png"), Pictures.png(r.picture()));
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("chains", (double) o.n());
        result.put("samples", (double) ch.count());
        if (r.decoder().kind() == DecoderDistribution.Kind.GAUSSIAN)
            result.put("decoder_sigma", r.decoder().sigma());
        for (var e : r.energy().entrySet()) result.put("energy_" + e.getKey(), e.getValue());
        return result;
    }

    private static void writeCsv(AnalysisContext ctx, Chains ch) throws IOException {
        StringBuilder b = new StringBuilder("chain,sample");
        for (int j = 0; j < ch.d(); j++) b.append(",x").append(j + 1);
        b.append('\n');
        for (int c = 0; c < ch.n(); c++) {
            for (int k = 0; k < ch.perChain(); k++) {
                b.append(c).append(',').append(k);
                int o = (c * ch.perChain() + k) * ch.d();
                for (int j = 0; j < ch.d(); j++) b.append(',').append(ch.samples()[o + j]);
                b.append('\n');
            }
        }
        AtomicFile.writeString(ctx.dir().resolve("samples.csv"), b.toString());
    }

    /** 2-D data: the samples over the data with three chains' paths; images: a row per chain; else null. */
    public static BufferedImage picture(Chains ch, Dataset data, String model) {
        int d = ch.d();
        if (d == 2) {
            String title = String.format(Locale.ROOT, "samples of %s: %d chains (sections 14.4, 14.5)", model, ch.n());
            try (Plane p = new Plane(ScoreField.box(data), 800, title)) {
                p.data(data);
                p.dots(ch.start(), ch.n(), 5, new Color(240, 150, 40));
                p.dots(ch.samples(), ch.count(), 4, new Color(30, 80, 200));
                p.g.setStroke(new BasicStroke(1.2f));
                Color path = new Color(40, 160, 60);
                for (float[] xs : ch.paths()) {
                    for (int t = 1; t < xs.length / 2; t++)
                        p.line(xs[2 * t - 2], xs[2 * t - 1], xs[2 * t], xs[2 * t + 1], path);
                }
                p.legend(0, new Color(150, 150, 150), "data");
                p.legend(1, new Color(240, 150, 40), "chain starts");
                p.legend(2, new Color(30, 80, 200), "samples");
                p.legend(3, path, "paths of " + ch.paths().size() + " chains");
                return p.image;
            }
        }
        int[] image = data.imageShape();
        if (image == null) return null;
        int rowsShown = Math.min(8, ch.n());
        int cols = Math.min(10, ch.perChain()) + 1;
        List<float[]> rows = new ArrayList<>();
        for (int c = 0; c < rowsShown; c++) {
            float[] row = new float[cols * d];
            System.arraycopy(ch.start(), c * d, row, 0, d);
            for (int k = 1; k < cols; k++) {
                int pick = (int) ((long) (k - 1) * ch.perChain() / (cols - 1));
                System.arraycopy(ch.means(), (c * ch.perChain() + pick) * d, row, k * d, d);
            }
            rows.add(row);
        }
        return Pictures.imageGrid(rows, cols, image[0], image[1], 3, 2);
    }
}
