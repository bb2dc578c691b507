package ae4j.dsl.compile;

import ae4j.vecmath.SystemInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Generated source to a loaded class, through a content-addressed cache on disk: the key is a SHA-256 of
 * the source, the JDK version and the ae4j version, so an unchanged model loads without javac. The cache
 * lives in {@code $AE4J_CACHE} or the system property {@code ae4j.cache}, else {@code ~/.cache/ae4j/classes}.
 *
 * <p>An entry is a folder of class files and a {@code MANIFEST} (each class's name, length and SHA-256),
 * written to a temporary folder, forced to disk and renamed into place, so a crash never leaves a half
 * entry. On load the classes are checked against the manifest; an entry that does not match (a truncated
 * or edited file, a missing manifest) or whose classes the JVM refuses is removed and compiled again, with
 * a warning. Temporary folders left by a killed run are removed once they are an hour old. A cache that
 * cannot be written only costs the next run a compile.
 */
public final class ModelCompiler {

    /** The list of an entry's classes with their lengths and hashes. */
    static final String MANIFEST = "MANIFEST";

    /** Temporary folders older than this were left by a run that died; younger ones may be another run's. */
    static final Duration STALE = Duration.ofHours(1);

    private final Path cacheDir;

    public ModelCompiler(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** The compiler using the default cache folder. */
    public static ModelCompiler withDefaultCache() {
        String dir = System.getProperty("ae4j.cache");
        if (dir == null || dir.isBlank()) dir = System.getenv("AE4J_CACHE");
        if (dir == null || dir.isBlank())
            dir = Path.of(System.getProperty("user.home"), ".cache", "ae4j", "classes")
                    .toString();
        return new ModelCompiler(Path.of(dir));
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** Whether {@code source} is already compiled in the cache (an entry with a manifest). */
    public boolean isCached(String source) {
        return Files.isRegularFile(cacheDir.resolve(key(source)).resolve(MANIFEST));
    }

    /** Loads {@code className} compiled from {@code source}, from the cache when a valid entry is there. */
    public Class<?> load(String className, String source) {
        Path entry = cacheDir.resolve(key(source));
        Map<String, byte[]> bytes = read(entry);
        if (bytes != null && bytes.containsKey(className)) {
            try {
                return InMemoryCompiler.load(className, bytes);
            } catch (LinkageError e) { // ClassFormatError, VerifyError, ...: bytes that match a bad manifest
                discard(entry, "the JVM refused its class (" + e + ")");
            }
        } else if (Files.exists(entry)) {
            // no manifest: written by an older ae4j (or an interrupted discard); replace it quietly
            discard(entry, Files.exists(entry.resolve(MANIFEST)) ? "its files do not match its manifest" : null);
        }
        bytes = InMemoryCompiler.compileToBytes(className, source);
        write(entry, bytes);
        return InMemoryCompiler.load(className, bytes);
    }

    /**
     * The class files compiled from {@code source} (binary name to bytes), from the cache when a valid entry is
     * there, else compiled and cached: what a JVM without javac (a Spark executor on a JRE) loads with
     * {@link ModelBuilder#fromClasses}.
     */
    public Map<String, byte[]> classBytes(String className, String source) {
        Path entry = cacheDir.resolve(key(source));
        Map<String, byte[]> bytes = read(entry);
        if (bytes != null && bytes.containsKey(className)) return bytes;
        if (Files.exists(entry))
            discard(entry, Files.exists(entry.resolve(MANIFEST)) ? "its files do not match its manifest" : null);
        bytes = InMemoryCompiler.compileToBytes(className, source);
        write(entry, bytes);
        return bytes;
    }

    static String key(String source) {
        MessageDigest sha = sha256();
        sha.update(("jdk " + Runtime.version() + "\nae4j " + SystemInfo.version() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        sha.update(source.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String hash(byte[] b) {
        return HexFormat.of().formatHex(sha256().digest(b));
    }

    /** "name length sha256" per class, sorted by name. */
    static String manifest(Map<String, byte[]> bytes) {
        StringBuilder m = new StringBuilder();
        for (String name : new TreeMap<>(bytes).keySet()) {
            byte[] b = bytes.get(name);
            m.append(name)
                    .append(' ')
                    .append(b.length)
                    .append(' ')
                    .append(hash(b))
                    .append('\n');
        }
        return m.toString();
    }

    /** The entry's classes when the entry is whole and matches its manifest, else null. */
    private static Map<String, byte[]> read(Path entry) {
        if (!Files.isDirectory(entry)) return null;
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> files = Files.list(entry)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class")) out.put(name.substring(0, name.length() - 6), Files.readAllBytes(f));
            }
            Path manifest = entry.resolve(MANIFEST);
            if (out.isEmpty() || !Files.isRegularFile(manifest)) return null;
            return Files.readString(manifest, StandardCharsets.UTF_8).equals(manifest(out)) ? out : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Removes a bad entry (renamed aside first, so no reader sees it half removed) and says why, if given. */
    private void discard(Path entry, String why) {
        if (why != null)
            System.err.println("ae4j: warning: the class cache entry " + entry + " is damaged (" + why
                    + "); compiling the model again");
        try {
            Path aside = Files.createTempDirectory(cacheDir, ".tmp-bad-");
            Files.delete(aside);
            Files.move(entry, aside, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(aside);
        } catch (IOException | RuntimeException e) {
            // Leave it: the fresh entry cannot replace it, so the model is compiled each run until removed.
            System.err.println(
                    "ae4j: warning: cannot remove " + entry + " (" + e.getMessage() + "); delete it by hand");
        }
    }

    private void write(Path entry, Map<String, byte[]> bytes) {
        try {
            Files.createDirectories(entry.getParent());
            removeStaleTemporaries(entry.getParent());
            Path tmp = Files.createTempDirectory(entry.getParent(), ".tmp-");
            for (Map.Entry<String, byte[]> e : bytes.entrySet())
                writeForced(tmp.resolve(e.getKey() + ".class"), e.getValue());
            writeForced(tmp.resolve(MANIFEST), manifest(bytes).getBytes(StandardCharsets.UTF_8));
            force(tmp);
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
                force(entry.getParent());
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, entry);
            } catch (IOException e) {
                // Another process wrote the same entry first: keep theirs.
                deleteTree(tmp);
            }
        } catch (IOException e) {
            System.err.println("ae4j: warning: cannot write the class cache " + entry + " (" + e.getMessage()
                    + "); the model will be compiled again next time");
        }
    }

    private static void writeForced(Path file, byte[] b) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
    }

    /** Forces a folder's entries to disk where folders can be opened (Linux, macOS). */
    private static void force(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not possible on this system: the rename is still atomic
        }
    }

    /** Deletes the temporary folders ({@code .tmp-*}) in the cache older than {@link #STALE}. */
    static void removeStaleTemporaries(Path cache) {
        Instant cutoff = Instant.now().minus(STALE);
        try (Stream<Path> all = Files.list(cache)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (!p.getFileName().toString().startsWith(".tmp-")) continue;
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) deleteTree(p);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover folder costs only disk space
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
