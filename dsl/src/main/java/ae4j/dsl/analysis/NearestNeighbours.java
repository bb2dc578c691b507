package ae4j.dsl.analysis;

import ae4j.vecmath.Distances;

/**
 * The exact k-nearest-neighbour graph of n points (section 14.6, figure 14.8): for each point, the k other
 * points nearest to it in Euclidean distance, nearest first (ties by smaller index). The squared distances
 * come block by block from {@link Distances#squaredBlock} (the dot products by the packed GEMM) on the
 * centred data, so memory stays at {@code BLOCK x n} floats; each row of a block is then scanned once,
 * keeping its k smallest in a sorted array.
 *
 * @param index    {@code index[i * k + j]}: the j-th nearest neighbour of point i
 * @param distance {@code distance[i * k + j]}: its Euclidean distance to point i
 */
public record NearestNeighbours(int n, int k, int[] index, float[] distance) {

    /** Rows of distances computed at a time. */
    static final int BLOCK = 256;

    /** The k nearest neighbours of each of the n rows of x (n x d, row-major), the point itself excluded. */
    public static NearestNeighbours of(float[] x, int n, int d, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        if (k >= n)
            throw new IllegalArgumentException(
                    "k = " + k + " neighbours need at least " + (k + 1) + " points, got " + n);
        float[] c = centred(x, n, d);
        float[] norms = new float[n];
        Distances.rowNorms(n, d, c, norms);
        int block = Math.min(BLOCK, n);
        float[] sq = new float[block * n];
        int[] index = new int[n * k];
        float[] dist = new float[n * k];
        float[] best = new float[k];
        int[] who = new int[k];
        for (int from = 0; from < n; from += block) {
            int rows = Math.min(block, n - from);
            Distances.squaredBlock(from, rows, n, d, c, norms, sq);
            for (int r = 0; r < rows; r++) {
                int i = from + r;
                int filled = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i) continue;
                    float v = sq[r * n + j];
                    if (filled == k && v >= best[k - 1]) continue; // equal: the smaller index already kept
                    int p = filled < k ? filled++ : k - 1;
                    while (p > 0 && best[p - 1] > v) {
                        best[p] = best[p - 1];
                        who[p] = who[p - 1];
                        p--;
                    }
                    best[p] = v;
                    who[p] = j;
                }
                for (int j = 0; j < k; j++) {
                    index[i * k + j] = who[j];
                    dist[i * k + j] = (float) Math.sqrt(best[j]);
                }
            }
        }
        return new NearestNeighbours(n, k, index, dist);
    }

    /** The j-th nearest neighbour of point i. */
    public int neighbour(int i, int j) {
        return index[i * k + j];
    }

    /** The distance from point i to its j-th nearest neighbour. */
    public float distance(int i, int j) {
        return distance[i * k + j];
    }

    private static float[] centred(float[] x, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) mean[c] += x[i * d + c];
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) out[i * d + c] = (float) (x[i * d + c] - mean[c] / n);
        return out;
    }
}
