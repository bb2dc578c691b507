package ae4j.dsl.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a {@code .npy} file: the Python dict literal {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }} read strictly, as numpy reads it (exactly these three keys, each once; the shape a
 * tuple of integers), without evaluating anything. A {@code descr} that is a list (a structured dtype) is
 * refused here, since ae4j reads plain numeric arrays only.
 *
 * @param shape as written, not yet checked (dimensions may be negative)
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {

    private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

    /** Parses {@code text} (the header after the length field); problems name {@code file}. */
    static NpyHeader parse(Path file, String text) {
        return new Parser(file, text).header();
    }

    /** The shape as numpy prints it: {@code (2, 3)}, {@code (5,)}, {@code ()}. */
    static String shapeText(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
        return s.append(')').toString();
    }

    private static final class Parser {
        private final Path file;
        private final String text;
        private int pos;

        Parser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        NpyHeader header() {
            String descr = null;
            Boolean fortran = null;
            long[] shape = null;
            space();
            expect('{');
            space();
            while (peek() != '}') {
                String key = string();
                if (!KEYS.contains(key)) {
                    throw error("has an unexpected key '" + key + "' (numpy writes 'descr', 'fortran_order' and "
                            + "'shape' only)");
                }
                space();
                expect(':');
                space();
                boolean seen = switch (key) {
                    case "descr" -> descr != null;
                    case "fortran_order" -> fortran != null;
                    default -> shape != null;
                };
                if (seen) throw error("has '" + key + "' twice");
                switch (key) {
                    case "descr" -> {
                        if (peek() == '[') {
                            throw new DataException(file + " holds a structured array (dtype with named fields: "
                                    + excerpt() + "); ae4j reads plain numeric arrays: save one field, or "
                                    + "numpy.lib.recfunctions.structured_to_unstructured(a)");
                        }
                        descr = string();
                    }
                    case "fortran_order" -> fortran = bool();
                    default -> shape = tuple();
                }
                space();
                if (peek() == ',') {
                    pos++;
                    space();
                } else if (peek() != '}') {
                    throw error("has " + found() + " where ',' or '}' should be");
                }
            }
            pos++;
            space();
            if (pos < text.length()) throw error("has " + found() + " after the dict");
            for (String k : KEYS) {
                boolean missing = switch (k) {
                    case "descr" -> descr == null;
                    case "fortran_order" -> fortran == null;
                    default -> shape == null;
                };
                if (missing) throw error("lacks '" + k + "'");
            }
            return new NpyHeader(descr, fortran, shape);
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') throw error("has " + found() + " where a quoted string should be");
            int end = text.indexOf(q, pos + 1);
            if (end < 0) throw error("has an unterminated string");
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private boolean bool() {
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error("has " + found() + " where fortran_order's True or False should be");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            space();
            while (peek() != ')') {
                dims.add(integer());
                space();
                if (peek() == ',') {
                    pos++;
                    space();
                } else if (peek() != ')') {
                    throw error("has " + found() + " in the shape, where ',' or ')' should be");
                }
            }
            pos++;
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) out[i] = dims.get(i);
            return out;
        }

        private long integer() {
            int start = pos;
            if (peek() == '-' || peek() == '+') pos++;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
            String digits = text.substring(start, pos);
            if (peek() == 'L') pos++; // Python 2 long
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                if (digits.length() > 1 && digits.chars().skip(1).allMatch(Character::isDigit)) {
                    throw error("has a dimension " + digits + ", more than any array can have");
                }
                pos = start;
                throw error("has " + found() + " in the shape, where a whole number should be");
            }
        }

        private void expect(char c) {
            if (peek() != c) throw error("has " + found() + " where '" + c + "' should be");
            pos++;
        }

        private void space() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private String found() {
            if (pos >= text.length()) return "the end of the header";
            char c = text.charAt(pos);
            return c < 0x20 || c > 0x7E ? String.format("character U+%04X", (int) c) : "'" + c + "'";
        }

        /** The header, shortened and with control characters shown as codes, for a message. */
        private String excerpt() {
            StringBuilder b = new StringBuilder();
            for (char c : text.strip().toCharArray()) {
                if (b.length() >= 120) return b.append("...").toString();
                b.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
            return b.toString();
        }

        private DataException error(String problem) {
            return new DataException(file + ": its .npy header " + problem + " (header: " + excerpt()
                    + "); the file is corrupt or not written by numpy: write it again with numpy.save");
        }
    }
}
