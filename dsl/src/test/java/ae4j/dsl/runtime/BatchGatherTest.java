package ae4j.dsl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ae4j.vecmath.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A gathered batch holds the indexed rows in order, whether one thread copies it or its parts go to several. */
class BatchGatherTest {

    @Test
    void copiesTheIndexedRowsInOrderOnAnyThreadCount() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 400;
        int before = Parallel.threads();
        try {
            for (int d : new int[] {3, 784}) {
                float[] x = new float[n * d];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = (i * 97 + 11) % n; // a permutation: 97 and 400 are coprime
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    BatchGather g = new BatchGather();
                    // batches below and above the parallel threshold (128 x 784 is above), one not a multiple of 8
                    for (int rows : new int[] {1, 32, 128, 131}) {
                        int from = 250;
                        float[] buf = new float[rows * d + 5];
                        java.util.Arrays.fill(buf, Float.NaN);
                        g.gather(x, d, idx, from, Math.min(rows, n - from), buf);
                        float[] want = new float[rows * d + 5];
                        java.util.Arrays.fill(want, Float.NaN);
                        for (int r = 0; r < Math.min(rows, n - from); r++)
                            for (int j = 0; j < d; j++) want[r * d + j] = x[idx[from + r] * d + j];
                        assertArrayEquals(want, buf, "d " + d + ", " + rows + " rows, " + threads + " thread(s)");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
