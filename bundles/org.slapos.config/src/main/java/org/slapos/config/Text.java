package org.slapos.config;

import java.util.Locale;

/** String helpers that follow Python 3 {@code str} semantics where the parser needs them. */
final class Text {

    private static final int QUOTE_LIMIT = 200;

    private Text() {
    }

    /** Python {@code str.isspace()} for one UTF-16 unit. */
    static boolean isSpace(char c) {
        if (c < 0x80) {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
        }
        return c == '\u0085' || c == '\u00A0' || Character.isWhitespace(c)
                || Character.isSpaceChar(c);
    }

    /** Index of the first non-space character at or after {@code from}, or {@code end}. */
    static int skipSpace(CharSequence s, int from, int end) {
        int i = from;
        while (i < end && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index just after the last non-space character before {@code end}, or {@code from}. */
    static int trimEnd(CharSequence s, int from, int end) {
        int i = end;
        while (i > from && isSpace(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** Python {@code str.strip()}. */
    static String strip(String s) {
        int start = skipSpace(s, 0, s.length());
        int end = trimEnd(s, start, s.length());
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    /** Python {@code str.lower()} as used by {@code ConfigParser.optionxform}. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * A value quoted for a one-line message: single quotes, control characters escaped, long values
     * cut.
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_LIMIT) + 8).append('\'');
        int n = Math.min(s.length(), QUOTE_LIMIT);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > QUOTE_LIMIT) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
