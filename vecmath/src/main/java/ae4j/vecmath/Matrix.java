package ae4j.vecmath;

import java.util.Arrays;

/**
 * A row-major view of floats: element (i, j) lives at {@code data[offset + i * ld + j]}.
 *
 * <p>No copy is made: several views can share one array (a batch slice, a layer's weights inside a
 * parameter buffer). The leading dimension {@code ld} is at least {@code cols}, so a view can be a
 * sub-block of a larger matrix.
 */
public record Matrix(float[] data, int offset, int rows, int cols, int ld) {

    public Matrix {
        if (data == null) throw new IllegalArgumentException("matrix data is null");
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("matrix shape must be non-negative, got " + rows + "x" + cols);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("leading dimension " + ld + " is smaller than cols " + cols);
        }
        if (offset < 0) throw new IllegalArgumentException("negative offset " + offset);
        long end = rows == 0 || cols == 0 ? offset : offset + (long) (rows - 1) * ld + cols;
        if (end > data.length) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " view with ld " + ld + " at offset " + offset
                    + " needs " + end + " floats, but the array holds " + data.length);
        }
    }

    /** A new zero matrix. */
    public static Matrix zeros(int rows, int cols) {
        return new Matrix(new float[Math.multiplyExact(rows, cols)], 0, rows, cols, Math.max(1, cols));
    }

    /** A dense view of {@code data} (which must hold exactly rows * cols floats). */
    public static Matrix wrap(float[] data, int rows, int cols) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("cannot view " + data.length + " floats as " + rows + "x" + cols);
        }
        return new Matrix(data, 0, rows, cols, Math.max(1, cols));
    }

    public int index(int i, int j) {
        return offset + i * ld + j;
    }

    public float get(int i, int j) {
        checkIndex(i, j);
        return data[offset + i * ld + j];
    }

    public void set(int i, int j, float v) {
        checkIndex(i, j);
        data[offset + i * ld + j] = v;
    }

    /** A view of rows {@code [r0, r0 + nRows)} and columns {@code [c0, c0 + nCols)}. */
    public Matrix view(int r0, int c0, int nRows, int nCols) {
        if (r0 < 0 || c0 < 0 || r0 + nRows > rows || c0 + nCols > cols) {
            throw new IndexOutOfBoundsException("view [" + r0 + ", " + c0 + "] of " + nRows + "x" + nCols
                    + " does not fit in " + rows + "x" + cols);
        }
        return new Matrix(data, offset + r0 * ld + c0, nRows, nCols, ld);
    }

    /** Rows {@code [r0, r0 + n)}: a batch slice. */
    public Matrix rowsView(int r0, int n) {
        return view(r0, 0, n, cols);
    }

    /** True when rows are contiguous (ld == cols), so the view is one flat run of rows * cols floats. */
    public boolean isDense() {
        return ld == cols || rows <= 1;
    }

    public long size() {
        return (long) rows * cols;
    }

    /** Copies this view into a new dense matrix. */
    public Matrix copy() {
        Matrix out = zeros(rows, cols);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data, offset + i * ld, out.data, i * out.ld, cols);
        }
        return out;
    }

    /** The transpose as a new dense matrix. */
    public Matrix transposed() {
        Matrix out = zeros(cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out.data[j * out.ld + i] = data[offset + i * ld + j];
        }
        return out;
    }

    public void fill(float v) {
        for (int i = 0; i < rows; i++) Arrays.fill(data, offset + i * ld, offset + i * ld + cols, v);
    }

    private void checkIndex(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside " + rows + "x" + cols);
        }
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + (isDense() ? "" : ", ld=" + ld) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
