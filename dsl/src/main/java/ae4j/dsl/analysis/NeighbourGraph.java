package ae4j.dsl.analysis;

import java.util.Arrays;

/**
 * The symmetrised nearest-neighbour graph: i and j are joined when either is among the other's k nearest
 * neighbours, the edge weighted by their Euclidean distance. Stored as adjacency lists (compressed rows):
 * the neighbours of i are {@code adj[start[i] .. start[i + 1])}, in increasing index order.
 */
public record NeighbourGraph(int n, int k, int[] start, int[] adj, double[] weight) {

    /** The union of the directed k-nearest-neighbour edges and their reverses. */
    public static NeighbourGraph of(NearestNeighbours nn) {
        int n = nn.n(), k = nn.k();
        int[] deg = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                deg[i]++;
                deg[nn.neighbour(i, j)]++;
            }
        }
        long[][] lists = new long[n][];
        for (int i = 0; i < n; i++) lists[i] = new long[deg[i]];
        int[] fill = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                int t = nn.neighbour(i, j);
                int e = i * k + j; // the edge's slot in nn, to find its distance again
                lists[i][fill[i]++] = ((long) t << 32) | e;
                lists[t][fill[t]++] = ((long) i << 32) | e;
            }
        }
        int[] start = new int[n + 1];
        int[] adj = new int[2 * n * k];
        double[] w = new double[2 * n * k];
        int m = 0;
        for (int i = 0; i < n; i++) {
            start[i] = m;
            long[] l = lists[i];
            Arrays.sort(l);
            int last = -1;
            for (long v : l) {
                int t = (int) (v >>> 32);
                if (t == last) continue;
                last = t;
                adj[m] = t;
                w[m] = nn.distance()[(int) v];
                m++;
            }
        }
        start[n] = m;
        return new NeighbourGraph(n, k, start, Arrays.copyOf(adj, m), Arrays.copyOf(w, m));
    }

    /** The number of undirected edges. */
    public int edges() {
        return start[n] / 2;
    }

    /** The connected component of each node, numbered 0, 1, ... in order of their smallest node. */
    public int[] components() {
        int[] comp = new int[n];
        Arrays.fill(comp, -1);
        int[] stack = new int[n];
        int count = 0;
        for (int s = 0; s < n; s++) {
            if (comp[s] >= 0) continue;
            int top = 0;
            stack[top++] = s;
            comp[s] = count;
            while (top > 0) {
                int u = stack[--top];
                for (int e = start[u]; e < start[u + 1]; e++) {
                    if (comp[adj[e]] < 0) {
                        comp[adj[e]] = count;
                        stack[top++] = adj[e];
                    }
                }
            }
            count++;
        }
        return comp;
    }

    /**
     * Throws a clear error when the graph falls apart: a spectral embedding of a disconnected graph has no
     * single coordinate system (Isomap's distances between components are infinite; the Laplacian has one
     * zero eigenvalue per component).
     */
    public void requireConnected(String method) {
        int[] comp = components();
        int count = 0;
        for (int c : comp) count = Math.max(count, c + 1);
        if (count == 1) return;
        int[] size = new int[count];
        for (int c : comp) size[c]++;
        int largest = Arrays.stream(size).max().orElse(0);
        throw new IllegalArgumentException(method + ": the " + k + "-nearest-neighbour graph of the " + n
                + " points falls into " + count + " disconnected pieces (the largest has " + largest
                + " points); raise k so that the neighbourhoods join up");
    }
}
