package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import org.junit.jupiter.api.Test;

/** Local PCA (figure 14.8) as a tangent estimate. */
class LocalPcaTest {

    static double meanAngle(Dataset data, int k, int samples) {
        double s = 0;
        int[] idx = LocalPca.sampleIndices(data.size(), samples);
        for (int i : idx) {
            s += PrincipalAngles.mean(
                    LocalPca.at(data, i, k, data.tangentCount()).basis(), PrincipalAngles.trueTangents(data, i));
        }
        return s / idx.length;
    }

    @Test
    void nearestNeighboursAreSortedByDistanceAndIncludeThePointItself() {
        float[] x = {0, 0, 3, 0, 1, 0, -2, 0, 10, 10};
        assertArrayEquals(new int[] {2, 0, 1}, LocalPca.nearest(x, 5, 2, new float[] {1, 0}, 3));
    }

    @Test
    void localPcaOnANoiselessCurveRecoversTheTrueTangentWithinADegree() {
        // 2000 points on the closed curve in R^50: 10 neighbours span about 0.03 of arc length, where the
        // curvature bends the chord by well under a degree.
        Dataset data = Synthetic.embeddedManifold("curve", 2000, 1, 0, 1, 50);
        double angle = meanAngle(data, 10, 100);
        System.out.printf("local PCA, noiseless curve in R^50, n 2000, k 10: mean angle %.3f degrees%n", angle);
        assertTrue(angle < 1, "mean angle " + angle);
    }

    @Test
    void localPcaOnANoiselessSurfaceRecoversTheTrueTangentPlaneWithinTwoDegrees() {
        Dataset data = Synthetic.embeddedManifold("saddle", 3000, 2, 0, 2, 50);
        double angle = meanAngle(data, 20, 100);
        System.out.printf("local PCA, noiseless saddle in R^50, n 3000, k 20: mean angle %.3f degrees%n", angle);
        assertTrue(angle < 2, "mean angle " + angle);
    }

    @Test
    void theLocalSpectrumOfAPlanarBlobHasTwoLargeDirections() {
        // Points in the plane z = 0 of R^3, so the third local standard deviation is zero.
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        float[] x = new float[300 * 3];
        for (int i = 0; i < 300; i++) {
            x[3 * i] = (float) r.nextGaussian();
            x[3 * i + 1] = (float) (0.5 * r.nextGaussian());
        }
        LocalPca.Result res = LocalPca.around(x, 300, 3, new float[] {0, 0, 0}, 50, 2);
        assertEquals(3, res.spread().length);
        assertTrue(
                res.spread()[0] >= res.spread()[1] && res.spread()[1] > 0.05, java.util.Arrays.toString(res.spread()));
        assertEquals(0, res.spread()[2], 1e-6);
        // The two kept directions span the plane z = 0.
        assertEquals(
                0,
                PrincipalAngles.largest(
                        res.basis(), PrincipalAngles.columns(new double[] {1, 0, 0}, new double[] {0, 1, 0})),
                1e-3);
    }
}
