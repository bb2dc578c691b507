package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX file: magic 0x000008nd, big-endian dims, then unsigned bytes. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x00000800 | dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    static byte[] images(int n, int rows, int cols) {
        byte[] px = new byte[n * rows * cols];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7);
        return idx(new int[] {n, rows, cols}, px);
    }

    @Test
    void rawAndGzipRoundTripWithLabels() throws IOException {
        byte[] img = images(5, 3, 4);
        byte[] lab = idx(new int[] {5}, new byte[] {0, 9, 3, (byte) 200, 1});
        Path raw = Files.write(dir.resolve("imgs"), img);
        // gzip recognised by content even with a misleading name, raw one with a .gz name
        Path gz = Files.write(dir.resolve("imgs.idx"), gzip(img));
        Path labels = Files.write(dir.resolve("labels.gz"), lab);
        for (Path p : new Path[] {raw, gz}) {
            Dataset d = IdxReader.read("train", p, labels);
            assertEquals(5, d.size());
            assertEquals(12, d.dim());
            assertArrayEquals(new int[] {3, 4}, d.shape());
            for (int i = 0; i < 60; i++) assertEquals((i * 7) & 0xFF, d.values()[i], 0f);
            assertArrayEquals(new int[] {0, 9, 3, 200, 1}, d.labels());
        }
        assertTrue(maxOf(IdxReader.read("x", raw, null).values()) > 200f); // ubyte kept in 0..255, not scaled
    }

    private static float maxOf(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) m = Math.max(m, x);
        return m;
    }

    @Test
    void badMagicSaysWhatWasFound() throws IOException {
        byte[] img = images(2, 2, 2);
        img[2] = 0x07; // unknown element type
        Path p = Files.write(dir.resolve("bad.idx"), img);
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000703"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803"), e.getMessage());
    }

    @Test
    void htmlInsteadOfIdxIsCalledAFailedDownload() throws IOException {
        Path p = Files.writeString(dir.resolve("train-images-idx3-ubyte.gz"), "<!DOCTYPE html><html>Not found</html>");
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        assertTrue(e.getMessage().contains("failed download"), e.getMessage());
    }

    @Test
    void labelsFileGivenAsImagesAndViceVersa() throws IOException {
        Path lab = Files.write(dir.resolve("labels"), idx(new int[] {2}, new byte[] {1, 2}));
        Path img = Files.write(dir.resolve("images"), images(2, 2, 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", lab, null));
        assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("labels:"), e.getMessage());
        DataException f = assertThrows(DataException.class, () -> IdxReader.read("t", img, img));
        assertTrue(f.getMessage().contains("expected 0x00000801"), f.getMessage());
    }

    @Test
    void truncatedFileSaysSizes() throws IOException {
        byte[] img = images(4, 5, 5);
        Path p = Files.write(dir.resolve("short"), Arrays.copyOf(img, img.length - 10));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        assertTrue(
                e.getMessage().contains("truncated")
                        && e.getMessage().contains("4 x 5 x 5")
                        && e.getMessage().contains(String.valueOf(img.length))
                        && e.getMessage().contains("download it again"),
                e.getMessage());
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] z = gzip(images(50, 10, 10));
        Path p = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(z, z.length / 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void labelCountMismatch() throws IOException {
        Path img = Files.write(dir.resolve("images"), images(3, 2, 2));
        Path lab = Files.write(dir.resolve("labels"), idx(new int[] {4}, new byte[] {1, 2, 3, 4}));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", img, lab));
        assertTrue(e.getMessage().contains("4 labels") && e.getMessage().contains("3 examples"), e.getMessage());
    }

    /** Found by FileFormatFuzzTest and the issue on hostile input: a gzip bomb ended in OutOfMemoryError. */
    @Test
    void gzipBombIsReadNoFurtherThanItsHeaderSays() throws IOException {
        byte[] zeros = gzip(new byte[16 << 20]); // one gzip member of 16 MB of zeros, about 16 KB
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.writeBytes(gzip(images(2, 2, 2)));
        for (int i = 0; i < 144; i++) bomb.writeBytes(zeros); // 2.3 MB that gunzips to 2.4 GB
        Path p = Files.write(dir.resolve("bomb-idx3-ubyte.gz"), bomb.toByteArray());
        DataException e = assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThrows(DataException.class, () -> IdxReader.read("t", p, null)));
        assertTrue(
                e.getMessage().contains(p + " is longer than its header says")
                        && e.getMessage().contains("2 x 2 x 2")
                        && e.getMessage().contains("download it again"),
                e.getMessage());
    }

    /** A size the header claims is checked before anything of that size is allocated. */
    @Test
    void claimedSizesBeyondAnArrayOrMemoryAreRefusedBeforeReading() throws IOException {
        Path p = Files.write(dir.resolve("big.gz"), gzip(header(0x0803, 3000, 1000, 1000)));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        assertTrue(
                e.getMessage()
                        .contains(p + ": its header says 3000 x 1000 x 1000 unsigned byte values, more than one "
                                + "Java array can hold"),
                e.getMessage());
        // Dimensions whose product overflows a long (65536^4 = 2^64) were read as 0 values.
        Path q = Files.write(dir.resolve("overflow"), header(0x0804, 65536, 65536, 65536, 65536));
        DataException f = assertThrows(DataException.class, () -> IdxReader.read("t", q, null));
        assertTrue(
                f.getMessage().contains("65536 x 65536 x 65536 x 65536 unsigned byte values, more than one Java"),
                f.getMessage());
        // No examples, each of 2^32 values: was an IllegalArgumentException from Dataset.
        Path z = Files.write(dir.resolve("zero"), header(0x0803, 0, 65536, 65536));
        DataException g = assertThrows(DataException.class, () -> IdxReader.read("t", z, null));
        assertTrue(g.getMessage().contains("(examples of 65536 x 65536), more than one Java array"), g.getMessage());
        // Within an array but beyond the memory Java may use (when the heap is under 8 GB).
        long values = Runtime.getRuntime().maxMemory() / 4 + (1 << 20);
        Assumptions.assumeTrue(values < Integer.MAX_VALUE - 16, "a heap of 8 GB or more");
        Path m = Files.write(dir.resolve("huge.gz"), gzip(header(0x0802, (int) values, 1)));
        DataException h = assertThrows(DataException.class, () -> IdxReader.read("t", m, null));
        assertTrue(
                h.getMessage().contains(m + ": its header says " + values + " x 1 unsigned byte values, which need")
                        && h.getMessage().contains("but Java may use only")
                        && h.getMessage().contains("-Xmx"),
                h.getMessage());
    }

    /**
     * Found by FileFormatFuzzTest (seed 2024): a gzip file claiming more values than it holds, with megabytes
     * of data, grew its array with the data and allocated 640 MB before finding it short.
     */
    @Test
    void gzipFileShorterThanItsClaimAllocatesNothingOfThatSize() throws IOException {
        byte[] raw = Arrays.copyOf(header(0x0802, 1 << 26, 1), 12 + (32 << 20));
        Path p = Files.write(dir.resolve("short.gz"), gzip(raw));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(
                e.getMessage().contains(p + " is truncated: its header says 67108864 x 1 unsigned byte values")
                        && e.getMessage().contains("but the file has 33554444 bytes after decompression"),
                e.getMessage());
        assertTrue(allocated < 16 << 20, allocated + " bytes allocated");
    }

    @Test
    void negativeDimensionIsShownAsWritten() throws IOException {
        Path p = Files.write(dir.resolve("neg"), header(0x0803, 3, -1, 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read("t", p, null));
        assertTrue(e.getMessage().contains(p + " has a negative dimension in its header (3 x -1 x 2)"), e.getMessage());
    }

    /** An IDX header alone: magic and dimensions. */
    static byte[] header(int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).putInt(magic);
        for (int d : dims) b.putInt(d);
        return b.array();
    }
}
