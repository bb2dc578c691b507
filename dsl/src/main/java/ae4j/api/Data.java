package ae4j.api;

import ae4j.dsl.data.Dataset;
import java.util.Arrays;

/** A data set declared in ae4j's language, as Java code sees it: examples as float rows, labels if any. */
public final class Data {

    private final Dataset dataset;

    Data(Dataset dataset) {
        this.dataset = dataset;
    }

    public String name() {
        return dataset.name();
    }

    /** Number of examples. */
    public int size() {
        return dataset.size();
    }

    /** Features per example. */
    public int dim() {
        return dataset.dim();
    }

    /** The shape of one example (e.g. [28, 28]). */
    public int[] shape() {
        return dataset.shape().clone();
    }

    /** Example i (a copy). */
    public float[] row(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("example " + i + " of " + size() + " in " + name());
        return dataset.row(i);
    }

    /** Examples [from, to) as rows (copies). */
    public float[][] rows(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("examples [" + from + ", " + to + ") of " + size() + " in " + name());
        }
        float[][] out = new float[to - from][];
        for (int i = from; i < to; i++) out[i - from] = dataset.row(i);
        return out;
    }

    public boolean hasLabels() {
        return dataset.hasLabels();
    }

    /** The label of example i. */
    public int label(int i) {
        return dataset.label(i);
    }

    /** The underlying data set (for ae4j's analysis classes). */
    public Dataset dataset() {
        return dataset;
    }

    @Override
    public String toString() {
        return "data " + name() + ": " + String.format(java.util.Locale.ROOT, "%,d", size()) + " examples of shape "
                + Arrays.toString(dataset.shape()) + (hasLabels() ? ", labelled" : "");
    }
}
