package ae4j.dsl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ae4j.dsl.ast.Span;
import ae4j.dsl.format.AstShape;
import ae4j.dsl.format.Examples;
import ae4j.dsl.format.Formatter;
import ae4j.dsl.syntax.Diagnostic;
import ae4j.dsl.syntax.SourceParser;
import ae4j.grammar.AeLexer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/**
 * Mutates the example programs (delete, insert or swap tokens, truncate, insert random bytes and unicode)
 * and feeds each to {@link FrontEnd#check}: it must never throw, must report errors with spans inside the
 * text, and must take less than a second per program. Programs that still parse must format idempotently
 * and keep their AST. Seed: AE4J_FUZZ_SEED (default fixed); count: AE4J_FUZZ_COUNT (default 10,000).
 */
class FrontEndFuzzTest {

    static final String[] RANDOM_TOKENS = {
        "data",
        "model",
        "input",
        "encoder",
        "decoder",
        "tied",
        "code",
        "output",
        "corrupt",
        "noise",
        "before",
        "free",
        "minimize",
        "train",
        "on",
        "evaluate",
        "analyze",
        "save",
        "load",
        "export",
        "to",
        "from",
        "as",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        ";",
        "=",
        "+",
        "-",
        "*",
        "/",
        "x~",
        "x",
        "h",
        "f(x)",
        "1e-3",
        "784",
        "1.",
        ".5",
        "\"s\"",
        "\"unterminated",
        "#",
        "# c\n",
        "\n",
        "~",
        "'",
        "^",
        "`",
        "@",
        "\\",
        "\u00e9",
        "\u2028",
        "\uD83D\uDE00",
        "\u0000",
        "\uFFFF",
        "dense",
        "relu",
        "1e"
    };

    @Test
    void frontEndNeverThrowsAndStaysFast() {
        long seed = envLong("AE4J_FUZZ_SEED", 1409L);
        int count = (int) envLong("AE4J_FUZZ_COUNT", 10_000);
        List<String> bases = new ArrayList<>();
        List<List<String>> baseTokens = new ArrayList<>();
        for (Path p : Examples.files()) {
            String text = Examples.read(p);
            bases.add(text);
            baseTokens.add(tokens(text));
        }
        Random r = new Random(seed);
        long total = 0;
        long max = 0;
        String slowest = "";
        int parsed = 0;
        int withErrors = 0;
        for (int i = 0; i < count; i++) {
            int b = r.nextInt(bases.size());
            // A whole example a quarter of the time, otherwise a window of its lines (keeps the run short).
            String program = r.nextInt(4) == 0 ? mutate(r, baseTokens.get(b)) : mutate(r, window(r, baseTokens.get(b)));
            long t0 = System.nanoTime();
            FrontEnd.Result result;
            try {
                result = FrontEnd.check("fuzz.ae", program);
            } catch (Throwable e) {
                throw new AssertionError(
                        "FrontEnd.check threw on mutation " + i + " (seed " + seed + "):\n" + program, e);
            }
            long dt = System.nanoTime() - t0;
            total += dt;
            if (dt > max) {
                max = dt;
                slowest = program;
            }
            assertNotNull(result);
            assertNotNull(result.diagnostics());
            int lines = (int) program.chars().filter(c -> c == '\n').count() + 1;
            for (Diagnostic d : result.diagnostics().all()) {
                Span s = d.span();
                if (!(s.start() >= 0
                        && s.start() <= s.end()
                        && s.end() <= program.length()
                        && s.line() >= 1
                        && s.line() <= lines
                        && s.col() >= 1)) {
                    fail("diagnostic span outside the text: " + s + " " + d.message() + " (mutation " + i + ", seed "
                            + seed + ")\n" + program);
                }
                assertNotNull(d.message());
            }
            // Rendering (line, caret) must not throw either.
            assertNotNull(result.diagnostics().render());
            if (result.program() == null) {
                assertTrue(result.diagnostics().hasErrors(), "no program and no error for mutation " + i);
                withErrors++;
            } else {
                parsed++;
                final int idx = i;
                String once = Formatter.format(result.program(), program);
                SourceParser.Parsed again = SourceParser.parse("f", once);
                assertTrue(again.ok(), () -> "formatted text does not parse (mutation " + idx + "):\n" + program);
                assertEquals(
                        AstShape.of(result.program()),
                        AstShape.of(again.program()),
                        "AST changed by formatting (mutation " + i + "):\n" + program);
                assertEquals(
                        once,
                        Formatter.format(again.program(), once),
                        "not idempotent (mutation " + i + "):\n" + program);
            }
        }
        System.out.printf(
                "fuzz: %d mutated programs (seed %d) in %.2f s, %d rejected with errors, %d parsed; "
                        + "slowest %.1f ms%n",
                count, seed, total / 1e9, withErrors, parsed, max / 1e6);
        assertTrue(count >= 1, "at least one program");
        assertTrue(max < 1_000_000_000L, "a program took " + max / 1e6 + " ms (limit 1 s):\n" + slowest);
    }

