package ae4j.dsl.ast;

import java.util.List;

/** {@code dense 256 relu}: a layer kind, its size, an optional activation and optional arguments. */
public record Layer(Name kind, Expr size, Name activation, List<Arg> args, Span span) implements Node {
    public Layer {
        args = List.copyOf(args);
    }
}
