package ae4j.dsl.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory data set: {@code size()} examples of {@code dim()} floats each, stored row-major in one
 * {@code float[]}. Besides the values it keeps the original example shape ({@code [28, 28]} for images,
 * {@code [2]} for points), optional integer labels, optional known tangent vectors (k per example, for the
 * synthetic manifolds: {@code tangents[(i * k + j) * d + c]}) and optional latent coordinates (m per
 * example: the intrinsic parameters the synthetic generator drew, e.g. the shift t of a translated
 * template).
 *
 * <p>Immutable by convention: constructors copy nothing (the arrays are owned by the data set), accessors
 * return copies except {@link #values()}, which exposes the backing array for fast read-only loops.
 * Every derived data set (subset, transform) is a new object.
 */
public final class Dataset {

    private final String name;
    private final float[] values;
    private final int n;
    private final int d;
    private final int[] shape;
    private final int[] labels;
    private final float[] tangents;
    private final int tangentCount;
    private final float[] latent;
    private final int latentDim;
    private final String[] classNames;

    /**
     * @param values       n * d floats, row-major (owned by the data set from now on)
     * @param shape        the example shape; its product is d
     * @param labels       n labels or null
     * @param tangents     n * k * d floats or null
     * @param tangentCount k (0 when tangents is null)
     * @param latent       n * m floats or null
     * @param latentDim    m (0 when latent is null)
     */
    public Dataset(
            String name,
            float[] values,
            int n,
            int[] shape,
            int[] labels,
            float[] tangents,
            int tangentCount,
            float[] latent,
            int latentDim) {
        this(name, values, n, shape, labels, tangents, tangentCount, latent, latentDim, null);
    }

    /** As above, with names for the labels 0, 1, ... (null: none; shown in pictures instead of numbers). */
    public Dataset(
            String name,
            float[] values,
            int n,
            int[] shape,
            int[] labels,
            float[] tangents,
            int tangentCount,
            float[] latent,
            int latentDim,
            String[] classNames) {
        this.classNames = classNames == null ? null : classNames.clone();
        this.name = Objects.requireNonNull(name, "name");
        this.values = Objects.requireNonNull(values, "values");
        this.shape = shape.clone();
        long dd = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            dd *= s;
        }
        if (dd > Integer.MAX_VALUE) throw new IllegalArgumentException("example too large: " + Arrays.toString(shape));
        this.d = (int) dd;
        if (n < 0) throw new IllegalArgumentException("negative size " + n);
        this.n = n;
        if ((long) n * d != values.length) {
            throw new IllegalArgumentException(n + " examples of shape " + Arrays.toString(shape) + " need "
                    + (long) n * d + " values, got " + values.length);
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(n + " examples but " + labels.length + " labels");
        }
        this.labels = labels;
        if (tangents == null) tangentCount = 0;
        else if ((long) n * tangentCount * d != tangents.length) {
            throw new IllegalArgumentException(n + " examples with " + tangentCount + " tangents of dimension " + d
                    + " need " + (long) n * tangentCount * d + " values, got " + tangents.length);
        }
        this.tangents = tangents;
        this.tangentCount = tangentCount;
        if (latent == null) latentDim = 0;
        else if ((long) n * latentDim != latent.length) {
            throw new IllegalArgumentException(n + " examples with " + latentDim + " latent coordinates need "
                    + (long) n * latentDim + " values, got " + latent.length);
        }
        this.latent = latent;
        this.latentDim = latentDim;
    }

    /** Values only: n = values.length / product(shape). */
    public static Dataset of(String name, float[] values, int... shape) {
        int d = 1;
        for (int s : shape) d *= s;
        if (d == 0) throw new IllegalArgumentException("empty example shape " + Arrays.toString(shape));
        return new Dataset(name, values, values.length / d, shape, null, null, 0, null, 0);
    }

    // ------------------------------------------------------------------ accessors

    public String name() {
        return name;
    }

    /** Number of examples. */
    public int size() {
        return n;
    }

    /** Floats per example (product of the shape). */
    public int dim() {
        return d;
    }

    /** The example shape, e.g. [28, 28]; a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The height and width of an example seen as a gray image: its shape when it has two dimensions, else a
     * square side when the width is a perfect square of at least 8 x 8; null when it is not an image.
     */
    public int[] imageShape() {
        int[] shape = shape();
        if (shape.length == 2) return new int[] {shape[0], shape[1]};
        int side = (int) Math.round(Math.sqrt(dim()));
        return side * side == dim() && side >= 8 ? new int[] {side, side} : null;
    }

    /** The backing array (n * d, row-major). Do not modify. */
    public float[] values() {
        return values;
    }

    /** Value j of example i. */
    public float get(int i, int j) {
        Objects.checkIndex(i, n);
        Objects.checkIndex(j, d);
        return values[i * d + j];
    }

    /** A copy of example i. */
    public float[] row(int i) {
        Objects.checkIndex(i, n);
        return Arrays.copyOfRange(values, i * d, i * d + d);
    }

    /** Copies example i into {@code out[off .. off + d)}. */
    public void row(int i, float[] out, int off) {
        Objects.checkIndex(i, n);
        System.arraycopy(values, i * d, out, off, d);
    }

    /** Copies examples {@code start .. start + count} into {@code out[0 .. count * d)}; no allocation. */
    public void batch(int start, int count, float[] out) {
        Objects.checkFromIndexSize(start, count, n);
        System.arraycopy(values, start * d, out, 0, count * d);
    }

    /**
     * Copies examples {@code order[from .. from + count)} (indices into this data set) into
     * {@code out[0 .. count * d)}; no allocation. This is how a trainer draws a shuffled minibatch.
     */
    public void batch(int[] order, int from, int count, float[] out) {
        Objects.checkFromIndexSize(from, count, order.length);
        if ((long) count * d > out.length) {
            throw new IndexOutOfBoundsException(
                    "batch of " + count + " x " + d + " does not fit in " + out.length + " floats");
        }
        for (int b = 0; b < count; b++) {
            int i = order[from + b];
            Objects.checkIndex(i, n);
            System.arraycopy(values, i * d, out, b * d, d);
        }
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** The label of example i; fails when there are no labels. */
    public int label(int i) {
        if (labels == null) throw new IllegalStateException("data set '" + name + "' has no labels");
        return labels[i];
    }

    /** A copy of the labels, or null. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** Known tangent vectors per example (0 when unknown). */
    public int tangentCount() {
        return tangentCount;
    }

    public boolean hasTangents() {
        return tangents != null;
    }

    /** A copy of tangent j of example i (d floats): the derivative of the generating map, not normalised. */
    public float[] tangent(int i, int j) {
        if (tangents == null) throw new IllegalStateException("data set '" + name + "' has no known tangents");
        Objects.checkIndex(i, n);
        Objects.checkIndex(j, tangentCount);
        int off = (i * tangentCount + j) * d;
        return Arrays.copyOfRange(tangents, off, off + d);
    }

    /** The backing tangent array (n * k * d) or null. Do not modify. */
    public float[] tangentValues() {
        return tangents;
    }

    /** Latent (intrinsic) coordinates per example (0 when unknown). */
    public int latentDim() {
        return latentDim;
    }

    /** A copy of the latent coordinates of example i. */
    public float[] latent(int i) {
        if (latent == null) throw new IllegalStateException("data set '" + name + "' has no latent coordinates");
        Objects.checkIndex(i, n);
        return Arrays.copyOfRange(latent, i * latentDim, i * latentDim + latentDim);
    }

    /** The backing latent array (n * m) or null. Do not modify. */
    public float[] latentValues() {
        return latent;
    }

    /** The name of label c ("Trouser" for Fashion-MNIST's 1), or "label c" when the data set has no names for it. */
    public String className(int c) {
        return classNames != null && c >= 0 && c < classNames.length ? classNames[c] : "label " + c;
    }

    /** The same data with names for its labels 0, 1, ... */
    public Dataset withClassNames(String... names) {
        return new Dataset(name, values, n, shape, labels, tangents, tangentCount, latent, latentDim, names);
    }

    // ------------------------------------------------------------------ derived data sets

    /** The same data under another name. */
    public Dataset named(String newName) {
        return new Dataset(newName, values, n, shape, labels, tangents, tangentCount, latent, latentDim, classNames);
    }

    /** New values of the same size and shape, everything else kept (a value transform). */
    public Dataset withValues(float[] newValues) {
        return new Dataset(name, newValues, n, shape, labels, tangents, tangentCount, latent, latentDim, classNames);
    }

    /** The same values seen with another shape of the same size (flatten: {@code [dim()]}). */
    public Dataset reshaped(int... newShape) {
        return new Dataset(name, values, n, newShape, labels, tangents, tangentCount, latent, latentDim, classNames);
    }

    /** New tangents (k per example, n * k * d floats), e.g. after a linear transform of the values. */
    public Dataset withTangents(float[] newTangents, int k) {
        return new Dataset(name, values, n, shape, labels, newTangents, k, latent, latentDim, classNames);
    }

    /** The first {@code count} examples (all when count >= size()). */
    public Dataset take(int count) {
        if (count < 0) throw new IllegalArgumentException("take " + count);
        return range(0, Math.min(count, n));
    }

    /** Without the first {@code count} examples (empty when count >= size()). */
    public Dataset skip(int count) {
        if (count < 0) throw new IllegalArgumentException("skip " + count);
        return range(Math.min(count, n), n);
    }

    /** Examples {@code from .. to}. */
    public Dataset range(int from, int to) {
        Objects.checkFromToIndex(from, to, n);
        int m = to - from;
        return new Dataset(
                name,
                Arrays.copyOfRange(values, from * d, to * d),
                m,
                shape,
                labels == null ? null : Arrays.copyOfRange(labels, from, to),
                tangents == null ? null : Arrays.copyOfRange(tangents, from * tangentCount * d, to * tangentCount * d),
                tangentCount,
                latent == null ? null : Arrays.copyOfRange(latent, from * latentDim, to * latentDim),
                latentDim,
                classNames);
    }

    /** The examples at {@code indices}, in that order (repeats allowed). */
    public Dataset subset(int[] indices) {
        int m = indices.length;
        float[] v = new float[m * d];
        int[] l = labels == null ? null : new int[m];
        int kd = tangentCount * d;
        float[] t = tangents == null ? null : new float[m * kd];
        float[] z = latent == null ? null : new float[m * latentDim];
        for (int r = 0; r < m; r++) {
            int i = indices[r];
            Objects.checkIndex(i, n);
            System.arraycopy(values, i * d, v, r * d, d);
            if (l != null) l[r] = labels[i];
            if (t != null) System.arraycopy(tangents, i * kd, t, r * kd, kd);
            if (z != null) System.arraycopy(latent, i * latentDim, z, r * latentDim, latentDim);
        }
        return new Dataset(name, v, m, shape, l, t, tangentCount, z, latentDim, classNames);
    }

    @Override
    public String toString() {
        StringBuilder b =
                new StringBuilder("data ").append(name).append(": ").append(n).append(" x ");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : " x ").append(shape[i]);
        if (labels != null) b.append(", labelled");
        if (tangents != null) b.append(", ").append(tangentCount).append(tangentCount == 1 ? " tangent" : " tangents");
        return b.toString();
    }
}
