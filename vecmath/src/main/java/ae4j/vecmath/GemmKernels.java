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

    /**
     * 4 x NR block: broadcast one packed A value per row, FMA with two packed B vectors; then merged into C
     * (row stride ldc) straight from the registers: c = fma(c, beta, acc) when beta != 0, then + bias, then
     * max(c, 0) with {@code relu}. The same operations, in the same order, as {@code Gemm.store}, so the bits do not
     * depend on which path a tile takes. With beta 0, no bias and C the tile buffer (ldc = NR), it fills the
     * tile that {@code Gemm.store} then merges for edge tiles and other epilogues.
     */
    static void kernel4Store(
            int kc,
            float[] ap,
            int ai,
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
}
