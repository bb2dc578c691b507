package ae4j.dsl.ast;

/** Every AST node is an immutable record that remembers its source span. */
public sealed interface Node
        permits Program, Statement, ModelItem, Expr, Name, Arg, Layer, Transform, DataSource, Analysis {
    Span span();
}
