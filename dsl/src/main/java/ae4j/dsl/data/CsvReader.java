package ae4j.dsl.data;

import ae4j.dsl.runtime.HeapMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a comma-separated file of numbers, one example per row. Options: {@code header} (the first row is
 * column names and is skipped) and {@code labelColumn} (0-based index of an integer label column, taken
 * out of the features; -1 for none). Blank lines are ignored; cells may be surrounded by spaces or double
 * quotes. Errors name rows and columns 1-based, as a spreadsheet counts them (row = line of the file).
 * Gzip-compressed files are read too (recognised by their magic bytes), no further than memory allows. A
 * file that is not UTF-8 or Latin-1 text (UTF-16, binary data) is refused saying what it looks like.
 */
public final class CsvReader {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvReader() {}

    /** Memory needed while reading, per byte of text (the bytes, the text, the rows). */
    static final int MEMORY_PER_BYTE = 4;

    public static Dataset read(String name, Path file, boolean header, int labelColumn) {
        byte[] bytes = readAll(file, -1);
        notText(file, bytes);
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            text = new String(bytes, StandardCharsets.ISO_8859_1);
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
                        String sep = separator(cell);
                        if (sep != null) {
                            msg += "; ae4j reads comma-separated values and this looks separated by " + sep
                                    + ": save the file with commas";
                        }
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

    /**
     * The whole file, gunzipped, refusing a file (or a gzip stream) longer than {@code limit} bytes (-1: what
     * one array and the memory Java may still use allow, at {@link #MEMORY_PER_BYTE} bytes per byte).
     */
    static byte[] readAll(Path file, long limit) {
        try (DataFile in = DataFile.open(file)) {
            if (limit < 0) {
                long room = HeapMemory.available(in.gzip() ? 0 : MEMORY_PER_BYTE * in.size()) / MEMORY_PER_BYTE;
                limit = Math.min(HeapRoom.MAX_ARRAY, room);
            }
            if (!in.gzip()) {
                if (in.size() > limit) throw tooLong(file, in.size() + " bytes", limit);
                byte[] b = new byte[(int) in.size()];
                int n = in.read(b, 0, b.length);
                return n == b.length ? b : Arrays.copyOf(b, n);
            }
            byte[] b = new byte[(int) Math.min(limit, 1 << 16)];
            int n = 0;
            while (true) {
                n += in.read(b, n, b.length - n);
                if (n < b.length) return Arrays.copyOf(b, n);
                if (n >= limit) {
                    if (in.atEnd()) return b;
                    throw tooLong(file, "more than " + limit + " bytes after decompression", limit);
                }
                b = Arrays.copyOf(b, (int) Math.min(limit, 2L * n));
            }
        }
    }

    private static DataException tooLong(Path file, String size, long limit) {
        return new DataException(file + " is " + size + "; ae4j reads a CSV file whole, which takes about "
                + MEMORY_PER_BYTE + " times its size in memory, so it can read at most " + limit + " bytes now (Java "
                + "may use " + HeapRoom.gb(HeapMemory.available(0)) + " more, of "
                + HeapRoom.gb(Runtime.getRuntime().maxMemory()) + "); give Java more memory "
                + "(JAVA_TOOL_OPTIONS=-Xmx...), use a smaller part of the file, or save it as .npy and use npy(...)");
    }

    /** Refuses a file that is not text (UTF-16, or binary), saying what it looks like. */
    static void notText(Path file, byte[] b) {
        if (b.length >= 2
                && ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE || (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF)) {
            throw new DataException(file + " is UTF-16 text; ae4j reads CSV files in UTF-8: save it as UTF-8 "
                    + "(e.g. \"CSV UTF-8\" in a spreadsheet, or iconv -f UTF-16 -t UTF-8)");
        }
        int head = Math.min(b.length, 4096);
        for (int i = 0; i < head; i++) {
            if (b[i] == 0) {
                String what = b.length >= 6 && (b[0] & 0xFF) == 0x93 && b[1] == 'N' && b[2] == 'U'
                        ? "it is a NumPy .npy file: use npy(...)"
                        : b.length >= 4 && b[0] == 0 && b[1] == 0 && b[2] >= 8 && b[2] <= 0x0E
                                ? "it looks like an IDX file: use idx(...)"
                                : b.length >= 2 && b[0] == 'P' && b[1] == 'K'
                                        ? "it is a zip archive: unzip it first"
                                        : "is it UTF-16 text without a byte order mark, or a binary file? save it as "
                                                + "UTF-8 text, or use idx(...) or npy(...) for binary data";
                throw new DataException(file + " is not text (byte " + (i + 1) + " is zero); " + what);
            }
        }
    }

    private static int firstRow(String text) {
        int row = 1;
        for (String l : text.split("\r?\n", -1)) {
            if (!l.isBlank()) return row;
            row++;
        }
        return row;
    }

    /** "';'" or "tabs" when {@code cell} is numbers joined by that separator instead of commas, else null. */
    static String separator(String cell) {
        for (String sep : new String[] {";", "\t", "|"}) {
            String[] parts = cell.split(java.util.regex.Pattern.quote(sep), -1);
            if (parts.length < 2) continue;
            boolean numbers = true;
            for (String p : parts)
                numbers &= NUMBER.matcher(p.strip().replace(',', '.')).matches();
            if (numbers) return sep.equals("\t") ? "tabs" : "'" + sep + "'";
        }
        return null;
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
