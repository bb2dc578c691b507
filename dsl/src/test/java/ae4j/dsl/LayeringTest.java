package ae4j.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's layering, as the sources have it: each package of the dsl and kernel modules may use only the
 * packages listed here (stages flow one way: text, AST, checked model, IR, generated code, runtime, reports). A
 * new dependency that breaks the order fails here with the file and the reference; adding one on purpose means
 * editing this table, in review.
 */
class LayeringTest {

    /** Package to the ae4j packages it may use (its own not listed). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("ae4j.dsl.ast", Set.of()),
            Map.entry("ae4j.dsl.syntax", Set.of("ae4j.dsl.ast", "ae4j.grammar")),
            Map.entry("ae4j.dsl.format", Set.of("ae4j.dsl.ast", "ae4j.dsl.syntax", "ae4j.grammar")),
            Map.entry("ae4j.dsl.check", Set.of("ae4j.dsl.ast", "ae4j.dsl.syntax")),
            Map.entry("ae4j.dsl.runtime", Set.of("ae4j.vecmath")),
            Map.entry("ae4j.dsl.ir", Set.of("ae4j.dsl.runtime", "ae4j.vecmath")),
            Map.entry("ae4j.dsl.compile", Set.of("ae4j.dsl.check", "ae4j.dsl.ir", "ae4j.dsl.runtime", "ae4j.vecmath")),
            Map.entry("ae4j.dsl.io", Set.of("ae4j.dsl.runtime")),
            Map.entry("ae4j.dsl.data", Set.of("ae4j.dsl.check", "ae4j.dsl.runtime", "ae4j.vecmath")),
            Map.entry("ae4j.dsl.report", Set.of("ae4j.dsl.io")),
            Map.entry(
                    "ae4j.dsl.onnx",
                    Set.of("ae4j.dsl.check", "ae4j.dsl.compile", "ae4j.dsl.io", "ae4j.dsl.ir", "ae4j.dsl.runtime")),
            Map.entry(
                    "ae4j.dsl.train",
                    // ir: recirculation reads which parameters the encoder and decoder layers use
                    Set.of(
                            "ae4j.dsl.check",
                            "ae4j.dsl.compile",
                            "ae4j.dsl.io",
                            "ae4j.dsl.ir",
                            "ae4j.dsl.runtime",
                            "ae4j.vecmath")),
            Map.entry(
                    "ae4j.dsl.analysis",
                    Set.of(
                            "ae4j.dsl.check",
                            "ae4j.dsl.compile",
                            "ae4j.dsl.data",
                            "ae4j.dsl.io",
                            "ae4j.dsl.ir",
                            "ae4j.dsl.report",
                            "ae4j.dsl.runtime",
                            "ae4j.vecmath")),
            Map.entry(
                    "ae4j.dsl.run",
                    Set.of(
                            "ae4j.dsl.analysis",
                            "ae4j.dsl.ast",
                            "ae4j.dsl.check",
                            "ae4j.dsl.compile",
                            "ae4j.dsl.data",
                            "ae4j.dsl.io",
                            "ae4j.dsl.onnx",
                            "ae4j.dsl.report",
                            "ae4j.dsl.runtime",
                            "ae4j.dsl.syntax",
                            "ae4j.dsl.train",
                            "ae4j.vecmath")),
            Map.entry(
                    "ae4j.dsl.cli",
                    Set.of(
                            "ae4j.dsl.check",
                            "ae4j.dsl.compile",
                            "ae4j.dsl.format",
                            "ae4j.dsl.io",
                            "ae4j.dsl.run",
                            "ae4j.dsl.syntax",
                            "ae4j.vecmath")),
            Map.entry(
                    "ae4j.api",
                    Set.of(
                            "ae4j.dsl.analysis",
                            "ae4j.dsl.check",
                            "ae4j.dsl.compile",
                            "ae4j.dsl.data",
                            "ae4j.dsl.io",
                            "ae4j.dsl.report", // a training history's chart
                            "ae4j.dsl.run",
                            "ae4j.dsl.runtime",
                            "ae4j.dsl.train")), // a training history's events
            // The kernel is a thin layer: the facade, a notebook session (run), and what it shows (reports, progress).
            Map.entry(
                    "ae4j.kernel",
                    Set.of(
                            "ae4j.api",
                            "ae4j.dsl.analysis",
                            "ae4j.dsl.check",
                            "ae4j.dsl.report",
                            "ae4j.dsl.run",
                            "ae4j.dsl.train")));

    private static final Pattern REFERENCE = Pattern.compile("\\b(ae4j(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

    @Test
    void everyPackageUsesOnlyTheStagesBeforeIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Path root : List.of(Path.of("src", "main", "java"), Path.of("..", "kernel", "src", "main", "java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = withoutComments(Files.readString(f));
                    Matcher pm = PACKAGE.matcher(text);
                    if (!pm.find()) continue;
                    String pkg = pm.group(1);
                    seen.add(pkg);
                    Set<String> allowed = ALLOWED.get(pkg);
                    if (allowed == null) {
                        violations.add(
                                f + ": package " + pkg + " is not in the layering table; add it with what it may use");
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(text);
                    while (m.find()) {
                        String used = m.group(1);
                        if (used.equals(pkg) || used.startsWith("ae4j.generated")) continue;
                        if (!allowed.contains(used))
                            violations.add(f + ": " + pkg + " uses " + used + ", which it may not (see the table)");
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
        assertEquals(ALLOWED.keySet(), seen, "the table names packages that no longer exist, or misses some");
    }

    @Test
    void theTableHasNoCycle() {
        for (String start : ALLOWED.keySet()) {
            assertTrue(!reaches(start, start, new TreeSet<>()), start + " depends on itself through the table");
        }
    }

    @Test
    void everyPackageSaysWhatGoesInAndComesOut() {
        List<String> missing = new ArrayList<>();
        for (String pkg : ALLOWED.keySet()) {
            Path root = pkg.startsWith("ae4j.kernel")
                    ? Path.of("..", "kernel", "src", "main", "java")
                    : Path.of("src", "main", "java");
            if (!Files.exists(root.resolve(pkg.replace('.', '/')).resolve("package-info.java"))) missing.add(pkg);
        }
        assertTrue(missing.isEmpty(), "packages without package-info.java: " + missing);
    }

    private static boolean reaches(String from, String target, Set<String> visited) {
        for (String next : ALLOWED.getOrDefault(from, Set.of())) {
            if (next.equals(target)) return true;
            if (visited.add(next) && reaches(next, target, visited)) return true;
        }
        return false;
    }

    /** The source without comments (a reference in a comment is no dependency); string literals are kept. */
    private static String withoutComments(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("\"\"\"", i)) { // a text block
                int end = s.indexOf("\"\"\"", i + 3);
                int j = end < 0 ? s.length() : end + 3;
                b.append(s, i, j);
                i = j;
            } else if (c == '\'') { // a character literal, such as '"'
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '\'') j += s.charAt(j) == '\\' ? 2 : 1;
                b.append(s, i, Math.min(j + 1, s.length()));
                i = j + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') j += s.charAt(j) == '\\' ? 2 : 1;
                b.append(s, i, Math.min(j + 1, s.length()));
                i = j + 1;
            } else if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') i++;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
