package ae4j.dsl.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0: magic {@code \x93NUMPY}, major and minor
 * version bytes, a little-endian header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), a Python dict literal
 * with {@code descr}, {@code fortran_order} and {@code shape}, then the raw elements.
 *
 * <p>Supported: little-endian {@code <f4 <f8 <f2 |u1 |i1 |b1 <u2 <i2 <u4 <i4 <u8 <i8} in C order. A 1-D array
 * is n examples of one value; an array of two or more dimensions has the examples along the first axis and
 * the remaining axes are the example shape. Values become floats. The header is read strictly
 * ({@link NpyHeader}); the file must be exactly as long as the header says (a gzip-compressed file too,
 * inflated no further than that), and a size that cannot be held is refused before anything is allocated.
 */
public final class NpyReader {

    private NpyReader() {}

    record Array(String dtype, int[] shape, float[] values) {}

    /** Reads a data array and, when {@code labelsFile} is not null, a 1-D integer array of labels. */
    public static Dataset read(String name, Path file, Path labelsFile) {
        Array a = readArray(file);
        if (a.shape.length == 0) {
            throw new DataException(
                    file
                            + " holds a single number (shape ()); a data set needs an array with examples along the first axis");
        }
        int n = a.shape[0];
        int[] shape = a.shape.length == 1 ? new int[] {1} : Arrays.copyOfRange(a.shape, 1, a.shape.length);
        int[] labels = null;
        if (labelsFile != null) {
            labels = readLabels(labelsFile);
            if (labels.length != n) {
                throw new DataException("labels file " + labelsFile + " has " + labels.length + " labels but " + file
                        + " has " + n + " examples; pass the labels that belong to this array");
            }
        }
        return new Dataset(name, a.values, n, shape, labels, null, 0, null, 0);
    }

    public static int[] readLabels(Path file) {
        Array a = readArray(file);
        if (a.shape.length != 1) {
            throw new DataException(
                    "labels file " + file + " has shape " + shapeText(a.shape) + "; labels must be a 1-D array");
        }
        char kind = a.dtype.charAt(1);
        if (kind == 'f') {
            throw new DataException("labels file " + file + " holds " + a.dtype
                    + " floats; labels must be integers (save labels.astype('int64'))");
        }
        int[] out = new int[a.values.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) a.values[i];
        return out;
    }

    /** The longest header read (numpy's own default limit is 10,000 bytes; a plain array's is under 200). */
    static final int MAX_HEADER = 1 << 20;

    static Array readArray(Path file) {
        try (DataFile in = DataFile.open(file)) {
            return readArray(in);
        }
    }

