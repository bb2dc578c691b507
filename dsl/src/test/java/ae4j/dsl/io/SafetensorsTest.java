package ae4j.dsl.io;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesOrderShapesValuesAndMetadata() throws IOException {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i) * 1e3f;
        }
        w[3] = Float.NaN;
        w[4] = Float.NEGATIVE_INFINITY;
        w[5] = -0f;
        w[6] = Float.MIN_VALUE;
        List<Safetensors.Tensor> tensors = List.of(
                Safetensors.Tensor.of("z.0.weight", 3, 4, w),
                new Safetensors.Tensor("a.bias", new int[] {5}, new float[] {1, 2, 3, 4, 5}),
                new Safetensors.Tensor("scalar", new int[] {}, new float[] {42}),
                new Safetensors.Tensor("empty", new int[] {0, 3}, new float[0]));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "model ae {\n  input x[4]\t# \"quoted\" \\ ünïcödé ✓\n}");
        meta.put("ctrl", "\u0001\u001f");
        meta.put("empty", "");
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, tensors, meta);

        Safetensors.Contents c = Safetensors.read(file);
        assertEquals(
                List.of("z.0.weight", "a.bias", "scalar", "empty"),
                List.copyOf(c.tensors().keySet()));
        for (Safetensors.Tensor t : tensors) {
            Safetensors.Tensor back = c.tensors().get(t.name());
            assertArrayEquals(t.shape(), back.shape(), t.name());
            assertEquals(Arrays.toString(t.data()), Arrays.toString(back.data()), t.name());
            for (int i = 0; i < t.data().length; i++) {
                assertEquals(Float.floatToRawIntBits(t.data()[i]), Float.floatToRawIntBits(back.data()[i]));
            }
        }
        assertEquals(meta, c.metadata());
        assertEquals(List.copyOf(meta.keySet()), List.copyOf(c.metadata().keySet()));
        assertArrayEquals(Files.readAllBytes(file), Safetensors.toBytes(c));
    }

    /** {"__metadata__":{"k":"v"},"a":{...}} is 79 bytes; padded with one space to 80. */
    @Test
    void headerLayoutMatchesHandComputedBytes() throws IOException {
        Path file = dir.resolve("a.safetensors");
        Safetensors.write(
                file, List.of(new Safetensors.Tensor("a", new int[] {2}, new float[] {1f, -2f})), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertEquals(79, json.length());
        ByteBuffer expected = ByteBuffer.allocate(8 + 80 + 8).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(new byte[] {80, 0, 0, 0, 0, 0, 0, 0});
        expected.put(json.getBytes(StandardCharsets.US_ASCII)).put((byte) ' ');
        // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian
        expected.put(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0});
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void noMetadataMeansNoMetadataKeyAndPaddingToEight() {
        byte[] b = Safetensors.toBytes(Safetensors.Contents.of(
                List.of(new Safetensors.Tensor("a", new int[] {2}, new float[] {1f, 2f})), Map.of()));
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
        assertEquals(56, json.length());
        assertEquals(56, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(json, new String(b, 8, 56, StandardCharsets.US_ASCII));
        assertEquals(8 + 56 + 8, b.length);
    }

    @Test
    void readsF64F16AndBf16AsFloat() throws IOException {
        String json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[20,24]}}";
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.1).putDouble(-3.5);
        data.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f));
        data.putShort((short) (Float.floatToIntBits(3.0f) >>> 16))
                .putShort((short) (Float.floatToIntBits(-1e10f) >>> 16));
        Safetensors.Contents c = Safetensors.fromBytes("x", file(json, data.array()));
        assertArrayEquals(new float[] {0.1f, -3.5f}, c.tensors().get("d").data());
        assertArrayEquals(new float[] {1.5f, -0.25f}, c.tensors().get("h").data());
        assertArrayEquals(
                new float[] {3.0f, Float.intBitsToFloat(Float.floatToIntBits(-1e10f) & 0xffff0000)},
                c.tensors().get("b").data());
        assertArrayEquals(new int[] {1, 2}, c.tensors().get("b").shape());
    }

    // ---- malformed files ----

    private static byte[] file(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length)
                .put(h)
                .put(data)
                .array();
    }

    private String error(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ":"), e.getMessage());
        return e.getMessage();
    }

    private static final String ONE = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    @Test
    void tooShortForTheLength() throws IOException {
        assertTrue(error(new byte[] {1, 2, 3}).contains("3 bytes, too short for the 8-byte header length"));
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] good = Safetensors.toBytes(Safetensors.Contents.of(
                List.of(new Safetensors.Tensor("a", new int[] {2}, new float[] {1f, 2f})), Map.of()));
        String m = error(Arrays.copyOf(good, good.length - 3));
        assertTrue(
                m.contains(
                        "tensor \"a\": data_offsets [0, 8] point past the end of the data (5 bytes; file truncated?)"),
                m);
        m = error(Arrays.copyOf(good, 20));
        assertTrue(
                m.contains(
                        "truncated or not a safetensors file: the header length is 56 bytes but the file has only 12"),
                m);
    }

    @Test
    void badHeaderLength() throws IOException {
        byte[] b = file(ONE, new byte[8]);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertTrue(error(b).contains("header length 18446744073709551615 is larger than the limit"), error(b));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5L);
        assertTrue(error(b).contains("the header is not valid JSON"), error(b));
        // a text file: "hello wo" read as a length
        assertTrue(error("hello world, not tensors".getBytes(StandardCharsets.US_ASCII))
                .contains("larger than the limit"));
    }

    @Test
    void badJson() throws IOException {
        String m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2] \"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("the header is not valid JSON: expected ',' or '}' but found '\"' at character 32"), m);
        m = error(file("[1,2]", new byte[0]));
        assertTrue(m.contains("the header does not start with '{'"), m);
        m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", new byte[8]));
        assertTrue(m.contains("expected ',' or '}' but found the end of the text"), m);
        m = error(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("tensor \"a\": dtype I64 is not supported (ae4j reads F32, F64, F16 and BF16)"), m);
        m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("\"shape\" must hold non-negative integers, found -2"), m);
        m = error(file("{\"__metadata__\":{\"k\":1}}", new byte[0]));
        assertTrue(m.contains("metadata value of \"k\" must be a string, found 1"), m);
        byte[] latin = file("{\"x\":1}", new byte[0]);
        latin[10] = (byte) 0xff;
        assertTrue(error(latin).contains("not valid UTF-8"));
    }

    @Test
    void offsetsOutOfRangeOverlappingOrInconsistent() throws IOException {
        String m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,80]}}", new byte[8]));
        assertTrue(m.contains("data_offsets [0, 80] point past the end of the data (8 bytes"), m);
        m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("shape 3 of F32 needs 12 bytes but data_offsets [0, 8] span 8"), m);
        m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", new byte[8]));
        assertTrue(m.contains("end before they begin"), m);
        m = error(file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                new byte[8]));
        assertTrue(m.contains("tensor \"b\" starts at byte 4 of the data but the previous tensor ends at 8"), m);
        m = error(file(ONE, new byte[12]));
        assertTrue(m.contains("the tensors cover 8 bytes but the file has 12 bytes of data"), m);
        m = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", new byte[8]));
        assertTrue(m.contains("\"data_offsets\" must have 2 numbers, found 1"), m);
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.safetensors");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void tensorShapeMustMatchData() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Safetensors.Tensor.of("w", 2, 3, new float[5]));
        assertEquals("w: shape [2, 3] holds 6 values but the data has 5", e.getMessage());
    }

    /** Found by FileFormatFuzzTest: these were IllegalArgumentExceptions from the Tensor constructor. */
    @Test
    void emptyNameAndOverflowingShapeAreTheFilesFault() throws IOException {
        String m = error(file("{\"\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("a tensor has an empty name"), m);
        // 2^61 values of 8 bytes: the byte count overflowed to 0 and matched empty offsets.
        m = error(file(
                "{\"a\":{\"dtype\":\"F64\",\"shape\":[1073741824,1073741824,2],\"data_offsets\":[0,0]}}", new byte[0]));
        assertTrue(m.contains("tensor \"a\": shape [1073741824, 1073741824, 2] is too large"), m);
    }

    @Test
    void folderIsNotAModelFile() throws IOException {
        Path d = Files.createDirectories(dir.resolve("model.safetensors"));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(d));
        assertEquals(d + " is a folder, not a model or checkpoint file; give the file's path", e.getMessage());
    }
}
