package ae4j.vecmath.reference;

/** The optimizer updates of {@link ae4j.vecmath.Updates} written from their textbook definitions, in double. */
public final class ScalarUpdates {

    private ScalarUpdates() {}

    public static void sgd(int n, float lr, float wd, float[] p, float[] g) {
        for (int i = 0; i < n; i++) p[i] = (float) (p[i] - (double) lr * (g[i] + (double) wd * p[i]));
    }

    public static void momentum(
            int n, float lr, float mu, float wd, boolean nesterov, float[] p, float[] g, float[] v) {
        for (int i = 0; i < n; i++) {
            double grad = g[i] + (double) wd * p[i];
            double vel = (double) mu * v[i] + grad;
            v[i] = (float) vel;
            double step = nesterov ? grad + mu * vel : vel;
            p[i] = (float) (p[i] - lr * step);
        }
    }

    public static void adam(
            int n,
            float lr,
            float b1,
            float b2,
            float eps,
            float wd,
            boolean decoupled,
            int t,
            float[] p,
            float[] g,
            float[] m,
            float[] v) {
        double c1 = 1 - Math.pow(b1, t);
        double c2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < n; i++) {
            double grad = g[i] + (decoupled ? 0 : (double) wd * p[i]);
            double mm = b1 * (double) m[i] + (1 - (double) b1) * grad;
            double vv = b2 * (double) v[i] + (1 - (double) b2) * grad * grad;
            m[i] = (float) mm;
            v[i] = (float) vv;
            double param = decoupled ? p[i] * (1 - (double) lr * wd) : p[i];
            p[i] = (float) (param - lr * (mm / c1) / (Math.sqrt(vv / c2) + eps));
        }
    }
}
