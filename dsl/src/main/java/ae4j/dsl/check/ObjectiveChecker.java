package ae4j.dsl.check;

import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Name;
import ae4j.dsl.check.Builtins.Builtin;
import ae4j.dsl.check.Builtins.Kind;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.check.CheckedModel.Term;
import ae4j.dsl.syntax.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objective of a model: a weighted sum of loss calls (14.1, 14.2, 14.9, ...), each loss's arguments model
 * expressions ({@code x}, {@code x~}, {@code h}, {@code f(...)}, {@code g(...)}) resolved against the model and
 * checked for size.
 */
final class ObjectiveChecker extends CheckerPart {

    private final Arguments arguments;

    ObjectiveChecker(Diagnostics diags, Arguments arguments) {
        super(diags);
        this.arguments = arguments;
    }

    /** Adds the terms of {@code e}, weighted by w, to {@code out}; reports what is not a weighted sum of losses. */
    void weighted(Expr e, double w, List<Term> out, ModelScope s) {
        switch (e) {
            case Expr.Binary b
            when b.op() == '+' || b.op() == '-' -> {
                weighted(b.left(), w, out, s);
                weighted(b.right(), b.op() == '-' ? -w : w, out, s);
            }
            case Expr.Neg n -> weighted(n.operand(), -w, out, s);
            case Expr.Binary b
            when b.op() == '*' -> {
                Double l = Arguments.constant(b.left());
                Double r = Arguments.constant(b.right());
                if (l != null && r != null) {
                    notATerm(b, s);
                } else if (l != null) {
                    weighted(b.right(), w * l, out, s);
                } else if (r != null) {
                    weighted(b.left(), w * r, out, s);
                } else {
                    errorHint(
                            b.span(),
                            "the objective cannot multiply two terms",
                            "weight a term by a number, like 0.01 * l1(" + s.codeName + ")");
                    // still check both sides for their own errors
                    weighted(b.left(), w, new ArrayList<>(), s);
                    weighted(b.right(), w, new ArrayList<>(), s);
                }
            }
            case Expr.Binary b -> {
                Double r = Arguments.constant(b.right());
                if (r == null) {
                    error(b.span(), "a term of the objective can only be divided by a number");
                } else if (r == 0) {
                    error(b.right().span(), "division by zero");
                } else {
                    weighted(b.left(), w / r, out, s);
                }
            }
            case Expr.Call c -> {
                Optional<Builtin> b = Builtins.lookup(Kind.LOSS, c.fn().text());
                if (b.isEmpty()) {
                    String fn = c.fn().text();
                    if (fn.equals(s.encoderName) || (s.hasDecoder && fn.equals(s.decoderName))) notATerm(c, s);
                    else unknownBuiltin(Kind.LOSS, c.fn());
                    return;
                }
                Term t = term(b.get(), c, w, s);
                if (t != null) out.add(t);
            }
            default -> notATerm(e, s);
        }
    }

    private void notATerm(Expr e, ModelScope s) {
        errorHint(
                e.span(),
                "a term of the objective must be a loss call such as mse(" + ModelScope.nameOr(s.inputName) + ", "
                        + s.decoderName + "(" + s.encoderName + "(" + ModelScope.nameOr(s.inputName) + "))), got "
                        + shown(e),
                "losses: " + String.join(", ", Builtins.names(Kind.LOSS)));
    }

    private Term term(Builtin loss, Expr.Call c, double w, ModelScope s) {
        Map<String, Object> args = arguments.bind(loss, c.fn(), c.args(), arg -> mexpr(arg, s), Integer.MAX_VALUE);
        if (args == null) return null;
        if (!(Math.abs(w) <= Float.MAX_VALUE)) { // the generated code multiplies in float: infinity there
            errorHint(
                    c.span(),
                    "the weight of this term is " + w + ", beyond the float range (about 3.4e38)",
                    "write a finite weight, such as 0.01 * " + loss.name() + "(...)");
            return null;
        }
        // Checks that need the resolved arguments.
        switch (loss.name()) {
            case "mse", "bernoulli_nll", "gaussian_nll", "categorical_nll" -> {
                List<String> keys = List.copyOf(args.keySet());
                MExpr a = (MExpr) args.get(keys.get(0));
                MExpr b = (MExpr) args.get(keys.get(1));
                int sa = size(a, s);
                int sb = size(b, s);
                if (sa > 0 && sb > 0 && sa != sb) {
                    error(
                            c.span(),
                            loss.name() + " compares vectors of different sizes: " + a + " has size " + sa + ", " + b
                                    + " has size " + sb);
                    return null;
                }
            }
            case "kl_sparsity" -> {
                if (s.encoderLastActivation != null && s.encoderLastActivation != Nonlinearity.SIGMOID) {
                    diags.warning(
                            c.fn().span(),
                            "kl_sparsity expects a sigmoid code, but the encoder ends in " + s.encoderLastActivation);
                }
            }
            default -> {}
        }
        return new Term(w, Loss.of(loss.name()), args, origin(c.span()));
    }

