package ae4j.dsl.analysis;

/**
 * Laplacian eigenmaps (Belkin and Niyogi 2003) on the symmetrised nearest-neighbour graph with heat-kernel
 * weights {@code w_ij = exp(-||x_i - x_j||^2 / t)}, t the mean squared edge length. The coordinates are the
 * generalised eigenvectors {@code L y = lambda D y} of the graph Laplacian {@code L = D - W} with the
 * smallest nonzero eigenvalues: with {@code v = D^{1/2} y} they are the eigenvectors of the normalised
 * Laplacian {@code I - D^{-1/2} W D^{-1/2}}, found (EJML, dense) as the leading eigenvectors of
 * {@code D^{-1/2} W D^{-1/2}} after the trivial one ({@code v ~ D^{1/2} 1}, eigenvalue 0 of L).
 */
public final class LaplacianEigenmaps {

    private LaplacianEigenmaps() {}

    /** The {@code dims}-dimensional Laplacian eigenmap of the graph's nodes. */
    public static Embedding embed(NeighbourGraph g, int dims) {
        int n = g.n();
        if (dims < 1 || dims >= n - 1)
            throw new IllegalArgumentException("laplacian: dims must be in 1.." + (n - 2) + ", got " + dims);
        g.requireConnected("laplacian eigenmaps");
        double t = 0;
        for (double w : g.weight()) t += w * w;
        t /= Math.max(1, g.weight().length);
        if (t == 0) t = 1; // every edge of length 0: all weights 1
        double[] w = new double[n * n];
        double[] deg = new double[n];
        for (int i = 0; i < n; i++) {
            for (int e = g.start()[i]; e < g.start()[i + 1]; e++) {
                double v = Math.exp(-g.weight()[e] * g.weight()[e] / t);
                w[i * n + g.adj()[e]] = v;
                deg[i] += v;
            }
        }
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = 1 / Math.sqrt(deg[i]);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) w[i * n + j] *= s[i] * s[j];
        SymmetricEigen eig = SymmetricEigen.of(w, n, "normalised adjacency matrix");
        float[] coords = new float[n * dims];
        double[] values = new double[dims];
        for (int c = 0; c < dims; c++) {
            values[c] = 1 - eig.values()[c + 1];
            double[] v = eig.vectors()[c + 1];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = v[i] * s[i];
            // scale so that the coordinate has unit mean square (the eigenvector's scale is arbitrary)
            double ms = 0;
            for (double yi : y) ms += yi * yi;
            ms = Math.sqrt(ms / n);
            y = Isomap.orient(y);
            for (int i = 0; i < n; i++) coords[i * dims + c] = (float) (y[i] / ms);
        }
        return new Embedding("laplacian", n, dims, coords, values);
    }
}
