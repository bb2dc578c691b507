package ae4j.dsl.syntax;

import ae4j.dsl.ast.Analysis;
import ae4j.dsl.ast.Arg;
import ae4j.dsl.ast.DataSource;
import ae4j.dsl.ast.Expr;
import ae4j.dsl.ast.Layer;
import ae4j.dsl.ast.ModelItem;
import ae4j.dsl.ast.Name;
import ae4j.dsl.ast.Program;
import ae4j.dsl.ast.Span;
import ae4j.dsl.ast.Statement;
import ae4j.dsl.ast.Transform;
import ae4j.grammar.AeParser;
import ae4j.grammar.AeParser.ArgListContext;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Builds the immutable AST from an error-free parse tree (one visitor; every node keeps its span). */
final class AstBuilder {

    private final String source;

    AstBuilder(String source) {
        this.source = source;
    }

    Program program(AeParser.ProgramContext ctx) {
        List<Statement> out = new ArrayList<>();
        for (AeParser.StatementContext s : ctx.statement()) out.add(statement(s));
        return new Program(out, span(ctx));
    }

    private Statement statement(AeParser.StatementContext ctx) {
        if (ctx.dataDecl() != null) return data(ctx.dataDecl());
        if (ctx.modelDecl() != null) return model(ctx.modelDecl());
        if (ctx.trainStmt() != null) {
            var t = ctx.trainStmt();
            return new Statement.Train(name(t.modelName), name(t.dataName), args(t.argList()), span(t));
        }
        if (ctx.analyzeStmt() != null) {
            var a = ctx.analyzeStmt();
            List<Analysis> list = new ArrayList<>();
            for (AeParser.AnalysisContext an : a.analysis()) {
                list.add(new Analysis(name(an.name), args(an.argList()), an.LPAREN() != null, span(an)));
            }
            return new Statement.Analyze(a.verb.getText(), name(a.modelName), name(a.dataName), list, span(a));
        }
        if (ctx.saveStmt() != null) {
            var s = ctx.saveStmt();
            return new Statement.Save(name(s.modelName), string(s.path), span(s));
        }
        if (ctx.loadStmt() != null) {
            var s = ctx.loadStmt();
            return new Statement.Load(name(s.modelName), string(s.path), span(s));
        }
        var e = ctx.exportStmt();
        return new Statement.Export(
                name(e.modelName),
                e.part == null ? null : name(e.part),
                string(e.path),
                e.format == null ? null : name(e.format),
                span(e));
    }

    private Statement data(AeParser.DataDeclContext ctx) {
        if (ctx instanceof AeParser.SingleDataContext s) {
            List<Transform> transforms = new ArrayList<>();
            for (AeParser.TransformContext t : s.transform()) {
                Expr value = t.value == null ? null : numberExpr(t.value);
                transforms.add(new Transform(name(t.name), value, args(t.argList()), t.LPAREN() != null, span(t)));
            }
            return new Statement.DataDecl(List.of(name(s.name)), source(s.source), transforms, span(s));
        }
        AeParser.TupleDataContext t = (AeParser.TupleDataContext) ctx;
        List<Name> names = new ArrayList<>();
        for (AeParser.IdentContext n : t.names) names.add(name(n));
        return new Statement.DataDecl(names, source(t.source), List.of(), span(t));
    }

    private DataSource source(AeParser.DataSourceContext ctx) {
        if (ctx instanceof AeParser.SourceCallContext c) return new DataSource.FromCall(call(c.call()), span(c));
        AeParser.SourceRefContext r = (AeParser.SourceRefContext) ctx;
        return new DataSource.FromData(name(r.ident()), span(r));
    }

    /** {@code 1/255}, {@code -3}, {@code 2*0.5}: left-associative like ordinary arithmetic. */
    private Expr numberExpr(AeParser.NumberExprContext ctx) {
        Expr acc = null;
        int n = ctx.getChildCount();
        char pendingOp = 0;
        boolean negate = false;
        Token negToken = null;
        for (int i = 0; i < n; i++) {
            Token tok = ((org.antlr.v4.runtime.tree.TerminalNode) ctx.getChild(i)).getSymbol();
            switch (tok.getType()) {
                case AeParser.MINUS -> {
                    negate = true;
                    negToken = tok;
                }
                case AeParser.STAR, AeParser.SLASH -> pendingOp = tok.getText().charAt(0);
                default -> {
                    Expr num = number(tok);
                    if (negate)
                        num = new Expr.Neg(num, SourceParser.spanOf(negToken).to(num.span()));
                    negate = false;
                    acc = acc == null
                            ? num
                            : new Expr.Binary(pendingOp, acc, num, acc.span().to(num.span()));
                }
            }
        }
        return acc;
    }

    private Statement model(AeParser.ModelDeclContext ctx) {
        List<ModelItem> items = new ArrayList<>();
        for (AeParser.ModelItemContext item : ctx.modelItem()) items.add(modelItem(item));
        return new Statement.ModelDecl(name(ctx.name), items, span(ctx));
    }

