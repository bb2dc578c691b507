package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    @Test
    void headerLabelsQuotesAndBlankLines() throws IOException {
        Path p = Files.writeString(dir.resolve("d.csv"), "a,b,label,c\r\n1,2.5,0,-3e-1\n\n \"4\", .5 ,1,6\n");
        Dataset d = CsvReader.read("d", p, true, 2);
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {3}, d.shape());
        assertArrayEquals(new float[] {1f, 2.5f, -0.3f, 4f, 0.5f, 6f}, d.values());
        assertArrayEquals(new int[] {0, 1}, d.labels());
        Dataset noHeader = CsvReader.read("d", Files.writeString(dir.resolve("e.csv"), "1,2\n3,4\n"), false, -1);
        assertArrayEquals(new float[] {1, 2, 3, 4}, noHeader.values());
    }

    @Test
    void badCellNamesRowColumnAndText() throws IOException {
        Path p = Files.writeString(dir.resolve("bad.csv"), "x,y,z\n1,2,3\n4,five,6\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read("d", p, true, -1));
        assertEquals(p + ": row 3, column 2 is 'five', not a number", e.getMessage());
    }

    @Test
    void emptyCellAndHeaderHint() throws IOException {
        Path p = Files.writeString(dir.resolve("gap.csv"), "1,,3\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read("d", p, false, -1));
        assertTrue(e.getMessage().contains("row 1, column 2 is empty"), e.getMessage());
        Path h = Files.writeString(dir.resolve("h.csv"), "width,height\n1,2\n");
        DataException f = assertThrows(DataException.class, () -> CsvReader.read("d", h, false, -1));
        assertTrue(f.getMessage().contains("'width'") && f.getMessage().contains("header: true"), f.getMessage());
    }

    @Test
    void raggedRowNamesTheRow() throws IOException {
        Path p = Files.writeString(dir.resolve("ragged.csv"), "a,b\n1,2\n3,4\n5\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read("d", p, true, -1));
        assertTrue(e.getMessage().contains("row 4 has 1 columns but row 2 has 2"), e.getMessage());
    }

    @Test
    void labelColumnOutOfRangeAndNonInteger() throws IOException {
        Path p = Files.writeString(dir.resolve("l.csv"), "1,2\n3,4\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read("d", p, false, 2));
        assertTrue(
                e.getMessage().contains("label_column is 2") && e.getMessage().contains("counts from 0"),
                e.getMessage());
        Path q = Files.writeString(dir.resolve("m.csv"), "1,2.5\n");
        DataException f = assertThrows(DataException.class, () -> CsvReader.read("d", q, false, 1));
        assertTrue(f.getMessage().contains("must hold integers"), f.getMessage());
    }

    /** A gzipped CSV is not inflated past what memory allows (here a limit of 1 MB, for a 64 MB file). */
    @Test
    void gzipBombStopsAtTheLimit() throws IOException {
        byte[] rows = "1,2\n".repeat(16 << 20).getBytes(StandardCharsets.US_ASCII);
        Path p = Files.write(dir.resolve("bomb.csv.gz"), IdxReaderTest.gzip(rows));
        DataException e = assertThrows(DataException.class, () -> CsvReader.readAll(p, 1 << 20));
        assertTrue(
                e.getMessage().contains(p + " is more than 1048576 bytes after decompression")
                        && e.getMessage().contains("-Xmx"),
                e.getMessage());
        // At the limit exactly the file reads whole; one byte more is refused.
        byte[] small = "1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII);
        Path s = Files.write(dir.resolve("small.csv.gz"), IdxReaderTest.gzip(small));
        assertArrayEquals(small, CsvReader.readAll(s, small.length));
        assertThrows(DataException.class, () -> CsvReader.readAll(s, small.length - 1));
    }

    @Test
    void textThatIsNotUtf8OrNotTextSaysWhatItIs() throws IOException {
        byte[] utf16 = "\uFEFF1,2\n".getBytes(StandardCharsets.UTF_16LE);
        Path p = Files.write(dir.resolve("u.csv"), utf16);
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read("d", p, false, -1))
                .getMessage()
                .contains(p + " is UTF-16 text; ae4j reads CSV files in UTF-8"));
        Path idx = Files.write(dir.resolve("i.csv"), IdxReaderTest.images(2, 2, 2));
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read("d", idx, false, -1))
                .getMessage()
                .contains(idx + " is not text (byte 1 is zero); it looks like an IDX file: use idx(...)"));
        Path semi = Files.writeString(dir.resolve("semi.csv"), "1;2\n3;4\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read("d", semi, false, -1))
                .getMessage()
                .endsWith("this looks separated by ';': save the file with commas"));
    }
}
