package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocked kNN graph against a brute-force scalar one (differences summed in double): identical
 * neighbour sets, except where the k-th and (k+1)-th distances tie to float precision.
 */
class NearestNeighboursTest {

    /** The k nearest other rows of row i by direct double distances, as (distance, index) sorted. */
    private static double[][] bruteForce(float[] x, int n, int d, int i) {
        double[][] all = new double[n - 1][];
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double s = 0;
            for (int c = 0; c < d; c++) {
                double e = (double) x[i * d + c] - x[j * d + c];
                s += e * e;
            }
            all[m++] = new double[] {Math.sqrt(s), j};
        }
        Arrays.sort(all, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        return all;
    }

    @ParameterizedTest
    @CsvSource({"50,2,1", "300,3,10", "700,20,7", "513,64,15"})
    void sameNeighboursAsBruteForce(int n, int d, int k) {
        Random r = new Random(1000L * n + d);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) (3 + r.nextGaussian()); // off-centre: tests the centring
        NearestNeighbours nn = NearestNeighbours.of(x, n, d, k);
        int ties = 0;
        for (int i = 0; i < n; i++) {
            double[][] ref = bruteForce(x, n, d, i);
            Set<Integer> want = new HashSet<>(), got = new HashSet<>();
            for (int j = 0; j < k; j++) {
                want.add((int) ref[j][1]);
                got.add(nn.neighbour(i, j));
                assertEquals(ref[j][0], nn.distance(i, j), 1e-5 * (1 + ref[j][0]), "distance " + j + " of " + i);
                if (j > 0) assertTrue(nn.distance(i, j - 1) <= nn.distance(i, j), "nearest first at " + i);
            }
            if (!want.equals(got)) {
                // allowed only when the boundary distances tie to float precision
                double gap = ref[k][0] - ref[k - 1][0];
                assertTrue(gap < 1e-5 * (1 + ref[k][0]), "row " + i + ": " + got + " vs " + want);
                ties++;
            }
        }
        assertTrue(ties <= n / 100, ties + " rows differ by ties");
    }

    @Test
    void disconnectedGraphSaysRaiseK() {
        // two clusters far apart: with k = 3 no edge joins them
        int n = 40, d = 2;
        float[] x = new float[n * d];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            x[i * d] = (float) (r.nextGaussian() + (i < 20 ? 0 : 100));
            x[i * d + 1] = (float) r.nextGaussian();
        }
        NeighbourGraph g = NeighbourGraph.of(NearestNeighbours.of(x, n, d, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Isomap.embed(g, 2));
        assertTrue(
                e.getMessage().contains("2 disconnected pieces")
                        && e.getMessage().contains("raise k"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaplacianEigenmaps.embed(g, 2));
    }

    @Test
    void graphIsTheSymmetricUnionOfTheDirectedEdges() {
        int n = 200, d = 3, k = 5;
        Random r = new Random(9);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        NearestNeighbours nn = NearestNeighbours.of(x, n, d, k);
        NeighbourGraph g = NeighbourGraph.of(nn);
        Set<Long> want = new HashSet<>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) {
                int t = nn.neighbour(i, j);
                want.add((long) Math.min(i, t) * n + Math.max(i, t));
            }
        Set<Long> got = new HashSet<>();
        for (int i = 0; i < n; i++)
            for (int e = g.start()[i]; e < g.start()[i + 1]; e++) {
                int t = g.adj()[e];
                got.add((long) Math.min(i, t) * n + Math.max(i, t));
                double dist = 0;
                for (int c = 0; c < d; c++) dist += Math.pow(x[i * d + c] - x[t * d + c], 2);
                assertEquals(Math.sqrt(dist), g.weight()[e], 1e-5, "weight of " + i + "-" + t);
            }
        assertEquals(want, got);
        assertEquals(want.size(), g.edges());
    }
}
