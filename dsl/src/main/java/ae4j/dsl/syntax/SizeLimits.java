package ae4j.dsl.syntax;

import ae4j.dsl.ast.Span;
import ae4j.grammar.AeLexer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.antlr.v4.runtime.Token;

/**
 * How large a program the front end reads, checked on the tokens before parsing so that no size reaches
 * a recursive stage unbounded. The parser, the syntax-tree builder, the checker and the formatter recurse
 * once per nesting level and once per operator of an expression; {@link #onDeepStack} gives them a stack
 * for the largest program these limits allow, with room to spare.
 *
 * <ul>
 *   <li>{@link #MAX_SOURCE_CHARS}: a program of at most 1,000,000 characters;
 *   <li>{@link #MAX_NESTING}: brackets ( [ { nested at most 64 deep;
 *   <li>{@link #MAX_OPERATORS}: at most 5,000 operators (+ - * /) in one expression.
 * </ul>
 */
public final class SizeLimits {

    public static final int MAX_SOURCE_CHARS = 1_000_000;
    public static final int MAX_NESTING = 64;
    public static final int MAX_OPERATORS = 5_000;

    /** The stack the front end runs on: the limits above need about a tenth of it. */
    static final long FRONT_END_STACK_BYTES = 256L << 20;

    private SizeLimits() {}

    /** Reports a source longer than {@link #MAX_SOURCE_CHARS}; true when it is within the limit. */
    static boolean checkLength(String source, Diagnostics diagnostics) {
        if (source.length() <= MAX_SOURCE_CHARS) return true;
        diagnostics.add(Diagnostic.error(
                        diagnostics.file(),
                        new Span(1, 1, 1, 2, 0, 0),
                        String.format(
                                "the program is %,d characters long; ae4j reads programs of up to %,d",
                                source.length(), MAX_SOURCE_CHARS))
                .withHint("split it into several files, or generate the repetitive part with a script"));
        return false;
    }

    /** Reports the first place where the tokens nest or chain deeper than a limit; true when within them. */
    static boolean checkTokens(List<Token> tokens, Diagnostics diagnostics) {
        int depth = 0;
        int operators = 0;
        for (Token t : tokens) {
            if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
            switch (t.getType()) {
                case AeLexer.LPAREN, AeLexer.LBRACK, AeLexer.LBRACE -> {
                    if (t.getType() == AeLexer.LBRACE) operators = 0;
                    if (++depth > MAX_NESTING) {
                        diagnostics.add(Diagnostic.error(
                                        diagnostics.file(),
                                        SourceParser.spanOf(t),
                                        "brackets nested more than " + MAX_NESTING + " deep")
                                .withHint("write it with fewer brackets; ae4j reads up to " + MAX_NESTING + " levels"));
                        return false;
                    }
                }
                case AeLexer.RPAREN, AeLexer.RBRACK, AeLexer.RBRACE -> {
                    depth = Math.max(0, depth - 1);
                    if (t.getType() == AeLexer.RBRACE) operators = 0;
                }
                case AeLexer.PLUS, AeLexer.MINUS, AeLexer.STAR, AeLexer.SLASH -> {
                    if (++operators > MAX_OPERATORS) {
                        diagnostics.add(Diagnostic.error(
                                        diagnostics.file(),
                                        SourceParser.spanOf(t),
                                        String.format("an expression with more than %,d operators", MAX_OPERATORS))
                                .withHint("ae4j reads expressions of up to " + String.format("%,d", MAX_OPERATORS)
                                        + " operators; sum fewer terms"));
                        return false;
                    }
                }
                case AeLexer.ID, AeLexer.TILDE_ID, AeLexer.NUMBER, AeLexer.STRING, AeLexer.COMMA, AeLexer.COLON -> {}
                default -> operators = 0; // a keyword, '=' or ';' starts another expression
            }
        }
        return true;
    }

    /**
     * Runs a front-end stage on a thread with {@link #FRONT_END_STACK_BYTES} of stack (reserved, not
     * committed, until used) and returns its result; exceptions and errors pass through to the caller.
     */
    public static <T> T onDeepStack(Supplier<T> stage) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(
                null,
                () -> {
                    try {
                        result.set(stage.get());
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                "ae4j-front-end",
                FRONT_END_STACK_BYTES);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable e = failure.get();
        if (e instanceof RuntimeException re) throw re;
        if (e instanceof Error err) throw err;
        if (e != null) throw new IllegalStateException(e);
        return result.get();
    }
}
