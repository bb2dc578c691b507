package ae4j.dsl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.syntax.Diagnostic;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus: every invalid/*.ae file states its diagnostics in {@code # expect: LINE:COL: error: message}
 * lines and must produce exactly those; every valid/*.ae file must check with no diagnostic at all.
 */
class CorpusTest {

    static Stream<Path> invalid() throws IOException, URISyntaxException {
        return files("invalid");
    }

    static Stream<Path> valid() throws IOException, URISyntaxException {
        return files("valid");
    }

    private static Stream<Path> files(String dir) throws IOException, URISyntaxException {
        Path root = Path.of(CorpusTest.class.getClassLoader().getResource(dir).toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.toString().endsWith(".ae")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidProgramGivesExactlyItsExpectedDiagnostics(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("# expect: "))
                expected.add(line.substring("# expect: ".length()).strip());
        }
        assertTrue(!expected.isEmpty(), file + " has no # expect: line");
        FrontEnd.Result r = FrontEnd.check(file.getFileName().toString(), text);
        List<String> actual = new ArrayList<>();
        for (Diagnostic d : r.diagnostics().all()) {
            actual.add(
                    d.span().line() + ":" + d.span().col() + ": " + d.severity().word() + ": " + d.message());
        }
        assertEquals(
                expected.stream().sorted().toList(),
                actual.stream().sorted().toList(),
                file.getFileName().toString());
        assertNotNull(r.diagnostics().render()); // rendering never throws
        if (r.diagnostics().hasErrors()) assertEquals(null, r.checked());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validProgramChecksClean(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        FrontEnd.Result r = FrontEnd.check(file.getFileName().toString(), text);
        assertEquals("", r.diagnostics().render(), file.getFileName().toString());
        assertNotNull(r.checked(), file.getFileName().toString());
    }
}
