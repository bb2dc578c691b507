package ae4j.dsl.analysis;

import java.util.Arrays;

/** Spearman's rank correlation: Pearson's correlation of the ranks (ties get their mean rank). */
public final class Spearman {

    private Spearman() {}

    /** The rank correlation of a and b (same length, at least 2); 0 when either is constant. */
    public static double of(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2)
            throw new IllegalArgumentException(
                    "rank correlation needs two samples of the same size >= 2, got " + a.length + " and " + b.length);
        return pearson(ranks(a), ranks(b));
    }

    static double[] ranks(double[] x) {
        int n = x.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (p, q) -> Double.compare(x[p], x[q]));
        double[] r = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && x[order[j + 1]] == x[order[i]]) j++;
            double mean = (i + j) / 2.0 + 1;
            for (int p = i; p <= j; p++) r[order[p]] = mean;
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }
}
