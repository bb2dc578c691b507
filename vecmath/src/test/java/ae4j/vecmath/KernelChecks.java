package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/**
 * Test helpers: guarded arrays (sentinel values around the range a kernel may touch), bitwise and
 * tolerance comparisons. {@code U = 2^-24} is the float unit roundoff (half of machine epsilon 2^-23).
 */
final class KernelChecks {

    /**
     * Guard value around output ranges. Finite and distinct from {@link #IN_GUARD}, so a stray write changes
     * it whatever the kernel computes (a NaN sentinel would not do: x86 propagates a NaN operand's payload,
     * so {@code guard + guard} writes the sentinel's own bits back). Small enough that adding any gradient
     * term changes it.
     */
    static final float OUT_GUARD = -777.125f;
    /** Guard value around input ranges: a kernel that reads it produces an obviously wrong result. */
    static final float IN_GUARD = 12345.5f;

    static final double U = 0x1p-24;
    /** Cells after each range; more than the widest vector (64 lanes), so any overrun lands in them. */
    static final int GUARD = 67;

    static final int[] SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099};

    private KernelChecks() {}

    /** A random float of varied magnitude (about 2^-4 .. 2^4 times a standard normal). */
    static float value(Random r) {
        return (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(9) - 4));
    }

    /** An input: {@code off + n + GUARD} floats, {@link #IN_GUARD} outside {@code [off, off + n)}, random inside. */
    static float[] vector(Random r, int off, int n) {
        return guarded(r, off, n, IN_GUARD);
    }

    /** An output (or in-out) vector: like {@link #vector} but guarded by {@link #OUT_GUARD}. */
    static float[] output(Random r, int off, int n) {
        return guarded(r, off, n, OUT_GUARD);
    }

    private static float[] guarded(Random r, int off, int n, float guard) {
        float[] a = new float[off + n + GUARD];
        java.util.Arrays.fill(a, guard);
        for (int i = 0; i < n; i++) a[off + i] = value(r);
        return a;
    }

    /** An input rows x cols block with leading dimension ld at offset off; {@link #IN_GUARD} everywhere else. */
    static float[] matrix(Random r, int off, int rows, int cols, int ld) {
        return guardedMatrix(r, off, rows, cols, ld, IN_GUARD);
    }

    /** An output block: like {@link #matrix} but guarded (including the row padding) by {@link #OUT_GUARD}. */
    static float[] outputMatrix(Random r, int off, int rows, int cols, int ld) {
        return guardedMatrix(r, off, rows, cols, ld, OUT_GUARD);
    }

    private static float[] guardedMatrix(Random r, int off, int rows, int cols, int ld, float guard) {
        float[] a = new float[off + Math.max(0, rows - 1) * ld + cols + GUARD];
        java.util.Arrays.fill(a, guard);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) a[off + i * ld + j] = value(r);
        }
        return a;
    }

    /** Every cell outside {@code [off, off + n)} still holds {@link #OUT_GUARD}. */
    static void assertGuards(float[] a, int off, int n, String what) {
        for (int i = 0; i < a.length; i++) {
            if ((i < off || i >= off + n) && Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(OUT_GUARD)) {
                fail(what + ": cell " + i + " outside [" + off + ", " + (off + n) + ") was written: " + a[i]);
            }
        }
    }

    /** Every cell outside the rows x cols block (including the padding between rows) holds {@link #OUT_GUARD}. */
    static void assertGuards(float[] a, int off, int rows, int cols, int ld, String what) {
        for (int i = 0; i < a.length; i++) {
            int rel = i - off;
            boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inside && Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(OUT_GUARD)) {
                fail(what + ": cell " + i + " outside the " + rows + "x" + cols + " block (ld " + ld + ", offset " + off
                        + ") was written: " + a[i]);
            }
        }
    }

    /** The whole arrays are bit-for-bit equal (inputs unchanged, or exact kernels). */
    static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": index " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    /** Equal as numbers ({@code +0 == -0}, NaN equals NaN), on the whole arrays. */
    static void assertSameNumbers(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (!(e == a || (Float.isNaN(e) && Float.isNaN(a)))) {
                fail(what + ": index " + i + " expected " + e + " but was " + a);
            }
        }
    }

    /** {@code |actual - expected| <= tol}, with a message. Equal infinities and NaN pairs pass. */
    static void assertClose(double expected, double actual, double tol, String what) {
        if (expected == actual || (Double.isNaN(expected) && Double.isNaN(actual))) return;
        if (!(Math.abs(actual - expected) <= tol)) {
            fail(what + ": expected " + expected + " but was " + actual + " (error " + Math.abs(actual - expected)
                    + " > tolerance " + tol + ")");
        }
    }

    /** The tolerance {@code nEff * U * sumAbs} for a float sum of terms whose absolute values sum to sumAbs. */
    static double sumTol(double nEff, double sumAbs) {
        return nEff * U * sumAbs;
    }
}
