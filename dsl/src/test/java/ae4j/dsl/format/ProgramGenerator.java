package ae4j.dsl.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random syntactically valid ae4j programs, written from the grammar: data, model, train, analyze, save,
 * load and export statements with random names, layers, expressions and argument lists, laid out with
 * random whitespace and line breaks, with comments (trailing and on their own lines) between tokens.
 * Not meaningful programs: names need not resolve, sizes need not match.
 */
public final class ProgramGenerator {

    private static final String[] NAMES = {"a", "b", "x", "h", "f", "g", "net", "d_2", "Train", "_z"};
    /** Keywords are valid names where the grammar says ident. */
    private static final String[] KEYWORD_NAMES = {"train", "code", "data", "model", "input", "on", "to", "as"};

    private static final String[] NUMBERS = {"0", "1", "784", "0.5", "1e-3", "2.", ".25", "3E+2", "1e-4", "255"};
    private static final String[] KINDS = {"dense", "conv", "dropout"};
    private static final String[] ACTIVATIONS = {"relu", "sigmoid", "tanh", "identity", "linear", "softmax"};
    private static final String[] TRANSFORMS = {"scale", "take", "skip", "standardize", "flatten", "shuffle", "binarize"
    };
    private static final String[] COMMENTS = {
        "#", "# note", "# eq 14.9: L(x, g(f(x~)))", "## twice # hash", "# ünïcödé ✓ 日本", "#   spaced   ", "# { } ( ) ;"
    };

    private final Random r;
    private final List<String> tokens = new ArrayList<>();

    public ProgramGenerator(long seed) {
        this.r = new Random(seed);
    }

    /** A new program. */
    public String next() {
        tokens.clear();
        int n = 1 + r.nextInt(7);
        for (int i = 0; i < n; i++) statement();
        return layout();
    }

    private String layout() {
        StringBuilder b = new StringBuilder();
        if (r.nextInt(4) == 0) b.append(comment()).append('\n');
        for (int i = 0; i < tokens.size(); i++) {
            b.append(tokens.get(i));
            b.append(separator());
        }
        return b.toString();
    }

    private String separator() {
        int k = r.nextInt(40);
        if (k == 0) return " " + comment() + "\n";
        if (k == 1) return "\n" + comment() + "\n";
        if (k == 2) return "\n\n" + "  ".repeat(r.nextInt(3)) + comment() + "\n\n";
        if (k < 8) return "\n" + "  ".repeat(r.nextInt(3));
        if (k == 8) return "\t";
        if (k == 9) return "\r\n";
        return " ";
    }

    private String comment() {
        return COMMENTS[r.nextInt(COMMENTS.length)];
    }

    private void t(String... ts) {
        tokens.addAll(List.of(ts));
    }

    private String name() {
        return r.nextInt(6) == 0 ? KEYWORD_NAMES[r.nextInt(KEYWORD_NAMES.length)] : plainName();
    }

    private String plainName() {
        return NAMES[r.nextInt(NAMES.length)];
    }

    private String pick(String[] options) {
        return options[r.nextInt(options.length)];
    }

    // ---------------------------------------------------------------- statements

    private void statement() {
        switch (r.nextInt(10)) {
            case 0, 1 -> data();
            case 2, 3, 4 -> model();
            case 5, 6 -> train();
            case 7 -> analyze();
            case 8 -> {
                if (r.nextBoolean()) t("save", name(), "to", string());
                else t("load", name(), "from", string());
            }
            default -> {
                t("export", name());
                if (r.nextBoolean()) t(".", name()); // a part: export m.f
                t("to", string());
                if (r.nextBoolean()) t("as", plainName());
            }
        }
    }

    private void data() {
        t("data");
        if (r.nextInt(5) == 0) {
            t("(", name());
            int k = 1 + r.nextInt(3);
            for (int i = 0; i < k; i++) t(",", name());
            t(")", "=");
            call(2);
            return;
        }
        t(name(), "=");
        if (r.nextBoolean()) call(2);
        else t(name());
        int k = r.nextInt(4);
        for (int i = 0; i < k; i++) {
            t(pick(TRANSFORMS));
            switch (r.nextInt(3)) {
                case 0 -> numberExpr();
                case 1 -> {
                    t("(");
                    argList(1, r.nextInt(3));
                    t(")");
                }
                default -> {}
            }
        }
    }

    private void numberExpr() {
        int k = 1 + r.nextInt(3);
        for (int i = 0; i < k; i++) {
            if (i > 0) t(r.nextBoolean() ? "*" : "/");
            if (r.nextInt(4) == 0) t("-");
            t(pick(NUMBERS));
        }
    }