    static long envLong(String name, long dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
    }

    /** All tokens of a text, hidden ones included, as text (joining them gives the text back). */
    static List<String> tokens(String text) {
        AeLexer lexer = new AeLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<String> out = new ArrayList<>();
        for (Token t : lexer.getAllTokens()) out.add(t.getText());
        return out;
    }

    /** The tokens of 4 to 20 consecutive lines (cut after tokens holding a line break). */
    static List<String> window(Random r, List<String> toks) {
        List<Integer> breaks = new ArrayList<>();
        breaks.add(-1);
        for (int i = 0; i < toks.size(); i++) {
            if (toks.get(i).indexOf('\n') >= 0) breaks.add(i);
        }
        int len = Math.min(breaks.size() - 1, 4 + r.nextInt(17));
        int from = r.nextInt(breaks.size() - len);
        return toks.subList(breaks.get(from) + 1, breaks.get(from + len) + 1);
    }

    static String mutate(Random r, List<String> baseTokens) {
        List<String> toks = new ArrayList<>(baseTokens);
        int rounds = 1 + r.nextInt(4);
        String text = null;
        for (int k = 0; k < rounds; k++) {
            int n = toks.size();
            switch (r.nextInt(6)) {
                case 0 -> { // delete a token (or a run of them)
                    if (n > 0) {
                        int at = r.nextInt(n);
                        int len = 1 + (r.nextInt(4) == 0 ? r.nextInt(8) : 0);
                        for (int j = 0; j < len && at < toks.size(); j++) toks.remove(at);
                    }
                }
                case 1 -> toks.add(r.nextInt(n + 1), RANDOM_TOKENS[r.nextInt(RANDOM_TOKENS.length)]);
                case 2 -> { // swap adjacent non-blank tokens
                    if (n > 3) {
                        int at = r.nextInt(n - 2);
                        int next = at + 1;
                        if (toks.get(next).isBlank()) next++;
                        String a = toks.get(at);
                        toks.set(at, toks.get(next));
                        toks.set(next, a);
                    }
                }
                case 3 -> { // duplicate a random token elsewhere
                    if (n > 0) toks.add(r.nextInt(n + 1), toks.get(r.nextInt(n)));
                }
                case 4 -> { // random bytes / unicode inside a token
                    if (n > 0) {
                        int at = r.nextInt(n);
                        String s = toks.get(at);
                        int pos = r.nextInt(s.length() + 1);
                        toks.set(at, s.substring(0, pos) + randomChars(r) + s.substring(pos));
                    }
                }
                default -> { // truncate
                    text = String.join("", toks);
                    text = text.substring(0, r.nextInt(text.length() + 1));
                    if (text.length() > 0
                            && Character.isHighSurrogate(text.charAt(text.length() - 1))
                            && r.nextBoolean()) {
                        text = text.substring(0, text.length() - 1);
                    }
                    return text;
                }
            }
        }
        return String.join("", toks);
    }

    static String randomChars(Random r) {
        StringBuilder b = new StringBuilder();
        int k = 1 + r.nextInt(3);
        for (int i = 0; i < k; i++) {
            switch (r.nextInt(4)) {
                case 0 -> b.append((char) r.nextInt(128));
                case 1 -> b.append((char) (128 + r.nextInt(0x800)));
                case 2 -> b.appendCodePoint(0x1F300 + r.nextInt(0x300));
                default -> b.append((char) r.nextInt(0x10000));
            }
        }
        return b.toString();
    }
}
