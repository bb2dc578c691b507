package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.DataException;
import ae4j.dsl.data.Dataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files of float32, float64 and uint8, C and Fortran order, format versions 1.0, 2.0 and
 * 3.0, one to three dimensions, sometimes with an int64 labels file. The header dict is mutated as text
 * (numbers, shapes, dtypes, quotes, brackets) and written back with its length field recomputed (mostly) or
 * left as it was; or the file's bytes are mutated.
 */
final class NpyFuzz implements FuzzedFormat {

    static final String[] WORDS = {
        "<f4",
        "<f8",
        "|u1",
        ">f4",
        ">f8",
        "<c8",
        "|O",
        "O",
        "<U10",
        "|V8",
        "<f2",
        "<i8",
        ">i2",
        "|b1",
        "<f16",
        "f4",
        "<M8[ns]",
        "",
        "<",
        "<f",
        "<f4x",
        "float32",
        "descr",
        "shape",
        "fortran_order",
        "<u8",
        "|i1",
        "=f4",
        "<f0"
    };

    private static final String[] DESCRS = {"<f4", "<f8", "|u1"};

    /** Shapes that break size arithmetic or are not shapes. */
    static final String[] SHAPES = {
        "()",
        "(-1,)",
        "(3, -1)",
        "(-1, -3)",
        "(0,)",
        "(0, 1048576, 1048576)",
        "(5, 0)",
        "(2147483647, 2147483647, 4)",
        "(65536, 65536, 65536, 65536)",
        "(4294967296,)",
        "(2147483648,)",
        "(1000000000,)",
        "(100000, 100000)",
        "(2.0, 3)",
        "(None,)",
        "((2, 3),)",
        "(2, 3L)",
        "(1e3,)",
        "[2, 3]",
        "(2,,3)",
        "(,)",
        "(-0,)"
    };

    private static final Pattern SHAPE = Pattern.compile("'shape': (\\([^)]*\\))");

    private final Path data;
    private final Path labels;

