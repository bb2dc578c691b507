package ae4j.dsl.ast;

/** A call argument, positional ({@code name == null}) or named ({@code sigma: 0.3}). */
public record Arg(Name name, Expr value, Span span) implements Node {
    public boolean isNamed() {
        return name != null;
    }
}
