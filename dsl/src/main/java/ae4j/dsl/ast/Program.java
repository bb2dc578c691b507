package ae4j.dsl.ast;

import java.util.List;

/** A whole .ae file (or notebook cell): its statements in order. */
public record Program(List<Statement> statements, Span span) implements Node {
    public Program {
        statements = List.copyOf(statements);
    }
}
