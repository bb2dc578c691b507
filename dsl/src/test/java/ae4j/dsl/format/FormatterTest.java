package ae4j.dsl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ae4j.dsl.syntax.SourceParser;
import org.junit.jupiter.api.Test;

class FormatterTest {

    /** Formats, then checks idempotence and the round trip before returning the text. */
    static String fmt(String source) {
        String once = Formatter.format(source);
        assertEquals(once, Formatter.format(once), "not idempotent:\n" + once);
        assertEquals(
                AstShape.of(SourceParser.parse("a", source).program()),
                AstShape.of(SourceParser.parse("b", once).program()),
                "AST changed:\n" + once);
        return once;
    }

    @Test
    void canonicalLayout() {
        String src = "data  train=idx( \"a.gz\" )scale 1/255\ndata test = train take 10 standardize\n"
                + "model dae{input x[28,28] encoder f{dense 256 relu dense 64 sigmoid}decoder g{dense 784;dense 5}"
                + "corrupt x~=gaussian(x,sigma:0.3) minimize bernoulli_nll(x,g(f(x~)))+1e-4*l1(h)}"
                + "train dae on train{epochs:10,optimizer:adam(lr:1e-3),}evaluate dae on test{reconstruction,loss(),}";
        assertEquals("""
                data train = idx("a.gz") scale 1 / 255
                data test = train take 10 standardize

                model dae {
                  input x[28, 28]
                  encoder f { dense 256 relu; dense 64 sigmoid }
                  decoder g { dense 784; dense 5 }
                  corrupt x~ = gaussian(x, sigma: 0.3)
                  minimize bernoulli_nll(x, g(f(x~))) + 1e-4 * l1(h)
                }

                train dae on train { epochs: 10, optimizer: adam(lr: 1e-3) }

                evaluate dae on test { reconstruction, loss() }
                """, fmt(src));
    }

    @Test
    void minimalParentheses() {
        String out = fmt("model m { minimize ((a + b)) * c - (d - e) - (f * g) + -(h + i) / (j / k) + (-3) }");
        assertEquals(
                "  minimize (a + b) * c - (d - e) - f * g + -(h + i) / (j / k) + -3",
                out.lines().toList().get(1));
    }

    @Test
    void stringsAreReEscaped() {
        String out = fmt("save m to \"a\\\"b\\\\c\\td\\ne\"\n");
        assertEquals("save m to \"a\\\"b\\\\c\\td\\ne\"\n", out);
    }

    @Test
    void commentsAreKept() {
        String src = """
                # header

                data d = spiral() # trailing on data
                model m {   # after brace
                  # before input
                  input x[2]
                  encoder f { dense 3 relu # inside layers
                    # whole line inside layers
                    dense 2 }
                  minimize mse(x, # inside an expression
                     g(f(x)))
                  # before closing brace
                }  # after model
                # at the end
                """;
        assertEquals("""
                # header

                data d = spiral()  # trailing on data

                model m {  # after brace
                  # before input
                  input x[2]
                  encoder f {
                    dense 3 relu  # inside layers
                    # whole line inside layers
                    dense 2
                  }
                  # inside an expression
                  minimize mse(x, g(f(x)))
                  # before closing brace
                }  # after model
                # at the end
                """, fmt(src));
    }

    @Test
    void longBlocksGoOnePerLine() {
        String out = fmt("train m on d { epochs: 10, batch: 128, optimizer: adamw(lr: 1e-3, weight_decay: 0.01), "
                + "schedule: cosine(min: 0), seed: 7 }");
        assertEquals("""
                train m on d {
                  epochs: 10,
                  batch: 128,
                  optimizer: adamw(lr: 1e-3, weight_decay: 0.01),
                  schedule: cosine(min: 0),
                  seed: 7
                }
                """, out);
    }

    @Test
    void layerWithoutActivationKeepsItsSeparatorWhenSplit() {
        String out = fmt("model m { encoder { dense 3 # a\n dense (n)(p: 1) dense 4 relu } }");
        assertEquals("""
                model m {
                  encoder {
                    dense 3;  # a
                    dense (n)(p: 1)
                    dense 4 relu
                  }
                }
                """, out);
    }

    @Test
    void refusesSyntaxErrors() {
        assertThrows(IllegalArgumentException.class, () -> Formatter.format("model { }"));
        assertFalse(Formatter.format("f", "data = 3").ok());
    }
}