    private void model() {
        t("model", name(), "{");
        int k = r.nextInt(9);
        for (int i = 0; i < k; i++) modelItem();
        t("}");
    }

    private void modelItem() {
        switch (r.nextInt(10)) {
            case 0 -> {
                t("input", name(), "[");
                expr(1);
                int k = r.nextInt(3);
                for (int i = 0; i < k; i++) {
                    t(",");
                    expr(1);
                }
                t("]");
            }
            case 1, 2 -> {
                t(r.nextBoolean() ? "encoder" : "decoder");
                if (r.nextInt(3) > 0) t(plainName());
                layers();
            }
            case 3 -> {
                t("decoder");
                if (r.nextBoolean()) t(plainName());
                t("tied");
            }
            case 4 -> {
                t("code", name());
                if (r.nextBoolean()) {
                    t("=");
                    expr(3);
                }
            }
            case 5 -> {
                t("output", plainName());
                if (r.nextBoolean()) {
                    t("(");
                    argList(2, r.nextInt(3));
                    t(")");
                }
            }
            case 6 -> {
                t("corrupt", plainName() + "~", "=");
                expr(3);
            }
            case 7 -> {
                t("noise", "before", name(), "=");
                expr(3);
            }
            case 8 -> {
                t("free", "code", name());
                if (r.nextBoolean()) {
                    t("{");
                    argList(2, r.nextInt(3));
                    t("}");
                }
            }
            default -> {
                t("minimize");
                expr(4);
            }
        }
    }

    private void layers() {
        t("{");
        int k = r.nextInt(5);
        for (int i = 0; i < k; i++) {
            t(pick(KINDS));
            boolean activation = r.nextInt(4) > 0;
            boolean args = r.nextInt(5) == 0;
            if (!activation && args) {
                // dense n(p: 1) would be a call: the size goes in parentheses.
                t("(");
                expr(1);
                t(")");
            } else {
                layerSize();
            }
            if (activation) t(pick(ACTIVATIONS));
            if (args) {
                t("(");
                argList(1, r.nextInt(3));
                t(")");
            }
            boolean last = i + 1 == k;
            if ((!activation && !args && !last) || r.nextInt(3) == 0) t(";");
        }
        t("}");
    }

    private void layerSize() {
        if (r.nextInt(4) > 0) {
            t(pick(NUMBERS));
        } else {
            expr(1);
        }
    }

    private void train() {
        t("train", name(), "on", name());
        if (r.nextInt(4) > 0) {
            t("{");
            argList(2, r.nextInt(7));
            t("}");
        }
    }

    private void analyze() {
        t(r.nextBoolean() ? "evaluate" : "analyze", name(), "on", name());
        if (r.nextInt(4) > 0) {
            t("{");
            int k = 1 + r.nextInt(5);
            for (int i = 0; i < k; i++) {
                if (i > 0) t(",");
                t(name());
                if (r.nextInt(3) == 0) {
                    t("(");
                    argList(1, r.nextInt(3));
                    t(")");
                }
            }
            if (r.nextInt(4) == 0) t(",");
            t("}");
        }
    }

    // ---------------------------------------------------------------- expressions

    private void argList(int depth, int count) {
        for (int i = 0; i < count; i++) {
            if (i > 0) t(",");
            if (r.nextBoolean()) t(name(), ":");
            expr(depth);
        }
        if (count > 0 && r.nextInt(6) == 0) t(",");
    }

    private void call(int depth) {
        t(name(), "(");
        argList(depth - 1, r.nextInt(4));
        t(")");
    }

    private void expr(int depth) {
        int k = depth <= 0 ? r.nextInt(4) : r.nextInt(9);
        switch (k) {
            case 0 -> t(pick(NUMBERS));
            case 1 -> t(name());
            case 2 -> t(plainName() + "~");
            case 3 -> t(string());
            case 4 -> call(depth);
            case 5 -> {
                t("-");
                expr(depth - 1);
            }
            case 6 -> {
                t("(");
                expr(depth - 1);
                t(")");
            }
            default -> {
                expr(depth - 1);
                t(pick(new String[] {"+", "-", "*", "/"}));
                expr(depth - 1);
            }
        }
    }

    private String string() {
        String[] parts = {"a", "b.safetensors", "\\\"", "\\\\", "\\n", "\\t", " ", "é", "#", "/x/y"};
        StringBuilder b = new StringBuilder("\"");
        int k = r.nextInt(5);
        for (int i = 0; i < k; i++) b.append(pick(parts));
        return b.append('"').toString();
    }
}
