package ae4j.dsl.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads a whole file, gunzipping it when it starts with the gzip magic bytes 1f 8b (whatever its name). */
final class FileBytes {

    private FileBytes() {}

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B;
    }

    /** The bytes of a file, decompressed when it was gzip. */
    record Contents(byte[] bytes, boolean gzip) {}

    static Contents read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException("data file " + file + " not found");
        } catch (AccessDeniedException e) {
            throw new DataException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new DataException(file + " does not fit in memory; give Java more heap (-Xmx) or use a smaller file");
        }
        if (!isGzip(raw)) return new Contents(raw, false);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            return new Contents(in.readAllBytes(), true);
        } catch (EOFException e) {
            throw new DataException(
                    file + " is a truncated gzip file (the compressed stream ends early); download it again");
        } catch (ZipException e) {
            throw new DataException(
                    file + " starts like a gzip file but is corrupt (" + e.getMessage() + "); download it again");
        } catch (IOException e) {
            throw new DataException("cannot decompress " + file + ": " + e.getMessage(), e);
        }
    }
}
