package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticTest {

    static Dataset gen(String source, Object... kv) {
        Map<String, Object> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) a.put((String) kv[i], kv[i + 1]);
        return Synthetic.generate(source, source, a);
    }

    @Test
    void shapes() {
        Dataset s = gen("spiral", "n", 50);
        assertEquals(50, s.size());
        assertArrayEquals(new int[] {2}, s.shape());
        assertEquals(1, s.tangentCount());
        Dataset m = gen("two_moons", "n", 11);
        assertArrayEquals(new int[] {2}, m.shape());
        assertTrue(m.hasLabels());
        Dataset g = gen("gaussian_mixture", "n", 40, "k", 3, "dim", 5, "spread", 0.5);
        assertArrayEquals(new int[] {5}, g.shape());
        assertTrue(Arrays.stream(g.labels()).allMatch(l -> l >= 0 && l < 3));
        assertFalse(g.hasTangents());
        Dataset c = gen("circle", "n", 30, "radius", 2.5);
        for (int i = 0; i < c.size(); i++) assertEquals(2.5, Math.hypot(c.get(i, 0), c.get(i, 1)), 1e-5);
        Dataset r = gen("swiss_roll", "n", 20);
        assertArrayEquals(new int[] {3}, r.shape());
        assertEquals(2, r.tangentCount());
        Dataset t = gen("translated_template", "n", 7, "size", 12, "shift", 3);
        assertArrayEquals(new int[] {12, 12}, t.shape());
        assertEquals(144, t.dim());
        assertEquals(1, t.tangentCount());
        Dataset e1 = gen("embedded_manifold", "n", 9, "ambient", 20);
        assertArrayEquals(new int[] {20}, e1.shape());
        assertEquals(1, e1.tangentCount());
        Dataset e2 = gen("embedded_manifold", "n", 9, "intrinsic", 2, "ambient", 6);
        assertEquals(2, e2.tangentCount());
        assertEquals(1000, gen("circle").size()); // default n
    }

    @Test
    void deterministicPerSeed() {
        for (String src : new String[] {
            "spiral",
            "two_moons",
            "gaussian_mixture",
            "circle",
            "swiss_roll",
            "translated_template",
            "embedded_manifold"
        }) {
            Object[] size = src.equals("translated_template") ? new Object[] {"size", 8, "shift", 2} : new Object[0];
            Dataset a = gen(src, concat(size, "n", 25, "seed", 3, "noise", 0.1));
            Dataset b = gen(src, concat(size, "n", 25, "seed", 3, "noise", 0.1));
            Dataset c = gen(src, concat(size, "n", 25, "seed", 4, "noise", 0.1));
            assertArrayEquals(a.values(), b.values(), src);
            assertFalse(Arrays.equals(a.values(), c.values()), src);
        }
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    @Test
    void noiseIsIsotropicGaussianAndTangentsUnchanged() {
        Dataset clean = gen("embedded_manifold", "n", 400, "ambient", 10, "seed", 5);
        Dataset noisy = gen("embedded_manifold", "n", 400, "ambient", 10, "seed", 5, "noise", 0.2);
        double s = 0, s2 = 0;
        int m = clean.values().length;
        for (int i = 0; i < m; i++) {
            double d = noisy.values()[i] - clean.values()[i];
            s += d;
            s2 += d * d;
        }
        assertEquals(0, s / m, 0.02);
        assertEquals(0.2, Math.sqrt(s2 / m), 0.01);
        assertArrayEquals(clean.tangentValues(), noisy.tangentValues());
        assertArrayEquals(clean.latentValues(), noisy.latentValues());
    }

    @Test
    void translatedTemplateTangentIsFiniteDifferenceOfGeneratingFunction() {
        int size = 16, shift = 4;
        Dataset d = gen("translated_template", "n", 6, "size", size, "shift", shift, "seed", 2);
        TranslatedTemplate tpl = new TranslatedTemplate(size);
        double h = 1e-3;
        for (int i = 0; i < d.size(); i++) {
            double t = d.latent(i)[0];
            assertTrue(t >= -shift && t <= shift);
            float[] tan = d.tangent(i, 0);
            double norm = 0;
            for (int r = 0; r < size; r++) {
                for (int x = 0; x < size; x++) {
                    // the image is T(r, x - t): shifting by t moves the template right by t
                    assertEquals(tpl.value(r, x - t), d.get(i, r * size + x), 1e-6);
                    double fd = (tpl.value(r, x - (t + h)) - tpl.value(r, x - (t - h))) / (2 * h);
                    assertEquals(fd, tan[r * size + x], 1e-5, "pixel " + r + "," + x);
                    norm += fd * fd;
                }
            }
            assertTrue(norm > 0.01, "tangent is not trivially zero");
        }
    }

    @Test
    void embeddedManifoldTangentsMatchFiniteDifferencesAndAreNormalToTheComplement() {
        for (int intrinsic = 1; intrinsic <= 2; intrinsic++) {
            int amb = 12;
            Dataset d = gen("embedded_manifold", "n", 20, "intrinsic", intrinsic, "ambient", amb, "seed", 1);
            EmbeddedManifold m = new EmbeddedManifold(intrinsic, amb);
            double[] q = m.frame();
            // the frame is orthonormal
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double dot = 0;
                    for (int i = 0; i < amb; i++) dot += q[i * 3 + a] * q[i * 3 + b];
                    assertEquals(a == b ? 1 : 0, dot, 1e-12);
                }
            }
            // normal directions of the embedding: vectors orthogonal to the frame's span
            double[][] normals = new double[5][amb];
            for (int k = 0; k < normals.length; k++) {
                for (int i = 0; i < amb; i++) normals[k][i] = Math.sin(7.3 * (k + 1) * (i + 1));
                for (int a = 0; a < 3; a++) {
                    double dot = 0;
                    for (int i = 0; i < amb; i++) dot += normals[k][i] * q[i * 3 + a];
                    for (int i = 0; i < amb; i++) normals[k][i] -= dot * q[i * 3 + a];
                }
            }
            double h = 1e-4;
            for (int i = 0; i < d.size(); i++) {
                double[] s = new double[intrinsic];
                for (int j = 0; j < intrinsic; j++) s[j] = d.latent(i)[j];
                double[] p = m.point(s);
                for (int c = 0; c < amb; c++) assertEquals(p[c], d.get(i, c), 1e-6);
                for (int j = 0; j < intrinsic; j++) {
                    float[] tan = d.tangent(i, j);
                    double[] sp = s.clone(), sm = s.clone();
                    sp[j] += h;
                    sm[j] -= h;
                    double[] a = m.point(sp), b = m.point(sm);
                    for (int c = 0; c < amb; c++) assertEquals((a[c] - b[c]) / (2 * h), tan[c], 1e-5);
                    for (double[] nrm : normals) {
                        double dot = 0, nn = 0;
                        for (int c = 0; c < amb; c++) {
                            dot += nrm[c] * tan[c];
                            nn += nrm[c] * nrm[c];
                        }
                        assertEquals(0, dot / Math.sqrt(nn), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void embeddedManifoldRotationDoesNotDependOnTheSeed() {
        Dataset a = gen("embedded_manifold", "n", 30, "ambient", 8, "seed", 1);
        Dataset b = gen("embedded_manifold", "n", 30, "ambient", 8, "seed", 2);
        EmbeddedManifold m = new EmbeddedManifold(1, 8);
        for (Dataset d : new Dataset[] {a, b}) {
            for (int i = 0; i < d.size(); i++) {
                double[] p = m.point(new double[] {d.latent(i)[0]});
                for (int c = 0; c < 8; c++) assertEquals(p[c], d.get(i, c), 1e-6);
            }
        }
    }

    @Test
    void toyTangentsMatchTheirDocumentedMaps() {
        double h = 1e-4;
        Dataset c = gen("circle", "n", 20, "radius", 2.0);
        for (int i = 0; i < c.size(); i++) {
            float[] t = c.tangent(i, 0);
            assertEquals(0, t[0] * c.get(i, 0) + t[1] * c.get(i, 1), 1e-5); // tangent perpendicular to the radius
            assertEquals(2.0, Math.hypot(t[0], t[1]), 1e-5);
        }
        Dataset s = gen("spiral", "n", 20, "turns", 3.0);
        for (int i = 0; i < s.size(); i++) {
            double t = s.latent(i)[0];
            double[] a = spiral(t + h, 3), b = spiral(t - h, 3), p = spiral(t, 3);
            assertEquals(p[0], s.get(i, 0), 1e-6);
            assertEquals((a[0] - b[0]) / (2 * h), s.tangent(i, 0)[0], 1e-3);
            assertEquals((a[1] - b[1]) / (2 * h), s.tangent(i, 0)[1], 1e-3);
        }
        Dataset r = gen("swiss_roll", "n", 20);
        for (int i = 0; i < r.size(); i++) {
            double t = r.latent(i)[0];
            assertTrue(t >= 1.5 * Math.PI && t <= 4.5 * Math.PI);
            float[] dt = r.tangent(i, 0);
            assertEquals(((t + h) * Math.cos(t + h) - (t - h) * Math.cos(t - h)) / (2 * h), dt[0], 1e-4);
            assertEquals(((t + h) * Math.sin(t + h) - (t - h) * Math.sin(t - h)) / (2 * h), dt[2], 1e-4);
            assertArrayEquals(new float[] {0, 1, 0}, r.tangent(i, 1));
        }
        Dataset m = gen("two_moons", "n", 20);
        for (int i = 0; i < m.size(); i++) {
            float[] t = m.tangent(i, 0);
            double cx = m.label(i) == 0 ? 0 : 1, cy = m.label(i) == 0 ? 0 : 0.5;
            assertEquals(0, t[0] * (m.get(i, 0) - cx) + t[1] * (m.get(i, 1) - cy), 1e-5);
            assertEquals(1, Math.hypot(m.get(i, 0) - cx, m.get(i, 1) - cy), 1e-5);
        }
    }

    private static double[] spiral(double t, double turns) {
        double a = 2 * Math.PI * turns * t, r = 0.1 + 0.9 * t;
        return new double[] {r * Math.cos(a), r * Math.sin(a)};
    }

    @Test
    void gaussianMixtureSamplesItsModelAndScoreIsExact() {
        Map<String, Object> args = Map.of("n", 4000, "k", 4, "dim", 2, "spread", 0.5, "noise", 0.3, "seed", 9);
        Dataset d = Synthetic.generate("g", "gaussian_mixture", args);
        GaussianMixture gm = Synthetic.mixtureOf(args);
        assertEquals(0.25 + 0.09, gm.variance(), 1e-12);
        int[] count = new int[4];
        double[][] sum = new double[4][2];
        double[] sq = new double[4];
        for (int i = 0; i < d.size(); i++) {
            int j = d.label(i);
            count[j]++;
            for (int c = 0; c < 2; c++) sum[j][c] += d.get(i, c);
        }
        for (int i = 0; i < d.size(); i++) {
            int j = d.label(i);
            for (int c = 0; c < 2; c++) {
                double e = d.get(i, c) - gm.means()[j][c];
                sq[j] += e * e;
            }
        }
        for (int j = 0; j < 4; j++) {
            assertEquals(1000, count[j], 120);
            for (int c = 0; c < 2; c++) assertEquals(gm.means()[j][c], sum[j][c] / count[j], 0.06);
            assertEquals(gm.variance(), sq[j] / (2 * count[j]), 0.04);
        }
        assertEquals(gm.variance(), gm.covariance(2)[1][1]);
        assertEquals(0, gm.covariance(2)[0][1]);
        // the score is the gradient of the log of the smoothed density
        double sigma = 0.4, h = 1e-5;
        double[] x = {1.3, -0.7}, g = new double[2];
        gm.score(x, sigma, g);
        for (int c = 0; c < 2; c++) {
            double[] a = x.clone(), b = x.clone();
            a[c] += h;
            b[c] -= h;
            assertEquals((gm.logDensity(a, sigma) - gm.logDensity(b, sigma)) / (2 * h), g[c], 1e-6);
        }
    }

    @Test
    void impossibleArgumentsAreDataErrors() {
        assertTrue(assertThrows(DataException.class, () -> gen("embedded_manifold", "intrinsic", 3))
                .getMessage()
                .contains("intrinsic must be 1 (a curve) or 2 (a surface), got 3"));
        assertTrue(assertThrows(DataException.class, () -> gen("embedded_manifold", "ambient", 2))
                .getMessage()
                .contains("ambient must be at least 3"));
        assertNull(gen("circle", "n", 3).labels());
    }
}
