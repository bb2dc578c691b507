package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.vecmath.reference.ScalarUpdates;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Optimizer kernels against their textbook twins in double, over several steps, at odd sizes. Tolerance:
 * 1e-5 relative to the parameter's magnitude plus 1e-6 (float rounding of a few operations per step,
 * compounded over 5 steps).
 */
class UpdatesTest {

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static void close(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-5 * Math.abs(want[i]) + 1e-6;
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + "[" + i + "]: " + got[i] + " vs " + want[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 17, 33, 1001})
    void sgdAndMomentumMatchTheirDefinitions(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] p = random(r, n), p2 = p.clone(), v = new float[n], v2 = new float[n];
        float[] q = random(r, n), q2 = q.clone(), w = new float[n], w2 = new float[n];
        float[] s = random(r, n), s2 = s.clone();
        for (int step = 0; step < 5; step++) {
            float[] g = random(r, n);
            Updates.momentum(n, 0.05f, 0.9f, 1e-3f, false, p, g, v);
            ScalarUpdates.momentum(n, 0.05f, 0.9f, 1e-3f, false, p2, g, v2);
            Updates.momentum(n, 0.05f, 0.9f, 0f, true, q, g, w);
            ScalarUpdates.momentum(n, 0.05f, 0.9f, 0f, true, q2, g, w2);
            Updates.sgd(n, 0.1f, 0.01f, s, g);
            ScalarUpdates.sgd(n, 0.1f, 0.01f, s2, g);
        }
        close(p2, p, "momentum p");
        close(v2, v, "momentum v");
        close(q2, q, "nesterov p");
        close(s2, s, "sgd p");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 17, 33, 1001})
    void adamAndAdamWMatchTheirDefinitions(int n) {
        for (boolean decoupled : new boolean[] {false, true}) {
            SplittableRandom r = new SplittableRandom(n + (decoupled ? 100 : 0));
            float[] p = random(r, n), p2 = p.clone();
            float[] m = new float[n], m2 = new float[n], v = new float[n], v2 = new float[n];
            for (int t = 1; t <= 5; t++) {
                float[] g = random(r, n);
                float c1 = (float) (1 - Math.pow(0.9, t)), c2 = (float) (1 - Math.pow(0.999, t));
                Updates.adam(n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, c1, c2, p, g, m, v);
                ScalarUpdates.adam(n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, t, p2, g, m2, v2);
            }
            close(p2, p, (decoupled ? "adamw" : "adam") + " p");
            close(m2, m, "m");
            close(v2, v, "v");
        }
    }

    /** Adam's first step moves every parameter by about lr (bias correction), whatever the gradient scale. */
    @Test
    void adamFirstStepIsAboutTheLearningRate() {
        float[] p = new float[20], m = new float[20], v = new float[20], g = new float[20];
        for (int i = 0; i < 20; i++) g[i] = (float) Math.pow(10, i % 7 - 3) * (i % 2 == 0 ? 1 : -1);
        Updates.adam(20, 0.01f, 0.9f, 0.999f, 1e-12f, 0f, false, 0.1f, 0.001f, p, g, m, v);
        for (int i = 0; i < 20; i++) assertEquals(-Math.signum(g[i]) * 0.01, p[i], 1e-6);
    }
}
