package ae4j.dsl.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw; gzip is recognised by its
 * magic bytes 1f 8b, not by the file name.
 *
 * <p>Format: a big-endian magic number {@code 0x0000TTDD} (TT the element type: 08 unsigned byte, 09 signed
 * byte, 0B int16, 0C int32, 0D float32, 0E float64; DD the number of dimensions), DD big-endian int32
 * sizes, then the elements, big-endian, row-major. MNIST images are {@code 0x00000803} (n x 28 x 28
 * unsigned bytes), labels {@code 0x00000801} (n unsigned bytes). Values are converted to float as they
 * are (0..255 for bytes): scaling is a separate transform ({@code scale 1 / 255}).
 *
 * <p>The header is checked before the data is read: a size that cannot be held (more values than one Java
 * array, or than the memory Java may still use) is refused before anything is allocated, a raw file must be
 * exactly as long as its header says, and a gzip file is inflated no further than that (a gzip bomb stops
 * one byte past the data).
 */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** An IDX array: its dimensions and its elements as floats. */
    record Array(int type, int[] dims, float[] values) {}

    /**
     * Reads an images file (first dimension = examples, the rest the example shape) and, when
     * {@code labelsFile} is not null, a labels file with one label per example.
     */
    public static Dataset read(String name, Path imagesFile, Path labelsFile) {
        Array a = readArray(imagesFile, false);
        int n = a.dims[0];
        int[] shape = Arrays.copyOfRange(a.dims, 1, a.dims.length);
        int[] labels = null;
        if (labelsFile != null) {
            labels = readLabels(labelsFile);
            if (labels.length != n) {
                throw new DataException("labels file " + labelsFile + " has " + labels.length + " labels but "
                        + imagesFile + " has " + n + " examples; pass the labels file that belongs to these images");
            }
        }
        return new Dataset(name, a.values, n, shape, labels, null, 0, null, 0);
    }

    /** Reads a labels file (one dimension, integer type). */
    public static int[] readLabels(Path file) {
        Array a = readArray(file, true);
        int[] out = new int[a.values.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) a.values[i];
        return out;
    }

    static Array readArray(Path file, boolean labels) {
        try (DataFile in = DataFile.open(file)) {
            return readArray(in, labels);
        }
    }

    private static Array readArray(DataFile in, boolean labels) {
        Path file = in.path();
        String want = labels
                ? String.format("0x%08X (IDX labels)", LABELS_MAGIC)
                : String.format("0x%08X (IDX images)", IMAGES_MAGIC);
        byte[] start = in.read(4);
        if (start.length < 4) {
            throw new DataException(file + " is " + in.bytesText(start.length)
                    + " long, too short for an IDX file (expected magic number " + want + "); download it again");
        }
        int magic = ByteBuffer.wrap(start).getInt();
        int type = (magic >>> 8) & 0xFF;
        int nd = magic & 0xFF;
        int size = elementSize(type);
        if ((magic >>> 16) != 0 || size == 0 || nd == 0) {
            byte[] more = in.read(60);
            byte[] head = Arrays.copyOf(start, 4 + more.length);
            System.arraycopy(more, 0, head, 4, more.length);
            throw new DataException(file + " is not an IDX file: its magic number is " + String.format("0x%08X", magic)
                    + ", expected " + want + guess(head));
        }
        if (labels && nd != 1) {
            throw new DataException(file + " has magic number " + String.format("0x%08X", magic) + " (" + nd
                    + " dimensions), expected " + want + ": is it the images file? labels: takes the labels file");
        }
        if (!labels && nd == 1) {
            throw new DataException(
                    file + " has magic number " + String.format("0x%08X", magic) + ", a labels file; expected " + want
                            + ": pass the images file as the path and this one as labels:");
        }
        if (labels && type == 0x0D || labels && type == 0x0E) {
            throw new DataException(file + " holds floating-point values (magic number "
                    + String.format("0x%08X", magic) + "); labels must be integers, expected " + want);
        }
        byte[] dimBytes = in.read(4 * nd);
        if (dimBytes.length < 4 * nd) {
            throw new DataException(file + " is truncated: it ends inside the header (" + in.bytesText(in.position())
                    + "); download it again");
        }
        ByteBuffer dimBuf = ByteBuffer.wrap(dimBytes);
        int[] dims = new int[nd];
        for (int i = 0; i < nd; i++) dims[i] = dimBuf.getInt();
        String claim = "its header says " + dimsText(dims) + " " + typeName(type) + " values";
        for (int d : dims) {
            if (d < 0) {
                throw new DataException(file + " has a negative dimension in its header (" + dimsText(dims)
                        + "); the file is corrupt, download it again");
            }
        }
        long count = product(dims, 0);
        long header = 4 + 4L * nd;
        // A gzip file's length is found by inflating it: first make sure the claim could be held at all.
        if (in.gzip() || count > Long.MAX_VALUE / 16) fits(in, claim, dims);
        long expected = header + count * size;
        float[] v = in.payload(
                claim,
                expected,
                (int) Math.min(count, Integer.MAX_VALUE),
                size,
                ByteOrder.BIG_ENDIAN,
                element(type),
                () -> fits(in, claim, dims),
                "corrupt or not IDX",
                "download it again");
        return new Array(type, dims, v);
    }

    /** Refuses a claim that does not fit in one Java array (all values, or one example's) or in memory. */
    private static void fits(DataFile in, String claim, int[] dims) {
        long count = product(dims, 0);
        HeapRoom.checkArray(in.path(), claim, count);
        HeapRoom.checkArray(
                in.path(),
                claim + " (examples of " + dimsText(Arrays.copyOfRange(dims, 1, dims.length)) + ")",
                product(dims, 1));
        HeapRoom.checkMemory(in.path(), claim, 4 * count, "as floats");
    }

    /** The product of {@code dims[from..]}, or Long.MAX_VALUE when it overflows. */
    static long product(int[] dims, int from) {
        long p = 1;
        for (int i = from; i < dims.length; i++) {
            try {
                p = Math.multiplyExact(p, dims[i]);
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return p;
    }

    private static DataFile.Element element(int type) {
        return switch (type) {
            case 0x08 -> (b, i) -> b.get(i) & 0xFF;
            case 0x09 -> (b, i) -> b.get(i);
            case 0x0B -> (b, i) -> b.getShort(i);
            case 0x0C -> (b, i) -> b.getInt(i);
            case 0x0D -> (b, i) -> b.getFloat(i);
            default -> (b, i) -> (float) b.getDouble(i);
        };
    }

    private static int elementSize(int type) {
        return switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> 0;
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "int16";
            case 0x0C -> "int32";
            case 0x0D -> "float32";
            default -> "float64";
        };
    }

    static String dimsText(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) s.append(i == 0 ? "" : " x ").append(dims[i]);
        return s.toString();
    }

    /** What the file looks like instead, when we can tell. */
    static String guess(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1)
                .stripLeading()
                .toLowerCase();
        if (head.startsWith("<"))
            return "; the file is text (HTML or XML?): probably a failed download, download it again";
        if (b.length >= 6 && (b[0] & 0xFF) == 0x93 && head.startsWith("numpy", 1))
            return "; it is a NumPy .npy file: use npy(...)";
        if (b.length >= 2 && b[0] == 'P' && b[1] == 'K') return "; it is a zip archive: unzip it first";
        if (b.length >= 4 && (b[0] & 0xFF) == 0x89 && head.startsWith("png", 1))
            return "; it is a PNG image: ae4j reads images from IDX, NumPy or CSV files";
        return "; is it an IDX file?";
    }
}
