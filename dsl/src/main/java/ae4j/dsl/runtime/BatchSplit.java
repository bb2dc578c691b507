package ae4j.dsl.runtime;

/**
 * How a generated model splits a training batch into parts that run on separate threads: each part takes
 * its rows through the forward pass, the objective and the node gradients (the per-example chain, with no
 * hand-off between layers); then the parameters' gradients are computed over the whole batch, each thread
 * taking a share of every gradient's rows.
 *
 * <p>The number of parts depends only on the batch size and the machine's processor count, never on the
 * configured thread count, and the terms of the parts are summed in part order: the weights a training run
 * produces are bit-identical for any thread count.
 */
public final class BatchSplit {

    /**
     * Rows per part: a batch is split into batch / minRows parts (at most {@link #maxParts}), so a batch under 64
     * rows is one part. Each part's products would otherwise read every packed weight for a few rows; the products of
     * one part of up to 32 rows split their columns among the threads instead, a thread reading mostly the panels its
     * own update packed (mid at batch 32 on two threads: 41-42k against 22-40k examples/s; dae, whose noise is then
     * drawn by the threads of one call, even).
     */
    private static volatile int minRows = Integer.getInteger("ae4j.split.minRows", 32);
    /** Most parts a batch is split into: the processors of this machine (at least 2). */
    private static final int MAX_PARTS = Math.max(
            2, Integer.getInteger("ae4j.split.maxParts", Runtime.getRuntime().availableProcessors()));
    /** Part boundaries fall on multiples of this many rows (whole GEMM row tiles). */
    static final int ALIGN = 8;

    private BatchSplit() {}

    /** The most parts any batch is split into. */
    public static int maxParts() {
        return MAX_PARTS;
    }

    /** The number of parts a batch of {@code batch} rows is split into (1: not split). */
    public static int parts(int batch) {
        return Math.max(1, Math.min(MAX_PARTS, batch / minRows));
    }

    /** The first row of part {@code t} of {@code n} (t == n: the batch size). */
    public static int start(int batch, int t, int n) {
        if (t <= 0) return 0;
        if (t >= n) return batch;
        int r = (int) ((long) batch * t / n);
        return Math.min(batch, (r + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** The fewest rows a part gets. */
    public static int minRows() {
        return minRows;
    }

    /** Sets the fewest rows per part (benchmarks compare splits with it; a huge value turns splitting off). */
    public static void setMinRows(int rows) {
        if (rows < 1) throw new IllegalArgumentException("rows per part must be >= 1, got " + rows);
        minRows = rows;
    }
}
