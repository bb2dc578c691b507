package ae4j.dsl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.syntax.SourceParser;
import ae4j.grammar.AeLexer;
import java.util.Arrays;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/** For random programs from the grammar: the formatter is idempotent, keeps the AST and keeps every comment. */
class FormatterPropertyTest {

    static final int PROGRAMS = 500;

    @Test
    void idempotentRoundTripKeepsComments() {
        long seed = Long.getLong("ae4j.gen.seed", envSeed());
        ProgramGenerator gen = new ProgramGenerator(seed);
        for (int i = 0; i < PROGRAMS; i++) {
            String src = gen.next();
            String where = "program " + i + " (seed " + seed + "):\n" + src;
            SourceParser.Parsed parsed = SourceParser.parse("gen.ae", src);
            assertTrue(parsed.ok(), () -> where + "\n" + parsed.diagnostics().render());
            String once = Formatter.format(parsed.program(), src);
            SourceParser.Parsed again = SourceParser.parse("out.ae", once);
            assertTrue(
                    again.ok(),
                    () -> "formatted text does not parse for " + where + "\nformatted:\n" + once + "\n"
                            + again.diagnostics().render());
            assertEquals(
                    AstShape.of(parsed.program()),
                    AstShape.of(again.program()),
                    "AST changed for " + where + "\nformatted:\n" + once);
            assertEquals(once, Formatter.format(again.program(), once), "not idempotent for " + where);
            assertEquals(commentChars(src), commentChars(once), "comments lost for " + where + "\nformatted:\n" + once);
        }
    }

    static long envSeed() {
        String s = System.getenv("AE4J_GEN_SEED");
        return s == null || s.isBlank() ? 20240601L : Long.parseLong(s.trim());
    }

    /** The non-blank characters of all comments, sorted: equal when no comment text was lost or invented. */
    static String commentChars(String src) {
        AeLexer lexer = new AeLexer(CharStreams.fromString(src));
        lexer.removeErrorListeners();
        StringBuilder b = new StringBuilder();
        for (Token t : lexer.getAllTokens()) {
            if (t.getType() == AeLexer.COMMENT) b.append(t.getText().replaceAll("\\s", ""));
        }
        int[] cps = b.toString().codePoints().sorted().toArray();
        return new String(cps, 0, cps.length) + Arrays.hashCode(cps);
    }
}
