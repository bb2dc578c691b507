package ae4j.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md resolves to a file or folder inside the repository, and a
 * {@code #fragment} to a heading of the linked Markdown file (GitHub's anchors: lower case, punctuation
 * dropped, spaces as hyphens). Links to web sites are not followed (the tests run offline).
 */
class DocLinksTest {

    /** [text](target) and ![alt](target); the target ends at whitespace or ')'. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent())
            if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("ae4j"))) return p;
        throw new IllegalStateException("no repository root above " + here);
    }

    static List<Path> documents(Path root) throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    static String anchor(String heading) {
        String plain = heading.replaceAll("`", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1");
        return plain.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    /** The problems of one document's links (empty when all resolve). */
    static List<String> problems(Path root, Path doc) throws IOException {
        List<String> bad = new ArrayList<>();
        String text = Files.readString(doc);
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) continue; // https:, mailto:
            String where = root.relativize(doc) + ": (" + target + ")";
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            String fragment = hash < 0 ? null : target.substring(hash + 1);
            Path file = path.isEmpty() ? doc : doc.getParent().resolve(path).normalize();
            if (!file.startsWith(root)) {
                bad.add(where + " points outside the repository");
                continue;
            }
            if (!Files.exists(file)) {
                bad.add(where + " does not exist");
                continue;
            }
            if (fragment != null && file.toString().endsWith(".md")) {
                List<String> anchors = new ArrayList<>();
                Matcher h = HEADING.matcher(Files.readString(file));
                while (h.find()) anchors.add(anchor(h.group(1)));
                if (!anchors.contains(fragment)) bad.add(where + ": no heading with anchor #" + fragment);
            }
        }
        return bad;
    }

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        Path root = root();
        List<String> bad = new ArrayList<>();
        int docs = 0;
        for (Path d : documents(root)) {
            bad.addAll(problems(root, d));
            docs++;
        }
        assertTrue(docs >= 4, "README.md and docs/*.md: found " + docs);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    /** The checker itself: a broken link, a link out of the repository and a wrong anchor are caught. */
    @Test
    void theCheckerCatchesBrokenLinks(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path root = root();
        Path doc = root.resolve("docs").resolve("language.md");
        assertTrue(problems(root, doc).isEmpty());
        // A document placed in the real docs folder's position, written to a temporary copy of the tree's shape.
        Path fakeRoot = dir.resolve("repo");
        Files.createDirectories(fakeRoot.resolve("docs"));
        Files.writeString(fakeRoot.resolve("docs/a.md"), "# Size limits\n\ntext\n");
        Path readme = Files.writeString(
                fakeRoot.resolve("README.md"),
                "[ok](docs/a.md#size-limits) [gone](docs/b.md) [out](../x.md) [anchor](docs/a.md#nope)"
                        + " [web](https://example.org/x)\n");
        List<String> p = problems(fakeRoot, readme);
        assertTrue(p.size() == 3, p.toString());
        assertTrue(p.get(0).contains("docs/b.md) does not exist"), p.toString());
        assertTrue(p.get(1).contains("outside the repository"), p.toString());
        assertTrue(p.get(2).contains("no heading with anchor #nope"), p.toString());
    }
}
