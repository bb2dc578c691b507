package ae4j.dsl.data;

import ae4j.vecmath.Philox;

/**
 * A curve or a surface in R^3 placed in R^ambient by a random rotation (section 14.6): x = Q phi(s), Q an
 * ambient x 3 matrix with orthonormal columns (the first three columns of a random rotation of
 * R^ambient, by Gram-Schmidt on Philox Gaussians). Tangents are Q d phi / d s_i, exact.
 *
 * <ul>
 * <li>intrinsic 1, s in [0, 2 pi): phi(s) = (cos s, sin s, 0.5 sin 2s), a closed saddle-shaped curve;
 * d phi / ds = (-sin s, cos s, cos 2s).
 * <li>intrinsic 2, (u, v) in [-1, 1]^2: phi(u, v) = (u, v, 0.5 (u^2 - v^2)), a saddle;
 * d phi / du = (1, 0, u), d phi / dv = (0, 1, -v).
 * </ul>
 * Q depends only on (intrinsic, ambient), not on the data seed, so that a training set and a test set
 * drawn with different seeds lie on the same manifold.
 */
public final class EmbeddedManifold {

    /** Dimension of the space phi maps into. */
    public static final int BASE = 3;

    private static final long FRAME_SEED = 0x5EED_14_06L;

    private final int intrinsic;
    private final int ambient;
    /** ambient x BASE, row-major. */
    private final double[] frame;

    public EmbeddedManifold(int intrinsic, int ambient) {
        if (intrinsic != 1 && intrinsic != 2) {
            throw new DataException(
                    "embedded_manifold: intrinsic must be 1 (a curve) or 2 (a surface), got " + intrinsic);
        }
        if (ambient < BASE) {
            throw new DataException("embedded_manifold: ambient must be at least " + BASE + " (the "
                    + (intrinsic == 1 ? "curve" : "surface") + " lives in R^3 before the rotation), got " + ambient);
        }
        this.intrinsic = intrinsic;
        this.ambient = ambient;
        this.frame = frame(intrinsic, ambient);
    }

    private static double[] frame(int intrinsic, int ambient) {
        float[] z = new float[ambient * BASE];
        Philox.gaussian(FRAME_SEED + 1000L * intrinsic + ambient, 3, 0, 0f, 1f, z, 0, z.length);
        double[][] cols = new double[BASE][ambient];
        for (int j = 0; j < BASE; j++) {
            for (int i = 0; i < ambient; i++) cols[j][i] = z[j * ambient + i];
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < ambient; i++) dot += cols[j][i] * cols[p][i];
                    for (int i = 0; i < ambient; i++) cols[j][i] -= dot * cols[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < ambient; i++) norm += cols[j][i] * cols[j][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < ambient; i++) cols[j][i] /= norm;
        }
        double[] q = new double[ambient * BASE];
        for (int i = 0; i < ambient; i++) for (int j = 0; j < BASE; j++) q[i * BASE + j] = cols[j][i];
        return q;
    }

    public int intrinsic() {
        return intrinsic;
    }

    public int ambient() {
        return ambient;
    }

    /** Q: ambient x 3 with orthonormal columns, row-major (a copy). */
    public double[] frame() {
        return frame.clone();
    }

    /** phi(s) in R^3. */
    public double[] base(double[] s) {
        if (intrinsic == 1) return new double[] {Math.cos(s[0]), Math.sin(s[0]), 0.5 * Math.sin(2 * s[0])};
        return new double[] {s[0], s[1], 0.5 * (s[0] * s[0] - s[1] * s[1])};
    }

    /** d phi / d s_j in R^3. */
    public double[] baseTangent(double[] s, int j) {
        if (intrinsic == 1) return new double[] {-Math.sin(s[0]), Math.cos(s[0]), Math.cos(2 * s[0])};
        return j == 0 ? new double[] {1, 0, s[0]} : new double[] {0, 1, -s[1]};
    }

    /** The point Q phi(s) in R^ambient. */
    public double[] point(double[] s) {
        return embed(base(s));
    }

    /** The tangent Q d phi / d s_j in R^ambient. */
    public double[] tangent(double[] s, int j) {
        return embed(baseTangent(s, j));
    }

    /** Q y for y in R^3. */
    public double[] embed(double[] y) {
        double[] x = new double[ambient];
        for (int i = 0; i < ambient; i++) {
            x[i] = frame[i * BASE] * y[0] + frame[i * BASE + 1] * y[1] + frame[i * BASE + 2] * y[2];
        }
        return x;
    }
}
