package ae4j.dsl.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a path written in a program points: relative paths are resolved against the folder of the
 * {@code .ae} file; a relative path starting with {@code fashion-mnist/} or {@code mnist/} that does not
 * exist there is also looked up under a shared data root ({@code /usr/share/datasets/} by default, where the
 * Debian dataset packages install).
 */
public final class DataPaths {

    /** Where Debian's dataset-* packages install. */
    public static final Path SHARED_ROOT = Path.of("/usr/share/datasets");

    private final Path base;
    private final Path sharedRoot;

    /** @param base the folder of the .ae file (relative paths start there) */
    public DataPaths(Path base) {
        this(base, SHARED_ROOT);
    }

    public DataPaths(Path base, Path sharedRoot) {
        this.base = base == null ? Path.of("") : base;
        this.sharedRoot = sharedRoot;
    }

    public Path base() {
        return base;
    }

    /** The existing file {@code written} refers to; a {@link DataException} saying where it looked otherwise. */
    public Path resolve(String written) {
        Path p;
        try {
            p = Path.of(written);
        } catch (InvalidPathException e) {
            throw new DataException("'" + written + "' is not a valid path: " + e.getReason());
        }
        Path local = p.isAbsolute() ? p : base.resolve(p);
        if (Files.isRegularFile(local)) return local;
        if (Files.isDirectory(local))
            throw new DataException(local + " is a folder; give the path of a file inside it");
        String norm = written.replace('\\', '/');
        boolean shared = !p.isAbsolute()
                && sharedRoot != null
                && (norm.startsWith("fashion-mnist/") || norm.startsWith("mnist/"));
        if (shared) {
            Path s = sharedRoot.resolve(p);
            if (Files.isRegularFile(s)) return s;
            StringBuilder m = new StringBuilder("data file '")
                    .append(written)
                    .append("' not found: looked for ")
                    .append(local.toAbsolutePath().normalize())
                    .append(" and ")
                    .append(s);
            if (norm.startsWith("fashion-mnist/")) {
                if (Files.isDirectory(sharedRoot.resolve("fashion-mnist"))) {
                    m.append("; ")
                            .append(sharedRoot.resolve("fashion-mnist"))
                            .append(" exists but has no such file (check the name")
                            .append(listing(sharedRoot.resolve("fashion-mnist")))
                            .append(")");
                } else {
                    m.append("; install it with: sudo apt-get install dataset-fashion-mnist");
                }
            } else {
                m.append("; download the MNIST IDX files (train-images-idx3-ubyte.gz, ...) into ")
                        .append(local.toAbsolutePath().normalize().getParent());
            }
            throw new DataException(m.toString());
        }
        Path parent = local.toAbsolutePath().normalize().getParent();
        throw new DataException("data file '" + written + "' not found (looked for "
                + local.toAbsolutePath().normalize()
                + "); paths are relative to the folder of the .ae file"
                + (parent != null && Files.isDirectory(parent)
                        ? listing(parent).replace("; it has:", "; that folder has:")
                        : ""));
    }

    /** "; it has: a, b, c" (at most 8 regular files, sorted), or "" when the folder is empty or unreadable. */
    static String listing(Path folder) {
        try (var s = Files.list(folder)) {
            var names = s.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .sorted()
                    .toList();
            if (names.isEmpty()) return "";
            String shown = String.join(", ", names.subList(0, Math.min(8, names.size())));
            return "; it has: " + shown + (names.size() > 8 ? ", ... (" + names.size() + " files)" : "");
        } catch (java.io.IOException | SecurityException e) {
            return "";
        }
    }
}
