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
    public enum Op { N, T }

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Tile width: two vectors. */
    static final int NR = 2 * L;
    /** Tile height for this machine's register file. */
    static final int MR = L >= 16 ? 8 : 4;
    static final int KC = Integer.getInteger("ae4j.gemm.kc", L >= 16 ? 256 : 384);
    static final int MC = roundUp(Integer.getInteger("ae4j.gemm.mc", 192), 8);
    static final int NC = roundUp(Integer.getInteger("ae4j.gemm.nc", 4096), NR);
    /** Below this many flops a product runs on one thread: the hand-off would cost more than it saves. */
    /** Largest op(B) (in floats) packed whole and shared by the threads; beyond it, each thread packs its own. */
    static final long SHARED_B_MAX = 4L << 20;
    static final long PARALLEL_MIN_FLOPS = Long.getLong("ae4j.gemm.parallelMinFlops", 6_000_000L);

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Gemm() {
    }

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
        gemm(opA, opB, m, n, k, alpha, a.data(), a.offset(), a.ld(), b.data(), b.offset(), b.ld(),
                beta, c.data(), c.offset(), c.ld(), ep);
    }

    /** BLAS-style {@code C = alpha * op(A) * op(B) + beta * C}; op(A) is m x k, op(B) is k x n, C is m x n. */
    public static void gemm(Op opA, Op opB, int m, int n, int k, float alpha,
                            float[] a, int ao, int lda, float[] b, int bo, int ldb,
                            float beta, float[] c, int co, int ldc) {
        gemm(opA, opB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc, Epilogue.NONE);
    }

    /**
     * BLAS-style GEMM with a fused epilogue. When {@code beta == 0}, C is not read (NaNs in it do not
     * propagate). Uses {@link Parallel#threads()} threads when the product is large enough.
     */
    public static void gemm(Op opA, Op opB, int m, int n, int k, float alpha,
                            float[] a, int ao, int lda, float[] b, int bo, int ldb,
                            float beta, float[] c, int co, int ldc, Epilogue ep) {
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
        if (part < 0 || part >= parts) throw new IllegalArgumentException("part " + part + " outside [0, " + parts + ")");
        int colUnits = into.nPad / NR;
        int j0 = (int) ((long) colUnits * part / parts) * NR;
        int j1 = Math.min(n, (int) ((long) colUnits * (part + 1) / parts) * NR);
        if (j1 <= j0) return;
        for (int pc = 0; pc < k; pc += into.kcMax) {
            int kc = Math.min(into.kcMax, k - pc);
            packB(opB, b, bo, ldb, pc, kc, j0, j1 - j0, into.data, pc * into.nPad + j0 * kc);
        }
    }

    /**
     * {@code C = f(alpha * op(A) * B + beta * C + bias)} with B packed by {@link #pack}: op(A) is m x k,
     * B is k x n. Splits the rows of C across threads when the product is large enough and the caller is
     * not already inside a parallel loop.
     */
    public static void gemm(Op opA, int m, int n, int k, float alpha, float[] a, int ao, int lda, PackedB b,
                            float beta, float[] c, int co, int ldc, Epilogue ep) {
        if (b == null) throw new IllegalArgumentException("gemm operand B (packed) is null");
        if (b.k != k || b.n != n) {
            throw new IllegalArgumentException("gemm shape mismatch: packed B is " + b.k + "x" + b.n + ", the product needs "
                    + k + "x" + n);
        }
        if (ep == null) throw new IllegalArgumentException("epilogue is null; use Epilogue.NONE");
        if (m == 0) return;
        checkOperand("C", c, co, ldc, m, n);
        checkOperand("A", a, ao, lda, opA == Op.N ? m : k, opA == Op.N ? k : m);
        if (ep.bias() != null && ep.biasOffset() + (long) n > ep.bias().length) {
            throw new IllegalArgumentException("bias needs " + n + " values from offset " + ep.biasOffset()
                    + ", but holds " + ep.bias().length);
        }
        if (alpha == 0f) {
            scaleOnly(m, n, beta, c, co, ldc, ep);
            return;
        }
        int rowUnits = (m + MR - 1) / MR;
        int p = Math.min(parts(m, n, k), rowUnits);
        if (p <= 1) {
            serial(MR, opA, Op.N, m, n, k, alpha, a, ao, lda, null, 0, 0, beta, c, co, ldc, ep, 0, b.data);
            return;
        }
        Parallel.run(p, t -> {
            int i0 = (int) ((long) rowUnits * t / p) * MR;
            int i1 = Math.min(m, (int) ((long) rowUnits * (t + 1) / p) * MR);
            int aShift = opA == Op.N ? i0 * lda : i0;
            serial(MR, opA, Op.N, i1 - i0, n, k, alpha, a, ao + aShift, lda, null, 0, 0,
                    beta, c, co + i0 * ldc, ldc, ep, 0, b.data);
        });
    }

    /**
     * The whole algorithm with an explicit tile height (6 or 8) and number of parts C is split into.
     * Package-private so tests can run both micro-kernels and any split on any machine.
     */
    static void run(int mr, int parts, Op opA, Op opB, int m, int n, int k, float alpha,
                    float[] a, int ao, int lda, float[] b, int bo, int ldb,
                    float beta, float[] c, int co, int ldc, Epilogue ep) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scaleOnly(m, n, beta, c, co, ldc, ep);
            return;
        }
        int colUnits = (n + NR - 1) / NR;
        int rowUnits = (m + mr - 1) / mr;
        if (parts <= 1 || (colUnits < 2 && rowUnits < 2)) {
            serial(mr, opA, opB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc, ep, 0, null);
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
                int j0 = (int) ((long) colUnits * t / pb) * NR;
                int j1 = Math.min(n, (int) ((long) colUnits * (t + 1) / pb) * NR);
                if (j1 <= j0) return;
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    packB(opB, b, bo, ldb, pc, kc, j0, j1 - j0, shared, pc * nPad + j0 * kc);
                }
            });
            int p = Math.min(parts, rowUnits);
            Parallel.run(p, t -> {
                int i0 = (int) ((long) rowUnits * t / p) * mr;
                int i1 = Math.min(m, (int) ((long) rowUnits * (t + 1) / p) * mr);
                int aShift = opA == Op.N ? i0 * lda : i0;
                serial(mr, opA, opB, i1 - i0, n, k, alpha, a, ao + aShift, lda, b, bo, ldb,
                        beta, c, co + i0 * ldc, ldc, ep, 0, shared);
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
                serial(mr, opA, opB, m, j1 - j0, k, alpha, a, ao, lda, b, bo + bShift, ldb,
                        beta, c, co + j0, ldc, ep, j0, null);
            } else {
                int i0 = u0 * mr;
                int i1 = Math.min(m, u1 * mr);
                int aShift = opA == Op.N ? i0 * lda : i0;
                serial(mr, opA, opB, i1 - i0, n, k, alpha, a, ao + aShift, lda, b, bo, ldb,
                        beta, c, co + i0 * ldc, ldc, ep, 0, null);
            }
        });
    }

    /**
     * One thread's share: the blocked loops over (NC, KC, MC, NR, MR). biasCol is column 0's index in C.
     * With {@code packedB} (all of op(B) packed by {@link #run}, K block at pc starting at pc * nPad), the
     * B packing is skipped and the columns form one block.
     */
    private static void serial(int mr, Op opA, Op opB, int m, int n, int k, float alpha,
                               float[] a, int ao, int lda, float[] b, int bo, int ldb,
                               float beta, float[] c, int co, int ldc, Epilogue ep, int biasCol, float[] packedB) {
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
                    packB(opB, b, bo, ldb, pc, kc, jc, nc, bp, 0);
                } else {
                    bBase = pc * nPad;
                }
                // Whole 4 x NR tiles with alpha = 1 and at most a ReLU merge into C from the registers.
                // (Reading op(A) = A unpacked, rows contiguous in k, measured no faster: A is packed always.)
                boolean direct = mr == 4 && alpha == 1f && (!last || act == Activation.IDENTITY || act == Activation.RELU);
                boolean relu = last && act == Activation.RELU;
                float[] lastBias = last ? bias : null;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(mr, opA, a, ao, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bi = bBase + jr * kc;
                        int cj = co + jc + jr;
                        int biasIndex = ep.biasOffset() + biasCol + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int ai = ir * kc;
                            int ci0 = cj + (ic + ir) * ldc;
                            if (direct && nr == NR && mc - ir >= 4) {
                                kernel4Store(kc, ap, ai, bp, bi, c, ci0, ldc, betaBlock, lastBias, biasIndex, relu);
                                continue;
                            }
                            if (mr == 8) {
                                kernel8(kc, ap, ai, bp, bi, t);
                            } else {
                                kernel4Store(kc, ap, ai, bp, bi, t, 0, NR, 0f, null, 0, false);   // into the tile
                            }
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
     * 4 x NR block: broadcast one packed A value per row, FMA with two packed B vectors; then merged into C
     * (row stride ldc) straight from the registers: c = fma(c, beta, acc) when beta != 0, then + bias, then
     * max(c, 0) with {@code relu}. The same operations, in the same order, as {@link #store}, so the bits do not
     * depend on which path a tile takes. With beta 0, no bias and C the tile buffer (ldc = NR), it fills the
     * tile that {@link #store} then merges for edge tiles and other epilogues.
     */
    static void kernel4Store(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                             float beta, float[] bias, int biasIndex, boolean relu) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bk = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk);
            FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
            int ak = ai + p * 4;
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ak]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ak + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ak + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ak + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00 = FloatVector.fromArray(S, c, ci).fma(vb, c00);
            c01 = FloatVector.fromArray(S, c, ci + L).fma(vb, c01);
            c10 = FloatVector.fromArray(S, c, r1).fma(vb, c10);
            c11 = FloatVector.fromArray(S, c, r1 + L).fma(vb, c11);
            c20 = FloatVector.fromArray(S, c, r2).fma(vb, c20);
            c21 = FloatVector.fromArray(S, c, r2 + L).fma(vb, c21);
            c30 = FloatVector.fromArray(S, c, r3).fma(vb, c30);
            c31 = FloatVector.fromArray(S, c, r3 + L).fma(vb, c31);
        }
        if (bias != null) {
            FloatVector x0 = FloatVector.fromArray(S, bias, biasIndex);
            FloatVector x1 = FloatVector.fromArray(S, bias, biasIndex + L);
            c00 = c00.add(x0);
            c01 = c01.add(x1);
            c10 = c10.add(x0);
            c11 = c11.add(x1);
            c20 = c20.add(x0);
            c21 = c21.add(x1);
            c30 = c30.add(x0);
            c31 = c31.add(x1);
        }
        if (relu) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
    }

    /** 8 x NR block: broadcast one packed A value per row, FMA with two packed B vectors. */
    static void kernel8(int kc, float[] ap, int ai, float[] bp, int bi, float[] t) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bk = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk);
            FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
            int ak = ai + p * 8;
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ak]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ak + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ak + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ak + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ak + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ak + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ak + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ak + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, 0 + L);
        c10.intoArray(t, 1 * NR);
        c11.intoArray(t, 1 * NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
        c40.intoArray(t, 4 * NR);
        c41.intoArray(t, 4 * NR + L);
        c50.intoArray(t, 5 * NR);
        c51.intoArray(t, 5 * NR + L);
        c60.intoArray(t, 6 * NR);
        c61.intoArray(t, 6 * NR + L);
        c70.intoArray(t, 7 * NR);
        c71.intoArray(t, 7 * NR + L);
    }

    /**
     * Merges an accumulator tile into C: c = f(alpha * t + beta * c + bias), masked on the right edge. The
     * activation runs as a second pass over the tile's rows while they are in L1: inlining every
     * activation into this loop would push C2 past its node budget (and box the vectors).
     */
    private static void store(float[] t, int rows, int nr, float alpha, float beta, float[] c, int ci, int ldc,
                              float[] bias, int bi, Activation act) {
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
                FloatVector v = beta == 0f ? FloatVector.zero(S)
                        : FloatVector.fromArray(S, c, cr + j, mask).mul(beta);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j, mask));
                v.intoArray(c, cr + j, mask);
            }
            if (act != Activation.IDENTITY) act.forward(n, c, cr, c, cr);
        }
    }

    /**
     * Packs op(B)[pc, pc+kc) x [jc, jc+nc) into panels of NR columns: panel p holds, for each k, NR
     * consecutive floats (zero past the matrix edge), at bp[p * kc * NR + k * NR + j].
     */
    static void packB(Op opB, float[] b, int bo, int ldb, int pc, int kc, int jc, int nc, float[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            int dst = bpOff + jr * kc;
            if (opB == Op.N) {
                int src = bo + pc * ldb + jc + jr;
                if (w == NR) {
                    for (int p = 0; p < kc; p++) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                        src += ldb;
                        dst += NR;
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        for (int j = 0; j < w; j++) bp[dst + j] = b[src + j];
                        for (int j = w; j < NR; j++) bp[dst + j] = 0f;
                        src += ldb;
                        dst += NR;
                    }
                }
            } else {
                // op(B) = B^T: column j of the panel is row (jc + jr + j) of B, contiguous in k. (Measured:
                // one row at a time with strided writes beats reading the NR rows side by side, 62 vs 109 us
                // for a 392 x 256 block.)
                for (int j = 0; j < w; j++) {
                    int src = bo + (jc + jr + j) * ldb + pc;
                    int d = dst + j;
                    for (int p = 0; p < kc; p++) {
                        bp[d] = b[src + p];
                        d += NR;
                    }
                }
                for (int j = w; j < NR; j++) {
                    int d = dst + j;
                    for (int p = 0; p < kc; p++) {
                        bp[d] = 0f;
                        d += NR;
                    }
                }
            }
        }
    }

    /**
     * Packs op(A)[ic, ic+mc) x [pc, pc+kc) into panels of mr rows: panel q holds, for each k, mr
     * consecutive floats (zero past the matrix edge), at ap[q * kc * mr + k * mr + r].
     */
    static void packA(int mr, Op opA, float[] a, int ao, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += mr) {
            int h = Math.min(mr, mc - ir);
            int dst = ir * kc;
            if (opA == Op.N) {
                for (int r = 0; r < h; r++) {
                    int src = ao + (ic + ir + r) * lda + pc;
                    int d = dst + r;
                    for (int p = 0; p < kc; p++) {
                        ap[d] = a[src + p];
                        d += mr;
                    }
                }
                for (int r = h; r < mr; r++) {
                    int d = dst + r;
                    for (int p = 0; p < kc; p++) {
                        ap[d] = 0f;
                        d += mr;
                    }
                }
            } else {
                // op(A) = A^T: the panel's mr values for each k are contiguous in A; copy them as one vector.
                int src = ao + pc * lda + ic + ir;
                int d = dst;
                if (h == 4 && mr == 4) {
                    // Plain copies: a 128-bit species here would make the Vector API call sites shared with
                    // the 256-bit kernels polymorphic, and then C2 boxes vectors in every GEMM.
                    for (int p = 0; p < kc; p++) {
                        ap[d] = a[src];
                        ap[d + 1] = a[src + 1];
                        ap[d + 2] = a[src + 2];
                        ap[d + 3] = a[src + 3];
                        src += lda;
                        d += 4;
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        for (int r = 0; r < h; r++) ap[d + r] = a[src + r];
                        for (int r = h; r < mr; r++) ap[d + r] = 0f;
                        src += lda;
                        d += mr;
                    }
                }
            }
        }
    }

    private static void check(Op opA, Op opB, int m, int n, int k, float[] a, int ao, int lda,
                              float[] b, int bo, int ldb, float[] c, int co, int ldc, Epilogue ep) {
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
            throw new IllegalArgumentException("bias needs " + n + " values from offset " + ep.biasOffset()
                    + ", but holds " + ep.bias().length);
        }
    }

    private static void checkOperand(String name, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) throw new IllegalArgumentException("gemm operand " + name + " is null");
        if (ld < cols) {
            throw new IllegalArgumentException("gemm operand " + name + ": leading dimension " + ld
                    + " < stored columns " + cols);
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > x.length) {
            throw new IllegalArgumentException("gemm operand " + name + ": a stored " + rows + "x" + cols
                    + " matrix with ld " + ld + " at offset " + off + " needs " + end + " floats, array has " + x.length);
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
