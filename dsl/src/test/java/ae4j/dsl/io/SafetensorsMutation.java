package ae4j.dsl.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Mutates a safetensors file: its JSON header as text (numbers, shapes, dtypes, offsets, quotes, nesting),
 * written back with the 8-byte length recomputed (mostly) or left as it was, sometimes with the tensor data
 * damaged too; or its bytes, the length field included.
 */
final class SafetensorsMutation {

    static final String[] WORDS = {
        "F32",
        "F64",
        "F16",
        "BF16",
        "I32",
        "U8",
        "BOOL",
        "f32",
        "",
        "__metadata__",
        "dtype",
        "shape",
        "data_offsets",
        "f.0.weight",
        "f.0.bias",
        "opt.m.f.0.weight",
        "opt..f.0.weight",
        "format",
        "format_version",
        "ae4j.checkpoint",
        "ae4j.model",
        "1",
        "2",
        "parameters",
        "step",
        "epoch",
        "-1",
        "[]",
        "{}",
        "[\\\"f.0.weight\\\"]"
    };

    /** Shapes and offsets that break size arithmetic or are not arrays of counts. */
    static final String[] ARRAYS = {
        "[]",
        "[-1]",
        "[0]",
        "[0,0]",
        "[1073741824,1073741824,2]",
        "[2305843009213693952]",
        "[4611686018427387904,4]",
        "[4294967296]",
        "[2147483648]",
        "[9223372036854775807,2]",
        "[1.5]",
        "[\"2\"]",
        "[[2]]",
        "null",
        "[0,18446744073709551615]",
        "[-4,0]",
        "[8,4]",
        "[0,1,2]",
        "[1e3,2]",
        "{}"
    };

    private static final Pattern ARRAY = Pattern.compile("\"(?:shape|data_offsets)\":(\\[[^]]*\\])");

    private SafetensorsMutation() {}

    static byte[] mutate(FileMutator m, byte[] whole) {
        Random r = m.random();
        long n = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        int headerEnd = (int) (8 + n);
        if (r.nextInt(3) == 0) {
            return m.bytes(whole, headerEnd, List.of(new FileMutator.Field(0, 8, ByteOrder.LITTLE_ENDIAN)));
        }
        String json = new String(whole, 8, (int) n, StandardCharsets.UTF_8);
        String text = r.nextInt(4) == 0 ? m.replaceGroup(json, ARRAY, ARRAYS) : m.text(json, WORDS);
        byte[] h = text.getBytes(StandardCharsets.UTF_8);
        if (r.nextBoolean()) { // pad to 8 as the writer does
            int padded = (h.length + 7) / 8 * 8;
            h = Arrays.copyOf(h, padded);
            for (int i = text.getBytes(StandardCharsets.UTF_8).length; i < padded; i++) h[i] = ' ';
        }
        long length = h.length;
        if (r.nextInt(5) == 0) {
            length = n;
            m.note("header length left at " + n);
        }
        byte[] data = Arrays.copyOfRange(whole, headerEnd, whole.length);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        byte[] out = b.putLong(length).put(h).put(data).array();
        if (r.nextInt(4) == 0) out = m.damageData(out, 8 + h.length);
        return out;
    }
}
