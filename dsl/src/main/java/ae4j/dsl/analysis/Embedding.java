package ae4j.dsl.analysis;

/**
 * A spectral embedding of n points in {@code dims} coordinates: {@code coords[i * dims + c]}, and the
 * eigenvalue behind each coordinate (Isomap: of the doubly centred squared geodesic distances, largest
 * first; Laplacian eigenmaps: of the normalised graph Laplacian, smallest nontrivial first).
 */
public record Embedding(String method, int n, int dims, float[] coords, double[] eigenvalues) {

    /** Coordinate c of every point. */
    public double[] coordinate(int c) {
        if (c < 0 || c >= dims) throw new IllegalArgumentException("coordinate " + c + " of " + dims);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = coords[i * dims + c];
        return out;
    }
}
