package ae4j.dsl.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A data file open for reading, gunzipped on the fly when it starts with the gzip magic bytes 1f 8b
 * (whatever its name). Readers take what they ask for and no more: a header is read and checked before
 * its data (against {@link #length}), and a gzip bomb is not inflated past the size its header claims.
 * Every problem is a {@link DataException} naming the file.
 */
final class DataFile implements Closeable {

    private final Path file;
    private final InputStream in;
    private final boolean gzip;
    private final long size;
    private long position;

    private DataFile(Path file, InputStream in, boolean gzip, long size) {
        this.file = file;
        this.in = in;
        this.gzip = gzip;
        this.size = size;
    }

    static DataFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataException(file + " is a folder, not a data file; give the path of a file inside it");
        }
        InputStream raw = null;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            long size = Files.size(file);
            raw.mark(2);
            boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
            raw.reset();
            return new DataFile(file, gzip ? new GZIPInputStream(raw, 1 << 16) : raw, gzip, size);
        } catch (IOException e) {
            closeQuietly(raw);
            throw problem(file, e);
        }
    }

    /** The file's path, for messages. */
    Path path() {
        return file;
    }

    boolean gzip() {
        return gzip;
    }

    /** The size on disk. */
    long size() {
        return size;
    }

    /** Bytes read so far (after decompression). */
    long position() {
        return position;
    }

    /** "N bytes", saying "after decompression" for a gzip file. */
    String bytesText(long n) {
        return n + (gzip ? " bytes after decompression" : " bytes");
    }

    /** Up to {@code n} bytes; fewer only where the file ends. */
    byte[] read(int n) {
        byte[] b = new byte[n];
        int got = read(b, 0, n);
        return got == n ? b : Arrays.copyOf(b, got);
    }

    /** Reads into {@code b[off, off + len)}; returns how many bytes were read, fewer than len only at the end. */
    int read(byte[] b, int off, int len) {
        int done = 0;
        try {
            while (done < len) {
                int r = in.read(b, off + done, len - done);
                if (r < 0) break;
                done += r;
            }
        } catch (IOException e) {
            throw problem(file, e);
        }
        position += done;
        return done;
    }

    /** Decodes one element at {@code offset} of a buffer. */
    @FunctionalInterface
    interface Element {
        float at(ByteBuffer b, int offset);
    }

    /**
     * The {@code count} values a header promises, ending {@code expected} bytes into the file: a shorter file is
     * truncated and a longer one (a gzip bomb among them) is refused before anything of the claimed size is
     * allocated; {@code fits} checks that the claim can be held once the length is known. {@code claim} says what
     * the header says ("its header says 60000 x 28 x 28 unsigned byte values"), {@code kind} names the format
     * for a file that goes on ("corrupt or not IDX") and {@code fix} says what to do.
     */
    float[] payload(
            String claim,
            long expected,
            int count,
            int size,
            ByteOrder order,
            Element element,
            Runnable fits,
            String kind,
            String fix) {
        long length = length(expected + 1);
        if (length < expected) throw truncated(claim, expected, length, fix); // whatever it claims
        if (length > expected) throw longer(claim, expected, kind, fix);
        fits.run();
        float[] v = floats(count, size, order, element);
        if (v.length < count) throw truncated(claim, expected, position(), fix); // changed since
        if (!atEnd()) throw longer(claim, expected, kind, fix);
        return v;
    }

    private DataException truncated(String claim, long expected, long length, String fix) {
        return new DataException(path() + " is truncated: " + claim + ", so " + expected + " bytes, but the file has "
                + bytesText(length) + "; " + fix);
    }

    private DataException longer(String claim, long expected, String kind, String fix) {
        return new DataException(path() + " is longer than its header says" + (kind.isEmpty() ? "" : " (" + kind + ")")
                + ": " + claim + ", so " + bytesText(expected) + ", but the file "
                + (gzip() ? "goes on" : "has " + size() + " bytes") + "; " + fix);
    }

    /**
     * Reads up to {@code count} elements of {@code size} bytes each, in chunks, as floats; fewer only where
     * the file ends (the caller says it is truncated). Call it once {@link #length} has shown the data is
     * there: the array is allocated at once.
     */
    float[] floats(int count, int size, ByteOrder order, Element element) {
        int perChunk = Math.max(1, Math.min(count, (1 << 16) / size));
        byte[] chunk = new byte[perChunk * size];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(order);
        float[] v = new float[count];
        int done = 0;
        while (done < count) {
            int want = Math.min(count - done, perChunk);
            int got = read(chunk, 0, want * size) / size;
            for (int i = 0; i < got; i++) v[done + i] = element.at(buf, i * size);
            done += got;
            if (got < want) break;
        }
        return done == count ? v : Arrays.copyOf(v, done);
    }

    /**
     * The length of the contents, counted up to {@code limit}: the size on disk, or for a gzip file what it
     * inflates to, found by a separate pass that keeps nothing. A reader compares it with what its header
     * says before allocating, so a header that claims more than there is allocates nothing, and a gzip bomb
     * is inflated only up to {@code limit}.
     */
    long length(long limit) {
        if (!gzip) return size;
        try (InputStream z =
                new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            long n = 0;
            while (n < limit) {
                int r = z.read(buf, 0, (int) Math.min(buf.length, limit - n));
                if (r < 0) break;
                n += r;
            }
            return n;
        } catch (IOException e) {
            throw problem(file, e);
        }
    }

    /** Whether the file ends here (reads at most one byte; a gzip file's checksum is verified at its end). */
    boolean atEnd() {
        return read(new byte[1], 0, 1) == 0;
    }

    @Override
    public void close() {
        closeQuietly(in);
    }

    private static void closeQuietly(InputStream s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // reading is over; nothing to report
        }
    }

    /** The user's error for an I/O problem with {@code file}. */
    static DataException problem(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException("data file " + file + " not found; check the path");
        }
        if (e instanceof AccessDeniedException) {
            return new DataException("cannot read " + file + ": permission denied; check the file's permissions");
        }
        if (e instanceof EOFException) {
            return new DataException(
                    file + " is a truncated gzip file (the compressed stream ends early); download it again");
        }
        if (e instanceof ZipException) {
            return new DataException(
                    file + " starts like a gzip file but is corrupt (" + e.getMessage() + "); download it again");
        }
        return new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
}
