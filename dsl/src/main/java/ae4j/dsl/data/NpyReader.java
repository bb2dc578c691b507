package ae4j.dsl.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0: magic {@code \x93NUMPY}, major and minor
 * version bytes, a little-endian header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), a Python dict literal
 * with {@code descr}, {@code fortran_order} and {@code shape}, then the raw elements.
 *
 * <p>Supported: little-endian {@code <f4 <f8 <f2 |u1 |i1 |b1 <u2 <i2 <u4 <i4 <u8 <i8} in C order. A 1-D array
 * is n examples of one value; an array of two or more dimensions has the examples along the first axis and
 * the remaining axes are the example shape. Values become floats.
 */
public final class NpyReader {

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

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

    static Array readArray(Path file) {
        FileBytes.Contents c = FileBytes.read(file);
        byte[] b = c.bytes();
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
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw truncated(file, "inside the header");
            headerLen = buf.getInt(8) & 0xFFFFFFFFL;
            start = 12;
        } else {
            throw new DataException(file + " is .npy format version " + major + "." + minor
                    + ", which ae4j does not know (it reads 1.0, 2.0 and 3.0); save it with a current numpy");
        }
        if (start + headerLen > b.length) throw truncated(file, "inside the header");
        String header = new String(
                b, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher md = DESCR.matcher(header);
        if (!md.find()) {
            throw new DataException(file + " has a structured or unreadable dtype (header " + header.strip()
                    + "); save a plain numeric array");
        }
        String dtype = md.group(1);
        Matcher mf = FORTRAN.matcher(header);
        if (mf.find() && mf.group(1).equals("True")) {
            throw new DataException(
                    file
                            + " is stored in Fortran (column-major) order; save it in C order: numpy.save(path, numpy.ascontiguousarray(a))");
        }
        Matcher ms = SHAPE.matcher(header);
        if (!ms.find())
            throw new DataException(file + " has no shape in its header (" + header.strip() + "); the file is corrupt");
        List<Integer> dims = new ArrayList<>();
        long count = 1;
        for (String part : ms.group(1).split(",")) {
            String t = part.strip();
            if (t.isEmpty()) continue;
            try {
                int v = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                dims.add(v);
                count *= v;
            } catch (NumberFormatException e) {
                throw new DataException(
                        file + " has an unreadable shape (" + ms.group(1) + ") in its header; the file is corrupt");
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        if (dtype.length() < 3) throw unsupported(file, dtype);
        char order = dtype.charAt(0);
        char kind = dtype.charAt(1);
        int size;
        try {
            size = Integer.parseInt(dtype.substring(2));
        } catch (NumberFormatException e) {
            throw unsupported(file, dtype);
        }
        if (order == '>' && size > 1) {
            throw new DataException(file + " is big-endian (dtype " + dtype
                    + "); convert it: numpy.save(path, a.astype('<" + dtype.substring(1) + "'))");
        }
        if (!(order == '<' || order == '|' || order == '=' || order == '>')) throw unsupported(file, dtype);
        boolean ok = switch (kind) {
            case 'f' -> size == 2 || size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            default -> false;
        };
        if (!ok) throw unsupported(file, dtype);
        long dataStart = start + headerLen;
        long expected = dataStart + count * size;
        if (b.length < expected) {
            throw new DataException(file + " is truncated: its header says shape " + shapeText(shape) + " of " + dtype
                    + ", which needs "
                    + expected + " bytes, but the file has " + b.length
                    + (c.gzip() ? " bytes after decompression" : " bytes")
                    + "; write it again");
        }
        if (count > Integer.MAX_VALUE - 16)
            throw new DataException(file + " has " + count + " values, more than one Java array can hold");
        float[] v = new float[(int) count];
        int p = (int) dataStart;
        switch (kind) {
            case 'f' -> {
                if (size == 4) for (int i = 0; i < v.length; i++) v[i] = buf.getFloat(p + 4 * i);
                else if (size == 8) for (int i = 0; i < v.length; i++) v[i] = (float) buf.getDouble(p + 8 * i);
                else for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(buf.getShort(p + 2 * i));
            }
            case 'b' -> {
                for (int i = 0; i < v.length; i++) v[i] = b[p + i] != 0 ? 1f : 0f;
            }
            case 'u' -> {
                switch (size) {
                    case 1 -> {
                        for (int i = 0; i < v.length; i++) v[i] = b[p + i] & 0xFF;
                    }
                    case 2 -> {
                        for (int i = 0; i < v.length; i++) v[i] = buf.getShort(p + 2 * i) & 0xFFFF;
                    }
                    case 4 -> {
                        for (int i = 0; i < v.length; i++) v[i] = buf.getInt(p + 4 * i) & 0xFFFFFFFFL;
                    }
                    default -> {
                        for (int i = 0; i < v.length; i++) {
                            long x = buf.getLong(p + 8 * i);
                            v[i] = x >= 0 ? (float) x : (float) ((x >>> 1) * 2.0);
                        }
                    }
                }
            }
            default -> {
                switch (size) {
                    case 1 -> {
                        for (int i = 0; i < v.length; i++) v[i] = b[p + i];
                    }
                    case 2 -> {
                        for (int i = 0; i < v.length; i++) v[i] = buf.getShort(p + 2 * i);
                    }
                    case 4 -> {
                        for (int i = 0; i < v.length; i++) v[i] = buf.getInt(p + 4 * i);
                    }
                    default -> {
                        for (int i = 0; i < v.length; i++) v[i] = buf.getLong(p + 8 * i);
                    }
                }
            }
        }
        return new Array(dtype, shape, v);
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
