package ae4j.dsl.data;

/**
 * Figure 14.6: one smooth image translated horizontally, a 1-D manifold in R^(size*size) whose tangent is
 * known in closed form.
 *
 * <p>The template, on pixel coordinates (row r, column x), with s = size and c = (s - 1) / 2:
 * <pre>
 * G(r, x) = exp(-(x - c)^2 / (2 (0.12 s)^2) - (r - c)^2 / (2 (0.22 s)^2))
 *         + 0.8 exp(-((x - c - 0.1 s)^2 + (r - c + 0.18 s)^2) / (2 (0.07 s)^2))
 * T(r, x) = 1 - exp(-1.5 G(r, x))          (smooth, in [0, 1), not symmetric)
 * </pre>
 * The image at shift t is {@code I_t(r, x) = T(r, x - t)} (row-major, size * size values), and its tangent
 * is {@code dI_t/dt (r, x) = -dT/dx (r, x - t)}, evaluated analytically.
 */
public final class TranslatedTemplate {

    private final int size;
    private final double c;
    private final double sx1;
    private final double sr1;
    private final double s2;
    private final double cx2;
    private final double cr2;

    public TranslatedTemplate(int size) {
        if (size < 1) throw new DataException("translated_template needs size >= 1, got " + size);
        this.size = size;
        this.c = (size - 1) / 2.0;
        this.sx1 = 0.12 * size;
        this.sr1 = 0.22 * size;
        this.s2 = 0.07 * size;
        this.cx2 = c + 0.1 * size;
        this.cr2 = c - 0.18 * size;
    }

    public int size() {
        return size;
    }

    /** The image at shift t into {@code out[off .. off + size^2)}. */
    public void image(double t, float[] out, int off) {
        for (int r = 0; r < size; r++) {
            for (int x = 0; x < size; x++) {
                double g = g(r, x - t);
                out[off + r * size + x] = (float) (1 - Math.exp(-1.5 * g));
            }
        }
    }

    /** d image / d t at shift t into {@code out[off .. off + size^2)}. */
    public void tangent(double t, float[] out, int off) {
        for (int r = 0; r < size; r++) {
            for (int x = 0; x < size; x++) {
                double u = x - t;
                double g = g(r, u);
                double g1 = Math.exp(-sq(u - c) / (2 * sx1 * sx1) - sq(r - c) / (2 * sr1 * sr1));
                double g2 = 0.8 * Math.exp(-(sq(u - cx2) + sq(r - cr2)) / (2 * s2 * s2));
                double dGdu = -g1 * (u - c) / (sx1 * sx1) - g2 * (u - cx2) / (s2 * s2);
                double dTdu = 1.5 * Math.exp(-1.5 * g) * dGdu;
                out[off + r * size + x] = (float) -dTdu;
            }
        }
    }

    /** The template's value at (row r, column u), in double. */
    public double value(double r, double u) {
        return 1 - Math.exp(-1.5 * g(r, u));
    }

    private double g(double r, double u) {
        return Math.exp(-sq(u - c) / (2 * sx1 * sx1) - sq(r - c) / (2 * sr1 * sr1))
                + 0.8 * Math.exp(-(sq(u - cx2) + sq(r - cr2)) / (2 * s2 * s2));
    }

    private static double sq(double v) {
        return v * v;
    }
}
