package ae4j.dsl.runtime;

import ae4j.vecmath.Elementwise;
import ae4j.vecmath.Parallel;

/**
 * How a generated model splits a training batch into parts that run on separate threads, each part
 * through the whole forward and backward pass with its own activations and its own parameter gradients,
 * which are summed at the end (data parallelism inside one step: no hand-off between layers).
 *
 * <p>The number of parts depends only on the batch size and the machine's processor count, never on the
 * configured thread count: one thread runs the same parts one after the other, so the weights a training
 * run produces are bit-identical for any thread count.
 */
public final class BatchSplit {

    /** The fewest rows a part gets: below this, storing and summing a layer's gradient costs more than it saves. */
    private static volatile int minRows = Integer.getInteger("ae4j.split.minRows", 32);
    /** Most parts a batch is split into: the processors of this machine (at least 2). */
    static final int MAX_PARTS = Integer.getInteger("ae4j.split.maxParts",
            Math.max(2, Runtime.getRuntime().availableProcessors()));
    /** Part boundaries fall on multiples of this many rows (whole GEMM row tiles). */
    static final int ALIGN = 8;

    private BatchSplit() {
    }

    /** The number of parts a batch of {@code batch} rows is split into (1: not split). */
    public static int parts(int batch) {
        return Math.max(1, Math.min(MAX_PARTS, batch / minRows));
    }

    /** Sets the fewest rows per part (benchmarks compare splits with it; a huge value turns splitting off). */
    public static void setMinRows(int rows) {
        if (rows < 1) throw new IllegalArgumentException("rows per part must be >= 1, got " + rows);
        minRows = rows;
    }

    /** The first row of part {@code t} of {@code n} (t == n: the batch size). */
    public static int start(int batch, int t, int n) {
        if (t <= 0) return 0;
        if (t >= n) return batch;
        int r = (int) ((long) batch * t / n);
        return Math.min(batch, (r + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** Rows a part other than the first may need, for batches of at most {@code maxBatch} rows. */
    public static int capacity(int maxBatch) {
        return maxBatch / 2 + ALIGN + 1;
    }

    /**
     * grads[0][i] += grads[1][i] + ... + grads[n-1][i] for every tensor i, added in part order (the same
     * bits whichever thread adds which slice).
     */
    public static void sumGradients(int n, float[][][] grads) {
        if (n <= 1) return;
        int threads = Parallel.threads();
        float[][] into = grads[0];
        Parallel.run(threads, t -> {
            for (int i = 0; i < into.length; i++) {
                int len = into[i].length;
                int chunk = (len + threads - 1) / threads;
                int lo = Math.min(len, t * chunk);
                int hi = Math.min(len, lo + chunk);
                if (hi <= lo) continue;
                for (int p = 1; p < n; p++) Elementwise.axpy(hi - lo, 1f, grads[p][i], lo, into[i], lo);
            }
        });
    }
}
