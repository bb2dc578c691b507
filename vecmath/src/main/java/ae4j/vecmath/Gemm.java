package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM: {@code C = f(alpha * op(A) * op(B) + beta * C + bias)}, op in {N, T}, row-major.
 *
 * <p>Structure (after Goto and van de Geijn, and BLIS): for each block of KC rows of op(B) and up to NC
 * columns, pack op(B) into column panels NR wide; for each block of MC rows of op(A), pack op(A) into row
 * panels MR tall; then a register-blocked micro-kernel computes each MR x NR tile of C from one A panel
 * and one B panel: per k it loads two B vectors, broadcasts MR values of A, and issues 2*MR FMAs into
 * accumulators that stay in registers for the whole panel (no reduceLanes). Packing zero-pads the edges,
 * so the micro-kernel always runs full-size and only the store is masked. The optional {@link Epilogue}
 * (bias + activation) is applied in the store of the last K block.
 *
 * <p>Register budget: 2*MR accumulators + 2 B vectors + 1 broadcast. With 16 vector registers (AVX2,
 * 8 lanes) MR = 4 (a 4x16 tile); with 32 (AVX-512, 16 lanes) MR = 8 (an 8x32 tile). Measured on Zen 3
 * with C2: a 4x16 kernel runs at the FMA peak, while 5x16 and 6x16 (13 and 15 live registers) spill an
 * accumulator to the stack inside the loop and fall to 35-45% of it.
 *
 * <p>Threads: large products split C into column (or row) ranges on tile boundaries; each element is
 * computed by the same sequence of operations whatever the split, so the result is bit-identical for
 * any thread count.
 */
public final class Gemm {

    static {
        Jit.ensureDirectives();
    }

    /** Whether an operand is used as stored (N) or transposed (T). */
    public enum Op {
        N,
        T
    }

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Tile width: two vectors. */
    static final int NR = 2 * L;
    /** Tile height for this machine's register file. */
    static final int MR = L >= 16 ? 8 : 4;

    static final int KC = Integer.getInteger("ae4j.gemm.kc", L >= 16 ? 256 : 384);
    static final int MC = roundUp(Integer.getInteger("ae4j.gemm.mc", 192), 8);
    static final int NC = roundUp(Integer.getInteger("ae4j.gemm.nc", 4096), NR);
    /** Largest op(B) (in floats) packed whole and shared by the threads; beyond it, each thread packs its own. */
    static final long SHARED_B_MAX = 4L << 20;
    /** Below this many flops a product runs on one thread: the hand-off would cost more than it saves. */
    static final long PARALLEL_MIN_FLOPS = Long.getLong("ae4j.gemm.parallelMinFlops", 6_000_000L);
    /** A product with a packed B and at most this many rows splits its columns among the threads, not its rows. */
    static final int COLUMN_SPLIT_MAX_ROWS = Integer.getInteger("ae4j.gemm.columnSplitMaxRows", 32);

    /**
     * Where share t of {@code parts} starts: whole units of {@code width} (rows or columns), the units divided as
     * evenly as they go, at most {@code limit} (share parts ends at the matrix edge).
     */
    private static int share(int units, int t, int parts, int width, int limit) {
        return Math.min(limit, (int) ((long) units * t / parts) * width);
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Gemm() {}

    /** Per-thread packing buffers, grown on demand and then reused: a steady state allocates nothing. */
    private static final class Workspace {
        float[] ap = new float[0];
        float[] bp = new float[0];
        float[] shared = new float[0];
        final float[] tile = new float[8 * 2 * 64];

        float[] ap(int size) {
            if (ap.length < size) ap = new float[size];
            return ap;
        }

        float[] bp(int size) {
            if (bp.length < size) bp = new float[size];
            return bp;
        }

        float[] shared(int size) {
            if (shared.length < size) shared = new float[size];
            return shared;
        }
    }

    /** Rows of the micro-kernel's tile on this machine (8 with 16 lanes, 4 with 8). */
    public static int tileRows() {
        return MR;
    }

    /** Columns of the micro-kernel's tile: two vectors. */
    public static int tileCols() {
        return NR;
    }

    /**
     * The micro-kernel alone, for benchmarks: one {@link #tileRows()} x {@link #tileCols()} tile from a packed A
     * panel (kc x tileRows floats at ap[ai], k-major) and a packed B panel (kc x tileCols at bp[bi]), into tile.
     */
    public static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        GemmKernels.kernelStore(MR, kc, ap, ai, MR, bp, bi, tile, 0, NR, 0f, null, 0, false);
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C} on matrix views. */
    public static void gemm(Op opA, Op opB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        gemm(opA, opB, alpha, a, b, beta, c, Epilogue.NONE);
    }

