package ae4j.vecmath;

import static ae4j.vecmath.Gemm.L;
import static ae4j.vecmath.Gemm.NR;
import static ae4j.vecmath.Gemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked micro-kernels of {@link Gemm}: an MR x NR tile of C from one packed A panel and one
 * packed B panel, the accumulators in registers for the whole panel. Never inlined into callers ({@link Jit}).
 */
final class GemmKernels {

    static {
        Jit.ensureDirectives();
    }

    private GemmKernels() {}

    /** The mr x NR kernel of this tile height (8: {@link #kernel8Store}, 4: {@link #kernel4Store}), same arguments. */
    static void kernelStore(
            int mr,
            int kc,
            float[] ap,
            int ai,
            int as,
            float[] bp,
            int bi,
            float[] c,
            int ci,
            int ldc,
            float beta,
            float[] bias,
            int biasIndex,
            boolean relu) {
        if (mr == 8) kernel8Store(kc, ap, ai, as, bp, bi, c, ci, ldc, beta, bias, biasIndex, relu);
        else kernel4Store(kc, ap, ai, as, bp, bi, c, ci, ldc, beta, bias, biasIndex, relu);
    }

    /**
     * 4 x NR block: broadcast one A value per row (the rows of op(A) at k are the 4 floats from ap[ai + k * as]:
     * a packed panel, as = 4, or A^T read in place, as = lda), FMA with two packed B vectors; then merged into C
     * (row stride ldc) straight from the registers: c = fma(c, beta, acc) when beta != 0, then + bias, then
     * max(c, 0) with {@code relu}. The same operations, in the same order, as {@code Gemm.store}, so the bits do not
     * depend on which path a tile takes. With beta 0, no bias and C the tile buffer (ldc = NR), it fills the
     * tile that {@code Gemm.store} then merges for edge tiles and other epilogues.
     */
    static void kernel4Store(
            int kc,
            float[] ap,
            int ai,
            int as,
            float[] bp,
            int bi,
            float[] c,
            int ci,
            int ldc,
            float beta,
            float[] bias,
            int biasIndex,
            boolean relu) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bk = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk);
            FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
            int ak = ai + p * as;
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

    /**
     * 8 x NR block: broadcast one A value per row (8 floats from ap[ai + k * as], as {@link #kernel4Store} reads
     * them), FMA with two packed B vectors; then merged into C straight
     * from the registers, as {@link #kernel4Store} does (the same operations in the same order as {@code Gemm.store}).
     */
    static void kernel8Store(
            int kc,
            float[] ap,
            int ai,
            int as,
            float[] bp,
            int bi,
            float[] c,
            int ci,
            int ldc,
            float beta,
            float[] bias,
            int biasIndex,
            boolean relu) {
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
            int ak = ai + p * as;
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
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        int r6 = r5 + ldc;
        int r7 = r6 + ldc;
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
            c40 = FloatVector.fromArray(S, c, r4).fma(vb, c40);
            c41 = FloatVector.fromArray(S, c, r4 + L).fma(vb, c41);
            c50 = FloatVector.fromArray(S, c, r5).fma(vb, c50);
            c51 = FloatVector.fromArray(S, c, r5 + L).fma(vb, c51);
            c60 = FloatVector.fromArray(S, c, r6).fma(vb, c60);
            c61 = FloatVector.fromArray(S, c, r6 + L).fma(vb, c61);
            c70 = FloatVector.fromArray(S, c, r7).fma(vb, c70);
            c71 = FloatVector.fromArray(S, c, r7 + L).fma(vb, c71);
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
            c40 = c40.add(x0);
            c41 = c41.add(x1);
            c50 = c50.add(x0);
            c51 = c51.add(x1);
            c60 = c60.add(x0);
            c61 = c61.add(x1);
            c70 = c70.add(x0);
            c71 = c71.add(x1);
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
            c40 = c40.max(0f);
            c41 = c41.max(0f);
            c50 = c50.max(0f);
            c51 = c51.max(0f);
            c60 = c60.max(0f);
            c61 = c61.max(0f);
            c70 = c70.max(0f);
            c71 = c71.max(0f);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + L);
    }
}