    private ModelItem modelItem(AeParser.ModelItemContext ctx) {
        return switch (ctx) {
            case AeParser.InputItemContext c -> {
                List<Expr> dims = new ArrayList<>();
                for (AeParser.ExprContext d : c.dims) dims.add(expr(d));
                yield new ModelItem.Input(name(c.name), dims, span(c));
            }
            case AeParser.EncoderItemContext c -> new ModelItem.Encoder(optName(c.name), layers(c.layer()), span(c));
            case AeParser.DecoderItemContext c ->
                new ModelItem.Decoder(optName(c.name), layers(c.layer()), false, span(c));
            case AeParser.TiedDecoderItemContext c ->
                new ModelItem.Decoder(optName(c.name), layers(c.layer()), true, span(c));
            case AeParser.CodeItemContext c ->
                new ModelItem.Code(name(c.name), c.value == null ? null : expr(c.value), span(c));
            case AeParser.OutputItemContext c -> {
                Expr.Call call = call(c.dist);
                yield new ModelItem.Output(call.fn(), call.args(), true, span(c));
            }
            case AeParser.OutputNameItemContext c -> new ModelItem.Output(name(c.distName), List.of(), false, span(c));
            case AeParser.CorruptItemContext c -> new ModelItem.Corrupt(name(c.target), expr(c.process), span(c));
            case AeParser.NoiseItemContext c -> new ModelItem.Noise(name(c.code), expr(c.process), span(c));
            case AeParser.FreeCodeItemContext c -> new ModelItem.FreeCode(name(c.code), args(c.argList()), span(c));
            case AeParser.MinimizeItemContext c -> new ModelItem.Minimize(expr(c.objective), span(c));
            default ->
                throw new IllegalStateException(
                        "unhandled model item " + ctx.getClass().getSimpleName());
        };
    }

    private List<Layer> layers(List<AeParser.LayerContext> ctxs) {
        List<Layer> out = new ArrayList<>();
        for (AeParser.LayerContext l : ctxs) {
            out.add(new Layer(name(l.kind), expr(l.size), optName(l.activation), args(l.argList()), span(l)));
        }
        return out;
    }

    private List<Arg> args(ArgListContext ctx) {
        if (ctx == null) return List.of();
        List<Arg> out = new ArrayList<>();
        for (AeParser.ArgContext a : ctx.arg()) out.add(new Arg(optName(a.name), expr(a.value), span(a)));
        return out;
    }

    private Expr.Call call(AeParser.CallContext ctx) {
        return new Expr.Call(name(ctx.fn), args(ctx.argList()), span(ctx));
    }

    private Expr expr(AeParser.ExprContext ctx) {
        return switch (ctx) {
            case AeParser.NegateContext c -> new Expr.Neg(expr(c.expr()), span(c));
            case AeParser.MulDivContext c ->
                new Expr.Binary(c.op.getText().charAt(0), expr(c.left), expr(c.right), span(c));
            case AeParser.AddSubContext c ->
                new Expr.Binary(c.op.getText().charAt(0), expr(c.left), expr(c.right), span(c));
            case AeParser.AtomExprContext c -> atom(c.atom());
            default ->
                throw new IllegalStateException(
                        "unhandled expression " + ctx.getClass().getSimpleName());
        };
    }

    private Expr atom(AeParser.AtomContext ctx) {
        return switch (ctx) {
            case AeParser.NumberContext c -> number(c.NUMBER().getSymbol());
            case AeParser.StringContext c -> string(c.STRING().getSymbol());
            case AeParser.CallAtomContext c -> call(c.call());
            case AeParser.TildeRefContext c -> new Expr.Ref(name(c.TILDE_ID().getSymbol()), span(c));
            case AeParser.RefContext c -> new Expr.Ref(name(c.ident()), span(c));
            case AeParser.ParenContext c -> expr(c.expr());
            default ->
                throw new IllegalStateException(
                        "unhandled atom " + ctx.getClass().getSimpleName());
        };
    }

    private Expr.Num number(Token t) {
        return new Expr.Num(Double.parseDouble(t.getText()), t.getText(), SourceParser.spanOf(t));
    }

    private Expr.Str string(Token t) {
        String raw = t.getText();
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < raw.length() - 1; i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() - 1) {
                char n = raw.charAt(++i);
                b.append(
                        switch (n) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> n;
                        });
            } else {
                b.append(c);
            }
        }
        return new Expr.Str(b.toString(), SourceParser.spanOf(t));
    }

    private static Name name(Token t) {
        return new Name(t.getText(), SourceParser.spanOf(t));
    }

    private static Name optName(Token t) {
        return t == null ? null : name(t);
    }

    private static Name name(AeParser.IdentContext c) {
        return name(c.getStart());
    }

    private static Name optName(AeParser.IdentContext c) {
        return c == null ? null : name(c);
    }

    private Span span(ParserRuleContext ctx) {
        Token a = ctx.getStart();
        Token b = ctx.getStop() == null ? a : ctx.getStop();
        Span first = SourceParser.spanOf(a);
        Span last = SourceParser.spanOf(b);
        return first.to(last);
    }
}