    private static Array readArray(DataFile in) {
        Path file = in.path();
        byte[] b = in.read(10);
        if (b.length < 10
                || (b[0] & 0xFF) != 0x93
                || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new DataException(file + " is not a NumPy .npy file (it does not start with \\x93NUMPY)"
                    + (b.length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 8
                            ? "; it looks like an IDX file: use idx(...)"
                            : b.length >= 2 && b[0] == 'P' && b[1] == 'K'
                                    ? "; it is a zip archive (an .npz?): save a single array with numpy.save"
                                    : "")
                    + "; write it with numpy.save");
        }
        int major = b[6] & 0xFF;
        int minor = b[7] & 0xFF;
        long headerLen;
        if (major == 1) {
            headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        } else if (major == 2 || major == 3) {
            byte[] rest = in.read(2);
            if (rest.length < 2) throw truncated(file, "inside the header");
            headerLen = ByteBuffer.wrap(new byte[] {b[8], b[9], rest[0], rest[1]})
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getInt()
                    & 0xFFFFFFFFL;
        } else {
            throw new DataException(file + " is .npy format version " + major + "." + minor
                    + ", which ae4j does not know (it reads 1.0, 2.0 and 3.0); save it with a current numpy");
        }
        if (headerLen > MAX_HEADER) {
            throw new DataException(file + " says its header is " + headerLen + " bytes long, more than the "
                    + MAX_HEADER + " ae4j reads (a plain array's header is under 200 bytes); the file is corrupt or "
                    + "not a plain numeric array: write it again with numpy.save");
        }
        long dataStart = in.position() + headerLen;
        byte[] hb = in.read((int) headerLen);
        if (hb.length < headerLen) throw truncated(file, "inside the header");
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(file, text);
        String dtype = h.descr();
        int size = elementSize(file, dtype);
        if (h.fortranOrder()) {
            throw new DataException(
                    file
                            + " is stored in Fortran (column-major) order; save it in C order: numpy.save(path, numpy.ascontiguousarray(a))");
        }
        long[] dims = h.shape();
        String claim = "its header says shape " + NpyHeader.shapeText(dims) + " of " + dtype;
        for (long d : dims) {
            if (d < 0) {
                throw new DataException(file + ": " + claim + ", and a dimension cannot be negative; the file is "
                        + "corrupt: write it again with numpy.save");
            }
        }
        long count = product(dims, 0);
        // A gzip file's length is found by inflating it: first make sure the claim could be held at all.
        if (in.gzip() || count > Long.MAX_VALUE / 16) fits(file, claim, dims);
        long expected = dataStart + count * size;
        float[] v = in.payload(
                claim,
                expected,
                (int) Math.min(count, Integer.MAX_VALUE),
                size,
                ByteOrder.LITTLE_ENDIAN,
                element(dtype.charAt(1), size),
                () -> fits(file, claim, dims),
                "",
                "write it again");
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) shape[i] = (int) dims[i];
        return new Array(dtype, shape, v);
    }

    /** Refuses a shape that does not fit in one Java array (a dimension, all values, an example) or memory. */
    private static void fits(Path file, String claim, long[] dims) {
        for (long d : dims) HeapRoom.checkArray(file, claim, d);
        long count = product(dims, 0);
        HeapRoom.checkArray(file, claim, count);
        HeapRoom.checkArray(file, claim + " (examples of " + product(dims, 1) + " values)", product(dims, 1));
        HeapRoom.checkMemory(file, claim, 4 * count, "as floats");
    }

    /** The product of {@code dims[from..]}, or Long.MAX_VALUE when it overflows. */
    static long product(long[] dims, int from) {
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

    /** The size of one element of {@code dtype}, or a message saying why ae4j does not read it. */
    static int elementSize(Path file, String dtype) {
        char kind = dtype.length() >= 2 ? dtype.charAt(1) : dtype.isEmpty() ? '?' : dtype.charAt(0);
        if (kind == 'O') {
            throw new DataException(file + " holds Python objects (dtype '" + dtype + "'), which ae4j cannot read; "
                    + "save a numeric array: numpy.save(path, a.astype('<f4'))");
        }
        if (kind == 'U' || kind == 'S' || kind == 'a') {
            throw new DataException(file + " holds strings (dtype '" + dtype + "'); ae4j reads numbers: convert "
                    + "them first, e.g. numpy.save(path, a.astype('<f4'))");
        }
        if (dtype.length() < 3) throw unsupported(file, dtype);
        char order = dtype.charAt(0);
        int size;
        try {
            size = Integer.parseInt(dtype.substring(2));
        } catch (NumberFormatException e) {
            throw unsupported(file, dtype);
        }
        boolean known = switch (kind) {
            case 'f' -> size == 2 || size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            default -> false;
        };
        if (!known || !(order == '<' || order == '|' || order == '=' || order == '>')) throw unsupported(file, dtype);
        if (order == '>' && size > 1) {
            throw new DataException(file + " is big-endian (dtype " + dtype
                    + "); convert it: numpy.save(path, a.astype('<" + dtype.substring(1) + "'))");
        }
        return size;
    }

    private static DataFile.Element element(char kind, int size) {
        return switch (kind) {
            case 'f' ->
                switch (size) {
                    case 2 -> (b, i) -> Float.float16ToFloat(b.getShort(i));
                    case 4 -> (b, i) -> b.getFloat(i);
                    default -> (b, i) -> (float) b.getDouble(i);
                };
            case 'b' -> (b, i) -> b.get(i) != 0 ? 1f : 0f;
            case 'u' ->
                switch (size) {
                    case 1 -> (b, i) -> b.get(i) & 0xFF;
                    case 2 -> (b, i) -> b.getShort(i) & 0xFFFF;
                    case 4 -> (b, i) -> b.getInt(i) & 0xFFFFFFFFL;
                    default ->
                        (b, i) -> {
                            long x = b.getLong(i);
                            return x >= 0 ? (float) x : (float) ((x >>> 1) * 2.0);
                        };
                };
            default ->
                switch (size) {
                    case 1 -> (b, i) -> b.get(i);
                    case 2 -> (b, i) -> b.getShort(i);
                    case 4 -> (b, i) -> b.getInt(i);
                    default -> (b, i) -> b.getLong(i);
                };
        };
    }

    private static DataException truncated(Path file, String where) {
        return new DataException(file + " is truncated: it ends " + where + "; write it again");
    }

    private static DataException unsupported(Path file, String dtype) {
        return new DataException(file + " has dtype '" + dtype
                + "', which ae4j does not read; convert it: numpy.save(path, a.astype('<f4'))");
    }

    static String shapeText(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
        return s.append(')').toString();
    }
}
