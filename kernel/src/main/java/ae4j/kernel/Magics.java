package ae4j.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernel's magics: line magics ({@code %name args} on a line of their own in a Java cell) and cell magics
 * ({@code %%name} on a cell's first line). This class knows their names and help, and runs the ones that work
 * on the class path; {@code %time} and the cell magics are run by {@link Ae4jKernel}, which evaluates cells.
 */
final class Magics {

    /** Line magics and what they do, in the order {@code %lsmagic} lists them. */
    static final Map<String, String> LINE = new LinkedHashMap<>();
    /** Cell magics (first line of a cell) and what they do. */
    static final Map<String, String> CELL = new LinkedHashMap<>();

    static {
        LINE.put(
                "classpath",
                "%classpath PATH...: adds jars or class folders (dir/* for every jar in dir) to the"
                        + " Java cells' class path; with no argument, prints the class path");
        LINE.put("lsmagic", "%lsmagic: lists the line and cell magics");
        LINE.put(
                "maven",
                "%maven group:artifact:version...: resolves artifacts and their dependencies from Maven"
                        + " Central into the local Maven repository and adds them to the class path");
        LINE.put("time", "%time STATEMENT: runs a Java statement or expression and prints its wall time");
        CELL.put("ae", "%%ae: the cell is ae4j language (data, model, train, evaluate, analyze, save, ...)");
        CELL.put("time", "%%time: runs the rest of the cell (Java, or %%ae on the next line) and prints its wall time");
    }

    private final JavaCells java;
    private final MavenArtifacts maven;
    private final Path workDir;
    /** Entries added by %classpath and %maven, in order. */
    private final Set<Path> added = new LinkedHashSet<>();

    Magics(JavaCells java, MavenArtifacts maven, Path workDir) {
        this.java = java;
        this.maven = maven;
        this.workDir = workDir;
    }

    /** A magic line split into its name and argument text. */
    record Line(String name, String args) {
        static Line parse(String line) {
            String s = line.strip();
            int i = 0;
            while (i < s.length() && s.charAt(i) == '%') i++;
            int e = i;
            while (e < s.length() && !Character.isWhitespace(s.charAt(e))) e++;
            return new Line(s.substring(i, e), s.substring(e).strip());
        }
    }

    /** True for a line of a Java cell that is a line magic. */
    static boolean isLineMagic(String line) {
        String s = line.stripLeading();
        return s.startsWith("%") && !s.startsWith("%%");
    }

    /** The error for a magic name the kernel does not know, listing those it does. */
    static CellError unknown(String cellName, String written, boolean cell) {
        String list = "line magics: "
                + String.join(", ", LINE.keySet().stream().map(n -> "%" + n).toList())
                + "; cell magics (first line of a cell): "
                + String.join(", ", CELL.keySet().stream().map(n -> "%%" + n).toList());
        String what = (cell ? "%%" : "%") + written;
        String msg = written.isEmpty()
                ? "a magic needs a name after '" + (cell ? "%%" : "%") + "'; the kernel has " + list
                : "unknown " + (cell ? "cell" : "line") + " magic '" + what + "'"
                        + (cell && LINE.containsKey(written) ? " (%" + written + " is a line magic)" : "")
                        + (!cell && CELL.containsKey(written) && !LINE.containsKey(written)
                                ? " (%%" + written + " is a cell magic: put it on the cell's first line)"
                                : "")
                        + "; the kernel has " + list;
        return CellError.of("MagicError", msg, List.of(cellName + ": error: " + msg));
    }

    static CellError error(String cellName, String msg) {
        return CellError.of("MagicError", msg, List.of(cellName + ": error: " + msg));
    }

    /** %lsmagic's text. */
    static String list() {
        StringBuilder b = new StringBuilder("Line magics (on a line of their own in a Java cell):\n");
        LINE.values().forEach(v -> b.append("  ").append(v).append('\n'));
        b.append("Cell magics (on the first line of a cell):\n");
        CELL.values().forEach(v -> b.append("  ").append(v).append('\n'));
        return b.toString();
    }

    /** %classpath: prints the class path, or adds the given entries to it. */
    void classpath(String args, String cellName) throws CellError {
        if (args.isBlank()) {
            System.out.println("The Java cells' class path (the kernel's own, then what %classpath and %maven added):");
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator))
                if (!e.isBlank()) System.out.println("  " + e);
            for (Path p : added) System.out.println("  " + p);
            return;
        }
        List<Path> entries = new ArrayList<>();
        for (String word : splitPaths(args)) entries.addAll(expand(word, cellName));
        for (Path p : entries) add(p);
        for (Path p : entries) System.out.println("added to the class path: " + p);
    }

    private static List<String> splitPaths(String args) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(args);
        while (m.find()) {
            String w = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            if (m.group(3) != null) {
                for (String part : w.split(Pattern.quote(File.pathSeparator))) if (!part.isEmpty()) out.add(part);
            } else {
                out.add(w);
            }
        }
        return out;
    }

    private List<Path> expand(String word, String cellName) throws CellError {
        String w = word.startsWith("~/") ? System.getProperty("user.home") + word.substring(1) : word;
        boolean allJars = w.endsWith("/*") || w.equals("*");
        Path p = workDir.resolve(allJars ? w.substring(0, Math.max(0, w.length() - 1)) : w)
                .toAbsolutePath()
                .normalize();
        if (allJars) {
            if (!Files.isDirectory(p)) throw error(cellName, "%classpath " + word + ": " + p + " is not a folder");
            try (Stream<Path> s = Files.list(p)) {
                List<Path> jars = s.filter(f -> f.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .toList();
                if (jars.isEmpty()) throw error(cellName, "%classpath " + word + ": no .jar files in " + p);
                return jars;
            } catch (IOException e) {
                throw error(cellName, "%classpath " + word + ": cannot list " + p + ": " + e.getMessage());
            }
        }
        if (!Files.exists(p)) {
            throw error(
                    cellName,
                    "%classpath " + word + ": " + p + " does not exist (relative paths start at the kernel's"
                            + " folder " + workDir.toAbsolutePath() + ")");
        }
        if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".jar")) {
            throw error(cellName, "%classpath " + word + ": " + p + " is neither a .jar nor a folder of classes");
        }
        return List.of(p);
    }

    private void add(Path p) {
        if (added.add(p)) java.shell().addToClasspath(p.toString());
    }

    /** %maven: resolves each coordinate and adds the jars to the class path. */
    void maven(String args, String cellName) throws CellError {
        if (args.isBlank())
            throw error(
                    cellName,
                    "%maven needs coordinates: %maven group:artifact:version (e.g. %maven"
                            + " org.apache.commons:commons-math3:3.6.1)");
        for (String coords : args.strip().split("\\s+")) {
            try {
                MavenArtifacts.parse(coords);
            } catch (IllegalArgumentException e) {
                throw error(cellName, "%maven: " + e.getMessage());
            }
        }
        for (String coords : args.strip().split("\\s+")) {
            MavenArtifacts.Resolved r;
            long t0 = System.nanoTime();
            try {
                r = maven.resolve(coords);
            } catch (Exception e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                throw error(
                        cellName,
                        "%maven " + coords + ": cannot resolve it from the local repository " + maven.local()
                                + " or Maven Central: " + why
                                + " (check the coordinates on https://central.sonatype.com"
                                + " and the network)");
            }
            Set<String> kernelJars = kernelArtifacts();
            int fresh = 0;
            for (Path jar : r.jars()) {
                String ga = groupArtifact(jar);
                String clash = ga == null
                        ? null
                        : kernelJars.stream()
                                .filter(k -> k.startsWith(ga + ":") && !k.equals(ga + ":" + version(jar)))
                                .findFirst()
                                .orElse(null);
                if (clash != null) {
                    System.out.println(
                            "note: the kernel itself uses " + clash + "; its classes come before " + jar.getFileName());
                }
                if (!added.contains(jar)) fresh++;
                add(jar);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%%maven %s: %d jar%s (%d new on the class path) %s in %.1f s%n",
                    coords,
                    r.jars().size(),
                    r.jars().size() == 1 ? "" : "s",
                    fresh,
                    r.downloaded()
                            ? "downloaded from Maven Central into " + maven.local()
                            : "from the local repository " + maven.local(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** group:artifact:version of the kernel's own jars that live in a Maven repository layout. */
    private static Set<String> kernelArtifacts() {
        Set<String> out = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.endsWith(".jar")) continue;
            Path p = Path.of(e);
            String ga = groupArtifact(p);
            if (ga != null) out.add(ga + ":" + version(p));
        }
        return out;
    }

    /** group:artifact of a jar in a repository layout (.../group/path/artifact/version/artifact-version.jar). */
    static String groupArtifact(Path jar) {
        Path version = jar.getParent();
        Path artifact = version == null ? null : version.getParent();
        if (artifact == null || artifact.getParent() == null) return null;
        if (!jar.getFileName().toString().startsWith(artifact.getFileName() + "-" + version.getFileName())) return null;
        Path repo = artifact.getParent();
        // the group is the path between the repository's root and the artifact; find ".../repository/"
        String s = repo.toString().replace(File.separatorChar, '/');
        int at = s.lastIndexOf("/repository/");
        if (at < 0) return null;
        return s.substring(at + "/repository/".length()).replace('/', '.') + ":" + artifact.getFileName();
    }

    private static String version(Path jar) {
        return jar.getParent().getFileName().toString();
    }

    /** A wall time as people read it. */
    static String wallTime(long nanos) {
        double s = nanos / 1e9;
        if (s < 1e-3) return String.format(Locale.ROOT, "%.0f µs", s * 1e6);
        if (s < 1) return String.format(Locale.ROOT, "%.1f ms", s * 1e3);
        if (s < 60) return String.format(Locale.ROOT, "%.2f s", s);
        return String.format(Locale.ROOT, "%d min %.1f s", (long) (s / 60), s % 60);
    }
}
