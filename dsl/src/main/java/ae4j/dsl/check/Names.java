package ae4j.dsl.check;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean 'relu'?": the closest candidate by edit distance, when it is close enough. */
public final class Names {

    private Names() {}

    /** Levenshtein distance (insertions, deletions, substitutions; an adjacent swap counts as one). */
    public static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[n][m];
    }

    /** The candidate closest to {@code word}, if within 1 edit for short words, 2 up to 6 letters, 3 beyond. */
    public static Optional<String> suggest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals(word)) continue;
            int dist = c.equalsIgnoreCase(word) ? 0 : distance(word.toLowerCase(), c.toLowerCase());
            if (dist < bestDistance) {
                best = c;
                bestDistance = dist;
            }
        }
        if (best == null) return Optional.empty();
        int len = word.length();
        int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
        return bestDistance <= limit && bestDistance < Math.max(len, best.length())
                ? Optional.of(best)
                : Optional.empty();
    }
}
