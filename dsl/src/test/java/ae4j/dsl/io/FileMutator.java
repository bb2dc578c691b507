package ae4j.dsl.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mutations of a valid file for the file-format fuzz: byte flips and overwrites (mostly in the header),
 * truncation, garbage appended, sections duplicated or deleted, binary header numbers replaced by huge,
 * negative or zero values, and edits of header text (numbers, quoted words such as dtypes, quotes,
 * brackets). Every mutation is logged in a few words so a failing case can be understood.
 */
final class FileMutator {

    /** A binary number in a header: where it is, its width in bytes (1, 2, 4 or 8) and its byte order. */
    record Field(int offset, int width, ByteOrder order) {}

    /** Values that break size arithmetic: zero, negative, around the int and long limits, huge. */
    static final long[] NUMBERS = {
        0,
        1,
        -1,
        2,
        -2,
        7,
        255,
        256,
        65_535,
        65_536,
        1_000_000,
        100_000_000,
        Integer.MAX_VALUE,
        Integer.MAX_VALUE - 8,
        Integer.MIN_VALUE,
        1L << 31,
        1L << 32,
        (1L << 32) + 1,
        1L << 40,
        1L << 62,
        Long.MAX_VALUE,
        Long.MIN_VALUE
    };

    /** The same, as they may be written in header text, with forms a number parser may choke on. */
    static final String[] NUMBER_TEXTS = {
        "0",
        "1",
        "-1",
        "-5",
        "2",
        "3",
        "100",
        "65536",
        "2147483647",
        "2147483648",
        "-2147483648",
        "4294967296",
        "4294967297",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "18446744073709551615",
        "99999999999999999999999999",
        "1e999",
        "-1e999",
        "1e-999",
        "3.5e38",
        "1.5",
        "-0",
        "007",
        "0x10",
        "1_000",
        "NaN",
        "Infinity",
        "",
        " ",
        "1L",
        "\u0661"
    };

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    private static final String[] PUNCTUATION = {
        "{", "}", "[", "]", "(", ")", ",", ":", "'", "\"", "\\", " ", "\n", "\r\n", "\t", "\u0000", "\u00e9", "\uFEFF"
    };

    private final Random r;
    private final List<String> log = new ArrayList<>();

    FileMutator(Random r) {
        this.r = r;
    }

    /** What was done, in order. */
    String log() {
        return String.join("; ", log);
    }

    void note(String what) {
        log.add(what);
    }

    // ---------------------------------------------------------------- bytes

