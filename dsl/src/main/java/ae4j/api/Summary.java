package ae4j.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's layers as a table: {@link #toString()} is the table in text (what JShell prints for it), and a
 * notebook shows it as HTML.
 */
public final class Summary implements Displayable {

    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows;
    private final List<String> notes;
    private final String html;

    Summary(String title, List<String> columns, List<List<String>> rows, List<String> notes, String html) {
        this.title = title;
        this.columns = List.copyOf(columns);
        List<List<String>> r = new ArrayList<>();
        for (List<String> row : rows) r.add(List.copyOf(row));
        this.rows = List.copyOf(r);
        this.notes = List.copyOf(notes);
        this.html = html;
    }

    /** The column names. */
    public List<String> columns() {
        return columns;
    }

    /** The rows, one cell per column. */
    public List<List<String>> rows() {
        return rows;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(title).append('\n').append(table(columns, rows));
        for (String n : notes) b.append('\n').append(n);
        return b.toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/plain", toString());
        if (html != null) m.put("text/html", html);
        return m;
    }

    /** A text table: a header, a rule, the rows; columns as wide as their widest cell, numbers right-aligned. */
    static String table(List<String> columns, List<List<String>> rows) {
        int[] w = new int[columns.size()];
        boolean[] numeric = new boolean[columns.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = columns.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (List<String> r : rows) {
                String cell = c < r.size() ? r.get(c) : "";
                w[c] = Math.max(w[c], cell.length());
                if (!cell.isEmpty() && !cell.matches("[-+]?[0-9][0-9,.eE+-]*( \\(tied\\))?|NaN")) numeric[c] = false;
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, columns, w, numeric);
        for (int c = 0; c < w.length; c++) {
            if (c > 0) b.append("  ");
            b.append("-".repeat(w[c]));
        }
        b.append('\n');
        for (List<String> r : rows) line(b, r, w, numeric);
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells, int[] w, boolean[] right) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < w.length; c++) {
            String cell = c < cells.size() ? cells.get(c) : "";
            if (c > 0) l.append("  ");
            String pad = " ".repeat(w[c] - cell.length());
            l.append(right[c] ? pad + cell : cell + pad);
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
