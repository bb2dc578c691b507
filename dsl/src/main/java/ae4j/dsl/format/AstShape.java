package ae4j.dsl.format;

import ae4j.dsl.ast.Node;
import ae4j.dsl.ast.Span;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * The shape of an AST without its spans, as one line of text: two programs have equal shapes exactly when
 * their ASTs are equal ignoring where each node was written. Used to check that formatting changes layout
 * only ({@code shape(parse(format(p))) == shape(parse(p))}).
 */
public final class AstShape {

    private AstShape() {}

    public static String of(Node node) {
        StringBuilder b = new StringBuilder();
        append(b, node);
        return b.toString();
    }

    private static void append(StringBuilder b, Object value) {
        switch (value) {
            case null -> b.append("null");
            case Span s -> b.append("_");
            case String s ->
                b.append('"')
                        .append(s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                        .append('"');
            case List<?> list -> {
                b.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) b.append(", ");
                    append(b, list.get(i));
                }
                b.append(']');
            }
            case Record r -> {
                b.append(r.getClass().getSimpleName()).append('(');
                boolean first = true;
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    if (c.getType() == Span.class) continue;
                    if (!first) b.append(", ");
                    first = false;
                    b.append(c.getName()).append('=');
                    try {
                        append(b, c.getAccessor().invoke(r));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
                b.append(')');
            }
            default -> b.append(value);
        }
    }
}
