package ae4j.kernel;

import ae4j.dsl.check.Builtins;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Completion and documentation for the words of ae4j's language inside %%ae cells. */
final class AeWords {

    /** The language's keywords, each with what it does. */
    static final Map<String, String> KEYWORDS = new LinkedHashMap<>();

    static {
        KEYWORDS.put(
                "data",
                "data NAME = SOURCE(args) [TRANSFORM ...]: declares a data set (idx, npy, csv or a synthetic source)");
        KEYWORDS.put(
                "model", "model NAME { input ...; encoder ...; decoder ...; minimize ... }: declares an autoencoder");
        KEYWORDS.put("input", "input x[784] or x[28, 28]: the model's input and its shape");
        KEYWORDS.put("encoder", "encoder f { dense 256 relu; dense 64 sigmoid }: the encoder h = f(x) (section 14.1)");
        KEYWORDS.put(
                "decoder",
                "decoder g { ... } or decoder g tied: the decoder r = g(h); tied reuses the encoder's weights transposed");
        KEYWORDS.put("code", "code h: names the code h = f(x) (section 14.1)");
        KEYWORDS.put(
                "corrupt",
                "corrupt x~ = gaussian(x, sigma: 0.3): the corruption process C(x~ | x) of a denoising autoencoder (section 14.2.2)");
        KEYWORDS.put(
                "noise",
                "noise before code: gaussian(sigma: 4): noise injected before a sigmoid code (semantic hashing, section 14.9)");
        KEYWORDS.put(
                "output",
                "output bernoulli | gaussian | categorical: the decoder distribution p_decoder(x | h) (section 14.4)");
        KEYWORDS.put("minimize", "minimize LOSS + lambda * PENALTY: the objective, written like the book's equations");
        KEYWORDS.put(
                "free",
                "free code h { steps, lr }: a code optimised per example (predictive sparse decomposition, section 14.8)");
        KEYWORDS.put("tied", "decoder g tied: the decoder uses the encoder's weights transposed");
        KEYWORDS.put("train", "train MODEL on DATA { epochs: 10, batch: 128, optimizer: adam(lr: 1e-3), seed: 7 }");
        KEYWORDS.put(
                "evaluate", "evaluate MODEL on DATA { loss, reconstruction, ANALYSIS(args) }: measures and pictures");
        KEYWORDS.put(
                "analyze",
                "analyze MODEL on DATA { score_field, jacobian_spectrum, tangents, ... }: the analyses of sections 14.5-14.9");
        KEYWORDS.put("save", "save MODEL to \"file.safetensors\": writes the weights");
        KEYWORDS.put("load", "load MODEL from \"file.safetensors\": reads weights saved earlier");
        KEYWORDS.put(
                "export",
                "export MODEL to \"file.onnx\" [as FORMAT]: the model as ONNX (or safetensors, csv); export MODEL.f"
                        + " or MODEL.g: its encoder or decoder alone (ONNX)");
        KEYWORDS.put("on", "train/evaluate MODEL on DATA");
        KEYWORDS.put("to", "save/export MODEL to PATH");
        KEYWORDS.put("from", "load MODEL from PATH; data NAME from OTHER");
        KEYWORDS.put("as", "export MODEL to PATH as FORMAT");
        KEYWORDS.put("before", "noise before code");
    }

    private static final Pattern DECLARED =
            Pattern.compile("\\b(?:model|data)\\s+([A-Za-z_][A-Za-z0-9_]*(?:\\s*,\\s*[A-Za-z_][A-Za-z0-9_]*)*)");

    private static final Pattern AFTER_DENSE = Pattern.compile("\\bdense\\s+\\d+\\s+$");

