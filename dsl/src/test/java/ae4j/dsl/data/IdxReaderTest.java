package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
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
}
