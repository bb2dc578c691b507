package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Square blocks of L x L floats transposed in registers (L = the preferred species' lanes, 16 or 8): L row
 * loads, log2(L) rounds of two-table permutes (selectFrom) that swap the off-diagonal blocks of size L/2, L/4, ..., 1,
 * and L stores. About four times faster than moving one float at a time (0.14-0.15 vs 0.66 ns per float for a
 * 256 x 784 weight on an AVX-512 Zen 4). The permutes run on the floats' bits as ints: with float indexes each
 * permute also converted its index vector (0.19 ns per float). Used where the GEMM packs a transposed operand. Pure
 * data movement: every float arrives with its bits.
 */
final class Transpose {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Ints in vectors of the same size: the permutes run on the floats' bits, with int indexes. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private Transpose() {}

    /**
     * For a round on blocks of size h, between rows x and y = the row h further: lane j of the new x is x[j] if
     * bit h of j is clear, else y[j - h]; of the new y, x[j + h] if clear, else y[j]. As indexes of the two-table
     * lookup {@code index.selectFrom(x, y)} (one permute instruction: vpermi2d), where L + i picks y[i]. Kept as
     * arrays and loaded in the method (vectors are not kept in fields).
     */
    private static int[] round(int h, boolean low) {
        int[] idx = new int[L];
        for (int j = 0; j < L; j++) {
            boolean clear = (j & h) == 0;
            idx[j] = low ? (clear ? j : L + j - h) : (clear ? j + h : L + j);
        }
        return idx;
    }

    private static final int[] LOW8 = round(Math.min(8, L / 2), true);
    private static final int[] HIGH8 = round(Math.min(8, L / 2), false);
    private static final int[] LOW4 = round(Math.min(4, L / 2), true);
    private static final int[] HIGH4 = round(Math.min(4, L / 2), false);
    private static final int[] LOW2 = round(2, true);
    private static final int[] HIGH2 = round(2, false);
    private static final int[] LOW1 = round(1, true);
    private static final int[] HIGH1 = round(1, false);

    /** Whether {@link #block} runs in registers on this machine (16 or 8 lanes); else callers move floats one by one. */
    static final boolean FAST = L == 16 || L == 8;

    /**
     * The L x L block of b from src (its rows ldb apart) transposed: column j of the block becomes L consecutive
     * floats at d[dst + j * stride]. Only when {@link #FAST}.
     */
    static void block(float[] b, int src, int ldb, float[] d, int dst, int stride) {
        if (L == 16) block16(b, src, ldb, d, dst, stride);
        else block8(b, src, ldb, d, dst, stride);
    }

    /** The 16 x 16 block starting at b[src] (rows ldb apart), transposed into rows of d from dst, stride apart. */
    private static void block16(float[] b, int src, int ldb, float[] d, int dst, int stride) {
        IntVector low8 = IntVector.fromArray(I, LOW8, 0), high8 = IntVector.fromArray(I, HIGH8, 0);
        IntVector low4 = IntVector.fromArray(I, LOW4, 0), high4 = IntVector.fromArray(I, HIGH4, 0);
        IntVector low2 = IntVector.fromArray(I, LOW2, 0), high2 = IntVector.fromArray(I, HIGH2, 0);
        IntVector low1 = IntVector.fromArray(I, LOW1, 0), high1 = IntVector.fromArray(I, HIGH1, 0);
        IntVector r0 = FloatVector.fromArray(S, b, src + 0 * ldb).reinterpretAsInts();
        IntVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb).reinterpretAsInts();
        IntVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb).reinterpretAsInts();
        IntVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb).reinterpretAsInts();
        IntVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb).reinterpretAsInts();
        IntVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb).reinterpretAsInts();
        IntVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb).reinterpretAsInts();
        IntVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb).reinterpretAsInts();
        IntVector r8 = FloatVector.fromArray(S, b, src + 8 * ldb).reinterpretAsInts();
        IntVector r9 = FloatVector.fromArray(S, b, src + 9 * ldb).reinterpretAsInts();
        IntVector r10 = FloatVector.fromArray(S, b, src + 10 * ldb).reinterpretAsInts();
        IntVector r11 = FloatVector.fromArray(S, b, src + 11 * ldb).reinterpretAsInts();
        IntVector r12 = FloatVector.fromArray(S, b, src + 12 * ldb).reinterpretAsInts();
        IntVector r13 = FloatVector.fromArray(S, b, src + 13 * ldb).reinterpretAsInts();
        IntVector r14 = FloatVector.fromArray(S, b, src + 14 * ldb).reinterpretAsInts();
        IntVector r15 = FloatVector.fromArray(S, b, src + 15 * ldb).reinterpretAsInts();
        // blocks of 8: swap the off-diagonal ones
        IntVector a0 = low8.selectFrom(r0, r8);
        IntVector a8 = high8.selectFrom(r0, r8);
        IntVector a1 = low8.selectFrom(r1, r9);
        IntVector a9 = high8.selectFrom(r1, r9);
        IntVector a2 = low8.selectFrom(r2, r10);
        IntVector a10 = high8.selectFrom(r2, r10);
        IntVector a3 = low8.selectFrom(r3, r11);
        IntVector a11 = high8.selectFrom(r3, r11);
        IntVector a4 = low8.selectFrom(r4, r12);
        IntVector a12 = high8.selectFrom(r4, r12);
        IntVector a5 = low8.selectFrom(r5, r13);
        IntVector a13 = high8.selectFrom(r5, r13);
        IntVector a6 = low8.selectFrom(r6, r14);
        IntVector a14 = high8.selectFrom(r6, r14);
        IntVector a7 = low8.selectFrom(r7, r15);
        IntVector a15 = high8.selectFrom(r7, r15);
        // blocks of 4: swap the off-diagonal ones
        IntVector b0 = low4.selectFrom(a0, a4);
        IntVector b4 = high4.selectFrom(a0, a4);
        IntVector b1 = low4.selectFrom(a1, a5);
        IntVector b5 = high4.selectFrom(a1, a5);
        IntVector b2 = low4.selectFrom(a2, a6);
        IntVector b6 = high4.selectFrom(a2, a6);
        IntVector b3 = low4.selectFrom(a3, a7);
        IntVector b7 = high4.selectFrom(a3, a7);
        IntVector b8 = low4.selectFrom(a8, a12);
        IntVector b12 = high4.selectFrom(a8, a12);
        IntVector b9 = low4.selectFrom(a9, a13);
        IntVector b13 = high4.selectFrom(a9, a13);
        IntVector b10 = low4.selectFrom(a10, a14);
        IntVector b14 = high4.selectFrom(a10, a14);
        IntVector b11 = low4.selectFrom(a11, a15);
        IntVector b15 = high4.selectFrom(a11, a15);
        // blocks of 2: swap the off-diagonal ones
        IntVector c0 = low2.selectFrom(b0, b2);
        IntVector c2 = high2.selectFrom(b0, b2);
        IntVector c1 = low2.selectFrom(b1, b3);
        IntVector c3 = high2.selectFrom(b1, b3);
        IntVector c4 = low2.selectFrom(b4, b6);
        IntVector c6 = high2.selectFrom(b4, b6);
        IntVector c5 = low2.selectFrom(b5, b7);
        IntVector c7 = high2.selectFrom(b5, b7);
        IntVector c8 = low2.selectFrom(b8, b10);
        IntVector c10 = high2.selectFrom(b8, b10);
        IntVector c9 = low2.selectFrom(b9, b11);
        IntVector c11 = high2.selectFrom(b9, b11);
        IntVector c12 = low2.selectFrom(b12, b14);
        IntVector c14 = high2.selectFrom(b12, b14);
        IntVector c13 = low2.selectFrom(b13, b15);
        IntVector c15 = high2.selectFrom(b13, b15);
        // blocks of 1: swap the off-diagonal ones
        IntVector d0 = low1.selectFrom(c0, c1);
        IntVector d1 = high1.selectFrom(c0, c1);
        IntVector d2 = low1.selectFrom(c2, c3);
        IntVector d3 = high1.selectFrom(c2, c3);
        IntVector d4 = low1.selectFrom(c4, c5);
        IntVector d5 = high1.selectFrom(c4, c5);
        IntVector d6 = low1.selectFrom(c6, c7);
        IntVector d7 = high1.selectFrom(c6, c7);
        IntVector d8 = low1.selectFrom(c8, c9);
        IntVector d9 = high1.selectFrom(c8, c9);
        IntVector d10 = low1.selectFrom(c10, c11);
        IntVector d11 = high1.selectFrom(c10, c11);
        IntVector d12 = low1.selectFrom(c12, c13);
        IntVector d13 = high1.selectFrom(c12, c13);
        IntVector d14 = low1.selectFrom(c14, c15);
        IntVector d15 = high1.selectFrom(c14, c15);
        d0.reinterpretAsFloats().intoArray(d, dst + 0 * stride);
        d1.reinterpretAsFloats().intoArray(d, dst + 1 * stride);
        d2.reinterpretAsFloats().intoArray(d, dst + 2 * stride);
        d3.reinterpretAsFloats().intoArray(d, dst + 3 * stride);
        d4.reinterpretAsFloats().intoArray(d, dst + 4 * stride);
        d5.reinterpretAsFloats().intoArray(d, dst + 5 * stride);
        d6.reinterpretAsFloats().intoArray(d, dst + 6 * stride);
        d7.reinterpretAsFloats().intoArray(d, dst + 7 * stride);
        d8.reinterpretAsFloats().intoArray(d, dst + 8 * stride);
        d9.reinterpretAsFloats().intoArray(d, dst + 9 * stride);
        d10.reinterpretAsFloats().intoArray(d, dst + 10 * stride);
        d11.reinterpretAsFloats().intoArray(d, dst + 11 * stride);
        d12.reinterpretAsFloats().intoArray(d, dst + 12 * stride);
        d13.reinterpretAsFloats().intoArray(d, dst + 13 * stride);
        d14.reinterpretAsFloats().intoArray(d, dst + 14 * stride);
        d15.reinterpretAsFloats().intoArray(d, dst + 15 * stride);
    }

    /** The 8 x 8 block starting at b[src] (rows ldb apart), transposed into rows of d from dst, stride apart. */
    private static void block8(float[] b, int src, int ldb, float[] d, int dst, int stride) {
        IntVector low4 = IntVector.fromArray(I, LOW4, 0), high4 = IntVector.fromArray(I, HIGH4, 0);
        IntVector low2 = IntVector.fromArray(I, LOW2, 0), high2 = IntVector.fromArray(I, HIGH2, 0);
        IntVector low1 = IntVector.fromArray(I, LOW1, 0), high1 = IntVector.fromArray(I, HIGH1, 0);
        IntVector r0 = FloatVector.fromArray(S, b, src + 0 * ldb).reinterpretAsInts();
        IntVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb).reinterpretAsInts();
        IntVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb).reinterpretAsInts();
        IntVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb).reinterpretAsInts();
        IntVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb).reinterpretAsInts();
        IntVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb).reinterpretAsInts();
        IntVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb).reinterpretAsInts();
        IntVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb).reinterpretAsInts();
        // blocks of 4: swap the off-diagonal ones
        IntVector a0 = low4.selectFrom(r0, r4);
        IntVector a4 = high4.selectFrom(r0, r4);
        IntVector a1 = low4.selectFrom(r1, r5);
        IntVector a5 = high4.selectFrom(r1, r5);
        IntVector a2 = low4.selectFrom(r2, r6);
        IntVector a6 = high4.selectFrom(r2, r6);
        IntVector a3 = low4.selectFrom(r3, r7);
        IntVector a7 = high4.selectFrom(r3, r7);
        // blocks of 2: swap the off-diagonal ones
        IntVector b0 = low2.selectFrom(a0, a2);
        IntVector b2 = high2.selectFrom(a0, a2);
        IntVector b1 = low2.selectFrom(a1, a3);
        IntVector b3 = high2.selectFrom(a1, a3);
        IntVector b4 = low2.selectFrom(a4, a6);
        IntVector b6 = high2.selectFrom(a4, a6);
        IntVector b5 = low2.selectFrom(a5, a7);
        IntVector b7 = high2.selectFrom(a5, a7);
        // blocks of 1: swap the off-diagonal ones
        IntVector c0 = low1.selectFrom(b0, b1);
        IntVector c1 = high1.selectFrom(b0, b1);
        IntVector c2 = low1.selectFrom(b2, b3);
        IntVector c3 = high1.selectFrom(b2, b3);
        IntVector c4 = low1.selectFrom(b4, b5);
        IntVector c5 = high1.selectFrom(b4, b5);
        IntVector c6 = low1.selectFrom(b6, b7);
        IntVector c7 = high1.selectFrom(b6, b7);
        c0.reinterpretAsFloats().intoArray(d, dst + 0 * stride);
        c1.reinterpretAsFloats().intoArray(d, dst + 1 * stride);
        c2.reinterpretAsFloats().intoArray(d, dst + 2 * stride);
        c3.reinterpretAsFloats().intoArray(d, dst + 3 * stride);
        c4.reinterpretAsFloats().intoArray(d, dst + 4 * stride);
        c5.reinterpretAsFloats().intoArray(d, dst + 5 * stride);
        c6.reinterpretAsFloats().intoArray(d, dst + 6 * stride);
        c7.reinterpretAsFloats().intoArray(d, dst + 7 * stride);
    }
}