    NpyFuzz(Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("npy"));
        this.data = sub.resolve("data.npy");
        this.labels = sub.resolve("labels.npy");
    }

    @Override
    public String name() {
        return "npy";
    }

    /** A valid array: header dict, its version, and the data bytes (C or Fortran order as the dict says). */
    record Seed(int version, String dict, byte[] data, float[] values, int[] shape, boolean fortran) {}

    static Seed seed(Random r, String descr, boolean fortran) {
        int rank = 1 + r.nextInt(3);
        int[] shape = new int[rank];
        int count = 1;
        for (int i = 0; i < rank; i++) count *= shape[i] = 1 + r.nextInt(5);
        int size = descr.equals("<f8") ? 8 : descr.equals("<f4") ? 4 : 1;
        ByteBuffer b = ByteBuffer.allocate(count * size).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            switch (size) {
                case 8 -> b.putDouble(values[i] = (float) r.nextGaussian());
                case 4 -> b.putFloat(values[i] = (float) r.nextGaussian());
                default -> {
                    int u = r.nextInt(256);
                    b.put((byte) u);
                    values[i] = u;
                }
            }
        }
        return new Seed(1 + r.nextInt(3), dict(descr, fortran, shape), b.array(), values, shape, fortran);
    }

    /** The dict numpy.save writes, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
    static String dict(String descr, boolean fortran, int[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '")
                .append(descr)
                .append("', 'fortran_order': ")
                .append(fortran ? "True" : "False")
                .append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
        return s.append(shape.length == 1 ? ",), }" : "), }").toString();
    }

    /** A whole file: magic, version, header length (2 bytes in 1.0, else 4), the dict padded to 64, data. */
    static byte[] file(int version, String dict, byte[] data, long lengthField) {
        int pre = version == 1 ? 10 : 12;
        StringBuilder s = new StringBuilder(dict);
        while ((pre + s.length() + 1) % 64 != 0) s.append(' ');
        s.append('\n');
        byte[] h = s.toString().getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.ISO_8859_1))
                .put((byte) version)
                .put((byte) 0);
        long len = lengthField >= 0 ? lengthField : h.length;
        if (version == 1) b.putShort((short) len);
        else b.putInt((int) len);
        return b.put(h).put(data).array();
    }

    static byte[] file(Seed s) {
        return file(s.version(), s.dict(), s.data(), -1);
    }

    static byte[] labelsFile(Random r, int n) {
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putLong(r.nextInt(10));
        return file(1, dict("<i8", false, new int[] {n}), b.array(), -1);
    }

    private String source(boolean withLabels) {
        return "npy(" + LoadedData.quoted(data) + (withLabels ? ", labels: " + LoadedData.quoted(labels) : "") + ")";
    }

    @Override
    public Case mutated(FileMutator m) throws IOException {
        Random r = m.random();
        boolean withLabels = r.nextInt(3) == 0;
        boolean mutateLabels = withLabels && r.nextInt(4) == 0;
        // Fortran order is refused: only when the data file is the one mutated, so that the labels file's
        // errors can show.
        Seed s = seed(r, DESCRS[r.nextInt(DESCRS.length)], !mutateLabels && r.nextInt(4) == 0);
        byte[] lab = labelsFile(r, s.shape()[0]);
        byte[] bytes;
        if (mutateLabels) {
            bytes = mutate(m, 1, dict("<i8", false, new int[] {s.shape()[0]}), lab, s.shape()[0] * 8);
        } else {
            bytes = mutate(m, s.version(), s.dict(), file(s), s.data().length);
        }
        Files.write(data, mutateLabels ? file(s) : bytes);
        if (withLabels) Files.write(labels, mutateLabels ? bytes : lab);
        String source = source(withLabels);
        return new Case(mutateLabels ? labels : data, bytes, () -> LoadedData.loadChecked(source));
    }

    private static byte[] mutate(FileMutator m, int version, String dict, byte[] whole, int dataBytes) {
        Random r = m.random();
        int pre = version == 1 ? 10 : 12;
        int headerEnd = whole.length - dataBytes;
        List<FileMutator.Field> fields = List.of(
                new FileMutator.Field(6, 1, ByteOrder.LITTLE_ENDIAN),
                new FileMutator.Field(8, pre - 8, ByteOrder.LITTLE_ENDIAN));
        if (r.nextInt(3) == 0) return m.bytes(whole, headerEnd, fields);
        String text = dict;
        if (r.nextInt(5) == 0) {
            String[] flags = {"True", "False", "1", "None", "true", "'False'"};
            String f = flags[r.nextInt(flags.length)];
            m.note("fortran_order -> " + f);
            text = text.replaceFirst("True|False", f);
        }
        text = r.nextInt(4) == 0 ? m.replaceGroup(text, SHAPE, SHAPES) : m.text(text, WORDS);
        byte[] payload = java.util.Arrays.copyOfRange(whole, headerEnd, whole.length);
        long lengthField = -1;
        if (r.nextInt(5) == 0) {
            lengthField = headerEnd - pre;
            m.note("header length field left at " + lengthField);
        }
        byte[] out = file(version, text, payload, lengthField);
        if (r.nextInt(4) == 0)
            out = r.nextBoolean()
                    ? m.damageData(out, out.length - payload.length)
                    : m.bytes(out, out.length, List.of());
        return out;
    }

    @Override
    public void checkSeeds() throws Exception {
        Random r = new Random(5);
        for (String descr : DESCRS) {
            Seed s = seed(r, descr, false);
            Files.write(data, file(s));
            Files.write(labels, labelsFile(r, s.shape()[0]));
            Dataset d = LoadedData.load(source(true));
            assertArrayEquals(s.values(), d.values(), descr);
            assertTrue(d.labels() != null && d.labels().length == s.shape()[0], descr);
            // Fortran order is refused, naming the file (the reader does not transpose).
            Seed f = seed(r, descr, true);
            Files.write(data, file(f));
            DataException e = org.junit.jupiter.api.Assertions.assertThrows(
                    DataException.class, () -> LoadedData.load(source(false)));
            assertTrue(
                    e.getMessage().contains(data.toString()) && e.getMessage().contains("Fortran"), e.getMessage());
        }
    }

    @Override
    public boolean isUserError(Throwable t) {
        return LoadedData.isUserError(t);
    }
}
