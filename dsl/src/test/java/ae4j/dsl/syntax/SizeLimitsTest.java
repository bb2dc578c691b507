package ae4j.dsl.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.format.Formatter;
import org.junit.jupiter.api.Test;

/**
 * The front end at and past its size limits: a program just inside every limit parses, checks and formats
 * (no StackOverflowError on the largest allowed depth); one step past a limit is an error at that token.
 */
class SizeLimitsTest {

    private static String model(String objective) {
        return "model m {\n  input x[4]\n  encoder f { dense 2 sigmoid }\n  decoder g { dense 4 sigmoid }\n"
                + "  minimize " + objective + "\n}\nsave m to \"m.safetensors\"\n";
    }

    /** {@code mse(x, g(f(x))) op 1 op 1 ...} with n operators. */
    private static String chain(String op, int n) {
        StringBuilder b = new StringBuilder("mse(x, g(f(x)))");
        for (int i = 0; i < n; i++) b.append(' ').append(op).append(" 1");
        return b.toString();
    }

    @Test
    void theLargestAllowedExpressionChecksAndFormats() {
        // 4,999 products plus the sum's 1 make a left-deep tree 5,000 deep; the checker folds the weight
        String src = model(chain("*", SizeLimits.MAX_OPERATORS - 1) + " + l2(h)");
        FrontEnd.Result r = FrontEnd.check("big.ae", src);
        assertTrue(r.ok(), r.diagnostics().render());
        Formatter.Result f = Formatter.format("big.ae", src);
        assertTrue(f.ok(), f.diagnostics().render());
        assertEquals(f.text(), Formatter.format("big.ae", f.text()).text(), "formatting is idempotent");
    }

    @Test
    void theLongestAllowedSumOfTermsChecks() {
        String src = model(chain("+", 0)
                .replace(
                        "mse(x, g(f(x)))",
                        String.join(
                                " + ",
                                java.util.Collections.nCopies(SizeLimits.MAX_OPERATORS / 2 + 1, "mse(x, g(f(x)))"))));
        FrontEnd.Result r = FrontEnd.check("sum.ae", src);
        assertTrue(r.ok(), r.diagnostics().render());
    }

    @Test
    void deepNegationAndDeepestNestingCheck() {
        String negated = "-".repeat(SizeLimits.MAX_OPERATORS - 1) + "mse(x, g(f(x)))";
        assertFalse(
                FrontEnd.check("neg.ae", model(negated)).diagnostics().render().contains("Exception"));
        // the model's brace is the first level: 63 parentheses more reach the limit exactly
        String nested =
                "(".repeat(SizeLimits.MAX_NESTING - 4) + "mse(x, g(f(x)))" + ")".repeat(SizeLimits.MAX_NESTING - 4);
        FrontEnd.Result r = FrontEnd.check("nested.ae", model(nested));
        assertTrue(r.ok(), r.diagnostics().render());
    }

    @Test
    void onePastEachLimitIsAnErrorAtItsToken() {
        String tooMany = model(chain("*", SizeLimits.MAX_OPERATORS + 1));
        String out = FrontEnd.check("ops.ae", tooMany).diagnostics().render();
        int col = tooMany.split("\n")[4].lastIndexOf('*') + 1;
        assertTrue(out.startsWith("ops.ae:5:" + col + ": error: an expression with more than 5,000 operators"), out);

        String deep =
                model("(".repeat(SizeLimits.MAX_NESTING) + "mse(x, g(f(x)))" + ")".repeat(SizeLimits.MAX_NESTING));
        out = FrontEnd.check("deep.ae", deep).diagnostics().render();
        assertTrue(
                out.startsWith("deep.ae:5:" + (12 + SizeLimits.MAX_NESTING - 1)
                        + ": error: brackets nested more than 64 deep"),
                out);

        String huge = "#".repeat(SizeLimits.MAX_SOURCE_CHARS + 1);
        out = FrontEnd.check("huge.ae", huge).diagnostics().render();
        assertTrue(out.startsWith("huge.ae:1:1: error: the program is 1,000,001 characters long"), out);
        assertTrue(Formatter.format("huge.ae", huge).diagnostics().hasErrors());
    }

    @Test
    void aLongLineIsShownAroundTheCaret() {
        String line = "x".repeat(500) + "?" + "y".repeat(500);
        Diagnostics d = new Diagnostics("long.ae", line);
        d.error(new ae4j.dsl.ast.Span(1, 501, 1, 502, 500, 501), "here");
        String[] shown = d.render().split("\n");
        assertTrue(shown[1].length() <= 4 + Diagnostics.SHOWN_LINE + 6, shown[1]);
        assertTrue(shown[1].startsWith("    ...") && shown[1].endsWith("..."), shown[1]);
        assertEquals('?', shown[1].charAt(shown[2].indexOf('^')), "the caret stays under its character");
    }
}
