package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Semantic hashing (14.9): binary addresses and Hamming retrieval. */
class RetrievalTest {

    /** n codes of `bits` sigmoid-like units: class c has its own prototype address, each unit flipped with prob `flip`. */
    static float[] toyCodes(int n, int bits, int classes, double flip, int[] labels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[][] proto = new boolean[classes][bits];
        for (int c = 0; c < classes; c++) for (int j = 0; j < bits; j++) proto[c][j] = r.nextBoolean();
        float[] h = new float[n * bits];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            labels[i] = c;
            for (int j = 0; j < bits; j++) {
                boolean b = proto[c][j] ^ (r.nextDouble() < flip);
                h[i * bits + j] = (float) (b ? 0.95 - 0.2 * r.nextDouble() : 0.05 + 0.2 * r.nextDouble());
            }
        }
        return h;
    }

    @Test
    void wellSeparatedClassesAreRetrievedWithHighPrecisionAtK() {
        int n = 400, bits = 16;
        int[] labels = new int[n];
        float[] h = toyCodes(n, bits, 4, 0.05, labels, 7);
        Retrieval.Stats s = Retrieval.evaluate(h, n, bits, bits, labels, 10);
        System.out.printf(
                "toy retrieval, 4 classes, 16 bits, 5%% flips: precision@10 %.4f, ball precision %.4f (mean size %.1f), "
                        + "chance %.4f, saturated %.3f, distinct %d%n",
                s.precisionAtK(), s.ballPrecision(), s.meanBallSize(), s.chance(), s.saturated(), s.distinctCodes());
        assertTrue(s.precisionAtK() > 0.99, "precision@10 " + s.precisionAtK());
        assertTrue(s.ballPrecision() > 0.99, "ball precision " + s.ballPrecision());
        assertEquals(99.0 / 399, s.chance(), 1e-9);
        // Values drawn in [0.05, 0.25] or [0.75, 0.95]: exactly the ones within 0.1 of 0 or 1 are saturated, about 1/4.
        assertTrue(s.saturated() > 0.2 && s.saturated() < 0.3, "saturated " + s.saturated());
    }

    @Test
    void randomAddressesGiveChancePrecision() {
        int n = 400, bits = 16;
        int[] labels = new int[n];
        float[] h = toyCodes(n, bits, 4, 0.5, labels, 8); // flips with prob 1/2: addresses independent of the class
        Retrieval.Stats s = Retrieval.evaluate(h, n, bits, bits, labels, 10);
        System.out.printf("random addresses: precision@10 %.4f, chance %.4f%n", s.precisionAtK(), s.chance());
        assertEquals(s.chance(), s.precisionAtK(), 0.05);
    }

    @Test
    void tiesAtTheKthDistanceCountInExpectation() {
        // Query 0 at address 00; two others at distance 0 (one same label, one not) and nothing else nearer.
        float[] h = {0, 0, 0, 0, 0, 0, 1, 1};
        int[] labels = {0, 0, 1, 0};
        Retrieval.Stats s = Retrieval.evaluate(h, 4, 2, 2, labels, 1);
        // Query 0: ties {1 (same), 2 (other)} -> 1/2. Query 1: {0 same, 2 other} -> 1/2. Query 2: {0, 1 both other} ->
        // 0.
        // Query 3 (address 11): nearest at distance 2 are 0, 1, 2; 2 of 3 share label 0 -> 2/3.
        assertEquals((0.5 + 0.5 + 0 + 2.0 / 3) / 4, s.precisionAtK(), 1e-12);
        assertEquals(2, s.distinctCodes());
        assertEquals(1.0, s.saturated(), 0);
    }
}
