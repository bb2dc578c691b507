package ae4j.vecmath;

import org.junit.jupiter.api.Test;

/**
 * The other tests mostly run the kernels interpreted or C1-compiled, where the Vector API falls back to
 * per-lane Java ({@code reduceLanes} adds lanes in order, masks become loops). This class
 * calls each kernel check on a small size thousands of times, so C2 compiles the kernels with the real
 * intrinsics (tree reductions, masked blends, fused multiply-adds), and keeps checking
 * with the same tolerances as the per-class tests. Each kernel gets at most 8000 calls or 300 ms (C2 usually
 * compiles a kernel after a few thousand calls); the kernels without transcendental functions, reductions or
 * masks are left out, as their compiled and fallback paths compute identical roundings.
 */
class CompiledPathTest {

    private static final int ITERATIONS = 8_000;
    private static final long BUDGET_NANOS = 300_000_000L;
    private static final int N = 67; // several full vectors and a tail, for 4, 8 and 16 lanes

    private static void hot(Runnable check) {
        long start = System.nanoTime();
        for (int i = 0; i < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS; i++) check.run();
    }

    @Test
    void elementwise() {
        ElementwiseTest t = new ElementwiseTest();
        hot(() -> t.sumAndDot(N));
        hot(() -> t.clamp(N));
        hot(() -> t.colSums(5, 37, 39));
        hot(() -> t.exp(N));
        hot(() -> t.log(N));
        hot(t::expAndLogSpecialValues);
    }

    @Test
    void norms() {
        NormsTest t = new NormsTest();
        hot(() -> t.l1AndL2sq(N));
        hot(() -> t.l1Grad(N));
    }

    @Test
    void losses() {
        LossesTest t = new LossesTest();
        hot(() -> t.bceWithLogits(N));
        hot(() -> t.bce(N));
        hot(() -> t.softmax(3, 37, 40, 38));
        hot(() -> t.softmaxCrossEntropy(3, 37, 40, 38, 39));
    }

    /**
     * Transcendental kernels give the same bits cold (interpreter / C1) and hot (C2): VMath uses only
     * IEEE-exact operations, so a training run does not depend on when the JIT compiled a loop.
     */
    @Test
    void transcendentalKernelsGiveTheSameBitsInEveryTier() {
        float[] x = new float[256];
        java.util.Random r = new java.util.Random(99);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 40 - 20);
        float[] target = new float[x.length];
        for (int i = 0; i < x.length; i++) target[i] = r.nextFloat();
        float[] cold = run(x, target);
        float[] hot = cold;
        long start = System.nanoTime();
        for (int it = 0; it < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS; it++) hot = run(x, target);
        for (int i = 0; i < cold.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(
                    Float.floatToRawIntBits(cold[i]), Float.floatToRawIntBits(hot[i]), "element " + i);
        }
    }

    private static float[] run(float[] x, float[] target) {
        int n = x.length;
        float[] out = new float[4 * n + 1];
        Elementwise.exp(n, x, 0, out, 0);
        float[] pos = new float[n];
        for (int i = 0; i < n; i++) pos[i] = Math.abs(x[i]) + 1e-3f;
        Elementwise.log(n, pos, 0, out, n);
        out[4 * n] = (float) Losses.bceWithLogits(n, x, 0, target, 0, 1f / n, out, 2 * n);
        Activation.TANH.forward(n, x, 0, out, 3 * n);
        return out;
    }
}
