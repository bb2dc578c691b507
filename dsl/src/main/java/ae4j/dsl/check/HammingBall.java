package ae4j.dsl.check;

import java.util.Locale;

/**
 * The size of a Hamming ball, and the language's bound on it: {@code retrieval(radius: r)} looks up every address
 * within distance r of each query's, sum over i = 0..r of C(bits, i) of them, so a radius whose ball has more than
 * {@value #MAX_ADDRESSES} addresses is refused (radius 4 over 20 bits is 6,196; radius 6 over 64 bits is 83.3
 * million).
 */
public final class HammingBall {

    /** The most addresses a Hamming ball of {@code retrieval} may have: each is one look-up per query. */
    public static final long MAX_ADDRESSES = 10_000_000L;

    private HammingBall() {}

    /** C(bits, d): the addresses at Hamming distance exactly d (0 outside 0..bits; saturating at Long.MAX_VALUE). */
    public static long ring(int bits, int d) {
        if (d < 0 || d > bits) return 0;
        d = Math.min(d, bits - d);
        long c = 1;
        for (int i = 1; i <= d; i++) {
            // c = C(bits - d + i, i) after this step: c * (bits - d + i) is divisible by i.
            long num = bits - d + i;
            if (c > Long.MAX_VALUE / num) return Long.MAX_VALUE;
            c = c * num / i;
        }
        return c;
    }

    /** The addresses within Hamming distance {@code radius} of one address: sum over i = 0..radius of C(bits, i). */
    public static long addresses(int bits, int radius) {
        long s = 0;
        for (int d = 0; d <= Math.min(radius, bits); d++) {
            long c = ring(bits, d);
            if (c > Long.MAX_VALUE - s) return Long.MAX_VALUE;
            s += c;
        }
        return s;
    }

    /** Why {@code radius} cannot be used with {@code bits} bits, or null when it can. */
    public static String problem(int bits, int radius) {
        if (radius < 0 || radius > bits)
            return "the radius must be in 0.." + bits + " (the number of bits), got " + radius;
        long ball = addresses(bits, radius);
        if (ball <= MAX_ADDRESSES) return null;
        int ok = radius;
        while (ok > 0 && addresses(bits, ok) > MAX_ADDRESSES) ok--;
        return String.format(
                Locale.ROOT,
                "a Hamming ball of radius %d over %d bits has %,d addresses, each looked up for every query (at most"
                        + " %,d); choose radius %d or less",
                radius,
                bits,
                ball,
                MAX_ADDRESSES,
                ok);
    }
}
