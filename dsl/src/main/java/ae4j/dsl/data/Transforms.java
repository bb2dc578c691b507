package ae4j.dsl.data;

import ae4j.vecmath.Philox;
import java.util.Map;

/**
 * The data transforms of the language. Each returns a new data set and leaves its argument unchanged.
 * Linear transforms (scale, standardize) carry known tangents along (they are the tangents of the
 * transformed manifold); binarize drops them.
 */
public final class Transforms {

    /** Philox stream of shuffle's permutation. */
    static final int SHUFFLE_STREAM = 4;

    private Transforms() {}

    /** Applies the transform {@code name} with the checker's defaulted arguments. */
    public static Dataset apply(Dataset in, String name, Map<String, Object> args) {
        return switch (name) {
            case "scale" -> scale(in, Synthetic.numArg(args, "factor", 1));
            case "standardize" -> standardize(in);
            case "flatten" -> flatten(in);
            case "take" -> in.take(Synthetic.intArg(args, "n", 0));
            case "skip" -> in.skip(Synthetic.intArg(args, "n", 0));
            case "shuffle" -> shuffle(in, Synthetic.intArg(args, "seed", 0));
            case "binarize" -> binarize(in, Synthetic.numArg(args, "threshold", 0.5));
            default -> throw new IllegalArgumentException("unknown transform " + name);
        };
    }

    /** Every value (and tangent) times {@code factor}. */
    public static Dataset scale(Dataset in, double factor) {
        float f = (float) factor;
        float[] v = in.values().clone();
        for (int i = 0; i < v.length; i++) v[i] *= f;
        Dataset out = in.withValues(v);
        if (in.hasTangents()) {
            float[] t = in.tangentValues().clone();
            for (int i = 0; i < t.length; i++) t[i] *= f;
            out = out.withTangents(t, in.tangentCount());
        }
        return out;
    }

    /** Per-feature statistics of a data set: means and (population) standard deviations. */
    public record Stats(double[] mean, double[] std) {}

    public static Stats stats(Dataset in) {
        int n = in.size(), d = in.dim();
        float[] v = in.values();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += v[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= Math.max(1, n);
        double[] var = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double e = v[i * d + j] - mean[j];
                var[j] += e * e;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) std[j] = Math.sqrt(var[j] / Math.max(1, n));
        return new Stats(mean, std);
    }

    /**
     * Per feature: (x - mean) / std, with the data set's own mean and population standard deviation.
     * Constant features (std below 1e-12 times the feature's scale) become 0, never NaN.
     */
    public static Dataset standardize(Dataset in) {
        return standardize(in, stats(in));
    }

    /** Standardizes with given statistics (e.g. a training set's, for its test set). */
    public static Dataset standardize(Dataset in, Stats s) {
        int n = in.size(), d = in.dim();
        if (s.mean().length != d)
            throw new IllegalArgumentException(
                    "statistics of dimension " + s.mean().length + " for data of dimension " + d);
        double[] inv = new double[d];
        for (int j = 0; j < d; j++) {
            double tol = 1e-12 * Math.max(1, Math.abs(s.mean()[j]));
            inv[j] = s.std()[j] > tol ? 1 / s.std()[j] : 0;
        }
        float[] v = in.values();
        float[] o = new float[v.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) o[i * d + j] = (float) ((v[i * d + j] - s.mean()[j]) * inv[j]);
        }
        Dataset out = in.withValues(o);
        if (in.hasTangents()) {
            float[] t = in.tangentValues().clone();
            for (int r = 0; r < t.length / d; r++)
                for (int j = 0; j < d; j++) t[r * d + j] = (float) (t[r * d + j] * inv[j]);
            out = out.withTangents(t, in.tangentCount());
        }
        return out;
    }

    /** One vector per example: shape [dim]. */
    public static Dataset flatten(Dataset in) {
        return in.reshaped(in.dim());
    }

    /**
     * A permutation of the examples: Fisher-Yates from the last index down, position i swapped with
     * j = floor(w * (i + 1) / 2^32), w the Philox word of element i in stream 4 under {@code seed}.
     */
    public static Dataset shuffle(Dataset in, long seed) {
        return in.subset(permutation(in.size(), seed));
    }

    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        int[] w = new int[n];
        Philox.words(seed, SHUFFLE_STREAM, 0, w, 0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (((w[i] & 0xFFFFFFFFL) * (i + 1)) >>> 32);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** 1 where the value is above {@code threshold}, else 0. Known tangents are dropped. */
    public static Dataset binarize(Dataset in, double threshold) {
        float[] v = in.values();
        float[] o = new float[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] > threshold ? 1f : 0f;
        return in.withValues(o).withTangents(null, 0);
    }

    /**
     * Splits in two without shuffling: the first round(fraction * n) examples, then the rest (shuffle
     * first if the data are sorted).
     */
    public static Dataset[] split(Dataset in, double fraction) {
        if (!(fraction >= 0 && fraction <= 1))
            throw new DataException("split: fraction must be in [0, 1], got " + fraction);
        int first = (int) Math.round(fraction * in.size());
        return new Dataset[] {in.range(0, first), in.range(first, in.size())};
    }
}
