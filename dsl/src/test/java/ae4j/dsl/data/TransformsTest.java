package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransformsTest {

    /** n examples of 3 features: x0 = i, x1 = 2i + 5 (with labels), x2 = 7 (constant). */
    static Dataset ramp(int n) {
        float[] v = new float[3 * n];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            v[3 * i] = i;
            v[3 * i + 1] = 2 * i + 5;
            v[3 * i + 2] = 7;
            l[i] = i;
        }
        return new Dataset("r", v, n, new int[] {3}, l, null, 0, null, 0);
    }

    @Test
    void standardizeGivesZeroMeanUnitStdAndLeavesConstantsAtZero() {
        Dataset s = Transforms.standardize(ramp(101));
        Transforms.Stats st = Transforms.stats(s);
        for (int j = 0; j < 2; j++) {
            assertEquals(0, st.mean()[j], 1e-6);
            assertEquals(1, st.std()[j], 1e-6);
        }
        for (int i = 0; i < s.size(); i++) assertEquals(0f, s.get(i, 2));
        for (float v : s.values()) assertFalse(Float.isNaN(v));
    }

    @Test
    void standardizeAndScaleTransformTangentsToo() {
        Dataset c = Synthetic.generate("c", "circle", Map.of("n", 50, "radius", 2.0));
        Dataset s = Transforms.scale(c, 3);
        assertEquals(3 * c.get(4, 1), s.get(4, 1), 1e-6);
        assertEquals(3 * c.tangent(4, 0)[0], s.tangent(4, 0)[0], 1e-6);
        Dataset z = Transforms.standardize(c);
        Transforms.Stats st = Transforms.stats(c);
        assertEquals(c.tangent(7, 0)[1] / st.std()[1], z.tangent(7, 0)[1], 1e-5);
    }

    @Test
    void scaleFlattenTakeSkipBinarize() {
        Dataset img = new Dataset(
                "i", new float[] {0, 51, 102, 255, 10, 20, 30, 40}, 2, new int[] {2, 2}, null, null, 0, null, 0);
        Dataset s = Transforms.apply(img, "scale", Map.of("factor", 1 / 255.0));
        assertEquals(0.4f, s.get(0, 2), 1e-6);
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(
                new int[] {4}, Transforms.apply(img, "flatten", Map.of()).shape());
        Dataset b = Transforms.apply(s, "binarize", Map.of("threshold", 0.3));
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0}, b.values());
        Dataset r = ramp(10);
        assertArrayEquals(
                new int[] {0, 1, 2}, Transforms.apply(r, "take", Map.of("n", 3)).labels());
        assertArrayEquals(
                new int[] {8, 9}, Transforms.apply(r, "skip", Map.of("n", 8)).labels());
        assertEquals(10, r.take(50).size());
        assertEquals(0, r.skip(50).size());
    }

    @Test
    void shuffleIsASeededPermutationKeepingRowsTogether() {
        Dataset r = ramp(200);
        Dataset a = Transforms.shuffle(r, 3), b = Transforms.shuffle(r, 3), c = Transforms.shuffle(r, 4);
        assertArrayEquals(a.values(), b.values());
        assertFalse(Arrays.equals(a.labels(), c.labels()));
        assertFalse(Arrays.equals(a.labels(), r.labels()));
        int[] sorted = a.labels().clone();
        Arrays.sort(sorted);
        assertArrayEquals(r.labels(), sorted);
        for (int i = 0; i < a.size(); i++) {
            int l = a.label(i);
            assertEquals(l, a.get(i, 0));
            assertEquals(2 * l + 5, a.get(i, 1));
        }
    }

    @Test
    void splitSizesAndDisjointness() {
        Dataset r = ramp(11);
        Dataset[] p = Transforms.split(r, 0.7);
        assertEquals(8, p[0].size()); // round(7.7)
        assertEquals(3, p[1].size());
        Set<Integer> seen = new HashSet<>();
        for (Dataset d : p) for (int l : d.labels()) assertTrue(seen.add(l), "example " + l + " in both parts");
        assertEquals(11, seen.size());
        assertEquals(0, Transforms.split(r, 0.0)[0].size());
        assertNotEquals(p[0].label(0), p[1].label(0));
    }
}
