package ae4j.dsl.runtime;

/** Runs a compiled model without corruption or noise over a whole data set, in batches of its maxBatch. */
public final class Forward {

    private Forward() {}

    /**
     * The values of node {@code id} (width {@code width}) for the n rows of x (n x d, row-major), evaluated
     * in batches of the model's maxBatch with {@code training = false} (no corruption: x~ = x), through
     * {@link CompiledModel#encode} (the values {@link CompiledModel#forwardTo} gives, computed faster).
     */
    public static float[] values(CompiledModel m, int id, float[] x, int n, int d, int width) {
        return gather(m, id, x, n, d, width, false);
    }

    /**
     * As {@link #values}, but the node as the objective sees it ({@code loss} with {@code training = false}):
     * for a model with a free code, after the steps on the code (h* and what follows from it), where
     * {@link #values} gives the model as deployed (the code at f(x)). The same as {@link #values} otherwise.
     */
    public static float[] valuesAfterCodeSteps(CompiledModel m, int id, float[] x, int n, int d, int width) {
        return gather(m, id, x, n, d, width, true);
    }

    private static float[] gather(CompiledModel m, int id, float[] x, int n, int d, int width, boolean codeSteps) {
        if (id < 0) throw new IllegalArgumentException("the model has no such node (id " + id + ")");
        float[] out = new float[n * width];
        int b = m.maxBatch();
        float[] buf = codeSteps ? new float[b * d] : null; // encode reads the rows of x in place
        for (int from = 0; from < n; from += b) {
            int rows = Math.min(b, n - from);
            if (codeSteps) {
                System.arraycopy(x, from * d, buf, 0, rows * d);
                m.loss(buf, rows, 0, 0, false);
            } else {
                m.encode(x, from, rows, id); // only node id is read: the fused path, on the rows in place
            }
            System.arraycopy(m.value(id), 0, out, from * width, rows * width);
        }
        return out;
    }

    /** The objective's mean over the n rows of x (n x d, row-major), without corruption or noise. */
    public static double meanLoss(CompiledModel m, float[] x, int n, int d) {
        return meanTermsAndLoss(m, x, n, d)[0];
    }

    /**
     * The objective's mean (element 0) and each of its terms' means, unweighted, in the order of the objective
     * (elements 1..), over the n rows of x, without corruption or noise; each batch counts by its rows.
     */
    public static double[] meanTermsAndLoss(CompiledModel m, float[] x, int n, int d) {
        int b = m.maxBatch();
        float[] buf = new float[b * d];
        double[] sum = null;
        for (int from = 0; from < n; from += b) {
            int rows = Math.min(b, n - from);
            System.arraycopy(x, from * d, buf, 0, rows * d);
            double loss = m.loss(buf, rows, 0, 0, false);
            double[] terms = m.lastTerms();
            if (sum == null) sum = new double[1 + terms.length];
            sum[0] += loss * rows;
            for (int k = 0; k < terms.length; k++) sum[1 + k] += terms[k] * rows;
        }
        if (sum == null) throw new IllegalArgumentException("no rows to evaluate");
        for (int k = 0; k < sum.length; k++) sum[k] /= n;
        return sum;
    }
}
