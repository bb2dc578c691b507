package ae4j.api;

import ae4j.dsl.data.Dataset;
import java.util.Arrays;

/** A data set declared in ae4j's language, as Java code sees it: examples as float rows, labels if any. */
public final class Data {

    private final ae4j.dsl.run.Session session;
    private final String name;
    private Dataset dataset;

    /** A handle on the session's data set {@code name}; it is read or generated on first use. */
    Data(ae4j.dsl.run.Session session, String name) {
        this.session = session;
        this.name = name;
    }

    /**
     * A data set of the given examples, one row each (all rows of one length, finite values), declared in the
     * shared session (as {@code array1}, {@code array2}, ...) so that models train and evaluate on it like on
     * any declared data set. The values are copied.
     *
     * @throws IllegalArgumentException when there are no rows, rows differ in length or a value is not finite
     */
    public static Data of(float[][] rows) {
        if (rows == null || rows.length == 0) throw new IllegalArgumentException("Data.of: no rows; give at least one");
        if (rows[0] == null || rows[0].length == 0)
            throw new IllegalArgumentException("Data.of: row 0 is empty; every row needs the same number of values");
        int cols = rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, cols)];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != cols)
                throw new IllegalArgumentException("Data.of: row " + r + " has "
                        + (rows[r] == null ? "no values (null)" : rows[r].length + " values")
                        + ", row 0 has " + cols + "; every row needs the same number of values");
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return declare(flat, rows.length, cols);
    }

    /**
     * A data set of {@code rows} examples of {@code cols} values each, read row after row from {@code values}
     * (row-major: example r is {@code values[r * cols .. r * cols + cols)}). The values are copied.
     *
     * @throws IllegalArgumentException when {@code values.length != rows * cols} or a value is not finite
     */
    public static Data of(float[] values, int rows, int cols) {
        if (values == null) throw new IllegalArgumentException("Data.of: values is null");
        if (rows < 1 || cols < 1)
            throw new IllegalArgumentException(
                    "Data.of: " + rows + " rows of " + cols + " values; both must be at least 1");
        if ((long) rows * cols != values.length)
            throw new IllegalArgumentException("Data.of: " + values.length + " values cannot be " + rows + " rows of "
                    + cols + " (that needs " + (long) rows * cols + ")");
        return declare(values.clone(), rows, cols);
    }

    private static int arrays;

    private static Data declare(float[] flat, int rows, int cols) {
        for (int i = 0; i < flat.length; i++) {
            if (!Float.isFinite(flat[i]))
                throw new IllegalArgumentException("Data.of: row " + i / cols + ", column " + i % cols + " is "
                        + flat[i] + "; every value must be finite");
        }
        ae4j.dsl.run.Session s = Ae4j.session();
        String name;
        java.nio.file.Path file;
        synchronized (Data.class) {
            do name = "array" + (++arrays);
            while (s.dataNames().contains(name) || s.modelNames().contains(name));
            file = s.reports().resolve("arrays").resolve(name + ".npy").toAbsolutePath();
        }
        String path = file.toString();
        if (path.contains("\"") || path.contains("\\"))
            throw new IllegalStateException("Data.of: the session's folder " + file.getParent()
                    + " has a quote or backslash in its path; the language cannot name it");
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            ae4j.dsl.io.AtomicFile.write(file, npy(flat, rows, cols));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "Data.of: cannot write the examples to " + file + ": " + e.getMessage(), e);
        }
        Ae4j.evalOrThrow(s, "data " + name + " = npy(\"" + path + "\")");
        return new Data(s, name);
    }

    /** The examples as a NumPy .npy file (version 1.0, little-endian float32, C order). */
    static byte[] npy(float[] flat, int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        int header = dict.length() + 1 + (64 - unpadded % 64) % 64;
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(10 + header + 4 * flat.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put((byte) 1).put((byte) 0).putShort((short) header);
        b.put((dict + " ".repeat(header - dict.length() - 1) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (float v : flat) b.putFloat(v);
        return b.array();
    }

    ae4j.dsl.run.Session session() {
        return session;
    }

    public String name() {
        return name;
    }

    private Dataset ds() {
        if (dataset == null) dataset = session.data(name);
        return dataset;
    }

    /** Number of examples. */
    public int size() {
        return ds().size();
    }

    /** Features per example. */
    public int dim() {
        return ds().dim();
    }

    /** The shape of one example (e.g. [28, 28]). */
    public int[] shape() {
        return ds().shape().clone();
    }

    /** Example i (a copy). */
    public float[] row(int i) {
        if (i < 0 || i >= size())
            throw new IndexOutOfBoundsException("example " + i + " of " + size() + " in " + name());
        return ds().row(i);
    }

    /** Examples [from, to) as rows (copies). */
    public float[][] rows(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("examples [" + from + ", " + to + ") of " + size() + " in " + name());
        }
        float[][] out = new float[to - from][];
        for (int i = from; i < to; i++) out[i - from] = ds().row(i);
        return out;
    }

    public boolean hasLabels() {
        return ds().hasLabels();
    }

    /** The label of example i. */
    public int label(int i) {
        return ds().label(i);
    }

    /** The underlying data set (for ae4j's analysis classes). */
    public Dataset dataset() {
        return ds();
    }

    @Override
    public String toString() {
        return "data " + name() + ": " + String.format(java.util.Locale.ROOT, "%,d", size()) + " examples of shape "
                + Arrays.toString(ds().shape()) + (hasLabels() ? ", labelled" : "");
    }
}
