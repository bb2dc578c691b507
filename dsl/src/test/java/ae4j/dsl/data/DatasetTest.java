package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetTest {

    static Dataset sample() {
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) v[i] = i;
        float[] t = new float[12];
        for (int i = 0; i < 12; i++) t[i] = -i;
        return new Dataset(
                "s", v, 4, new int[] {3}, new int[] {10, 11, 12, 13}, t, 1, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 1);
    }

    @Test
    void rowsAndBatchesIntoCallerBuffers() {
        Dataset d = sample();
        assertArrayEquals(new float[] {3, 4, 5}, d.row(1));
        float[] buf = new float[9];
        d.batch(new int[] {3, 0, 2}, 0, 2, buf);
        assertArrayEquals(new float[] {9, 10, 11, 0, 1, 2, 0, 0, 0}, buf);
        d.batch(1, 3, buf);
        assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8, 9, 10, 11}, buf);
        assertThrows(IndexOutOfBoundsException.class, () -> d.batch(2, 3, buf));
    }

    @Test
    void subsetsCarryLabelsTangentsAndLatents() {
        Dataset d = sample().subset(new int[] {2, 0});
        assertArrayEquals(new float[] {6, 7, 8, 0, 1, 2}, d.values());
        assertArrayEquals(new int[] {12, 10}, d.labels());
        assertArrayEquals(new float[] {-6, -7, -8}, d.tangent(0, 0));
        assertEquals(0.3f, d.latent(0)[0]);
        Dataset r = sample().range(1, 3);
        assertArrayEquals(new int[] {11, 12}, r.labels());
        assertArrayEquals(new float[] {-3, -4, -5}, r.tangent(0, 0));
        assertEquals(2, sample().skip(2).size());
    }

    @Test
    void inconsistentSizesAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Dataset("x", new float[5], 2, new int[] {3}, null, null, 0, null, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Dataset("x", new float[6], 2, new int[] {3}, new int[3], null, 0, null, 0));
    }

    /** Fashion-MNIST's files (in a folder named fashion-mnist) name their classes; names survive take and subset. */
    @Test
    void fashionMnistLabelsHaveTheirClassNames() {
        Dataset d = new Dataset("d", new float[4], 4, new int[] {1}, new int[] {0, 1, 9, 3}, null, 0, null, 0);
        assertEquals("label 1", d.className(1));
        Dataset named = ClassNames.named(d, java.nio.file.Path.of("/data/fashion-mnist/train-images-idx3-ubyte.gz"));
        assertEquals("Trouser", named.className(1));
        assertEquals("Ankle boot", named.take(3).className(9));
        assertEquals("Dress", named.subset(new int[] {3}).className(3));
        assertEquals("label 10", named.className(10));
        assertEquals(
                "label 1",
                ClassNames.named(d, java.nio.file.Path.of("/data/mnist/x.gz")).className(1));
    }
}
