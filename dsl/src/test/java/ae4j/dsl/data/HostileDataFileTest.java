package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedProgram;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of hostile data files, each read as {@code ae4j run} reads it ({@code data d = ...} through a
 * {@link DataLoader}) with the message fragments its outcome must hold. An error must be a
 * {@link DataException} naming the file; a file that should read says {@code reads N x [shape]}.
 */
class HostileDataFileTest {

    @TempDir
    Path dir;

    /**
     * One hostile file.
     *
     * @param name what is wrong with it
     * @param call the source, with {@code FILE} (and {@code LABELS}) where the quoted paths go
     * @param fileName the file's name (its extension is what a user would call it)
     * @param bytes its contents; null for a file that does not exist, {@link #FOLDER} for a folder
     * @param labels a labels file's contents, or null
     * @param expected fragments the message (or {@code reads ...}) must contain
     */
    record Hostile(String name, String call, String fileName, byte[] bytes, byte[] labels, List<String> expected) {
        /** Whether the error is about the labels file (which the message must then name). */
        boolean blamesLabels() {
            return call.contains("LABELS") && !expected.getFirst().startsWith("reads");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final byte[] FOLDER = new byte[0];

    static Hostile idx(String name, String fileName, byte[] bytes, String... expected) {
        return new Hostile(name, "idx(FILE)", fileName, bytes, null, List.of(expected));
    }

    static Hostile npy(String name, byte[] bytes, String... expected) {
        return new Hostile(name, "npy(FILE)", "data.npy", bytes, null, List.of(expected));
    }

    static Hostile csv(String name, String text, String... expected) {
        return new Hostile(
                name,
                "csv(FILE, header: false)",
                "data.csv",
                text.getBytes(StandardCharsets.UTF_8),
                null,
                List.of(expected));
    }

    // ------------------------------------------------------------------ file builders

    static byte[] images(int n, int rows, int cols) {
        return IdxReaderTest.images(n, rows, cols);
    }

    /** An IDX header with the given magic and dimensions, followed by {@code dataBytes} bytes of data. */
    static byte[] idxHeader(int magic, long dataBytes, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + (int) dataBytes);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        try {
            return IdxReaderTest.gzip(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /**
     * A valid IDX file, gzipped, followed by {@code members} gzip members of 16 MB of zeros each: a small file
     * that gunzips to {@code 16 * members} MB.
     */
    static byte[] gzipBomb(int members) {
        byte[] zeros = gzip(new byte[16 << 20]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(gzip(images(2, 2, 2)));
        for (int i = 0; i < members; i++) out.writeBytes(zeros);
        return out.toByteArray();
    }

    static byte[] npy(String descr, boolean fortran, int[] shape, byte[] data) {
        return NpyReaderTest.npy(1, descr, fortran, shape, data);
    }

    /** A version-1 .npy file with the header text as given (padded with spaces and a newline). */
    static byte[] npyHeader(String dict, byte[] data) {
        StringBuilder s = new StringBuilder(dict);
        while ((10 + s.length() + 1) % 64 != 0) s.append(' ');
        s.append('\n');
        byte[] h = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.ISO_8859_1))
                .put((byte) 1)
                .put((byte) 0);
        return b.putShort((short) h.length).put(h).put(data).array();
    }

    static byte[] f4(double... v) {
        return NpyReaderTest.le(4, v);
    }

    static byte[] zip(String entry, byte[] contents) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                z.putNextEntry(new ZipEntry(entry));
                z.write(contents);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf16(String text) {
        return cat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE));
    }

    // ------------------------------------------------------------------ the corpus

