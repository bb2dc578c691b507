package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The other tests mostly run the kernels interpreted or C1-compiled, where the Vector API falls back to
 * per-lane Java ({@code EXP} becomes {@link Math#exp}, {@code reduceLanes} adds lanes in order). This class
 * calls each kernel check on a small size thousands of times, so C2 compiles the kernels with the real
 * intrinsics (SVML {@code EXP}/{@code LOG}/{@code LOG1P}, tree reductions, masked blends), and keeps checking
 * with the same tolerances as the per-class tests. Each kernel gets at most 8000 calls or 300 ms (C2 usually
 * compiles a kernel after a few thousand calls); the kernels without transcendental functions, reductions or
 * masks are left out, as their compiled and fallback paths compute identical roundings.
 */
class CompiledPathTest {

    private static final int ITERATIONS = 8_000;
    private static final long BUDGET_NANOS = 300_000_000L;
    private static final int N = 67;   // several full vectors and a tail, for 4, 8 and 16 lanes

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

    /** Diagnostic: after warm-up, does lanewise EXP differ from Math.exp anywhere (the intrinsic is in use)? */
    @Test
    void reportsWhetherIntrinsicsWereReached() {
        float[] x = new float[256], out = new float[256];
        java.util.Random r = new java.util.Random(99);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 40 - 20);
        int differing = 0;
        long start = System.nanoTime();
        for (int it = 0; it < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS; it++) {
            Elementwise.exp(x.length, x, 0, out, 0);
        }
        for (int i = 0; i < x.length; i++) if (out[i] != (float) Math.exp(x[i])) differing++;
        System.out.println("CompiledPathTest: " + Elementwise.L + " lanes; lanewise EXP differs from Math.exp in "
                + differing + " of " + x.length + " elements (0 means the fallback path was measured)");
        assertTrue(differing <= x.length);
    }
}
