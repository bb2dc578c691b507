package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Section 14.6: on a swiss roll, the nearest-neighbour graph recovers the intrinsic coordinate t (the
 * position along the roll) that a linear projection cannot. Isomap's first coordinate ranks the points
 * almost as t does; PCA's first coordinate, a straight direction through the roll, does not.
 */
class KnnEmbeddingClaimTest {

    static final int N = 800;
    static final int K = 8;
    /**
     * Measured over seeds 1..4 with n = 800, k = 8: Isomap |rho| 0.9999, 0.9998, 0.9998, 0.9988 (Laplacian
     * eigenmaps 0.9980, 0.9986, 0.9975, 0.9945; PCA 0.24, 0.17, 0.25, 0.24); the bar leaves a margin below the
     * worst. With n = 600 and k = 10 the neighbourhoods reach across the roll's layers (short-circuit edges)
     * and Isomap falls to 0.78 on seed 1: the claim needs the sample to cover the roll densely enough.
     */
    static final double ISOMAP_BAR = 0.98;

    @Test
    void isomapRecoversTheRollCoordinateAndPcaDoesNot() {
        double worstIsomap = 1, bestPca = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Dataset roll = Synthetic.swissRoll("roll", N, seed, 0);
            float[] x = roll.values();
            double[] t = new double[N];
            for (int i = 0; i < N; i++) t[i] = roll.latent(i)[0];
            NeighbourGraph g = NeighbourGraph.of(NearestNeighbours.of(x, N, 3, K));
            double iso = Math.abs(Spearman.of(Isomap.embed(g, 2).coordinate(0), t));
            double lap = Math.abs(Spearman.of(LaplacianEigenmaps.embed(g, 2).coordinate(0), t));
            double[][] pc = Codes.principalComponents(x, N, 3, 1, null);
            double[] p1 = new double[N];
            for (int i = 0; i < N; i++) p1[i] = pc[i][0];
            double pca = Math.abs(Spearman.of(p1, t));
            System.out.printf(
                    Locale.ROOT,
                    "swiss roll seed %d: |Spearman| with t: isomap %.4f, laplacian %.4f, pca %.4f%n",
                    seed,
                    iso,
                    lap,
                    pca);
            worstIsomap = Math.min(worstIsomap, iso);
            bestPca = Math.max(bestPca, pca);
            assertTrue(iso > pca, "seed " + seed + ": isomap " + iso + " should beat pca " + pca);
        }
        assertTrue(worstIsomap > ISOMAP_BAR, "worst isomap |rho| " + worstIsomap);
    }
}
