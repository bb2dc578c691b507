package ae4j.dsl.ast;

import java.util.List;

/**
 * A data transform after the source: {@code scale 1/255} (a bare numeric value), {@code standardize}
 * (no argument) or {@code shuffle(seed: 3)} (an argument list; {@code parenthesized} is then true).
 */
public record Transform(Name name, Expr value, List<Arg> args, boolean parenthesized, Span span) implements Node {
    public Transform {
        args = List.copyOf(args);
    }
}
