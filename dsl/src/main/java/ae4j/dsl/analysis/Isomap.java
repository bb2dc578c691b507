package ae4j.dsl.analysis;

import java.util.Arrays;

/**
 * Isomap (Tenenbaum, de Silva and Langford 2000): geodesic distances on the manifold estimated by shortest
 * paths in the symmetrised nearest-neighbour graph (Dijkstra from every node), then classical MDS: the
 * leading eigenvectors of {@code B = -1/2 J D^2 J} ({@code J} the centring matrix), scaled by the square
 * roots of their eigenvalues. O(n^2) memory and O(n^3) time for the eigendecomposition.
 */
public final class Isomap {

    private Isomap() {}

    /** The {@code dims}-dimensional Isomap embedding of the graph's nodes. */
    public static Embedding embed(NeighbourGraph g, int dims) {
        int n = g.n();
        if (dims < 1 || dims >= n)
            throw new IllegalArgumentException("isomap: dims must be in 1.." + (n - 1) + ", got " + dims);
        g.requireConnected("isomap");
        double[] d2 = squaredGeodesics(g);
        // double centring
        double[] rowMean = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += d2[i * n + j];
            rowMean[i] = s / n;
            total += s;
        }
        double grand = total / ((double) n * n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) d2[i * n + j] = -0.5 * (d2[i * n + j] - rowMean[i] - rowMean[j] + grand);
        SymmetricEigen eig = SymmetricEigen.of(d2, n, "centred geodesic distance matrix");
        float[] coords = new float[n * dims];
        double[] values = new double[dims];
        for (int c = 0; c < dims; c++) {
            values[c] = eig.values()[c];
            double s = Math.sqrt(Math.max(0, values[c]));
            double[] v = orient(eig.vectors()[c]);
            for (int i = 0; i < n; i++) coords[i * dims + c] = (float) (s * v[i]);
        }
        return new Embedding("isomap", n, dims, coords, values);
    }

    /** The squared shortest-path distances between all pairs of nodes (n x n, row-major). */
    static double[] squaredGeodesics(NeighbourGraph g) {
        int n = g.n();
        double[] out = new double[n * n];
        double[] dist = new double[n];
        // binary heap of (distance, node) with lazy deletion
        double[] hk = new double[g.adj().length + 1];
        int[] hv = new int[g.adj().length + 1];
        for (int s = 0; s < n; s++) {
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            dist[s] = 0;
            hk[0] = 0;
            hv[0] = s;
            int size = 1;
            while (size > 0) {
                double du = hk[0];
                int u = hv[0];
                size--;
                if (size > 0) siftDown(hk, hv, size, hk[size], hv[size]);
                if (du > dist[u]) continue;
                for (int e = g.start()[u]; e < g.start()[u + 1]; e++) {
                    int t = g.adj()[e];
                    double nd = du + g.weight()[e];
                    if (nd < dist[t]) {
                        dist[t] = nd;
                        int p = size++;
                        while (p > 0 && hk[(p - 1) / 2] > nd) {
                            hk[p] = hk[(p - 1) / 2];
                            hv[p] = hv[(p - 1) / 2];
                            p = (p - 1) / 2;
                        }
                        hk[p] = nd;
                        hv[p] = t;
                    }
                }
            }
            for (int j = 0; j < n; j++) out[s * n + j] = dist[j] * dist[j];
        }
        return out;
    }

    private static void siftDown(double[] hk, int[] hv, int size, double key, int val) {
        int p = 0;
        while (true) {
            int c = 2 * p + 1;
            if (c >= size) break;
            if (c + 1 < size && hk[c + 1] < hk[c]) c++;
            if (hk[c] >= key) break;
            hk[p] = hk[c];
            hv[p] = hv[c];
            p = c;
        }
        hk[p] = key;
        hv[p] = val;
    }

    /** An eigenvector's sign fixed so that its largest-magnitude entry is positive (a reproducible picture). */
    static double[] orient(double[] v) {
        int at = 0;
        for (int i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[at])) at = i;
        if (v[at] >= 0) return v;
        double[] w = new double[v.length];
        for (int i = 0; i < v.length; i++) w[i] = -v[i];
        return w;
    }
}
