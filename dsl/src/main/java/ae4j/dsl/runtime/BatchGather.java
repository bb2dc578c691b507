package ae4j.dsl.runtime;

import ae4j.vecmath.Parallel;
import java.util.function.IntConsumer;

/**
 * Copies a batch's rows out of a data set (rows chosen by an index, as a shuffled epoch visits them) into the batch
 * buffer a training step reads. A large batch is copied in the parts {@link BatchSplit} gives the step, shared by
 * the threads of {@link Parallel}, so the copy does not hold the other threads idle while one thread does it (and a
 * part's rows are often still in the cache of the thread that trains on it, though {@link Parallel} hands parts
 * out as threads come free). A copy moves bits only: the thread count changes none. One object per training loop
 * (it keeps the loop's arguments between calls, so a step allocates nothing for it); not for concurrent use.
 */
public final class BatchGather implements IntConsumer {

    /** Below this many floats a batch is copied on the calling thread: a hand-off would cost more than it saves. */
    static final int PARALLEL_MIN_FLOATS = 32 * 1024;

    private float[] x;
    private int d;
    private int[] idx;
    private int from;
    private int rows;
    private int parts;
    private float[] buf;

    /**
     * Rows {@code idx[from]}, ..., {@code idx[from + rows - 1]} of {@code x} (each {@code d} floats) into
     * {@code buf}, one after another from its start.
     */
    public void gather(float[] x, int d, int[] idx, int from, int rows, float[] buf) {
        int p = BatchSplit.parts(rows);
        if (p < 2 || Parallel.threads() < 2 || (long) rows * d < PARALLEL_MIN_FLOATS) {
            copy(x, d, idx, from, 0, rows, buf);
            return;
        }
        this.x = x;
        this.d = d;
        this.idx = idx;
        this.from = from;
        this.rows = rows;
        this.parts = p;
        this.buf = buf;
        try {
            Parallel.run(p, this);
        } finally {
            this.x = null; // no reference to the data set outlives the call
            this.buf = null;
            this.idx = null;
        }
    }

    /** Part t of the batch: the rows the step's part t trains on. */
    @Override
    public void accept(int t) {
        int r0 = BatchSplit.start(rows, t, parts);
        copy(x, d, idx, from, r0, BatchSplit.start(rows, t + 1, parts), buf);
    }

    private static void copy(float[] x, int d, int[] idx, int from, int r0, int r1, float[] buf) {
        for (int r = r0; r < r1; r++) System.arraycopy(x, idx[from + r] * d, buf, r * d, d);
    }
}
