package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Semantic hashing (14.9): binary addresses, Hamming-ball and nearest-neighbour retrieval against labels. */
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
                h[i * bits + j] = (float) (b ? 0.99 - 0.2 * r.nextDouble() : 0.01 + 0.2 * r.nextDouble());
            }
        }
        return h;
    }

    static int[] all(int n) {
        int[] q = new int[n];
        for (int i = 0; i < n; i++) q[i] = i;
        return q;
    }

    static HammingRetrieval.Figures figures(float[] h, int n, int bits, int[] labels, int k, int radius) {
        return HammingRetrieval.evaluate("toy", Retrieval.binarise(h, n, bits, bits), bits, labels, k, radius, all(n));
    }

    @Test
    void wellSeparatedClassesAreRetrievedWithHighPrecision() {
        int n = 400, bits = 16;
        int[] labels = new int[n];
        float[] h = toyCodes(n, bits, 4, 0.05, labels, 7);
        HammingRetrieval.Figures s = figures(h, n, bits, labels, 10, 2);
        System.out.printf(
                "toy retrieval, 4 classes, 16 bits, 5%% flips: precision@10 %.4f, radius 2 precision %.4f recall %.4f"
                        + " (mean ball %.1f), distinct %d%n",
                s.precisionAtK(), s.precision()[2], s.recall()[2], s.meanBallSize()[2], s.distinctAddresses());
        assertTrue(s.indexed());
        assertTrue(s.precisionAtK() > 0.99, "precision@10 " + s.precisionAtK());
        assertTrue(s.precision()[2] > 0.99, "radius 2 precision " + s.precision()[2]);
        // The ball grows with the radius, and so does recall; the whole space (radius 16) recalls everything.
        for (int r = 1; r <= 2; r++) {
            assertTrue(s.meanBallSize()[r] >= s.meanBallSize()[r - 1]);
            assertTrue(s.recall()[r] >= s.recall()[r - 1]);
        }
        assertEquals(1.0, s.curveRecall()[bits], 1e-12);
        assertEquals(n - 1, s.curveBallSize()[bits], 1e-9);
        assertEquals(99.0 / 399, s.curvePrecision()[bits], 1e-12);
    }

    @Test
    void randomAddressesGiveChancePrecision() {
        int n = 400, bits = 16;
        int[] labels = new int[n];
        float[] h = toyCodes(n, bits, 4, 0.5, labels, 8); // flips with prob 1/2: addresses independent of the class
        HammingRetrieval.Figures s = figures(h, n, bits, labels, 10, 2);
        System.out.printf("random addresses: precision@10 %.4f, chance %.4f%n", s.precisionAtK(), 99.0 / 399);
        assertEquals(99.0 / 399, s.precisionAtK(), 0.05);
    }

    @Test
    void tiesAtTheKthDistanceCountInExpectation() {
        // Query 0 at address 00; two others at distance 0 (one same label, one not) and nothing else nearer.
        float[] h = {0, 0, 0, 0, 0, 0, 1, 1};
        int[] labels = {0, 0, 1, 0};
        for (boolean indexed : new boolean[] {true, false}) {
            HammingRetrieval.Figures s =
                    HammingRetrieval.evaluate("toy", Retrieval.binarise(h, 4, 2, 2), 2, labels, 1, 2, all(4), indexed);
            // Query 0: ties {1 (same), 2 (other)} -> 1/2. Query 1: {0 same, 2 other} -> 1/2. Query 2: {0, 1 both
            // other} -> 0. Query 3 (address 11): nearest at distance 2 are 0, 1, 2; 2 of 3 share label 0 -> 2/3.
            assertEquals((0.5 + 0.5 + 0 + 2.0 / 3) / 4, s.precisionAtK(), 1e-12);
            assertEquals(2, s.distinctAddresses());
            // Radius 0: queries 0, 1, 2 have balls of 2 items (precision 1/2, 1/2, 0), query 3 an empty ball.
            assertEquals((0.5 + 0.5 + 0) / 3, s.precision()[0], 1e-12);
            assertEquals(0.25, s.emptyFraction()[0], 1e-12);
            assertEquals((2 + 2 + 2 + 0) / 4.0, s.meanBallSize()[0], 1e-12);
            // Recall at radius 0: query 0 finds 1 of its 2 (items 1, 3), query 1 1 of 2, query 2 has none to find
            // (not counted), query 3 0 of 2.
            assertEquals((0.5 + 0.5 + 0) / 3, s.recall()[0], 1e-12);
            // Radius 1 adds nothing (the addresses are 00 and 11); radius 2 is everything.
            assertEquals(s.recall()[0], s.recall()[1], 1e-12);
            assertEquals(1.0, s.recall()[2], 1e-12);
            assertEquals(3.0, s.meanBallSize()[2], 1e-12);
        }
    }

    @Test
    void theHashTableAndALinearScanGiveTheSameFigures() {
        SplittableRandom r = new SplittableRandom(3);
        for (int bits : new int[] {6, 12, 20, 32, 64}) {
            int n = 1500;
            int[] labels = new int[n];
            float[] h = toyCodes(n, bits, 7, 0.02 + 0.1 * r.nextDouble(), labels, bits);
            long[][] a = Retrieval.binarise(h, n, bits, bits);
            int[] queries = LocalPca.sampleIndices(n, 300);
            for (int radius = 0; radius <= Math.min(3, bits); radius++) {
                for (int k : new int[] {1, 10, 60}) {
                    var byIndex = HammingRetrieval.evaluate("m", a, bits, labels, k, radius, queries, true);
                    var byScan = HammingRetrieval.evaluate("m", a, bits, labels, k, radius, queries, false);
                    String where = bits + " bits, radius " + radius + ", k " + k;
                    assertTrue(byIndex.indexed() && !byScan.indexed());
                    assertEquals(byScan.precisionAtK(), byIndex.precisionAtK(), 1e-12, where);
                    assertArrayEquals(byScan.precision(), byIndex.precision(), 1e-12, where);
                    assertArrayEquals(byScan.recall(), byIndex.recall(), 1e-12, where);
                    assertArrayEquals(byScan.meanBallSize(), byIndex.meanBallSize(), 1e-12, where);
                    assertArrayEquals(byScan.emptyFraction(), byIndex.emptyFraction(), 1e-12, where);
                    assertEquals(byScan.distinctAddresses(), byIndex.distinctAddresses());
                    // The curve (always a scan) agrees with the table at the table's radii.
                    for (int rr = 0; rr <= radius; rr++) {
                        assertEquals(byIndex.curvePrecision()[rr], byIndex.precision()[rr], 1e-12, where);
                        assertEquals(byIndex.curveRecall()[rr], byIndex.recall()[rr], 1e-12, where);
                    }
                }
            }
        }
    }

    @Test
    void addressesWiderThan64BitsAreComparedByAScan() {
        int n = 300, bits = 100;
        int[] labels = new int[n];
        float[] h = toyCodes(n, bits, 3, 0.05, labels, 9);
        var s = HammingRetrieval.evaluate("wide", Retrieval.binarise(h, n, bits, bits), bits, labels, 10, 3, all(n));
        assertTrue(!s.indexed());
        assertTrue(s.precisionAtK() > 0.99, "precision@10 " + s.precisionAtK());
        assertThrows(
                IllegalArgumentException.class,
                () -> HammingRetrieval.evaluate(
                        "wide", Retrieval.binarise(h, n, bits, bits), bits, labels, 10, 3, all(n), true));
    }

    @Test
    void saturationCountsValuesWithinFiveHundredthsOfZeroOrOne() {
        float[] h = {0.0f, 0.04f, 0.05f, 0.06f, 0.5f, 0.94f, 0.95f, 1.0f};
        // 0, 0.04, 0.05, 0.95, 1: five of eight (0.06 and 0.94 are not within 0.05).
        assertEquals(5.0 / 8, Retrieval.saturation(h, 2, 4, 4), 1e-12);
        // Only the first bits units of each code count.
        assertEquals(2.0 / 4, Retrieval.saturation(h, 2, 4, 2), 1e-12); // {0, 0.04} and {0.5, 0.94}
    }

    @Test
    void lshBitsDisagreeInProportionToTheAngle() {
        // Random hyperplanes through the centre: two directions at angle theta differ in a bit with probability
        // theta / pi (Charikar 2002). The data's mean is the centre, so put the points symmetrically about 0.
        int bits = 4096, d = 3;
        for (double theta : new double[] {0.3, 1.0, 2.0}) {
            float[] x = {
                1,
                0,
                0,
                (float) Math.cos(theta),
                (float) Math.sin(theta),
                0,
                -1,
                0,
                0,
                (float) -Math.cos(theta),
                (float) -Math.sin(theta),
                0
            };
            SignProjection lsh = RandomHyperplaneLsh.fit(x, 4, d, bits, 5);
            long[][] a = lsh.addresses(x, 4);
            double differ = HammingRetrieval.hamming(a[0], a[1]) / (double) bits;
            System.out.printf(
                    "LSH, angle %.2f: %.4f of %d bits differ, theta / pi %.4f%n", theta, differ, bits, theta / Math.PI);
            assertEquals(theta / Math.PI, differ, 0.025);
            // Opposite points differ in every bit.
            assertEquals(bits, HammingRetrieval.hamming(a[0], a[2]));
        }
        // Seeded: the same seed gives the same code, another seed another.
        float[] x = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(
                RandomHyperplaneLsh.fit(x, 2, 3, 8, 1).directions()[3],
                RandomHyperplaneLsh.fit(x, 2, 3, 8, 1).directions()[3]);
        assertTrue(RandomHyperplaneLsh.fit(x, 2, 3, 8, 1).directions()[0][0]
                != RandomHyperplaneLsh.fit(x, 2, 3, 8, 2).directions()[0][0]);
    }

    @Test
    void pcaSignSplitsTheDataAlongItsLargestVariances() {
        // Variance 100 along axis 2, 9 along axis 0, 1 along axis 1, mean (5, 5, 5): the two bits are the signs of
        // (x2 - 5) and (x0 - 5), up to the sign of each component.
        SplittableRandom r = new SplittableRandom(2);
        int n = 2000, d = 3;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            x[i * d] = (float) (5 + 3 * r.nextGaussian());
            x[i * d + 1] = (float) (5 + r.nextGaussian());
            x[i * d + 2] = (float) (5 + 10 * r.nextGaussian());
        }
        SignProjection p = PcaSign.fit(x, n, d, 2);
        long[][] a = p.addresses(x, n);
        int agree0 = 0, agree1 = 0;
        for (int i = 0; i < n; i++) {
            boolean b0 = (a[i][0] & 1) != 0, b1 = (a[i][0] & 2) != 0;
            if (b0 == (x[i * d + 2] >= 5)) agree0++;
            if (b1 == (x[i * d] >= 5)) agree1++;
        }
        // Each bit agrees with its axis' sign for (nearly) all points, or for (nearly) none (a flipped component).
        assertTrue(Math.max(agree0, n - agree0) > 0.98 * n, "bit 0 agrees with axis 2 for " + agree0);
        assertTrue(Math.max(agree1, n - agree1) > 0.95 * n, "bit 1 agrees with axis 0 for " + agree1);
        var e = assertThrows(IllegalArgumentException.class, () -> PcaSign.fit(x, n, d, 4));
        assertTrue(e.getMessage().contains("at most 3"), e.getMessage());
    }

    @Test
    void theComparisonHasOneRowPerMethodAndTheirCurves() throws Exception {
        // Four clusters in 20-D; "codes": 8 sigmoid-like units that copy the signs of the first 8 coordinates.
        SplittableRandom r = new SplittableRandom(4);
        int n = 800, d = 20, bits = 8;
        float[][] centres = new float[4][d];
        for (float[] c : centres) for (int j = 0; j < d; j++) c[j] = (float) (3 * r.nextGaussian());
        float[] x = new float[n * d];
        int[] labels = new int[n];
        float[] codes = new float[n * bits];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int j = 0; j < d; j++) x[i * d + j] = centres[labels[i]][j] + (float) r.nextGaussian();
            for (int j = 0; j < bits; j++) codes[i * bits + j] = x[i * d + j] > 0 ? 0.99f : 0.2f;
        }
        Dataset data = new Dataset("blobs", x, n, new int[] {d}, labels, null, 0, null, 0);
        Retrieval.Report rep = Retrieval.measure("m", codes, bits, data, data, bits, 2, 10, 0);
        assertEquals(3, rep.methods().size());
        assertNotNull(rep.method(Retrieval.LSH));
        assertNotNull(rep.method(Retrieval.PCA_SIGN));
        int high = 0;
        for (float v : codes) if (v == 0.99f) high++;
        assertEquals(high / (double) codes.length, rep.saturated(), 1e-12); // 0.99 is within 0.05 of 1, 0.2 is not
        assertEquals(199.0 / 799, rep.chance(), 1e-12);
        String table = rep.table();
        System.out.print(table);
        for (String method : new String[] {"autoencoder", "LSH", "PCA-sign"})
            assertTrue(table.lines().anyMatch(l -> l.trim().startsWith(method + " ")), table);
        assertTrue(table.contains("chance precision 0.2491"), table);
        String[] csv = rep.csv().split("\n");
        assertEquals(4, csv.length);
        assertTrue(csv[0].startsWith("method,bits,k,precision_at_k,distinct_addresses,saturated_fraction,precision_r0,"
                + "recall_r0,mean_ball_size_r0,empty_ball_fraction_r0,precision_r1"));
        assertEquals(1 + 3 * (bits + 1), rep.curveCsv().split("\n").length);
        byte[] png = rep.curvePng();
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        // Clustered data: every method beats chance; the numbers map carries the three methods.
        for (var f : rep.methods())
            assertTrue(f.precisionAtK() > rep.chance() + 0.2, f.method() + " " + f.precisionAtK());
        assertEquals(rep.method(Retrieval.LSH).precisionAtK(), rep.numbers().get("lsh_precision_at_k"));
        assertEquals(rep.method(Retrieval.PCA_SIGN).recall()[2], rep.numbers().get("pca_sign_recall_r2"));
        assertEquals(
                rep.method(Retrieval.AUTOENCODER).meanBallSize()[1],
                rep.numbers().get("mean_ball_size_r1"));

        // PCA-sign needs as many components as bits: 30 bits of 20-D data have none, and a note says why.
        float[] wide = new float[n * 30];
        for (int i = 0; i < wide.length; i++) wide[i] = r.nextBoolean() ? 1 : 0;
        Retrieval.Report noPca = Retrieval.measure("m", wide, 30, data, data, 30, 2, 10, 0);
        assertNull(noPca.method(Retrieval.PCA_SIGN));
        assertTrue(noPca.table().contains("no PCA-sign: 30 bits need 30 principal components"), noPca.table());

        var e = assertThrows(
                IllegalArgumentException.class, () -> Retrieval.measure("m", wide, 30, data, data, 30, 9, 10, 0));
        // Radius 9 over 30 bits: 22,964,087 addresses; radius 8: 8,656,937.
        assertTrue(e.getMessage().contains("22,964,087 addresses"), e.getMessage());
        assertTrue(e.getMessage().contains("choose radius 8 or less"), e.getMessage());
    }
}