    private static boolean openParen(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            else if (c == '\n') depth = 0; // calls do not span lines in practice; a stray '(' does not stick
        }
        return depth > 0;
    }

    private AeWords() {}

    /** The start of the word that ends at {@code cursor}. */
    static int wordStart(String code, int cursor) {
        int i = Math.min(cursor, code.length());
        while (i > 0 && isWordChar(code.charAt(i - 1))) i--;
        return i;
    }

    /** The word around {@code cursor} (empty if none). */
    static String wordAt(String code, int cursor) {
        int s = wordStart(code, cursor);
        int e = Math.min(cursor, code.length());
        while (e < code.length() && isWordChar(code.charAt(e))) e++;
        return code.substring(s, e);
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Every word that may follow: keywords, built-ins of every kind, and the declared names. */
    static List<String> candidates(String prefix, String cellText, List<String> declared) {
        return candidates(prefix, cellText, cellText.length(), declared);
    }

    /**
     * The words that may stand at {@code cursor}: after {@code dense N} an activation; inside a call's
     * parentheses its parameter names and the declared names; elsewhere keywords, built-ins and declared names.
     */
    static List<String> candidates(String prefix, String cellText, int cursor, List<String> declared) {
        String before = cellText.substring(0, Math.max(0, Math.min(cursor, cellText.length()) - prefix.length()));
        Set<String> all = new LinkedHashSet<>();
        List<String> inBlock = inStatementBlock(before, declared, cellText);
        if (inBlock != null) {
            all.addAll(inBlock);
        } else if (AFTER_DENSE.matcher(before).find()) {
            all.addAll(Builtins.names(Builtins.Kind.ACTIVATION));
        } else if (openParen(before)) {
            for (Builtins.Builtin b : Builtins.all()) for (Builtins.Param p : b.params()) all.add(p.name());
            all.addAll(declared);
            all.addAll(declaredIn(cellText));
        } else {
            all.addAll(declared);
            all.addAll(declaredIn(cellText));
            all.addAll(KEYWORDS.keySet());
            for (Builtins.Builtin b : Builtins.all()) all.add(b.name());
        }
        List<String> out = new ArrayList<>();
        for (String w : all) if (w.startsWith(prefix) && !w.equals(prefix)) out.add(w);
        if (out.isEmpty() && all.contains(prefix)) out.add(prefix);
        return out;
    }

    private static final Pattern BLOCK_HEAD =
            Pattern.compile("\\b(train|evaluate|analyze)\\s+[A-Za-z_][\\w]*\\s+on\\s+[A-Za-z_][\\w]*\\s*$");
    private static final Pattern OPTION_VALUE = Pattern.compile("^\\s*([A-Za-z_]\\w*)\\s*:\\s*$");
    private static final Pattern CALL_BEFORE_PAREN = Pattern.compile("([A-Za-z_]\\w*)\\s*$");

    /**
     * Candidates inside a {@code train/evaluate/analyze M on D { ... }} block, or null elsewhere: the analyses in
     * evaluate and analyze blocks, the train options in train blocks (minus those already given), the
     * optimizers after {@code optimizer:}, the schedules after {@code schedule:}, the data sets after
     * {@code validation:}, a choice option's words, and inside a call's parentheses that call's parameters.
     */
    static List<String> inStatementBlock(String before, List<String> declared, String cellText) {
        int brace = openBrace(before);
        if (brace < 0) return null;
        Matcher head = BLOCK_HEAD.matcher(before.substring(0, brace));
        if (!head.find()) return null;
        boolean train = head.group(1).equals("train");
        String body = before.substring(brace + 1);
        List<String> names = new ArrayList<>(declared);
        names.addAll(declaredIn(cellText));
        int paren = openParenAt(body);
        if (paren >= 0) {
            Matcher call = CALL_BEFORE_PAREN.matcher(body.substring(0, paren));
            List<String> out = new ArrayList<>();
            if (call.find()) {
                for (Builtins.Builtin b : Builtins.all())
                    if (b.name().equals(call.group(1))) for (Builtins.Param p : b.params()) out.add(p.name());
            }
            out.addAll(names);
            return out;
        }
        int itemStart = Math.max(body.lastIndexOf(','), Math.max(body.lastIndexOf('\n'), body.lastIndexOf(';'))) + 1;
        String item = body.substring(itemStart);
        if (!train) {
            List<String> given = wordsAtItemStarts(body);
            List<String> out = new ArrayList<>();
            for (String a : Builtins.analysesThatRun()) if (!given.contains(a)) out.add(a);
            return out;
        }
        Matcher value = OPTION_VALUE.matcher(item);
        if (value.find()) {
            String option = value.group(1);
            return switch (option) {
                case "optimizer" -> Builtins.names(Builtins.Kind.OPTIMIZER);
                case "schedule" -> Builtins.names(Builtins.Kind.SCHEDULE);
                case "validation" -> names;
                default ->
                    Builtins.lookup(Builtins.Kind.TRAIN_OPTION, option)
                            .map(b -> b.params().isEmpty()
                                    ? List.<String>of()
                                    : b.params().get(0).choices())
                            .orElse(List.of());
            };
        }
        List<String> given = wordsAtItemStarts(body);
        List<String> out = new ArrayList<>();
        for (String o : Builtins.names(Builtins.Kind.TRAIN_OPTION)) if (!given.contains(o)) out.add(o);
        return out;
    }

    /** The first word of each complete item of a block's body (what is already written). */
    private static List<String> wordsAtItemStarts(String body) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?:^|[,;\\n])\\s*([A-Za-z_]\\w*)(?=\\s*[:(,;\\n])")
                .matcher(body);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** The position of the innermost '{' not closed before the end of {@code text} (outside strings and comments), or -1. */
    static int openBrace(String text) {
        List<Integer> open = new ArrayList<>();
        boolean string = false;
        boolean comment = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (comment) {
                if (c == '\n') comment = false;
            } else if (string) {
                if (c == '"' || c == '\n') string = false;
            } else if (c == '"') string = true;
            else if (c == '#') comment = true;
            else if (c == '{') open.add(i);
            else if (c == '}' && !open.isEmpty()) open.remove(open.size() - 1);
        }
        return open.isEmpty() ? -1 : open.get(open.size() - 1);
    }

    /** The position of the innermost '(' not closed before the end of {@code text}, or -1. */
    private static int openParenAt(String text) {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') open.add(i);
            else if (c == ')' && !open.isEmpty()) open.remove(open.size() - 1);
        }
        return open.isEmpty() ? -1 : open.get(open.size() - 1);
    }

    static List<String> declaredIn(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = DECLARED.matcher(text);
        while (m.find()) for (String n : m.group(1).split("\\s*,\\s*")) names.add(n.strip());
        return names;
    }

    /** Documentation of a word: a keyword, or every built-in of that name (with parameters and book section). */
    static String documentation(String word) {
        StringBuilder b = new StringBuilder();
        if (KEYWORDS.containsKey(word))
            b.append(word).append(" (keyword): ").append(KEYWORDS.get(word)).append('\n');
        for (Builtins.Builtin bi : Builtins.all()) {
            if (!bi.name().equals(word)) continue;
            b.append(bi.name());
            if (!bi.params().isEmpty()) {
                b.append('(');
                for (int i = 0; i < bi.params().size(); i++)
                    b.append(i > 0 ? ", " : "").append(bi.params().get(i).signature());
                b.append(')');
            }
            b.append(" (").append(bi.kind().words()).append("): ").append(bi.doc());
            if (bi.book() != null && !bi.book().isEmpty())
                b.append(" [").append(bi.book()).append(']');
            b.append('\n');
        }
        return b.isEmpty() ? null : b.toString();
    }
}
