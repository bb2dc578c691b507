package ae4j.dsl.check;

import ae4j.dsl.ast.Arg;
import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Name;
import ae4j.dsl.check.Builtins.Builtin;
import ae4j.dsl.check.Builtins.Kind;
import ae4j.dsl.check.Builtins.Param;
import ae4j.dsl.check.Builtins.Type;
import ae4j.dsl.check.CheckedModel.Call;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.syntax.Diagnostics;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Arguments against the built-ins ({@link Builtins}): positional and named arguments bound to parameters,
 * values converted to their types (numbers in range, strings, data set names, schedules, optimizers, model
 * expressions), defaults filled in. Every problem is reported at the argument.
 */
final class Arguments extends CheckerPart {

    /** Resolves a data set name used at statement {@code order} (null after reporting an error). */
    interface DataNames {
        String resolve(Name n, int order);
    }

    private final DataNames data;
    /** The model being checked, if any (its encoder is the first argument of jacobian_frobenius). */
    ModelScope scope;

    Arguments(Diagnostics diags, DataNames data) {
        super(diags);
        this.data = data;
    }

    /** Named options (train, free code): every option with its default, unknown ones reported; null on errors. */
    Map<String, Object> options(Kind kind, List<Arg> args, int order, Name modelForHint) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Name> seen = new LinkedHashMap<>();
        boolean ok = true;
        for (Arg a : args) {
            if (!a.isNamed()) {
                Optional<String> first = Builtins.names(kind).stream().findFirst();
                error(
                        a.span(),
                        kind.words() + "s are named, like " + first.orElse("epochs") + ": " + shownPlain(a.value()));
                ok = false;
                continue;
            }
            Optional<Builtin> b = Builtins.lookup(kind, a.name().text());
            if (b.isEmpty()) {
                unknownBuiltin(kind, a.name());
                ok = false;
                continue;
            }
            if (seen.containsKey(a.name().text())) {
                error(
                        a.name().span(),
                        "duplicate " + kind.words() + " '" + a.name().text() + "'");
                ok = false;
                continue;
            }
            seen.put(a.name().text(), a.name());
            Object v = convert(b.get().params().get(0), a.name().text(), a.value(), e -> null, order);
            if (v == null) ok = false;
            else out.put(a.name().text(), v);
        }
        if (!ok) return null;
        Map<String, Object> full = new LinkedHashMap<>();
        for (Builtin b : Builtins.all(kind)) {
            Object v = out.containsKey(b.name())
                    ? out.get(b.name())
                    : Builtins.defaultValue(b.params().get(0));
            if (v != null) full.put(b.name(), v);
        }
        return full;
    }

    /**
     * Binds call arguments to a built-in's parameters: positional ones in order, named ones by name.
     * Reports unknown, duplicate, missing, misplaced and ill-typed arguments. Returns parameter name to value
     * (defaults filled in, "none" ones absent), or null after an error.
     */
    Map<String, Object> bind(Builtin b, Name fn, List<Arg> args, Function<Expr, Object> expression, int order) {
        Map<String, Object> bound = new LinkedHashMap<>();
        Set<String> given = new HashSet<>();
        boolean ok = true;
        boolean sawNamed = false;
        int position = 0;
        for (Arg a : args) {
            Param p;
            if (a.isNamed()) {
                sawNamed = true;
                Optional<Param> found = b.param(a.name().text());
                if (found.isEmpty()) {
                    if (b.params().isEmpty()) error(a.name().span(), b.name() + " takes no arguments");
                    else
                        unknown(
                                "argument",
                                a.name(),
                                b.params().stream().map(Param::name).toList(),
                                " of " + b.name());
                    ok = false;
                    continue;
                }
                p = found.get();
            } else {
                if (sawNamed) {
                    error(a.span(), "a positional argument cannot follow a named one");
                    ok = false;
                    continue;
                }
                if (position >= b.params().size()) {
                    error(
                            a.span(),
                            b.params().isEmpty()
                                    ? b.name() + " takes no arguments"
                                    : b.name() + " takes at most " + b.params().size() + " argument"
                                            + (b.params().size() == 1 ? "" : "s") + ", got " + args.size());
                    ok = false;
                    break;
                }
                p = b.params().get(position++);
            }
            if (!given.add(p.name())) {
                error(a.isNamed() ? a.name().span() : a.span(), "duplicate argument '" + p.name() + "' of " + b.name());
                ok = false;
                continue;
            }
            Object v = convert(p, p.name(), a.value(), expression, order);
            if (v == null) ok = false;
            else bound.put(p.name(), v);
        }
        for (Param p : b.params()) {
            if (ok && p.required() && !given.contains(p.name())) {
                errorHint(fn.span(), "missing required argument '" + p.name() + "' of " + b.name(), b.signature());
                ok = false;
            }
        }
        if (!ok) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param p : b.params()) {
            Object v = bound.containsKey(p.name()) ? bound.get(p.name()) : Builtins.defaultValue(p);
            if (v != null) out.put(p.name(), v);
        }
        return out;
    }

    /** One value against its parameter's type; reports and returns null when it does not fit. */
    private Object convert(Param p, String name, Expr e, Function<Expr, Object> expression, int order) {
        switch (p.type()) {
            case INT, COUNT, NUMBER, NON_NEGATIVE, POSITIVE, PROBABILITY -> {
                return number(p.type(), name, e);
            }
            case STRING -> {
                if (e instanceof Expr.Str s) return s.value();
                error(e.span(), name + " must be a string, got " + shown(e));
                return null;
            }
            case BOOL -> {
                if (e instanceof Expr.Ref r
                        && (r.name().text().equals("true") || r.name().text().equals("false"))) {
                    return Boolean.valueOf(r.name().text());
                }
                error(e.span(), name + " must be true or false, got " + shown(e));
                return null;
            }
            case DATA -> {
                if (e instanceof Expr.Ref r) return data.resolve(r.name(), order);
                error(e.span(), name + " must be a data set name, got " + shown(e));
                return null;
            }
            case FRACTION_OR_DATA -> {
                if (e instanceof Expr.Ref r) return data.resolve(r.name(), order);
                return number(Type.PROBABILITY, name, e);
            }
            case SCHEDULE -> {
                if (constant(e) != null) return number(Type.NON_NEGATIVE, name, e);
                return builtinCall(Kind.SCHEDULE, name, e, order);
            }
            case SCHEDULE_CALL -> {
                return builtinCall(Kind.SCHEDULE, name, e, order);
            }
            case OPTIMIZER -> {
                return builtinCall(Kind.OPTIMIZER, name, e, order);
            }
            case EXPRESSION -> {
                Object v = expression.apply(e);
                if (v instanceof MExpr.Function f) {
                    error(e.span(), "'" + f.name() + "' is a function; apply it, like " + f.name() + "(...)");
                    return null;
                }
                return v;
            }
            case ENCODER -> {
                String encoder = scope == null ? "f" : scope.encoderName;
                if (e instanceof Expr.Ref r && r.name().text().equals(encoder)) return new MExpr.Function(encoder);
                error(
                        e.span(),
                        "the first argument of jacobian_frobenius must be the encoder '" + encoder + "', got "
                                + shown(e));
                return null;
            }
            case CHOICE -> {
                if (e instanceof Expr.Ref r && p.choices().contains(r.name().text()))
                    return r.name().text();
                String msg = name + " must be " + String.join(" or ", p.choices()) + ", got " + shown(e);
                if (e instanceof Expr.Ref r) {
                    Optional<String> s = Names.suggest(r.name().text(), p.choices());
                    if (s.isPresent()) msg += "; did you mean '" + s.get() + "'?";
                }
                error(e.span(), msg);
                return null;
            }
        }
        return null;
    }

    private Object builtinCall(Kind kind, String name, Expr e, int order) {
        Name fn;
        List<Arg> args;
        if (e instanceof Expr.Call c) {
            fn = c.fn();
            args = c.args();
        } else if (e instanceof Expr.Ref r) {
            fn = r.name();
            args = List.of();
        } else {
            error(
                    e.span(),
                    name + " must be "
                            + (kind == Kind.OPTIMIZER
                                    ? "an optimizer such as adam(lr: 1e-3)"
                                    : "a number or a schedule such as cosine()")
                            + ", got " + shown(e));
            return null;
        }
        Optional<Builtin> b = Builtins.lookup(kind, fn.text());
        if (b.isEmpty()) {
            unknownBuiltin(kind, fn);
            return null;
        }
        Map<String, Object> bound = bind(b.get(), fn, args, x -> null, order);
        return bound == null ? null : new Call(b.get().name(), bound);
    }

    private Object number(Type t, String name, Expr e) {
        Double v = constant(e);
        boolean integral = t == Type.INT || t == Type.COUNT;
        if (v == null) {
            error(e.span(), name + " must be " + (integral ? "an integer" : "a number") + ", got " + shown(e));
            return null;
        }
        if (v.isNaN() || v.isInfinite()) {
            error(e.span(), name + " must be a finite number, got " + shown(e));
            return null;
        }
        if (!integral && Math.abs(v) > Float.MAX_VALUE) {
            // Models compute in float: a larger number would become infinity there.
            error(e.span(), name + " must lie within the float range (about -3.4e38 to 3.4e38), got " + shown(e));
            return null;
        }
        String range = switch (t) {
            case INT -> v > 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE ? null : "a positive integer";
            case COUNT -> v >= 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE ? null : "an integer >= 0";
            case NON_NEGATIVE -> v >= 0 ? null : ">= 0";
            case POSITIVE -> v > 0 ? null : "> 0";
            case PROBABILITY -> v >= 0 && v < 1 ? null : "in [0, 1)";
            default -> null;
        };
        if (range != null) {
            error(e.span(), name + " must be " + range + ", got " + shown(e));
            return null;
        }
        return integral ? (Object) v.intValue() : (Object) v;
    }

    Integer positiveInt(Expr e, String what) {
        Object v = number(Type.INT, what, e);
        return v instanceof Integer i ? i : null;
    }

    /** The value of a constant arithmetic expression (1/255, -0.3, 2 * 64), or null when it is not one. */
    static Double constant(Expr e) {
        return switch (e) {
            case Expr.Num n -> n.value();
            case Expr.Neg n -> {
                Double v = constant(n.operand());
                yield v == null ? null : -v;
            }
            case Expr.Binary b -> {
                Double l = constant(b.left());
                Double r = constant(b.right());
                if (l == null || r == null) yield null;
                yield switch (b.op()) {
                    case '+' -> l + r;
                    case '-' -> l - r;
                    case '*' -> l * r;
                    default -> l / r;
                };
            }
            default -> null;
        };
    }
}
