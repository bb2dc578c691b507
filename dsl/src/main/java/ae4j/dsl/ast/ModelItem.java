package ae4j.dsl.ast;

import java.util.List;

/** The declarations inside a {@code model { ... }} block. */
public sealed interface ModelItem extends Node {

    /** {@code input x[784]} or {@code input x[28, 28]}. */
    record Input(Name name, List<Expr> dims, Span span) implements ModelItem {
        public Input {
            dims = List.copyOf(dims);
        }
    }

    /** {@code encoder f { dense 256 relu; dense 64 sigmoid }}; name may be null (then it is f). */
    record Encoder(Name name, List<Layer> layers, Span span) implements ModelItem {
        public Encoder {
            layers = List.copyOf(layers);
        }
    }

    /** {@code decoder g { ... }}, or {@code decoder g tied} (tied true; layers empty unless a layer list was written, which the checker rejects): mirrors the encoder with W^T. */
    record Decoder(Name name, List<Layer> layers, boolean tied, Span span) implements ModelItem {
        public Decoder {
            layers = List.copyOf(layers);
        }
    }

    /** {@code code h} or {@code code h = f(x~)}: names the code; value may be null. */
    record Code(Name name, Expr value, Span span) implements ModelItem {}

    /** {@code output bernoulli} or {@code output gaussian(sigma: 0.1)}: the decoder's distribution p(x | h). */
    record Output(Name distribution, List<Arg> args, boolean parenthesized, Span span) implements ModelItem {
        public Output {
            args = List.copyOf(args);
        }
    }

    /** {@code corrupt x~ = gaussian(x, sigma: 0.3)}: the corruption process C(x~ | x). */
    record Corrupt(Name target, Expr process, Span span) implements ModelItem {}

    /** {@code noise before h = gaussian(sigma: ramp(0, 16))}: noise added to the code's pre-activation. */
    record Noise(Name code, Expr process, Span span) implements ModelItem {}

    /** {@code free code h { steps: 10, lr: 0.1 }}: h is optimised per example (predictive sparse decomposition). */
    record FreeCode(Name code, List<Arg> args, Span span) implements ModelItem {
        public FreeCode {
            args = List.copyOf(args);
        }
    }

    /** {@code minimize <objective>}. */
    record Minimize(Expr objective, Span span) implements ModelItem {}
}
