package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {

    @TempDir
    Path dir;

    /** The bytes numpy.save writes: magic, version, header length, dict padded to 64 bytes with '\n', data. */
    static byte[] npy(int major, String descr, boolean fortran, int[] shape, byte[] data) {
        StringBuilder s = new StringBuilder("{'descr': '")
                .append(descr)
                .append("', 'fortran_order': ")
                .append(fortran ? "True" : "False")
                .append(", 'shape': (");
        for (int d : shape) s.append(d).append(", ");
        if (shape.length > 1) s.setLength(s.length() - 2);
        else if (shape.length == 1) s.setLength(s.length() - 1);
        s.append("), }");
        int pre = major == 1 ? 10 : 12;
        while ((pre + s.length() + 1) % 64 != 0) s.append(' ');
        s.append('\n');
        byte[] h = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.ISO_8859_1))
                .put((byte) major)
                .put((byte) 0);
        if (major == 1) b.putShort((short) h.length);
        else b.putInt(h.length);
        b.put(h).put(data);
        return b.array();
    }

    static byte[] le(int size, double... v) {
        ByteBuffer b = ByteBuffer.allocate(size * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            switch (size) {
                case 4 -> b.putFloat((float) x);
                default -> b.putDouble(x);
            }
        }
        return b.array();
    }

    @Test
    void float32TwoDimensional() throws IOException {
        Path p = Files.write(dir.resolve("a.npy"), npy(1, "<f4", false, new int[] {2, 3}, le(4, 1, 2, 3, 4, 5, 6.5)));
        Dataset d = NpyReader.read("a", p, null);
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {3}, d.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6.5f}, d.values());
    }

    @Test
    void float64ThreeDimensionalKeepsShapeVersion2() throws IOException {
        double[] v = new double[2 * 2 * 3];
        for (int i = 0; i < v.length; i++) v[i] = i / 4.0;
        Path p = Files.write(dir.resolve("b.npy"), npy(2, "<f8", false, new int[] {2, 2, 3}, le(8, v)));
        Dataset d = NpyReader.read("b", p, null);
        assertArrayEquals(new int[] {2, 3}, d.shape());
        assertEquals(2.75f, d.get(1, 5));
        Path p3 = Files.write(dir.resolve("c.npy"), npy(3, "<f8", false, new int[] {2, 2, 3}, le(8, v)));
        assertArrayEquals(d.values(), NpyReader.read("c", p3, null).values());
    }

    @Test
    void uint8OneDimensionalAndInt32Labels() throws IOException {
        Path p = Files.write(dir.resolve("u.npy"), npy(1, "|u1", false, new int[] {3}, new byte[] {0, (byte) 255, 7}));
        ByteBuffer lab = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(-1)
                .putInt(5)
                .putInt(1 << 20);
        Path l = Files.write(dir.resolve("l.npy"), npy(1, "<i4", false, new int[] {3}, lab.array()));
        Dataset d = NpyReader.read("u", p, l);
        assertArrayEquals(new int[] {1}, d.shape());
        assertArrayEquals(new float[] {0, 255, 7}, d.values());
        assertArrayEquals(new int[] {-1, 5, 1 << 20}, d.labels());
        Dataset i4 = NpyReader.read("i", l, null);
        assertArrayEquals(new float[] {-1, 5, 1 << 20}, i4.values());
    }

    @Test
    void fortranOrderRejected() throws IOException {
        Path p = Files.write(dir.resolve("f.npy"), npy(1, "<f4", true, new int[] {2, 2}, le(4, 1, 2, 3, 4)));
        DataException e = assertThrows(DataException.class, () -> NpyReader.read("f", p, null));
        assertTrue(
                e.getMessage().contains(p.toString())
                        && e.getMessage().contains("Fortran")
                        && e.getMessage().contains("ascontiguousarray"),
                e.getMessage());
    }

    @Test
    void bigEndianAndUnknownDtypeAndTruncation() throws IOException {
        Path big = Files.write(dir.resolve("big.npy"), npy(1, ">f4", false, new int[] {1}, new byte[4]));
        DataException e = assertThrows(DataException.class, () -> NpyReader.read("b", big, null));
        assertTrue(e.getMessage().contains("big-endian") && e.getMessage().contains("astype('<f4')"), e.getMessage());
        Path cplx = Files.write(dir.resolve("c.npy"), npy(1, "<c8", false, new int[] {1}, new byte[8]));
        DataException f = assertThrows(DataException.class, () -> NpyReader.read("c", cplx, null));
        assertTrue(f.getMessage().contains("'<c8'"), f.getMessage());
        byte[] full = npy(1, "<f4", false, new int[] {10, 2}, le(4, new double[20]));
        Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(full, full.length - 4));
        DataException g = assertThrows(DataException.class, () -> NpyReader.read("c", cut, null));
        assertTrue(g.getMessage().contains("truncated") && g.getMessage().contains("(10, 2)"), g.getMessage());
        Path notNpy = Files.writeString(dir.resolve("x.npy"), "hello world");
        assertTrue(assertThrows(DataException.class, () -> NpyReader.read("x", notNpy, null))
                .getMessage()
                .contains("not a NumPy"));
    }

    @Test
    void fileWrittenByNumpy() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(py), "no python3");
        Path out = dir.resolve("np.npy");
        Process pr = new ProcessBuilder(
                        py.toString(),
                        "-c",
                        "import sys, numpy as np; np.save(sys.argv[1], np.arange(24, dtype=np.float32).reshape(4, 2, 3) / 2)",
                        out.toString())
                .redirectErrorStream(true)
                .start();
        boolean done = pr.waitFor(20, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && pr.exitValue() == 0, "python3 has no numpy");
        Dataset d = NpyReader.read("np", out, null);
        assertEquals(4, d.size());
        assertArrayEquals(new int[] {2, 3}, d.shape());
        for (int i = 0; i < 24; i++) assertEquals(i / 2f, d.values()[i]);
    }

    /** A version-1 file whose header dict is {@code dict} as written. */
    static byte[] withHeader(String dict, byte[] data) {
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

    private DataException refused(String name, byte[] bytes) throws IOException {
        Path p = Files.write(dir.resolve(name), bytes);
        DataException e = assertThrows(DataException.class, () -> NpyReader.read("t", p, null));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e;
    }

    /** Found by FileFormatFuzzTest (and the issue): a shape with -1 ended in NegativeArraySizeException. */
    @Test
    void negativeDimensionsNameTheShape() throws IOException {
        for (String shape : new String[] {"(-1, 3)", "(3, -1)", "(-1, -3)"}) {
            DataException e = refused(
                    "neg.npy",
                    withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", le(4, 1, 2, 3)));
            assertTrue(
                    e.getMessage().contains("shape " + shape + " of <f4, and a dimension cannot be negative"),
                    e.getMessage());
        }
    }

    /** Found by FileFormatFuzzTest: shapes whose size overflows were read as a few values, or threw. */
    @Test
    void shapesBeyondAnArrayAreRefusedBeforeAllocating() throws IOException {
        DataException e = refused(
                "o.npy",
                withHeader(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 4), }", le(4, 1)));
        assertTrue(
                e.getMessage().contains("(2147483647, 2147483647, 4) of <f4, more than one Java array"),
                e.getMessage());
        DataException f =
                refused("g.npy", IdxReaderTest.gzip(npy(1, "<f4", false, new int[] {100000, 100000}, le(4, 1))));
        assertTrue(f.getMessage().contains("(100000, 100000) of <f4, more than one Java array"), f.getMessage());
        DataException g = refused("h.npy", npy(1, "<f4", false, new int[] {100000, 100000}, le(4, 1)));
        assertTrue(g.getMessage().contains("is truncated: its header says shape (100000, 100000)"), g.getMessage());
        DataException h = refused(
                "z.npy",
                withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 65536, 65536), }", new byte[0]));
        assertTrue(
                h.getMessage().contains("(examples of 4294967296 values), more than one Java array"), h.getMessage());
    }

    /** The header is read as numpy reads it, not searched with patterns (which took the first of two keys). */
    @Test
    void headerIsReadStrictly() throws IOException {
        assertTrue(refused(
                        "d.npy",
                        withHeader(
                                "{'descr': '<f4', 'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", le(4, 1)))
                .getMessage()
                .contains("has 'descr' twice"));
        assertTrue(refused("k.npy", withHeader("{'descr': '<f4', 'shape': (1,), }", le(4, 1)))
                .getMessage()
                .contains("lacks 'fortran_order'"));
        assertTrue(refused("s.npy", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", le(4, 1)))
                .getMessage()
                .contains("has '.' in the shape"));
        assertTrue(refused(
                        "x.npy",
                        withHeader("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", le(4, 1)))
                .getMessage()
                .contains("structured array"));
        assertTrue(refused("o.npy", npy(1, "|O", false, new int[] {1}, new byte[8]))
                .getMessage()
                .contains("holds Python objects"));
        assertTrue(refused("t.npy", npy(1, "<f4", false, new int[] {2}, le(4, 1, 2, 3)))
                .getMessage()
                .contains("is longer than its header says"));
    }
}
