package ae4j.dsl.ast;

/** Where a data declaration's examples come from: a source function, or another data set by name. */
public sealed interface DataSource extends Node {

    /** {@code idx("...")}, {@code two_moons(n: 2000)}, {@code split(train, 0.9)}. */
    record FromCall(Expr.Call call, Span span) implements DataSource {}

    /** {@code train} in {@code data small = train take 100}. */
    record FromData(Name name, Span span) implements DataSource {}
}
