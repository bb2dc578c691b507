package ae4j.dsl.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <p>Layout: 8 bytes N (unsigned little-endian u64), then N bytes of UTF-8 JSON header, then the data.
 * The header is an object {@code {"__metadata__": {string: string}, "name": {"dtype": "F32", "shape":
 * [d0, d1, ...], "data_offsets": [begin, end]}, ...}}; offsets are relative to the first byte after the
 * header, and the tensors tile the data region exactly, without gaps. Tensor data is row-major (C order),
 * little-endian.
 *
 * <p>Writing follows the reference implementation's form: compact JSON with {@code __metadata__} first
 * (omitted when empty), then the tensors with {@code dtype}, {@code shape}, {@code data_offsets} in that
 * order; the header is padded with spaces to a multiple of 8 bytes so the data starts 8-byte aligned; the
 * data follows in header order. The one difference: the reference sorts tensors by dtype and name, ae4j
 * keeps the caller's order (model order), so the files are byte-identical to the reference's when the
 * names are already sorted (checked by a test against the Python package). Only F32 is written. Writes
 * are atomic ({@link AtomicFile}).
 *
 * <p>Reading accepts F32, F64, F16 and BF16 and converts every tensor to {@code float}. Any malformed file
 * gives a {@link SafetensorsException} whose message names the file and says what is wrong.
 */
public final class Safetensors {

    /** The largest header accepted when reading (the reference implementation's limit). */
    public static final long MAX_HEADER = 100_000_000L;

    /** The key of the string-to-string metadata object in the header. */
    public static final String METADATA_KEY = "__metadata__";

