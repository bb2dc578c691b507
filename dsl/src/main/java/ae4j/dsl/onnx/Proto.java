package ae4j.dsl.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One protobuf message being encoded, field by field, with protobuf-java's {@link CodedOutputStream}. ONNX's
 * schema (onnx.proto, proto2) is small enough that ae4j writes the few messages it needs by their field numbers
 * ({@link Onnx}) rather than generating classes for the whole schema. Messages are built in memory; the model's
 * large tensors are streamed by {@link OnnxExport} instead.
 */
final class Proto {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    /** An int64, int32 or enum field (all varints; ONNX has no negative values here). */
    Proto varint(int field, long value) {
        try {
            out.writeInt64(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A string field (UTF-8). */
    Proto string(int field, String value) {
        try {
            out.writeString(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A float field. */
    Proto float32(int field, float value) {
        try {
            out.writeFloat(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** An embedded message field. */
    Proto message(int field, Proto message) {
        try {
            out.writeByteArray(field, message.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The encoded message. */
    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