    /** {@code C = f(alpha * op(A) * op(B) + beta * C + bias)} on matrix views. */
    public static void gemm(Op opA, Op opB, float alpha, Matrix a, Matrix b, float beta, Matrix c, Epilogue ep) {
        int m = opA == Op.N ? a.rows() : a.cols();
        int k = opA == Op.N ? a.cols() : a.rows();
        int kb = opB == Op.N ? b.rows() : b.cols();
        int n = opB == Op.N ? b.cols() : b.rows();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shape mismatch: op" + opA + "(A) is " + m + "x" + k
                    + ", op" + opB + "(B) is " + kb + "x" + n + ", C is " + c.rows() + "x" + c.cols()
                    + "; need op(A) MxK, op(B) KxN and C MxN");
        }
        gemm(
                opA,
                opB,
                m,
                n,
                k,
                alpha,
                a.data(),
                a.offset(),
                a.ld(),
                b.data(),
                b.offset(),
                b.ld(),
                beta,
                c.data(),
                c.offset(),
                c.ld(),
                ep);
    }

    /** BLAS-style {@code C = alpha * op(A) * op(B) + beta * C}; op(A) is m x k, op(B) is k x n, C is m x n. */
    public static void gemm(
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int ao,
            int lda,
            float[] b,
            int bo,
            int ldb,
            float beta,
            float[] c,
            int co,
            int ldc) {
        gemm(opA, opB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc, Epilogue.NONE);
    }

    /**
     * BLAS-style GEMM with a fused epilogue. When {@code beta == 0}, C is not read (NaNs in it do not
     * propagate). Uses {@link Parallel#threads()} threads when the product is large enough.
     */
    public static void gemm(
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int ao,
            int lda,
            float[] b,
            int bo,
            int ldb,
            float beta,
            float[] c,
            int co,
            int ldc,
            Epilogue ep) {
        check(opA, opB, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, ep);
        run(MR, parts(m, n, k), opA, opB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc, ep);
    }

    /** How many parts a product is split into: one below the flop threshold or inside a parallel loop. */
    private static int parts(int m, int n, int k) {
        long flops = 2L * m * n * k;
        return flops < PARALLEL_MIN_FLOPS || Parallel.nested() ? 1 : Parallel.threads();
    }

    /**
     * op(B) packed once for many products (the weights of a layer, used by every row block of a batch and
     * by every part of a batch split across threads): the panels the micro-kernel reads, for every K block,
     * in the layout {@link #run} shares between threads. A product with a packed B computes exactly what
     * the same product with B unpacked computes, bit for bit.
     */
    public static final class PackedB {
        final int k;
        final int n;
        final int nPad;
        final int kcMax;
        final float[] data;
        /** Room for a packed k x n op(B). */
        public PackedB(int k, int n) {
            if (k < 1 || n < 1) throw new IllegalArgumentException("packed B needs k, n >= 1, got k=" + k + " n=" + n);
            this.k = k;
            this.n = n;
            this.nPad = roundUp(n, NR);
            this.kcMax = kcBlock(k);
            this.data = new float[k * nPad];
        }

        public int k() {
            return k;
        }

        public int n() {
            return n;
        }
    }

    /**
     * Packs op(B) (k x n) into {@code into}; {@code part} of {@code parts} does its share of the column
     * panels, so the parts of a parallel loop can pack one matrix together (parts = 1: all of it).
     */
    public static void pack(Op opB, float[] b, int bo, int ldb, PackedB into, int part, int parts) {
        int k = into.k;
        int n = into.n;
        checkOperand("B", b, bo, ldb, opB == Op.N ? k : n, opB == Op.N ? n : k);
        if (part < 0 || part >= parts)
            throw new IllegalArgumentException("part " + part + " outside [0, " + parts + ")");
        int colUnits = into.nPad / NR;
        int j0 = share(colUnits, part, parts, NR, n);
        int j1 = share(colUnits, part + 1, parts, NR, n);
        if (j1 <= j0) return;
        for (int pc = 0; pc < k; pc += into.kcMax) {
            int kc = Math.min(into.kcMax, k - pc);
            GemmPacking.packB(opB, b, bo, ldb, pc, kc, j0, j1 - j0, into.data, pc * into.nPad + j0 * kc);
        }
    }

    /**
     * Packs rows [from, to) of the stored matrix {@code b} into {@code into}, where op(B) is b (k x n; its rows
     * are op(B)'s rows) or b^T ({@code opB == T}; b's rows are op(B)'s columns). The rest of {@code into} is
     * left as it is, so the parts of a parallel loop that own disjoint rows of b (an optimizer updating its
     * share of a weight) can pack them right after writing them; with every row packed, {@code into} holds
     * what {@link #pack} writes.
     */
    public static void packRows(Op opB, float[] b, int bo, int ldb, PackedB into, int from, int to) {
        int k = into.k;
        int n = into.n;
        int rows = opB == Op.N ? k : n;
        checkOperand("B", b, bo, ldb, rows, opB == Op.N ? n : k);
        if (from < 0 || to > rows || from > to)
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") outside [0, " + rows + ")");
        float[] d = into.data;
        int kcMax = into.kcMax;
        int nPad = into.nPad;
        if (opB == Op.N) {
            for (int r = from; r < to; r++) {
                int pc = r / kcMax * kcMax;
                int kc = Math.min(kcMax, k - pc);
                int base = pc * nPad + (r - pc) * NR;
                int src = bo + r * ldb;
                int j = 0;
                for (; j + NR <= n; j += NR) {
                    int dst = base + j * kc;
                    FloatVector.fromArray(S, b, src + j).intoArray(d, dst);
                    FloatVector.fromArray(S, b, src + j + L).intoArray(d, dst + L);
                }
                if (j < n) {
                    int dst = base + j * kc;
                    for (int c = 0; c < NR; c++) d[dst + c] = j + c < n ? b[src + j + c] : 0f;
                }
            }
        } else {
            // Row r of b is column r of op(B): in its panel, one float every NR. L rows at a time (aligned to L,
            // so within one panel) go as L x L blocks transposed in registers; the rest one float at a time.
            int r = from;
            while (r < to) {
                int panel = r / NR * NR;
                int group = Transpose.FAST && r % L == 0 && r + L <= to ? L : 1;
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    int base = pc * nPad + panel * kc + (r - panel);
                    int p = 0;
                    if (group == L) {
                        for (; p + L <= kc; p += L)
                            Transpose.block(b, bo + r * ldb + pc + p, ldb, d, base + p * NR, NR);
                    }
                    for (int i = 0; i < group; i++) {
                        int src = bo + (r + i) * ldb + pc;
                        for (int q = p, dst = base + q * NR + i; q < kc; q++, dst += NR) d[dst] = b[src + q];
                    }
                }
                r += group;
            }
        }
    }

    /**
     * {@code C = f(alpha * op(A) * B + beta * C + bias)} with B packed by {@link #pack}: op(A) is m x k,
     * B is k x n. Splits C across threads when the product is large enough and the caller is not already inside a
     * parallel loop: its columns when it has at most {@link #COLUMN_SPLIT_MAX_ROWS} rows, else its rows.
     */
    public static void gemm(
            Op opA,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int ao,
            int lda,
            PackedB b,
            float beta,
            float[] c,
            int co,
            int ldc,
            Epilogue ep) {
        if (b == null) throw new IllegalArgumentException("gemm operand B (packed) is null");
        if (b.k != k || b.n != n) {
            throw new IllegalArgumentException(
                    "gemm shape mismatch: packed B is " + b.k + "x" + b.n + ", the product needs " + k + "x" + n);
        }
        if (ep == null) throw new IllegalArgumentException("epilogue is null; use Epilogue.NONE");
        if (m == 0) return;
        checkOperand("C", c, co, ldc, m, n);
        checkOperand("A", a, ao, lda, opA == Op.N ? m : k, opA == Op.N ? k : m);
        if (ep.bias() != null && ep.biasOffset() + (long) n > ep.bias().length) {
            throw new IllegalArgumentException(
                    "bias needs " + n + " values from offset " + ep.biasOffset() + ", but holds " + ep.bias().length);
        }
        if (alpha == 0f) {
            scaleOnly(m, n, beta, c, co, ldc, ep);
            return;
        }
        int rowUnits = (m + MR - 1) / MR;
        int colUnits = b.nPad / NR;
        int threads = parts(m, n, k);
        if (threads > 1 && m <= COLUMN_SPLIT_MAX_ROWS && colUnits >= threads) {
            // Few rows: the threads split the columns of C, each reading only its share of the panels of B (in a
            // training step, mostly those its own update packed), instead of every thread reading all of B.
            Parallel.run(threads, t -> {
                int j0 = share(colUnits, t, threads, NR, n);
                int j1 = share(colUnits, t + 1, threads, NR, n);
                if (j1 <= j0) return;
                serial(
                        MR, opA, Op.N, m, j1 - j0, k, alpha, a, ao, lda, null, 0, 0, beta, c, co + j0, ldc, ep, j0,
                        b.data, j0, b.nPad);
            });
            return;
        }
        int p = Math.min(threads, rowUnits);
        if (p <= 1) {
            serial(MR, opA, Op.N, m, n, k, alpha, a, ao, lda, null, 0, 0, beta, c, co, ldc, ep, 0, b.data, 0, b.nPad);
            return;
        }
        Parallel.run(p, t -> {
            int i0 = share(rowUnits, t, p, MR, m);
            int i1 = share(rowUnits, t + 1, p, MR, m);
            int aShift = opA == Op.N ? i0 * lda : i0;
            serial(
                    MR,
                    opA,
                    Op.N,
                    i1 - i0,
                    n,
                    k,
                    alpha,
                    a,
                    ao + aShift,
                    lda,
                    null,
                    0,
                    0,
                    beta,
                    c,
                    co + i0 * ldc,
                    ldc,
                    ep,
                    0,
                    b.data,
                    0,
                    b.nPad);
        });
    }

    /**
     * The whole algorithm with an explicit tile height (6 or 8) and number of parts C is split into.
     * Package-private so tests can run both micro-kernels and any split on any machine.
     */
    static void run(
            int mr,
            int parts,
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int ao,
            int lda,
            float[] b,
            int bo,
            int ldb,
            float beta,
            float[] c,
            int co,
            int ldc,
            Epilogue ep) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scaleOnly(m, n, beta, c, co, ldc, ep);
            return;
        }
        int colUnits = (n + NR - 1) / NR;
        int rowUnits = (m + mr - 1) / mr;
        if (parts <= 1 || (colUnits < 2 && rowUnits < 2)) {
            serial(mr, opA, opB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc, ep, 0, null, 0, 0);
            return;
        }
        int nPad = colUnits * NR;
        if (rowUnits >= parts && (long) k * nPad <= SHARED_B_MAX) {
            // Pack all of op(B) once, the parts sharing the work, then split C by rows: nothing is packed
            // twice. Two hand-offs, but at autoencoder shapes packing is a fifth of the work.
            float[] shared = WORKSPACE.get().shared(k * nPad);
            int kcMax = kcBlock(k);
            int pb = Math.min(parts, colUnits);
            Parallel.run(pb, t -> {
                int j0 = share(colUnits, t, pb, NR, n);
                int j1 = share(colUnits, t + 1, pb, NR, n);
                if (j1 <= j0) return;
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    GemmPacking.packB(opB, b, bo, ldb, pc, kc, j0, j1 - j0, shared, pc * nPad + j0 * kc);
                }
            });
            int p = Math.min(parts, rowUnits);
            Parallel.run(p, t -> {
                int i0 = share(rowUnits, t, p, mr, m);
                int i1 = share(rowUnits, t + 1, p, mr, m);
                int aShift = opA == Op.N ? i0 * lda : i0;
                serial(
                        mr,
                        opA,
                        opB,
                        i1 - i0,
                        n,
                        k,
                        alpha,
                        a,
                        ao + aShift,
                        lda,
                        b,
                        bo,
                        ldb,
                        beta,
                        c,
                        co + i0 * ldc,
                        ldc,
                        ep,
                        0,
                        shared,
                        0,
                        nPad);
            });
            return;
        }
        // Splitting columns repeats the packing of A (m*k) in every part; splitting rows repeats B (k*n).
        boolean splitCols = (m <= n && colUnits >= parts) || rowUnits < parts;
        int units = splitCols ? colUnits : rowUnits;
        int p = Math.max(1, Math.min(parts, units));
        Parallel.run(p, t -> {
            int u0 = (int) ((long) units * t / p);
            int u1 = (int) ((long) units * (t + 1) / p);
            if (splitCols) {
                int j0 = u0 * NR;
                int j1 = Math.min(n, u1 * NR);
                int bShift = opB == Op.N ? j0 : j0 * ldb;
                serial(
                        mr,
                        opA,
                        opB,
                        m,
                        j1 - j0,
                        k,
                        alpha,
                        a,
                        ao,
                        lda,
                        b,
                        bo + bShift,
                        ldb,
                        beta,
                        c,
                        co + j0,
                        ldc,
                        ep,
                        j0,
                        null,
                        0,
                        0);
            } else {
                int i0 = u0 * mr;
                int i1 = Math.min(m, u1 * mr);
                int aShift = opA == Op.N ? i0 * lda : i0;
                serial(
                        mr,
                        opA,
                        opB,
                        i1 - i0,
                        n,
                        k,
                        alpha,
                        a,
                        ao + aShift,
                        lda,
                        b,
                        bo,
                        ldb,
                        beta,
                        c,
                        co + i0 * ldc,
                        ldc,
                        ep,
                        0,
                        null,
                        0,
                        0);
            }
        });
    }

    /**
     * One thread's share: the blocked loops over (NC, KC, MC, NR, MR). biasCol is column 0's index in C.
     * With {@code packedB} (op(B) packed, K block at pc starting at pc * packedNPad), the B packing is skipped and
     * the columns form one block; the product's column 0 is the packed matrix's column {@code packedCol} (a multiple
     * of NR), so a thread can take some of its columns. Without it, packedCol and packedNPad are not read.
     */
    private static void serial(
            int mr,
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int ao,
            int lda,
            float[] b,
            int bo,
            int ldb,
            float beta,
            float[] c,
            int co,
            int ldc,
            Epilogue ep,
            int biasCol,
            float[] packedB,
            int packedCol,
            int packedNPad) {
        Workspace ws = WORKSPACE.get();
        int kcMax = kcBlock(k);
        int nPad = roundUp(n, NR);
        int ncBlock = packedB != null ? nPad : Math.min(NC, nPad);
        int mcBlock = roundUp(Math.min(MC, m), mr);
        float[] bp = packedB != null ? packedB : ws.bp(kcMax * ncBlock);
        float[] ap = ws.ap(kcMax * mcBlock);
        float[] t = ws.tile;
        float[] bias = ep.bias();
        Activation act = ep.activation();
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean last = pc + kc == k;
                float betaBlock = pc == 0 ? beta : 1f;
                int bBase = 0;
                if (packedB == null) {
                    GemmPacking.packB(opB, b, bo, ldb, pc, kc, jc, nc, bp, 0);
                } else {
                    bBase = pc * packedNPad + packedCol * kc;
                }
                // Whole mr x NR tiles with alpha = 1 and at most a ReLU merge into C from the registers; the rest
                // go through the tile buffer and store. (op(A) = A is always packed: reading its rows unpacked,
                // contiguous in k, measured no faster.)
                boolean direct = alpha == 1f && (!last || act == Activation.IDENTITY || act == Activation.RELU);
                boolean relu = last && act == Activation.RELU;
                float[] lastBias = last ? bias : null;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    // op(A) = A^T holds each k's mr values side by side already: whole panels are read in place.
                    boolean inPlace = opA == Op.T && mc % mr == 0;
                    if (!inPlace) GemmPacking.packA(mr, opA, a, ao, lda, ic, mc, pc, kc, ap);
                    float[] aSrc = inPlace ? a : ap;
                    // op(A) = A is packed in pairs of panels, 2 mr rows side by side per k (GemmPacking.packA)
                    int pairs = inPlace ? 0 : GemmPacking.pairedRows(mr, opA, mc);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bi = bBase + jr * kc;
                        int cj = co + jc + jr;
                        int biasIndex = ep.biasOffset() + biasCol + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int ai, as;
                            if (inPlace) {
                                ai = ao + pc * lda + ic + ir;
                                as = lda;
                            } else if (ir < pairs) {
                                int half = ir % (2 * mr); // 0: the pair's first panel, mr: its second
                                ai = (ir - half) * kc + half;
                                as = 2 * mr;
                            } else {
                                ai = ir * kc;
                                as = mr;
                            }
                            int ci0 = cj + (ic + ir) * ldc;
                            if (direct && nr == NR && mc - ir >= mr) {
                                GemmKernels.kernelStore(
                                        mr, kc, aSrc, ai, as, bp, bi, c, ci0, ldc, betaBlock, lastBias, biasIndex,
                                        relu);
                                continue;
                            }
                            GemmKernels.kernelStore(
                                    mr, kc, aSrc, ai, as, bp, bi, t, 0, NR, 0f, null, 0, false); // into the tile
                            int rows = Math.min(mr, mc - ir);
                            if (last) {
                                store(t, rows, nr, alpha, betaBlock, c, ci0, ldc, bias, biasIndex, act);
                            } else {
                                store(t, rows, nr, alpha, betaBlock, c, ci0, ldc, null, 0, Activation.IDENTITY);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Merges an accumulator tile into C: c = f(alpha * t + beta * c + bias), masked on the right edge. The
     * activation runs as a second pass over the tile's rows while they are in L1: inlining every
     * activation into this loop would push C2 past its node budget (and box the vectors).
     */
    private static void store(
            float[] t,
            int rows,
            int nr,
            float alpha,
            float beta,
            float[] c,
            int ci,
            int ldc,
            float[] bias,
            int bi,
            Activation act) {
        for (int r = 0; r < rows; r++) {
            int cr = ci + r * ldc;
            int tr = r * NR;
            for (int j = 0; j < nr; j += L) {
                if (j + L <= nr) {
                    FloatVector v = FloatVector.fromArray(S, t, tr + j).mul(alpha);
                    if (beta != 0f) v = FloatVector.fromArray(S, c, cr + j).fma(FloatVector.broadcast(S, beta), v);
                    if (bias != null) v = v.add(FloatVector.fromArray(S, bias, bi + j));
                    v.intoArray(c, cr + j);
                } else {
                    // The right edge, scalar: the same operations as the vector lanes (fma(c, beta, alpha * t),
                    // then + bias), so the bits do not depend on where a column falls. Masked vector loads
                    // here were not intrinsified in every caller and allocated.
                    for (int jj = j; jj < nr; jj++) {
                        float v = t[tr + jj] * alpha;
                        if (beta != 0f) v = Math.fma(c[cr + jj], beta, v);
                        if (bias != null) v = v + bias[bi + jj];
                        c[cr + jj] = v;
                    }
                }
            }
            if (act != Activation.IDENTITY) act.forward(nr, c, cr, c, cr);
        }
    }

    /** k == 0 or alpha == 0: C = f(beta * C + bias), A and B not read. */
    private static void scaleOnly(int m, int n, float beta, float[] c, int co, int ldc, Epilogue ep) {
        Activation act = ep.activation();
        float[] bias = ep.bias();
        for (int i = 0; i < m; i++) {
            int cr = co + i * ldc;
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                FloatVector v = beta == 0f
                        ? FloatVector.zero(S)
                        : FloatVector.fromArray(S, c, cr + j, mask).mul(beta);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j, mask));
                v.intoArray(c, cr + j, mask);
            }
            if (act != Activation.IDENTITY) act.forward(n, c, cr, c, cr);
        }
    }

    private static void check(
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float[] a,
            int ao,
            int lda,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            Epilogue ep) {
        if (opA == null || opB == null) throw new IllegalArgumentException("gemm op is null; use Gemm.Op.N or T");
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be non-negative, got m=" + m + " n=" + n + " k=" + k);
        }
        if (ep == null) throw new IllegalArgumentException("epilogue is null; use Epilogue.NONE");
        if (m == 0 || n == 0) return;
        checkOperand("C", c, co, ldc, m, n);
        if (k > 0) {
            checkOperand("A", a, ao, lda, opA == Op.N ? m : k, opA == Op.N ? k : m);
            checkOperand("B", b, bo, ldb, opB == Op.N ? k : n, opB == Op.N ? n : k);
        }
        if (ep.bias() != null && ep.biasOffset() + (long) n > ep.bias().length) {
            throw new IllegalArgumentException(
                    "bias needs " + n + " values from offset " + ep.biasOffset() + ", but holds " + ep.bias().length);
        }
    }

    private static void checkOperand(String name, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) throw new IllegalArgumentException("gemm operand " + name + " is null");
        if (ld < cols) {
            throw new IllegalArgumentException(
                    "gemm operand " + name + ": leading dimension " + ld + " < stored columns " + cols);
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > x.length) {
            throw new IllegalArgumentException(
                    "gemm operand " + name + ": a stored " + rows + "x" + cols + " matrix with ld " + ld + " at offset "
                            + off + " needs " + end + " floats, array has " + x.length);
        }
    }

    /** K block size: at most KC, with the blocks of k balanced (784 = 392 + 392, not 384 + 384 + 16). */
    static int kcBlock(int k) {
        int blocks = (k + KC - 1) / KC;
        return Math.min(KC, roundUp((k + blocks - 1) / blocks, 8));
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