    /**
     * One to three byte-level mutations; positions fall in {@code [0, headerEnd)} half of the time, and
     * {@code fields} (binary header numbers) are replaced a fifth of the time.
     */
    byte[] bytes(byte[] b, int headerEnd, List<Field> fields) {
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            int end = b.length == 0 ? 0 : r.nextBoolean() ? Math.min(Math.max(headerEnd, 1), b.length) : b.length;
            int choice = r.nextInt(10);
            if (choice < 2 && !fields.isEmpty()) {
                b = number(b, fields.get(r.nextInt(fields.size())));
                continue;
            }
            b = switch (choice) {
                case 0, 1, 2 -> flip(b, end);
                case 3 -> overwrite(b, end);
                case 4 -> truncate(b, end);
                case 5 -> extend(b);
                case 6 -> duplicate(b, end);
                case 7 -> delete(b, end);
                default -> r.nextBoolean() ? flip(b, end) : overwrite(b, end);
            };
        }
        return b;
    }

    byte[] flip(byte[] b, int end) {
        if (end == 0) return b;
        byte[] out = b.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            int at = r.nextInt(end);
            int bit = r.nextInt(8);
            out[at] ^= (byte) (1 << bit);
            note("flip bit " + bit + " of byte " + at);
        }
        return out;
    }

    byte[] overwrite(byte[] b, int end) {
        if (end == 0) return b;
        byte[] out = b.clone();
        int at = r.nextInt(end);
        int len = Math.min(1 + r.nextInt(r.nextInt(4) == 0 ? 16 : 2), out.length - at);
        for (int i = 0; i < len; i++) {
            int v = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 0xFF;
                case 2 -> r.nextBoolean() ? 0x7F : 0x80;
                default -> r.nextInt(256);
            };
            out[at + i] = (byte) v;
        }
        note("overwrite " + len + " bytes at " + at);
        return out;
    }

    byte[] truncate(byte[] b, int end) {
        int at = r.nextInt(Math.max(end, 1) + 1);
        at = Math.min(at, b.length);
        note("truncate to " + at + " of " + b.length + " bytes");
        return Arrays.copyOf(b, at);
    }

    byte[] extend(byte[] b) {
        int len = 1 + r.nextInt(r.nextInt(8) == 0 ? 4096 : 16);
        byte[] tail = new byte[len];
        String kind;
        switch (r.nextInt(3)) {
            case 0 -> kind = "zeros";
            case 1 -> {
                r.nextBytes(tail);
                kind = "random bytes";
            }
            default -> {
                for (int i = 0; i < len; i++) tail[i] = b.length == 0 ? 0 : b[i % b.length];
                kind = "a copy of the start";
            }
        }
        note("append " + len + " " + kind);
        byte[] out = Arrays.copyOf(b, b.length + len);
        System.arraycopy(tail, 0, out, b.length, len);
        return out;
    }

    byte[] duplicate(byte[] b, int end) {
        if (end == 0) return b;
        int from = r.nextInt(end);
        int len = 1 + r.nextInt(Math.min(end - from, 64));
        int at = r.nextInt(b.length + 1);
        note("copy " + len + " bytes from " + from + " to " + at);
        return insert(b, at, Arrays.copyOfRange(b, from, from + len));
    }

    byte[] delete(byte[] b, int end) {
        if (end == 0) return b;
        int from = r.nextInt(end);
        int len = 1 + r.nextInt(Math.min(b.length - from, 32));
        note("delete " + len + " bytes at " + from);
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        return out;
    }

    /** Overwrites up to 8 bytes after {@code from} (the data, not the header): NaN and infinity patterns, random bytes. */
    byte[] damageData(byte[] b, int from) {
        if (from >= b.length) return truncate(b, b.length);
        byte[] out = b.clone();
        int at = from + r.nextInt(b.length - from);
        int len = Math.min(1 + r.nextInt(8), out.length - at);
        for (int i = 0; i < len; i++)
            out[at + i] = (byte) (r.nextBoolean() ? 0xFF : r.nextBoolean() ? 0x7F : r.nextInt(256));
        note("damage " + len + " data bytes at " + at);
        return out;
    }

    /** Replaces a binary header number by an interesting value, or the value off by one or scaled. */
    byte[] number(byte[] b, Field f) {
        if (f.offset + f.width > b.length) return b;
        ByteBuffer buf = ByteBuffer.wrap(b.clone()).order(f.order);
        long old = switch (f.width) {
            case 1 -> buf.get(f.offset) & 0xFF;
            case 2 -> buf.getShort(f.offset) & 0xFFFF;
            case 4 -> buf.getInt(f.offset);
            default -> buf.getLong(f.offset);
        };
        long v = switch (r.nextInt(4)) {
            case 0 -> old + 1;
            case 1 -> old - 1;
            case 2 -> old * (1 + r.nextInt(1000));
            default -> NUMBERS[r.nextInt(NUMBERS.length)];
        };
        switch (f.width) {
            case 1 -> buf.put(f.offset, (byte) v);
            case 2 -> buf.putShort(f.offset, (short) v);
            case 4 -> buf.putInt(f.offset, (int) v);
            default -> buf.putLong(f.offset, v);
        }
        note("header number at " + f.offset + ": " + old + " -> " + v);
        return buf.array();
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    // ---------------------------------------------------------------- text

    /**
     * One to three edits of header text: a number changed, a quoted word replaced by one of {@code words}
     * (dtypes, names), a quote or bracket inserted or deleted, deep nesting, a piece duplicated or cut.
     */
    String text(String s, String[] words) {
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            s = switch (r.nextInt(9)) {
                case 0, 1 -> replaceNumber(s);
                case 2 -> replaceQuoted(s, words);
                case 3 -> insertText(s, PUNCTUATION[r.nextInt(PUNCTUATION.length)]);
                case 4 -> deleteText(s);
                case 5 -> duplicateText(s);
                case 6 -> nest(s);
                case 7 -> r.nextBoolean() ? swapQuotes(s) : insertText(s, randomChars());
                default -> replaceNumber(s);
            };
        }
        return s;
    }

    String replaceNumber(String s) {
        List<int[]> spans = spans(NUMBER.matcher(s));
        if (spans.isEmpty()) return insertText(s, NUMBER_TEXTS[r.nextInt(NUMBER_TEXTS.length)]);
        int[] sp = spans.get(r.nextInt(spans.size()));
        String old = s.substring(sp[0], sp[1]);
        String v = NUMBER_TEXTS[r.nextInt(NUMBER_TEXTS.length)];
        if (r.nextInt(3) == 0) {
            try {
                long x = Long.parseLong(old);
                v = Long.toString(r.nextBoolean() ? x + (r.nextBoolean() ? 1 : -1) : x * (2 + r.nextInt(1000)));
            } catch (NumberFormatException notLong) {
                // keep the listed value
            }
        }
        note("number " + old + " at " + sp[0] + " -> '" + v + "'");
        return s.substring(0, sp[0]) + v + s.substring(sp[1]);
    }

    /** Replaces group 1 of one match of {@code p} (e.g. a shape) by one of {@code with}. */
    String replaceGroup(String s, Pattern p, String[] with) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) spans.add(new int[] {m.start(1), m.end(1)});
        if (spans.isEmpty()) return s;
        int[] sp = spans.get(r.nextInt(spans.size()));
        String v = with[r.nextInt(with.length)];
        note(s.substring(sp[0], sp[1]) + " -> " + v);
        return s.substring(0, sp[0]) + v + s.substring(sp[1]);
    }

    String replaceQuoted(String s, String[] words) {
        List<int[]> spans = spans(QUOTED.matcher(s));
        if (spans.isEmpty() || words.length == 0) return s;
        int[] sp = spans.get(r.nextInt(spans.size()));
        char q = s.charAt(sp[0]);
        String w = words[r.nextInt(words.length)];
        note("quoted " + s.substring(sp[0], sp[1]) + " -> " + q + w + q);
        return s.substring(0, sp[0]) + q + w + q + s.substring(sp[1]);
    }

    String insertText(String s, String what) {
        int at = r.nextInt(s.length() + 1);
        note("insert '" + printable(what) + "' at " + at);
        return s.substring(0, at) + what + s.substring(at);
    }

    String deleteText(String s) {
        if (s.isEmpty()) return s;
        int at = r.nextInt(s.length());
        int len = 1 + r.nextInt(Math.min(s.length() - at, r.nextBoolean() ? 1 : 20));
        note("delete '" + printable(s.substring(at, at + len)) + "' at " + at);
        return s.substring(0, at) + s.substring(at + len);
    }

    String duplicateText(String s) {
        if (s.isEmpty()) return s;
        int from = r.nextInt(s.length());
        int len = 1 + r.nextInt(Math.min(s.length() - from, 60));
        String piece = s.substring(from, from + len);
        int at = r.nextInt(s.length() + 1);
        note("duplicate '" + printable(piece) + "' at " + at);
        return s.substring(0, at) + piece + s.substring(at);
    }

    String nest(String s) {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 5 : 200);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String inner = open.repeat(depth) + "1" + close.repeat(r.nextInt(4) == 0 ? depth / 2 : depth);
        note("nest " + depth + " deep");
        return insertText(s, inner);
    }

    String swapQuotes(String s) {
        note("swap ' and \"");
        return s.replace('\'', '\u0001').replace('"', '\'').replace('\u0001', '"');
    }

    String randomChars() {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(3)) {
                case 0 -> b.append((char) r.nextInt(128));
                case 1 -> b.append((char) (128 + r.nextInt(0x800)));
                default -> b.append((char) r.nextInt(0xD800));
            }
        }
        return b.toString();
    }

    private static List<int[]> spans(Matcher m) {
        List<int[]> out = new ArrayList<>();
        while (m.find()) out.add(new int[] {m.start(), m.end()});
        return out;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7F) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.length() > 40 ? b.substring(0, 40) + "..." : b.toString();
    }

    Random random() {
        return r;
    }
}
