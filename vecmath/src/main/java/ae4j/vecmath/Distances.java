package ae4j.vecmath;

/**
 * Squared Euclidean distances between rows, by the expansion {@code ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b}
 * with the dot products of a block of rows against all rows computed by one {@link Gemm} product
 * ({@code -2 X_block X^T}). A block of {@code rows} rows needs {@code rows * n} floats of output, so a
 * caller walking the data block by block keeps memory at O(block x n).
 *
 * <p>The expansion cancels: for nearby points far from the origin the float result carries an absolute
 * error of about {@code (d + 3) * 2^-24 * (||a||^2 + ||b||^2)}; a negative result is clamped to 0 and the
 * distance of a row to itself is exactly 0. Centre the data first when that matters.
 */
public final class Distances {

    private Distances() {}

    /** {@code norms[i] = ||x_i||^2} for the n rows of x (n x d, row-major), summed in double, rounded to float. */
    public static void rowNorms(int n, int d, float[] x, float[] norms) {
        check(n, d, x, norms);
        for (int i = 0; i < n; i++) norms[i] = (float) Norms.l2sq(d, x, i * d);
    }

    /**
     * {@code out[i * n + j] = ||x_{from + i} - x_j||^2} for i in [0, rows) and j in [0, n), from the row norms
     * ({@link #rowNorms}); x is n x d row-major, out holds at least {@code rows * n} floats.
     */
    public static void squaredBlock(int from, int rows, int n, int d, float[] x, float[] norms, float[] out) {
        check(n, d, x, norms);
        if (from < 0 || rows < 0 || from + rows > n)
            throw new IllegalArgumentException(
                    "rows [" + from + ", " + (from + rows) + ") are not within the " + n + " rows of the data");
        if (out.length < (long) rows * n)
            throw new IllegalArgumentException("a block of " + rows + " x " + n + " distances needs " + (long) rows * n
                    + " floats, got " + out.length);
        if (rows == 0 || n == 0) return;
        Gemm.gemm(Gemm.Op.N, Gemm.Op.T, rows, n, d, -2f, x, from * d, d, x, 0, d, 0f, out, 0, n);
        for (int i = 0; i < rows; i++) {
            float a = norms[from + i];
            int o = i * n;
            for (int j = 0; j < n; j++) {
                float s = out[o + j] + a + norms[j];
                out[o + j] = s > 0 ? s : 0f;
            }
            out[o + from + i] = 0f;
        }
    }

    private static void check(int n, int d, float[] x, float[] norms) {
        if (n < 0 || d < 0) throw new IllegalArgumentException("negative shape " + n + " x " + d);
        if (x.length < (long) n * d)
            throw new IllegalArgumentException(
                    n + " rows of " + d + " need " + (long) n * d + " floats, got " + x.length);
        if (norms.length < n) throw new IllegalArgumentException(n + " rows need " + n + " norms, got " + norms.length);
    }
}
