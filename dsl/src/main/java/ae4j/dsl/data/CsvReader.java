package ae4j.dsl.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a comma-separated file of numbers, one example per row. Options: {@code header} (the first row is
 * column names and is skipped) and {@code labelColumn} (0-based index of an integer label column, taken
 * out of the features; -1 for none). Blank lines are ignored; cells may be surrounded by spaces or double
 * quotes. Errors name rows and columns 1-based, as a spreadsheet counts them (row = line of the file).
 * Gzip-compressed files are read too (recognised by their magic bytes).
 */
public final class CsvReader {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvReader() {}

    public static Dataset read(String name, Path file, boolean header, int labelColumn) {
        FileBytes.Contents c = FileBytes.read(file);
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(c.bytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            text = new String(c.bytes(), StandardCharsets.ISO_8859_1);
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int width = -1;
        int widthRow = 0;
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line;
            int row = 0;
            boolean headerSkipped = !header;
            while ((line = r.readLine()) != null) {
                row++;
                if (line.isBlank()) continue;
                if (!headerSkipped) {
                    headerSkipped = true;
                    continue;
                }
                List<String> cells = split(line);
                if (width < 0) {
                    width = cells.size();
                    widthRow = row;
                    if (labelColumn >= width) {
                        throw new DataException(file + ": label_column is " + labelColumn + " but row " + row
                                + " has only " + width + " columns (label_column counts from 0, so the last column is "
                                + (width - 1) + ")");
                    }
                    if (labelColumn >= 0 && width == 1) {
                        throw new DataException(
                                file + ": the only column is the label column; there are no features left");
                    }
                } else if (cells.size() != width) {
                    throw new DataException(file + ": row " + row + " has " + cells.size() + " columns but row "
                            + widthRow + " has " + width + "; every row must have the same number of columns");
                }
                float[] v = new float[labelColumn >= 0 ? width - 1 : width];
                int k = 0;
                for (int col = 0; col < width; col++) {
                    String cell = cells.get(col);
                    if (!NUMBER.matcher(cell).matches()) {
                        String msg = file + ": row " + row + ", column " + (col + 1) + " is "
                                + (cell.isEmpty() ? "empty" : "'" + cell + "'") + ", not a number";
                        if (!header && rows.isEmpty() && row == firstRow(text))
                            msg += "; if the first row holds column names, write header: true";
                        else if (cell.isEmpty()) msg += "; fill in the missing value or drop the row";
                        throw new DataException(msg);
                    }
                    if (col == labelColumn) {
                        double d = Double.parseDouble(cell);
                        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                            throw new DataException(file + ": row " + row + ", column " + (col + 1) + " is '" + cell
                                    + "' but the label column (label_column: " + labelColumn + ") must hold integers");
                        }
                        labels.add((int) d);
                    } else {
                        v[k++] = Float.parseFloat(cell);
                    }
                }
                rows.add(v);
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new DataException(
                    file + " has no data rows" + (header ? " (the first row is taken as the header)" : ""));
        }
        int d = rows.get(0).length;
        float[] values = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, values, i * d, d);
        int[] lab = null;
        if (labelColumn >= 0) {
            lab = new int[labels.size()];
            for (int i = 0; i < lab.length; i++) lab[i] = labels.get(i);
        }
        return new Dataset(name, values, rows.size(), new int[] {d}, lab, null, 0, null, 0);
    }

    private static int firstRow(String text) {
        int row = 1;
        for (String l : text.split("\r?\n", -1)) {
            if (!l.isBlank()) return row;
            row++;
        }
        return row;
    }

    /** Splits a line at commas outside double quotes; cells trimmed and unquoted. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == ',' && !quoted) {
                out.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString().strip());
        return out;
    }
}
