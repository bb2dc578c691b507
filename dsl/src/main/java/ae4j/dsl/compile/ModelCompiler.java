package ae4j.dsl.compile;

import ae4j.vecmath.SystemInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Generated source to a loaded class, through a content-addressed cache on disk: the key is a SHA-256 of
 * the source, the JDK version and the ae4j version, so an unchanged model loads without javac. The cache
 * lives in {@code $AE4J_CACHE} or the system property {@code ae4j.cache}, else {@code ~/.cache/ae4j/classes};
 * entries are written to a temporary folder and renamed into place, so a crash never leaves a half entry.
 * A cache that cannot be written only costs the next run a compile.
 */
public final class ModelCompiler {

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

    /** Whether {@code source} is already compiled in the cache. */
    public boolean isCached(String source) {
        return Files.isDirectory(cacheDir.resolve(key(source)));
    }

    /** Loads {@code className} compiled from {@code source}, from the cache when it is there. */
    public Class<?> load(String className, String source) {
        Path entry = cacheDir.resolve(key(source));
        Map<String, byte[]> bytes = read(entry);
        if (bytes == null || !bytes.containsKey(className)) {
            bytes = InMemoryCompiler.compileToBytes(className, source);
            write(entry, bytes);
        }
        return InMemoryCompiler.load(className, bytes);
    }

    static String key(String source) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("jdk " + Runtime.version() + "\nae4j " + SystemInfo.version() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static Map<String, byte[]> read(Path entry) {
        if (!Files.isDirectory(entry)) return null;
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> files = Files.list(entry)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class")) out.put(name.substring(0, name.length() - 6), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            return null;
        }
        return out.isEmpty() ? null : out;
    }

    private static void write(Path entry, Map<String, byte[]> bytes) {
        try {
            Files.createDirectories(entry.getParent());
            Path tmp = Files.createTempDirectory(entry.getParent(), ".tmp-");
            for (Map.Entry<String, byte[]> e : bytes.entrySet())
                Files.write(tmp.resolve(e.getKey() + ".class"), e.getValue());
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, entry);
            } catch (IOException e) {
                // Another process wrote the same entry first: keep theirs.
                try (Stream<Path> left = Files.list(tmp)) {
                    for (Path f : (Iterable<Path>) left::iterator) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            System.err.println("ae4j: warning: cannot write the class cache " + entry + " (" + e.getMessage()
                    + "); the model will be compiled again next time");
        }
    }
}
