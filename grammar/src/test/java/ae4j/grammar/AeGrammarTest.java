package ae4j.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The grammar alone: what it accepts, what it rejects, and how it tokenizes the book's notation. */
class AeGrammarTest {

    private static List<String> syntaxErrors(String text) {
        List<String> errors = new ArrayList<>();
        BaseErrorListener collect = new BaseErrorListener() {
            @Override
            public void syntaxError(
                    Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
                errors.add(line + ":" + col + " " + msg);
            }
        };
        AeLexer lexer = new AeLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(collect);
        AeParser parser = new AeParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(collect);
        parser.program();
        return errors;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "# only a comment",
                "data train = idx(\"t.gz\") scale 1/255 take 1000",
                "data moons = two_moons(n: 2000, noise: 0.1) standardize shuffle(seed: 3)",
                "data (fit, val) = split(train, 0.9)",
                "data small = train take 10",
                "model m { input x[784] encoder f { dense 256 relu; dense 64 sigmoid } decoder g tied "
                        + "minimize mse(x, g(f(x))) }",
                "model dae { input x[28, 28] encoder { dense 64 sigmoid } decoder { dense 784 sigmoid } "
                        + "corrupt x~ = masking(gaussian(x, sigma: 0.1), p: 0.25) "
                        + "minimize bernoulli_nll(x, g(f(x~))) + 1e-4 * l1(h) }",
                "model cae { input x[784] encoder f { dense 512 sigmoid } decoder g tied output bernoulli "
                        + "minimize bernoulli_nll(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x) }",
                "model psd { input x[64] encoder f { dense 32 tanh } decoder g { dense 64 } free code h { steps: 10, lr: 0.1 } "
                        + "minimize mse(x, g(h)) + 0.5 * l1(h) + mse(h, f(x)) }",
                "model hash { input x[784] encoder f { dense 32 sigmoid } decoder g { dense 784 sigmoid } "
                        + "noise before h = gaussian(sigma: ramp(0, 16)) code h minimize bernoulli_nll(x, g(h)) }",
                "train m on train { epochs: 10, batch: 128, optimizer: adam(lr: 1e-3), seed: 7, }",
                "evaluate dae on test { reconstruction, score_field(grid: 20), jacobian_spectrum }",
                "analyze dae on test",
                "save dae to \"dae.safetensors\" load other from \"o.safetensors\" export dae to \"d.onnx\" as onnx",
                "model code { input input[3] encoder encoder { dense 2 } decoder decoder { dense 3 } minimize mse(input, input) }",
            })
    void accepts(String program) {
        assertEquals(List.of(), syntaxErrors(program));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "data = idx(\"a\")",
                "model m { input x[784 }",
                "model m { encoder f { dense relu 3 } }",
                "train m train",
                "evaluate m on d { a b }",
                "data d = idx(\"unterminated)",
                "model m { minimize mse(x, }",
                "save m to path",
                "data d = idx(\"a\") scale $",
            })
    void rejects(String program) {
        assertTrue(!syntaxErrors(program).isEmpty(), "should not parse: " + program);
    }

    @Test
    void tokenizesTheBooksNotation() {
        AeLexer lexer = new AeLexer(CharStreams.fromString("x~ 1e-3 .5 1/255 train trainer \"a\\\"b\""));
        List<String> seen = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (t.getChannel() == Token.DEFAULT_CHANNEL)
                seen.add(AeLexer.VOCABULARY.getSymbolicName(t.getType()) + "=" + t.getText());
        }
        assertEquals(
                List.of(
                        "TILDE_ID=x~",
                        "NUMBER=1e-3",
                        "NUMBER=.5",
                        "NUMBER=1",
                        "SLASH=/",
                        "NUMBER=255",
                        "TRAIN=train",
                        "ID=trainer",
                        "STRING=\"a\\\"b\""),
                seen);
    }
}
