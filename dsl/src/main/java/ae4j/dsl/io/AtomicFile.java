package ae4j.dsl.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a reader (or a crash) sees either the old content or the complete new content,
 * never a mixture: the bytes go to a temporary file in the same folder, which is forced to disk and then
 * renamed over the target (an atomic replace on POSIX file systems); finally the folder itself is forced so
 * that the rename survives a power cut. If writing fails, the temporary file is removed and the target is
 * left untouched.
 */
public final class AtomicFile {

    /** Produces the file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Atomically replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically replaces {@code target} with what {@code content} writes; on any failure the target is unchanged. */
    public static void write(Path target, Content content) throws IOException {
        String problem = problemWith(target);
        if (problem != null) throw new BadTargetException(problem);
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        removeStaleTemporaries(dir, abs.getFileName().toString());
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            keepPermissions(abs, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(
                        "cannot replace " + target + " atomically on this file system: " + e.getMessage(), e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Temporary files older than this were left by a process that died; younger ones may be in use. */
    static final java.time.Duration STALE = java.time.Duration.ofHours(1);

    /** Deletes this target's temporary files ({@code .NAME.*.tmp}) older than {@link #STALE}: a killed writer's. */
    static void removeStaleTemporaries(Path dir, String name) {
        if (dir == null) return;
        java.time.Instant cutoff = java.time.Instant.now().minus(STALE);
        try (java.nio.file.DirectoryStream<Path> left = Files.newDirectoryStream(dir, "." + name + ".*.tmp")) {
            for (Path p : left) {
                if (Files.isRegularFile(p)
                        && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover costs only disk space
        }
    }

    /**
     * Why {@code target} cannot be written, in words naming the path, or null when it can: ae4j replaces only
     * regular files (never a folder, a device, a FIFO or a socket: as root, renaming over /dev/null would
     * replace the system's), and needs a writable folder to create the temporary file in. Callers check
     * before long work (training) so that a bad path never costs its result.
     */
    public static String problemWith(Path target) {
        Path abs = target.toAbsolutePath();
        if (Files.exists(abs)) {
            if (Files.isDirectory(abs)) return target + " is a folder; give a file path inside it";
            if (!Files.isRegularFile(abs)) {
                return target + " is " + special(abs) + ", not a regular file; ae4j writes only regular files";
            }
            if (!Files.isWritable(abs)) return target + " is read-only; make it writable or choose another path";
        }
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null) return null;
        if (!Files.isDirectory(dir)) return dir + " is a file, so " + target + " cannot be created below it";
        if (!Files.isWritable(dir)) return "the folder " + dir + " is not writable; choose another path";
        return null;
    }

    /** "a character device", "a FIFO (named pipe)", ... for a path that exists and is not a regular file. */
    private static String special(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            if (mode instanceof Integer m) {
                return switch (m & 0170000) {
                    case 0020000 -> "a character device";
                    case 0060000 -> "a block device";
                    case 0010000 -> "a FIFO (named pipe)";
                    case 0140000 -> "a socket";
                    default -> "a special file";
                };
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException ignored) {
            // no unix view: the generic words below
        }
        return "a special file";
    }

    /**
     * The temporary file is created private (0600); the result should look like any file the user writes:
     * the replaced file's permissions, or rw-r--r-- for a new one (where POSIX permissions exist).
     */
    private static void keepPermissions(Path target, Path tmp) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not a POSIX file system: keep the default.
        }
    }

    /** Forces a folder's entries to disk (Linux, macOS); silently does nothing where folders cannot be opened. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a folder as a channel; the rename is still atomic there.
        }
    }
}
