package ae4j.vecmath;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/**
 * Test helpers: guarded arrays (sentinel NaNs around the range a kernel may touch), bitwise and
 * tolerance comparisons. {@code U = 2^-24} is the float unit roundoff (half of machine epsilon 2^-23).
 */
final class KernelChecks {

    /** A quiet NaN with a payload no arithmetic produces, so a stray write is always visible. */
    static final float SENTINEL = Float.intBitsToFloat(0x7fc0_beef);
    static final int SENTINEL_BITS = 0x7fc0_beef;
    static final double U = 0x1p-24;
    /** Cells after each range; more than the widest vector (64 lanes), so any overrun lands in them. */
    static final int GUARD = 67;

    static final int[] SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 100, 783, 785, 4099};

    private KernelChecks() {}

    /** A random float of varied magnitude (about 2^-4 .. 2^4 times a standard normal). */
    static float value(Random r) {
        return (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(9) - 4));
    }

    /** {@code off + n + GUARD} floats: sentinels outside {@code [off, off + n)}, random values inside. */
    static float[] vector(Random r, int off, int n) {
        float[] a = new float[off + n + GUARD];
        java.util.Arrays.fill(a, SENTINEL);
        for (int i = 0; i < n; i++) a[off + i] = value(r);
        return a;
    }

    /** A rows x cols block with leading dimension ld at offset off; sentinels everywhere else. */
    static float[] matrix(Random r, int off, int rows, int cols, int ld) {
        float[] a = new float[off + Math.max(0, rows - 1) * ld + cols + GUARD];
        java.util.Arrays.fill(a, SENTINEL);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) a[off + i * ld + j] = value(r);
        }
        return a;
    }

    /** Every cell outside {@code [off, off + n)} still holds the sentinel. */
    static void assertGuards(float[] a, int off, int n, String what) {
        for (int i = 0; i < a.length; i++) {
            if ((i < off || i >= off + n) && Float.floatToRawIntBits(a[i]) != SENTINEL_BITS) {
                fail(what + ": cell " + i + " outside [" + off + ", " + (off + n) + ") was written: " + a[i]);
            }
        }
    }

    /** Every cell outside the rows x cols block (including the padding between rows) holds the sentinel. */
    static void assertGuards(float[] a, int off, int rows, int cols, int ld, String what) {
        for (int i = 0; i < a.length; i++) {
            int rel = i - off;
            boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inside && Float.floatToRawIntBits(a[i]) != SENTINEL_BITS) {
                fail(what + ": cell " + i + " outside the " + rows + "x" + cols + " block (ld " + ld
                        + ", offset " + off + ") was written: " + a[i]);
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
