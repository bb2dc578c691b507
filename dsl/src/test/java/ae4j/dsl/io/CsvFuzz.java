package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ae4j.dsl.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * CSV files with or without a header row and a label column, LF or CRLF, sometimes gzipped. Mutations edit
 * the text (cells replaced by non-numbers, overflowing numbers, quotes, BOMs, rows dropped or doubled,
 * commas added or removed) or its bytes.
 */
final class CsvFuzz implements FuzzedFormat {

    static final String[] CELLS = {
        "", "nan", "NaN", "inf", "-Infinity", "1e999", "-1e999", "1e-999", "3.4e38", "3.5e38", "0x10", "1,5", "\"",
        "\"\"", "\"1\"\"\"", "1e", "--1", "+1", "\u0661", "\uFEFF1", "1.", ".", "-", "1 2", "\t3", "2147483648",
        "-2147483649", "1e10", "0.5", "\"2\"", "1\r", "\u0000", "1f", "1d", "١٢"
    };

    private final Path file;

    CsvFuzz(Path dir) throws IOException {
        this.file = Files.createDirectories(dir.resolve("csv")).resolve("data.csv");
    }

    @Override
    public String name() {
        return "csv";
    }

    /** A valid table: its text, the program's csv(...) options, and the features it should read as. */
    record Seed(String text, boolean header, int labelColumn, float[] features) {}

    static Seed seed(Random r) {
        int rows = 1 + r.nextInt(8);
        int cols = 1 + r.nextInt(5);
        boolean header = r.nextBoolean();
        int labelColumn = cols > 1 && r.nextBoolean() ? r.nextInt(cols) : -1;
        String eol = r.nextInt(4) == 0 ? "\r\n" : "\n";
        StringBuilder t = new StringBuilder();
        if (header) {
            for (int c = 0; c < cols; c++) t.append(c == 0 ? "" : ",").append(c == labelColumn ? "label" : "x" + c);
            t.append(eol);
        }
        List<Float> features = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                if (c > 0) t.append(',');
                if (c == labelColumn) {
                    t.append(r.nextInt(10));
                    continue;
                }
                String cell = switch (r.nextInt(4)) {
                    case 0 -> Integer.toString(r.nextInt(2001) - 1000);
                    case 1 -> String.format(Locale.ROOT, "%.3f", r.nextGaussian());
                    case 2 -> String.format(Locale.ROOT, "%.2e", r.nextGaussian() * 1e5);
                    default -> "\"" + r.nextInt(100) + "\"";
                };
                t.append(cell);
                features.add(Float.parseFloat(cell.replace("\"", "")));
            }
            t.append(eol);
        }
        float[] f = new float[features.size()];
        for (int i = 0; i < f.length; i++) f[i] = features.get(i);
        return new Seed(t.toString(), header, labelColumn, f);
    }

    private String source(Seed s) {
        return "csv(" + LoadedData.quoted(file) + (s.header() ? "" : ", header: false")
                + (s.labelColumn() >= 0 ? ", label_column: " + s.labelColumn() : "") + ")";
    }

    @Override
    public Case mutated(FileMutator m) throws IOException {
        Random r = m.random();
        Seed s = seed(r);
        byte[] bytes;
        if (r.nextInt(3) == 0) {
            byte[] raw = s.text().getBytes(StandardCharsets.UTF_8);
            bytes = m.bytes(raw, Math.max(1, s.text().indexOf('\n')), List.of());
        } else {
            String t = s.text();
            int rounds = 1 + r.nextInt(3);
            for (int k = 0; k < rounds; k++) t = r.nextBoolean() ? cells(m, t) : m.text(t, CELLS);
            bytes = t.getBytes(StandardCharsets.UTF_8);
        }
        if (r.nextInt(10) == 0) {
            m.note("gzip");
            bytes = LoadedData.gzip(bytes);
        }
        Files.write(file, bytes);
        String source = source(s);
        return new Case(file, bytes, () -> LoadedData.loadChecked(source));
    }

    /** A CSV-shaped edit: a cell replaced, a row dropped or doubled, a BOM, line endings changed. */
    static String cells(FileMutator m, String t) {
        Random r = m.random();
        List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n", -1)));
        int at = r.nextInt(lines.size());
        switch (r.nextInt(6)) {
            case 0, 1 -> {
                List<String> cells = new ArrayList<>(Arrays.asList(lines.get(at).split(",", -1)));
                int c = r.nextInt(cells.size());
                String v = CELLS[r.nextInt(CELLS.length)];
                m.note("line " + (at + 1) + " cell " + (c + 1) + " -> '" + FileMutator.printable(v) + "'");
                cells.set(c, v);
                lines.set(at, String.join(",", cells));
            }
            case 2 -> {
                m.note("drop line " + (at + 1));
                lines.remove(at);
            }
            case 3 -> {
                m.note("double line " + (at + 1));
                lines.add(at, lines.get(at));
            }
            case 4 -> {
                m.note("BOM at the start");
                return "\uFEFF" + t;
            }
            default -> {
                m.note("CR line ends");
                return t.replace("\n", "\r");
            }
        }
        return String.join("\n", lines);
    }

    @Override
    public void checkSeeds() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < 4; i++) {
            Seed s = seed(r);
            Files.writeString(file, s.text());
            Dataset d = LoadedData.load(source(s));
            assertArrayEquals(s.features(), d.values(), s.text());
        }
    }

    @Override
    public boolean isUserError(Throwable t) {
        return LoadedData.isUserError(t);
    }
}
