package ae4j.dsl.ast;

import java.util.List;

/** Expressions: numbers, strings, names, calls and arithmetic. Parentheses are not kept (the formatter re-derives them). */
public sealed interface Expr extends Node {

    /** A number as written ({@code 1e-3}); {@code value} is its double value. */
    record Num(double value, String text, Span span) implements Expr {}

    /** A string literal; {@code value} is unescaped. */
    record Str(String value, Span span) implements Expr {}

    /** A name: a data set, a model, x, x~, h, a parameter. */
    record Ref(Name name, Span span) implements Expr {}

    /** {@code mse(x, g(f(x~)))}, {@code adam(lr: 1e-3)}. */
    record Call(Name fn, List<Arg> args, Span span) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code -e}. */
    record Neg(Expr operand, Span span) implements Expr {}

    /** {@code a + b}, {@code a - b}, {@code a * b}, {@code a / b}; op is one of + - * /. */
    record Binary(char op, Expr left, Expr right, Span span) implements Expr {}
}
