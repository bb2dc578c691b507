package ae4j.dsl.ast;

import java.util.List;

/** One entry of an evaluate/analyze block: {@code reconstruction} or {@code score_field(grid: 20)}. */
public record Analysis(Name name, List<Arg> args, boolean parenthesized, Span span) implements Node {
    public Analysis {
        args = List.copyOf(args);
    }
}
