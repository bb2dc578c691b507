package ae4j.vecmath;

import static ae4j.vecmath.Gemm.L;
import static ae4j.vecmath.Gemm.NR;
import static ae4j.vecmath.Gemm.S;

import ae4j.vecmath.Gemm.Op;
import jdk.incubator.vector.FloatVector;

/**
 * How {@link Gemm} lays its operands out for the micro-kernel: op(B) in column panels NR wide, op(A) in row
 * panels MR tall, both zero-padded at the edges so the kernel always runs full-size (see {@link Gemm}).
 */
final class GemmPacking {

    private GemmPacking() {}

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
                // op(B) = B^T: column j of the panel is row (jc + jr + j) of B, contiguous in k. A whole panel goes
                // as L x L blocks transposed in registers (Transpose: 0.24 vs 0.66 ns per float); an edge panel one
                // row at a time with strided writes (which beat reading the rows side by side, 62 vs 109 us for a
                // 392 x 256 block).
                if (w == NR && Transpose.FAST) {
                    int p = 0;
                    for (; p + L <= kc; p += L) {
                        for (int h = 0; h < NR; h += L)
                            Transpose.block(b, bo + (jc + jr + h) * ldb + pc + p, ldb, bp, dst + p * NR + h, NR);
                    }
                    for (int j = 0; j < NR && p < kc; j++) {
                        int src = bo + (jc + jr + j) * ldb + pc;
                        for (int q = p, d = dst + q * NR + j; q < kc; q++, d += NR) bp[d] = b[src + q];
                    }
                    continue;
                }
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
     * The leading rows of an mc-row block that {@link #packA} lays out in pairs of panels (0: none). For op(A) = A
     * with 2 mr = L, whole pairs of panels are packed side by side, 2 mr rows per k, so that whole L x L blocks go
     * through {@link Transpose} in registers (0.2 ns per float) instead of one float at a time.
     */
    static int pairedRows(int mr, Op opA, int mc) {
        return opA == Op.N && Transpose.FAST && 2 * mr == L ? mc / (2 * mr) * (2 * mr) : 0;
    }

    /**
     * Packs op(A)[ic, ic+mc) x [pc, pc+kc) into panels of mr rows: panel q holds, for each k, mr
     * consecutive floats (zero past the matrix edge), at ap[q * kc * mr + k * mr + r]. In the first
     * {@link #pairedRows} rows, each pair of panels (2 mr rows from row ir, a multiple of 2 mr) holds instead, for each k, its 2 mr
     * consecutive floats at ap[ir * kc + k * 2 mr + r]: the same room, panel ir + mr starting mr floats in.
     */
    static void packA(int mr, Op opA, float[] a, int ao, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        int pairs = pairedRows(mr, opA, mc); // 2 mr = L rows per pair
        for (int ir = 0; ir < pairs; ir += L) {
            int src = ao + (ic + ir) * lda + pc;
            int dst = ir * kc;
            int p = 0;
            for (; p + L <= kc; p += L) Transpose.block(a, src + p, lda, ap, dst + p * L, L);
            for (int r = 0; r < L; r++) {
                for (int q = p, d = dst + q * L + r; q < kc; q++, d += L) ap[d] = a[src + r * lda + q];
            }
        }
        for (int ir = pairs; ir < mc; ir += mr) {
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
}
