package ae4j.dsl.syntax;

import ae4j.dsl.ast.Program;
import ae4j.dsl.ast.Span;
import ae4j.grammar.AeLexer;
import ae4j.grammar.AeParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Text to AST. Syntax errors become diagnostics in words a user understands ("expected a number after
 * 'dense', found 'relu'"), several per run thanks to ANTLR's error recovery. When there are syntax
 * errors no AST is built (the tree has holes); the caller reports the diagnostics.
 */
public final class SourceParser {

    /** The outcome: a program (null when there were syntax errors) and the diagnostics. */
    public record Parsed(Program program, Diagnostics diagnostics) {
        public boolean ok() {
            return program != null && !diagnostics.hasErrors();
        }
    }

    private static final Set<Integer> STATEMENT_STARTS = Set.of(
            AeLexer.DATA,
            AeLexer.MODEL,
            AeLexer.TRAIN,
            AeLexer.EVALUATE,
            AeLexer.ANALYZE,
            AeLexer.SAVE,
            AeLexer.LOAD,
            AeLexer.EXPORT);
    private static final Set<Integer> MODEL_ITEM_STARTS = Set.of(
            AeLexer.INPUT,
            AeLexer.ENCODER,
            AeLexer.DECODER,
            AeLexer.CODE,
            AeLexer.OUTPUT,
            AeLexer.CORRUPT,
            AeLexer.NOISE,
            AeLexer.FREE,
            AeLexer.MINIMIZE);

    private SourceParser() {}

    public static Parsed parse(String file, String source) {
        Diagnostics diagnostics = new Diagnostics(file, source);
        if (!SizeLimits.checkLength(source, diagnostics)) return new Parsed(null, diagnostics);
        AeLexer lexer = new ReportingLexer(CharStreams.fromString(source, file), diagnostics);
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        if (!SizeLimits.checkTokens(tokens.getTokens(), diagnostics)) return new Parsed(null, diagnostics);
        AeParser parser = new AeParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new FriendlyErrors(diagnostics, source, ((ReportingLexer) lexer).repairedStrings));
        AeParser.ProgramContext tree;
        try {
            tree = parser.program();
        } catch (RuntimeException e) {
            diagnostics.error(new Span(1, 1, 1, 2, 0, 0), "the parser gave up: " + e.getMessage());
            return new Parsed(null, diagnostics);
        }
        if (diagnostics.hasErrors()) return new Parsed(null, diagnostics);
        Program program;
        try {
            program = new AstBuilder(source).program(tree);
        } catch (RuntimeException e) {
            diagnostics.error(new Span(1, 1, 1, 2, 0, 0), "internal error while building the syntax tree: " + e);
            return new Parsed(null, diagnostics);
        }
        return new Parsed(program, diagnostics);
    }

    /**
     * Reports lexical problems itself so they do not cascade into parse errors: an unterminated string is
     * reported once and then parsed as a string; a stray character is reported and skipped.
     */
    private static final class ReportingLexer extends AeLexer {
        private final Diagnostics diagnostics;

        ReportingLexer(org.antlr.v4.runtime.CharStream input, Diagnostics diagnostics) {
            super(input);
            this.diagnostics = diagnostics;
        }

        /** Token start offsets of strings that were unterminated or single-quoted (parse errors right after are cascades). */
        final Set<Integer> repairedStrings = new java.util.HashSet<>();

        @Override
        public Token nextToken() {
            if (_input.LA(1) == '\'') return singleQuoted();
            return super.nextToken();
        }

        /** 'text': reported once, then read as the string "text" so the parse goes on. */
        private Token singleQuoted() {
            int start = _input.index();
            int line = getLine();
            int col = getCharPositionInLine();
            StringBuilder text = new StringBuilder("\"");
            getInterpreter().consume(_input);
            boolean closed = false;
            while (_input.LA(1) != org.antlr.v4.runtime.IntStream.EOF && _input.LA(1) != '\n' && _input.LA(1) != '\r') {
                int c = _input.LA(1);
                getInterpreter().consume(_input);
                if (c == '\'') {
                    closed = true;
                    break;
                }
                if (c != '"') text.appendCodePoint(c);
            }
            text.append('"');
            int stop = _input.index() - 1;
            Token t = _factory.create(
                    _tokenFactorySourcePair, STRING, text.toString(), Token.DEFAULT_CHANNEL, start, stop, line, col);
            Span span = spanOf(t);
            Span shown =
                    new Span(span.line(), span.col(), span.line(), span.col() + (stop - start + 1), start, stop + 1);
            diagnostics.add(Diagnostic.error(
                            diagnostics.file(), shown, closed ? "strings use double quotes" : "unterminated string")
                    .withHint("write " + text));
            repairedStrings.add(start);
            return t;
        }

        @Override
        public Token emit() {
            Token t = super.emit();
            if (t.getType() == UNTERMINATED_STRING && t instanceof org.antlr.v4.runtime.CommonToken ct) {
                diagnostics.add(Diagnostic.error(diagnostics.file(), spanOf(t), "unterminated string")
                        .withHint("close the string with \" on the same line"));
                ct.setType(STRING);
                ct.setText(t.getText() + "\"");
                repairedStrings.add(t.getStartIndex());
            } else if (t.getType() == ERROR_CHAR && t instanceof org.antlr.v4.runtime.CommonToken ct) {
                diagnostics.add(Diagnostic.error(
                                diagnostics.file(), spanOf(t), "unexpected character " + shownChar(t.getText()))
                        .withHint(FriendlyErrors.charHint(t.getText())));
                ct.setChannel(Token.HIDDEN_CHANNEL);
            }
            return t;
        }
    }

    /** 'x' for a printable character; U+0000 and what it is for an invisible one (a NUL byte, a control character). */
    static String shownChar(String c) {
        int cp = c.isEmpty() ? 0 : c.codePointAt(0);
        if (cp == 0) return "U+0000 (a NUL byte: is this a binary file?)";
        if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT)
            return String.format("U+%04X (an invisible control character)", cp);
        return "'" + c + "'";
    }

    /** Describes a token type in words: a name, a number, 'model', end of input. */
    static String describe(int type) {
        return switch (type) {
            case Token.EOF -> "end of input";
            case AeLexer.ID -> "a name";
            case AeLexer.TILDE_ID -> "a corrupted input like x~";
            case AeLexer.NUMBER -> "a number";
            case AeLexer.STRING -> "a string";
            default -> {
                String literal = AeLexer.VOCABULARY.getLiteralName(type);
                yield literal != null ? literal : AeLexer.VOCABULARY.getDisplayName(type);
            }
        };
    }

    /** The offending token as the user wrote it: 'relu', end of input, the number 3. */
    static String found(Token t) {
        if (t.getType() == Token.EOF) return "end of input";
        String text = t.getText();
        if (t.getType() == AeLexer.NUMBER) return "the number " + text;
        if (t.getType() == AeLexer.STRING) return "the string " + text;
        return "'" + text + "'";
    }

    /** ANTLR's messages ("mismatched input 'x' expecting {...}") rewritten for people. */
    private static final class FriendlyErrors extends BaseErrorListener {
        private final Diagnostics diagnostics;
        private final String source;
        private final Set<Integer> repairedStrings;

        FriendlyErrors(Diagnostics diagnostics, String source, Set<Integer> repairedStrings) {
            this.diagnostics = diagnostics;
            this.source = source;
            this.repairedStrings = repairedStrings;
        }

        /** A parse error right after a bad character or a repaired string is usually a consequence of it: skip it. */
        private boolean cascade(Parser p, Token t) {
            var stream = p.getTokenStream();
            for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
                Token c = stream.get(i);
                if (c.getType() == AeLexer.WS || c.getType() == AeLexer.COMMENT) continue;
                if (c.getType() == AeLexer.ERROR_CHAR) return true;
                return c.getType() == AeLexer.STRING && repairedStrings.contains(c.getStartIndex());
            }
            return false;
        }

        @Override
        public void syntaxError(
                Recognizer<?, ?> recognizer,
                Object offendingSymbol,
                int line,
                int charPositionInLine,
                String msg,
                RecognitionException e) {
            Token t = offendingSymbol instanceof Token tok ? tok : null;
            Span span =
                    t == null ? new Span(line, charPositionInLine + 1, line, charPositionInLine + 2, 0, 0) : spanOf(t);
            if (t != null && t.getType() == AeLexer.ERROR_CHAR) {
                diagnostics.add(
                        Diagnostic.error(diagnostics.file(), span, "unexpected character " + shownChar(t.getText()))
                                .withHint(charHint(t.getText())));
                return;
            }
            if (t != null && t.getType() == AeLexer.UNTERMINATED_STRING) {
                diagnostics.add(Diagnostic.error(diagnostics.file(), span, "unterminated string")
                        .withHint("close the string with \" on the same line"));
                return;
            }
            if (t != null && recognizer instanceof Parser p0 && t.getTokenIndex() >= 0 && cascade(p0, t)) return;
            if (t != null && recognizer instanceof Parser p1 && misspelledStatement(p1, t)) return;
            String expected = recognizer instanceof Parser p ? expectedWords(p) : null;
            StringBuilder m = new StringBuilder();
            if (expected != null && !expected.isEmpty()) {
                m.append("expected ").append(expected);
            } else {
                m.append("unexpected input");
            }
            if (t != null) {
                Token prev = previous((Parser) recognizer, t);
                if (prev != null) m.append(" after '").append(prev.getText()).append("'");
                m.append(", found ").append(found(t));
            }
            if (t != null && t.getType() == Token.EOF) span = endOfInput();
            diagnostics.add(Diagnostic.error(diagnostics.file(), span, m.toString()));
        }

        /**
         * ANTLR reports a misspelled statement keyword ("modle ae {") at a later token; find the word that
         * starts the line and say what it should be.
         */
        private boolean misspelledStatement(Parser p, Token t) {
            Set<Integer> expected;
            try {
                expected = new LinkedHashSet<>(p.getExpectedTokens().toList());
            } catch (RuntimeException ex) {
                return false;
            }
            if (!expected.containsAll(STATEMENT_STARTS)) return false;
            var stream = p.getTokenStream();
            Token first = null;
            for (int i = t.getTokenIndex(); i >= 0; i--) {
                Token c = stream.get(i);
                if (c.getType() == Token.EOF || c.getChannel() != Token.DEFAULT_CHANNEL) continue;
                if (c.getLine() != t.getLine() && c != t) break;
                first = c;
            }
            if (first == null || first.getType() != AeLexer.ID) return false;
            List<String> keywords = List.of("data", "model", "train", "evaluate", "analyze", "save", "load", "export");
            String word = first.getText();
            String best = null;
            int bestDistance = 3;
            for (String k : keywords) {
                int d = distance(word.toLowerCase(), k);
                if (d < bestDistance) {
                    best = k;
                    bestDistance = d;
                }
            }
            String m = "expected a statement (data, model, train, evaluate, analyze, save, load or export), found '"
                    + word + "'";
            if (best != null) m = "unknown statement '" + word + "'; did you mean '" + best + "'?";
            diagnostics.add(Diagnostic.error(diagnostics.file(), spanOf(first), m));
            return true;
        }

        private static int distance(String a, String b) {
            int[][] d = new int[a.length() + 1][b.length() + 1];
            for (int i = 0; i <= a.length(); i++) d[i][0] = i;
            for (int j = 0; j <= b.length(); j++) d[0][j] = j;
            for (int i = 1; i <= a.length(); i++) {
                for (int j = 1; j <= b.length(); j++) {
                    d[i][j] = Math.min(
                            Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                            d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                    if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                    }
                }
            }
            return d[a.length()][b.length()];
        }

        private Span endOfInput() {
            int line = 1;
            int col = 1;
            for (int i = 0; i < source.length(); i++) {
                if (source.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new Span(line, col, line, col + 1, source.length(), source.length());
        }

        private static Token previous(Parser p, Token t) {
            var stream = p.getTokenStream();
            for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
                Token c = stream.get(i);
                if (c.getChannel() == Token.DEFAULT_CHANNEL) return c;
            }
            return null;
        }

        private static String expectedWords(Parser p) {
            IntervalSet set;
            try {
                set = p.getExpectedTokens();
            } catch (RuntimeException ex) {
                return null;
            }
            Set<Integer> types = new LinkedHashSet<>(set.toList());
            List<String> words = new ArrayList<>();
            if (types.containsAll(STATEMENT_STARTS)) {
                types.removeAll(STATEMENT_STARTS);
                words.add("a statement (data, model, train, evaluate, analyze, save, load or export)");
            }
            if (types.containsAll(MODEL_ITEM_STARTS)) {
                types.removeAll(MODEL_ITEM_STARTS);
                words.add(
                        "a model item (input, encoder, decoder, code, output, corrupt, noise, free code or minimize)");
            }
            if (types.contains(AeLexer.NUMBER)
                    && types.contains(AeLexer.ID)
                    && types.contains(AeLexer.LPAREN)
                    && types.contains(AeLexer.MINUS)) {
                types.removeAll(Set.of(
                        AeLexer.NUMBER, AeLexer.ID, AeLexer.LPAREN, AeLexer.MINUS, AeLexer.STRING, AeLexer.TILDE_ID));
                words.add("an expression");
            }
            for (int type : types) {
                if (type == AeLexer.ERROR_CHAR || type == AeLexer.UNTERMINATED_STRING) continue;
                words.add(describe(type));
            }
            if (words.isEmpty()) return null;
            if (words.size() == 1) return words.get(0);
            if (words.size() > 8) return String.join(", ", words.subList(0, 8)) + " or something else";
            return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
        }

        static String charHint(String c) {
            return switch (c) {
                case "'" -> "strings use double quotes: \"...\"";
                case "~" -> "a corrupted input is written x~ with no space";
                case "^" -> "there is no power operator; write x * x";
                case "`" -> "remove the backquote";
                default -> "remove it, or use '#' to start a comment";
            };
        }
    }

    static Span spanOf(Token t) {
        int len = Math.max(1, t.getType() == Token.EOF ? 1 : t.getText().length());
        return new Span(
                t.getLine(),
                t.getCharPositionInLine() + 1,
                t.getLine(),
                t.getCharPositionInLine() + 1 + len,
                Math.max(0, t.getStartIndex()),
                Math.max(0, t.getStopIndex() + 1));
    }
}
