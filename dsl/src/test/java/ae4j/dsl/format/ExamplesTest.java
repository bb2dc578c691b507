package ae4j.dsl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.syntax.SourceParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example parses without errors, is already canonical, formats idempotently and round-trips. */
class ExamplesTest {

    static final Set<String> EXPECTED = Set.of(
            "14.1-undercomplete.ae",
            "14.2-sparse.ae",
            "14.2-denoising.ae",
            "14.2-gradient-penalty.ae",
            "14.3-deep-greedy.ae",
            "14.4-stochastic.ae",
            "14.5-score.ae",
            "14.5-sampling.ae",
            "14.6-manifold.ae",
            "14.6-knn-embedding.ae",
            "14.7-contractive.ae",
            "14.8-psd.ae",
            "14.9-dimensionality.ae",
            "14.9-semantic-hashing.ae",
            "recirculation.ae",
            "14.6-tangents-vs-size.ae",
            "14.6-parzen.ae");

    @Test
    void oneExamplePerSection() {
        Set<String> names = Examples.files().stream()
                .map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(
                names.containsAll(EXPECTED),
                "missing examples: "
                        + EXPECTED.stream().filter(n -> !names.contains(n)).toList());
    }

    @TestFactory
    List<DynamicTest> examples() {
        return Examples.files().stream()
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)))
                .toList();
    }

    private static void check(Path p) {
        String text = Examples.read(p);
        FrontEnd.Result r = FrontEnd.check(p.toString(), text);
        assertFalse(r.diagnostics().hasErrors(), () -> r.diagnostics().render());
        assertNotNull(r.program());
        assertTrue(text.startsWith("# "), "an example starts with a header comment citing its section");
        assertTrue(
                text.lines().findFirst().orElse("").matches("# Section 14\\.[0-9].*"),
                "the header cites the section: " + text.lines().findFirst().orElse(""));
        String formatted = Formatter.format(text);
        assertEquals(text, formatted, p + " is not in canonical format (run ./ae4j fmt " + p + ")");
        assertEquals(formatted, Formatter.format(formatted), "idempotent");
        assertEquals(
                AstShape.of(r.program()),
                AstShape.of(SourceParser.parse("f", formatted).program()),
                "round trip");
        assertEquals(
                text.lines().filter(l -> l.contains("#")).count(),
                formatted.lines().filter(l -> l.contains("#")).count(),
                "comments kept");
    }
}
