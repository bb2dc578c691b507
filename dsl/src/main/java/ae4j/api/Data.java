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