    static List<Hostile> cases() {
        byte[] img = images(3, 2, 2);
        byte[] gz = gzip(img);
        byte[] corruptGz = gz.clone();
        for (int i = 12; i < Math.min(corruptGz.length - 8, 20); i++) corruptGz[i] ^= 0x55;
        byte[] headerOnly = npy("<f4", false, new int[] {2, 3}, new byte[0]);
        byte[] hugeShape = npy("<f4", false, new int[] {100000, 100000}, f4(1, 2));
        List<Hostile> c = new ArrayList<>(List.of(
                // IDX
                idx("IDX empty file", "train-images", new byte[0], "0 bytes", "too short for an IDX file"),
                idx(
                        "IDX header only",
                        "train-images",
                        idxHeader(0x0803, 0, 3, 2, 2),
                        "truncated",
                        "3 x 2 x 2",
                        "so 28 bytes",
                        "has 16 bytes"),
                idx("IDX cut inside the dimensions", "train-images", Arrays.copyOf(img, 9), "ends inside the header"),
                idx(
                        "IDX wrong magic: a PNG image",
                        "train-images",
                        cat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, new byte[32]),
                        "not an IDX file",
                        "0x89504E47",
                        "PNG image"),
                idx(
                        "IDX truncated data",
                        "train-images",
                        Arrays.copyOf(img, img.length - 3),
                        "truncated",
                        "so 28 bytes",
                        "has 25 bytes",
                        "download it again"),
                idx(
                        "IDX gzip truncated",
                        "train-images.gz",
                        Arrays.copyOf(gz, gz.length / 2),
                        "truncated gzip",
                        "download it again"),
                idx("IDX gzip corrupt", "train-images.gz", corruptGz, "corrupt", "download it again"),
                idx("IDX not gzip but named .gz", "train-images.gz", img, "reads 3 x [2, 2]"),
                idx("IDX gzip but not named .gz", "train-images", gz, "reads 3 x [2, 2]"),
                idx(
                        "IDX gzip bomb: 2 examples then 320 MB of zeros",
                        "train-images.gz",
                        gzipBomb(20),
                        "longer than its header says",
                        "2 x 2 x 2",
                        "download it again"),
                idx(
                        "IDX header claims 60000 x 28 x 28, file short",
                        "train-images",
                        cat(idxHeader(0x0803, 0, 60000, 28, 28), new byte[100]),
                        "truncated",
                        "60000 x 28 x 28",
                        "so 47040016 bytes",
                        "has 116 bytes"),
                idx(
                        "IDX gzipped header claims 3,000,000,000 values",
                        "train-images.gz",
                        gzip(idxHeader(0x0803, 16, 3000, 1000, 1000)),
                        "3000 x 1000 x 1000",
                        "more than one Java array"),
                idx(
                        "IDX dimensions overflow",
                        "train-images",
                        idxHeader(0x0804, 0, 65536, 65536, 65536, 65536),
                        "65536 x 65536 x 65536 x 65536",
                        "more than one Java array"),
                idx(
                        "IDX zero examples with huge examples",
                        "train-images",
                        idxHeader(0x0803, 0, 0, 65536, 65536),
                        "0 x 65536 x 65536",
                        "more than one Java array"),
                idx(
                        "IDX negative dimension",
                        "train-images",
                        idxHeader(0x0803, 0, 3, -1, 2),
                        "negative dimension",
                        "3 x -1 x 2"),
                idx("IDX zero examples", "train-images", idxHeader(0x0803, 0, 0, 28, 28), "reads 0 x [28, 28]"),
                idx("IDX a NumPy file", "train-images", npy("<f4", false, new int[] {2}, f4(1, 2)), "use npy(...)"),
                idx(
                        "IDX an HTML page",
                        "train-images.gz",
                        "<html><body>404</body></html>".getBytes(StandardCharsets.UTF_8),
                        "failed download"),
                new Hostile(
                        "IDX labels of floats",
                        "idx(FILE, labels: LABELS)",
                        "train-images",
                        img,
                        idxHeader(0x0D01, 12, 3),
                        List.of("labels must be integers")),
                new Hostile(
                        "IDX fewer labels than images",
                        "idx(FILE, labels: LABELS)",
                        "train-images",
                        img,
                        IdxReaderTest.idx(new int[] {2}, new byte[] {1, 2}),
                        List.of("2 labels", "3 examples")),
                // NPY
                npy("NPY empty file", new byte[0], "not a NumPy .npy file", "numpy.save"),
                npy(
                        "NPY header only",
                        headerOnly,
                        "truncated",
                        "(2, 3)",
                        "so " + (headerOnly.length + 24) + " bytes",
                        "has " + headerOnly.length + " bytes"),
                npy("NPY big-endian", npy(">f4", false, new int[] {1}, new byte[4]), "big-endian", "astype('<f4')"),
                npy("NPY complex dtype", npy("<c8", false, new int[] {1}, new byte[8]), "'<c8'", "astype('<f4')"),
                npy("NPY object dtype", npy("|O", false, new int[] {1}, new byte[8]), "Python objects", "astype"),
                npy("NPY string dtype", npy("<U10", false, new int[] {1}, new byte[40]), "strings", "'<U10'"),
                npy(
                        "NPY structured dtype",
                        npyHeader(
                                "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                                new byte[16]),
                        "structured"),
                npy(
                        "NPY Fortran order",
                        npy("<f4", true, new int[] {2, 2}, f4(1, 2, 3, 4)),
                        "Fortran",
                        "ascontiguousarray"),
                npy(
                        "NPY shape (-1, 3)",
                        npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", f4(1, 2, 3)),
                        "negative",
                        "(-1, 3)"),
                npy(
                        "NPY shape (3, -1)",
                        npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }", f4(1, 2, 3)),
                        "negative",
                        "(3, -1)"),
                npy(
                        "NPY huge shape, file short",
                        hugeShape,
                        "truncated",
                        "(100000, 100000)",
                        "so " + (hugeShape.length - 8 + 40_000_000_000L) + " bytes"),
                npy(
                        "NPY gzipped, huge shape",
                        gzip(npy("<f4", false, new int[] {100000, 100000}, f4(1, 2))),
                        "(100000, 100000)",
                        "more than one Java array"),
                npy(
                        "NPY shape overflows",
                        npyHeader(
                                "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 4), }",
                                f4(1)),
                        "(2147483647, 2147483647, 4)",
                        "more than one Java array"),
                npy(
                        "NPY dimension beyond int",
                        npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }", f4(1)),
                        "truncated",
                        "(4294967296,)",
                        "so 17179869312 bytes"),
                npy(
                        "NPY gzipped, dimension beyond int",
                        gzip(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 0), }", f4())),
                        "(4294967296, 0)",
                        "more than one Java array"),
                npy(
                        "NPY header longer than the file",
                        Arrays.copyOf(npy("<f4", false, new int[] {2}, f4(1, 2)), 40),
                        "ends inside the header"),
                npy("NPY version 9.0", versioned(npy("<f4", false, new int[] {1}, f4(1)), 9), "version 9.0"),
                npy(
                        "NPY a zip archive (.npz)",
                        zip("arr_0.npy", npy("<f4", false, new int[] {1}, f4(1))),
                        "zip archive"),
                npy("NPY an IDX file", img, "use idx(...)"),
                npy(
                        "NPY NaN values",
                        npy("<f4", false, new int[] {2, 2}, f4(1, Double.NaN, 3, 4)),
                        "holds NaN",
                        "example 1, value 2"),
                npy(
                        "NPY data longer than the shape",
                        npy("<f4", false, new int[] {2}, f4(1, 2, 3)),
                        "longer than its header says"),
                npy("NPY header not a dict", npyHeader("not a header at all", f4(1)), "header"),
                npy(
                        "NPY header with a key twice",
                        npyHeader("{'descr': '<f4', 'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", f4(1)),
                        "twice"),
                npy("NPY gzipped", gzip(npy("<f4", false, new int[] {2, 3}, f4(1, 2, 3, 4, 5, 6))), "reads 2 x [3]"),
                // CSV
                csv("CSV ragged rows", "1,2\n3,4\n5\n", "row 3 has 1 columns but row 1 has 2"),
                csv("CSV empty cell", "1,,3\n4,5,6\n", "row 1, column 2 is empty"),
                csv("CSV not a number", "1,2\n3,abc\n", "row 2, column 2 is 'abc', not a number"),
                csv("CSV byte order mark", "\uFEFF1,2\n3,4\n", "reads 2 x [2]"),
                csv("CSV CRLF line ends", "1,2\r\n3,4\r\n", "reads 2 x [2]"),
                csv("CSV 1e999", "1,2\n3,1e999\n", "holds Infinity at example 2, value 2"),
                csv("CSV nan", "1,nan\n", "'nan', not a number"),
                csv("CSV empty file", "", "has no data rows"),
                new Hostile(
                        "CSV header only",
                        "csv(FILE)",
                        "data.csv",
                        "x,y\n".getBytes(StandardCharsets.UTF_8),
                        null,
                        List.of("has no data rows", "header")),
                new Hostile(
                        "CSV UTF-16",
                        "csv(FILE, header: false)",
                        "data.csv",
                        utf16("1,2\n3,4\n"),
                        null,
                        List.of("UTF-16", "UTF-8")),
                new Hostile(
                        "CSV an IDX file",
                        "csv(FILE, header: false)",
                        "data.csv",
                        img,
                        null,
                        List.of("not text", "idx(...)")),
                csv("CSV semicolons", "1;2;3\n4;5;6\n", "'1;2;3', not a number", "comma"),
                // any file
                new Hostile(
                        "a folder given as the file",
                        "idx(FILE)",
                        "train-images",
                        FOLDER,
                        null,
                        List.of("is a folder")),
                new Hostile(
                        "a missing file",
                        "csv(FILE)",
                        "points.csv",
                        null,
                        null,
                        List.of("not found", "paths are relative to the folder of the .ae file")),
                new Hostile(
                        "a missing labels file",
                        "idx(FILE, labels: LABELS)",
                        "train-images",
                        img,
                        null,
                        List.of("not found"))));
        return c;
    }

    static byte[] versioned(byte[] npy, int major) {
        byte[] b = npy.clone();
        b[6] = (byte) major;
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileFileGivesItsMessage(Hostile h) throws IOException {
        Path file = dir.resolve(h.fileName());
        if (h.bytes() == FOLDER) Files.createDirectories(file);
        else if (h.bytes() != null) Files.write(file, h.bytes());
        Path labels = dir.resolve("labels-" + h.fileName());
        if (h.labels() != null) Files.write(labels, h.labels());
        String call = h.call().replace("FILE", quoted(file)).replace("LABELS", quoted(labels));
        CheckedProgram p = DataLoaderTest.program("data d = " + call + "\n");
        String outcome;
        try {
            Dataset d = new DataLoader(p, dir).get("d");
            outcome = "reads " + d.size() + " x " + Arrays.toString(d.shape());
        } catch (DataException e) {
            outcome = e.getMessage();
            Path named = h.blamesLabels() ? labels : file;
            assertTrue(outcome.contains(named.toString()), () -> "does not name " + named + ": " + e.getMessage());
        }
        for (String f : h.expected()) {
            String got = outcome;
            assertTrue(got.contains(f), () -> h.name() + ": expected '" + f + "' in: " + got);
        }
    }

    private static String quoted(Path p) {
        return "\"" + p.toAbsolutePath() + "\"";
    }
}