    private int size(MExpr e, ModelScope s) {
        return switch (e) {
            case MExpr.Input i -> s.inputSize;
            case MExpr.Corrupted c -> s.inputSize;
            case MExpr.Code c -> s.codeSize;
            case MExpr.Encode en -> s.codeSize;
            case MExpr.Decode d -> s.inputSize;
            case MExpr.Function f -> -1;
        };
    }

    /** A model expression: x, x~, h, f(...), g(...). Reports and returns null when it is not one. */
    MExpr mexpr(Expr e, ModelScope s) {
        switch (e) {
            case Expr.Ref r -> {
                Name n = r.name();
                if (n.isTilde()) {
                    if (s.inputName == null || !n.base().equals(s.inputName)) {
                        unknown("name", n, modelNames(s), null);
                        return null;
                    }
                    if (!s.hasCorrupt) {
                        errorHint(
                                n.span(),
                                "'" + n.text() + "' is used but model '" + s.modelName + "' has no corrupt declaration",
                                "add one, e.g. corrupt " + n.text() + " = gaussian(" + s.inputName + ", sigma: 0.3)");
                        return null;
                    }
                    s.corruptionUsed = true;
                    return new MExpr.Corrupted(s.inputName);
                }
                if (n.text().equals(s.inputName)) return new MExpr.Input(s.inputName);
                if (n.text().equals(s.codeName)) return new MExpr.Code(s.codeName);
                if (n.text().equals(s.encoderName)) return new MExpr.Function(s.encoderName);
                if (s.hasDecoder && n.text().equals(s.decoderName)) {
                    error(
                            n.span(),
                            "'" + n.text() + "' is the decoder; apply it, like " + n.text() + "(" + s.codeName + ")");
                    return null;
                }
                unknown("name", n, modelNames(s), null);
                return null;
            }
            case Expr.Call c -> {
                String fn = c.fn().text();
                boolean isEncoder = fn.equals(s.encoderName);
                boolean isDecoder = s.hasDecoder && fn.equals(s.decoderName);
                if (!isEncoder && !isDecoder) {
                    if (Builtins.lookup(Kind.LOSS, fn).isPresent()) {
                        error(c.span(), "a loss cannot be an argument; losses are terms of the objective");
                        return null;
                    }
                    List<String> fns = new ArrayList<>(List.of(s.encoderName));
                    if (s.hasDecoder) fns.add(s.decoderName);
                    unknown("function", c.fn(), fns, null);
                    return null;
                }
                if (c.args().size() != 1 || c.args().get(0).isNamed()) {
                    error(
                            c.span(),
                            fn + " takes one argument, like " + fn + "(" + (isEncoder ? s.inputName : s.codeName)
                                    + ")");
                    return null;
                }
                MExpr arg = mexpr(c.args().get(0).value(), s);
                if (arg == null) return null;
                if (arg instanceof MExpr.Function) {
                    error(
                            c.args().get(0).value().span(),
                            "'" + arg + "' is a function; apply it, like " + arg + "(" + s.inputName + ")");
                    return null;
                }
                int want = isEncoder ? s.inputSize : s.codeSize;
                int got = size(arg, s);
                if (want > 0 && got > 0 && want != got) {
                    error(
                            c.args().get(0).value().span(),
                            fn + " takes an input of size " + want + ", got " + arg + " of size " + got);
                    return null;
                }
                if (isEncoder) {
                    // f(x~) as the code makes the code depend on the corruption.
                    return new MExpr.Encode(fn, arg);
                }
                return new MExpr.Decode(fn, arg);
            }
            default -> {
                error(
                        e.span(),
                        "expected a model expression such as " + ModelScope.nameOr(s.inputName) + ", " + s.codeName
                                + " or " + s.decoderName + "(" + s.encoderName + "(" + ModelScope.nameOr(s.inputName)
                                + ")), got " + shown(e));
                return null;
            }
        }
    }

    private static List<String> modelNames(ModelScope s) {
        List<String> names = new ArrayList<>();
        if (s.inputName != null) names.add(s.inputName);
        if (s.inputName != null && s.hasCorrupt) names.add(s.inputName + "~");
        names.add(s.codeName);
        names.add(s.encoderName);
        if (s.hasDecoder) names.add(s.decoderName);
        return names;
    }
}