    /** A named tensor: {@code shape} (row-major) and its float values. */
    public record Tensor(String name, int[] shape, float[] data) {
        public Tensor {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a tensor needs a non-empty name");
            }
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("\"" + METADATA_KEY + "\" is reserved for metadata");
            }
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(
                            name + ": negative dimension in shape " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + n
                        + " values but the data has " + data.length);
            }
            shape = shape.clone();
        }

        /** A 2-D tensor rows x cols. */
        public static Tensor of(String name, int rows, int cols, float[] data) {
            return new Tensor(name, new int[] {rows, cols}, data);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The shape as "d0 x d1 x ..." ("scalar" for rank 0). */
        public String shapeText() {
            return Safetensors.shapeText(shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t
                    && name.equals(t.name)
                    && Arrays.equals(shape, t.shape)
                    && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + "[" + shapeText() + "]";
        }
    }

    /** A file's tensors (in file order) and metadata. */
    public record Contents(SequencedMap<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** Builds contents from tensors in order; names must be unique. */
        public static Contents of(List<Tensor> tensors, Map<String, String> metadata) {
            SequencedMap<String, Tensor> map = new LinkedHashMap<>();
            for (Tensor t : tensors) {
                if (map.put(t.name(), t) != null) {
                    throw new IllegalArgumentException("two tensors named " + t.name());
                }
            }
            return new Contents(map, metadata);
        }
    }

    /** Supported element types and their sizes in bytes. */
    enum DType {
        F32(4),
        F64(8),
        F16(2),
        BF16(2);

        final int size;

        DType(int size) {
            this.size = size;
        }
    }

    private Safetensors() {}

    /** Atomically writes {@code tensors} (in this order) and {@code metadata} to {@code file}. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, Contents.of(tensors, metadata));
    }

    /** Atomically writes {@code contents} to {@code file}. */
    public static void write(Path file, Contents contents) throws IOException {
        byte[] header = header(contents);
        AtomicFile.write(file, out -> {
            out.write(header);
            byte[] chunk = new byte[1 << 16];
            ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : contents.tensors().values()) {
                float[] d = t.data();
                for (int i = 0; i < d.length; ) {
                    int n = Math.min(chunk.length / 4, d.length - i);
                    bb.clear();
                    bb.asFloatBuffer().put(d, i, n);
                    out.write(chunk, 0, n * 4);
                    i += n;
                }
            }
        });
    }

    /** The whole file as bytes (header length, header, data), as {@link #write} would write it. */
    public static byte[] toBytes(Contents contents) {
        byte[] header = header(contents);
        long dataBytes = 0;
        for (Tensor t : contents.tensors().values()) {
            dataBytes += 4L * t.data().length;
        }
        if (header.length + dataBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("too large for a byte array; use write(Path, ...)");
        }
        ByteBuffer bb = ByteBuffer.allocate((int) (header.length + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(header);
        for (Tensor t : contents.tensors().values()) {
            for (float f : t.data()) {
                bb.putFloat(f);
            }
        }
        return bb.array();
    }

    /** The 8-byte length followed by the padded JSON header. */
    static byte[] header(Contents contents) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (!contents.metadata().isEmpty()) {
            Json.quote(sb, METADATA_KEY);
            sb.append(':');
            Json.write(sb, contents.metadata());
            first = false;
        }
        long offset = 0;
        for (Tensor t : contents.tensors().values()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            long end = offset + 4L * t.data().length;
            Json.quote(sb, t.name());
            sb.append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Json.write(t.shape))
                    .append(",\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(end)
                    .append("]}");
            offset = end;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer bb = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(padded);
        bb.put(json);
        while (bb.hasRemaining()) {
            bb.put((byte) ' ');
        }
        return bb.array();
    }

    /** Reads a safetensors file; every tensor is converted to float. */
    public static Contents read(Path file) throws IOException {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new SafetensorsException(name + " is a folder, not a model or checkpoint file; give the file's path");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsException(
                        name + ": not a safetensors file: " + size + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, name);
            long n = lenBuf.flip().getLong();
            if (n < 0 || n > MAX_HEADER) {
                throw new SafetensorsException(name + ": not a safetensors file: the header length "
                        + Long.toUnsignedString(n) + " is larger than the limit of " + MAX_HEADER + " bytes");
            }
            if (8 + n > size) {
                throw new SafetensorsException(name + ": truncated or not a safetensors file: the header length is " + n
                        + " bytes but the file has only " + (size - 8) + " bytes after the length");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(ch, headerBuf, 8, name);
            long dataSize = size - 8 - n;
            if (dataSize > Integer.MAX_VALUE - 16) {
                throw new SafetensorsException(
                        name + ": tensor data of " + dataSize + " bytes is too large to read into memory at once");
            }
            long needed = 2 * dataSize; // the bytes, then the floats made of them
            long available = ae4j.dsl.runtime.HeapMemory.available(needed);
            if (needed > available) {
                throw new SafetensorsException(String.format(
                        Locale.ROOT,
                        "%s: reading its %,d bytes of tensor data needs about %.2f GB but Java may use only %.2f GB "
                                + "more; give Java more memory (JAVA_TOOL_OPTIONS=-Xmx...)",
                        name,
                        dataSize,
                        needed / 1e9,
                        available / 1e9));
            }
            ByteBuffer data = ByteBuffer.allocate((int) dataSize);
            readFully(ch, data, 8 + n, name);
            return decode(name, headerBuf.array(), data.flip().order(ByteOrder.LITTLE_ENDIAN));
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new SafetensorsException(name + ": permission denied; check the file's permissions", e);
        }
    }

    /** Decodes a whole file held in memory; {@code name} is used in error messages. */
    public static Contents fromBytes(String name, byte[] bytes) throws SafetensorsException {
        if (bytes.length < 8) {
            throw new SafetensorsException(name + ": not a safetensors file: " + bytes.length
                    + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        if (n < 0 || n > MAX_HEADER) {
            throw new SafetensorsException(name + ": not a safetensors file: the header length "
                    + Long.toUnsignedString(n) + " is larger than the limit of " + MAX_HEADER + " bytes");
        }
        if (8 + n > bytes.length) {
            throw new SafetensorsException(name + ": truncated or not a safetensors file: the header length is " + n
                    + " bytes but the file has only " + (bytes.length - 8) + " bytes after the length");
        }
        byte[] header = Arrays.copyOfRange(bytes, 8, 8 + (int) n);
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n, bytes.length - 8 - (int) n)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return decode(name, header, data);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String name) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new SafetensorsException(name + ": file ended early (changed while reading?)");
            }
            p += r;
        }
    }

    private static Contents decode(String name, byte[] headerBytes, ByteBuffer data) throws SafetensorsException {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(name + ": the header is not valid UTF-8 (is this a safetensors file?)", e);
        }
        if (!text.startsWith("{")) {
            throw new SafetensorsException(name + ": not a safetensors file: the header does not start with '{'");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.ParseException e) {
            throw new SafetensorsException(name + ": the header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new SafetensorsException(name + ": the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, DType dtype, int[] shape, long begin, long end) {}
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new SafetensorsException(name + ": \"__metadata__\" must be an object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) {
                        throw new SafetensorsException(name + ": metadata value of \"" + me.getKey()
                                + "\" must be a string, found " + Json.write(me.getValue()));
                    }
                    metadata.put((String) me.getKey(), s);
                }
                continue;
            }
            if (key.isEmpty()) {
                throw new SafetensorsException(name + ": a tensor has an empty name (\"\"); the header is corrupt");
            }
            String where = name + ": tensor \"" + key + "\"";
            if (!(e.getValue() instanceof Map<?, ?> info)) {
                throw new SafetensorsException(where + ": expected an object with dtype, shape, data_offsets");
            }
            for (Object k : info.keySet()) {
                if (!List.of("dtype", "shape", "data_offsets").contains(k)) {
                    throw new SafetensorsException(where + ": unknown field \"" + k + "\"");
                }
            }
            if (!(info.get("dtype") instanceof String dt)) {
                throw new SafetensorsException(where + ": missing or non-string \"dtype\"");
            }
            DType dtype;
            try {
                dtype = DType.valueOf(dt);
            } catch (IllegalArgumentException bad) {
                throw new SafetensorsException(
                        where + ": dtype " + dt + " is not supported (ae4j reads F32, F64, F16 and BF16)");
            }
            long[] shapeL = longs(info.get("shape"), where, "shape", -1);
            long[] offs = longs(info.get("data_offsets"), where, "data_offsets", 2);
            int[] shape = new int[shapeL.length];
            long count = 1;
            for (int i = 0; i < shapeL.length; i++) {
                if (shapeL[i] > Integer.MAX_VALUE) {
                    throw new SafetensorsException(where + ": dimension " + shapeL[i] + " is too large");
                }
                shape[i] = (int) shapeL[i];
                try {
                    count = Math.multiplyExact(count, shapeL[i]);
                } catch (ArithmeticException overflow) {
                    throw new SafetensorsException(where + ": shape " + Arrays.toString(shapeL) + " is too large");
                }
            }
            long begin = offs[0];
            long end = offs[1];
            if (end < begin) {
                throw new SafetensorsException(
                        where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
            }
            if (end > data.remaining()) {
                throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end
                        + "] point past the end of the data (" + data.remaining() + " bytes; file truncated?)");
            }
            if (count > Long.MAX_VALUE / dtype.size) {
                throw new SafetensorsException(where + ": shape " + Arrays.toString(shapeL) + " is too large");
            }
            if (end - begin != count * dtype.size) {
                throw new SafetensorsException(where + ": shape " + shapeText(shape) + " of " + dtype + " needs "
                        + count * dtype.size + " bytes but data_offsets [" + begin + ", " + end + "] span "
                        + (end - begin));
            }
            entries.add(new Entry(key, dtype, shape, begin, end));
        }
        // The tensors must tile the data region: sorted by offset, each starts where the previous ended.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
        long expected = 0;
        for (Entry en : byOffset) {
            if (en.begin != expected) {
                throw new SafetensorsException(name + ": tensor \"" + en.name + "\" starts at byte " + en.begin
                        + " of the data but the previous tensor ends at " + expected
                        + " (tensors must not overlap or leave gaps)");
            }
            expected = en.end;
        }
        if (expected != data.remaining()) {
            throw new SafetensorsException(name + ": the tensors cover " + expected + " bytes but the file has "
                    + data.remaining() + " bytes of data after the header");
        }
        SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
        int base = data.position();
        for (Entry en : entries) {
            int count = (int) ((en.end - en.begin) / en.dtype.size);
            float[] v = new float[count];
            int at = base + (int) en.begin;
            if (en.dtype == DType.F32) {
                data.slice(at, count * 4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(v);
                tensors.put(en.name, new Tensor(en.name, en.shape, v));
                continue;
            }
            for (int i = 0; i < count; i++) {
                v[i] = switch (en.dtype) {
                    case F32 -> data.getFloat(at + 4 * i);
                    case F64 -> (float) data.getDouble(at + 8 * i);
                    case F16 -> Float.float16ToFloat(data.getShort(at + 2 * i));
                    case BF16 -> Float.intBitsToFloat((data.getShort(at + 2 * i) & 0xffff) << 16);
                };
            }
            tensors.put(en.name, new Tensor(en.name, en.shape, v));
        }
        return new Contents(tensors, metadata);
    }

    private static long[] longs(Object v, String where, String field, int length) throws SafetensorsException {
        if (!(v instanceof List<?> list)) {
            throw new SafetensorsException(where + ": missing or non-array \"" + field + "\"");
        }
        if (length >= 0 && list.size() != length) {
            throw new SafetensorsException(
                    where + ": \"" + field + "\" must have " + length + " numbers, found " + list.size());
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) {
                throw new SafetensorsException(where + ": \"" + field + "\" must hold non-negative integers, found "
                        + Json.write(list.get(i)));
            }
            out[i] = l;
        }
        return out;
    }

    /** "d0 x d1 x ..." for a shape; "scalar" for an empty one. */
    public static String shapeText(int[] shape) {
        if (shape.length == 0) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : " x ").append(shape[i]);
        }
        return sb.toString();
    }
}
