package org.slapos.slap.marshal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python 3 {@code str()} and {@code repr()} for the Java value model of this package.
 *
 * <p>Needed because the proxy stores every instance parameter as {@code str(value)} and writes
 * timestamps as {@code str(float)}: a Java server must produce the very same text.
 * {@code byte[]} is treated as the UTF-8 string it holds, as SLAP code decodes bytes before use.
 */
public final class PyRepr {

    /** Python's order of {@code str} values: by Unicode code point, not by UTF-16 unit. */
    public static final java.util.Comparator<String> CODE_POINT_ORDER = PythonOrdering.CODE_POINT_ORDER;

    private PyRepr() {
    }

    /**
     * Python {@code str(value)}: strings (and UTF-8 {@code byte[]}) as themselves, everything else as
     * its {@link #repr}.
     *
     * @throws IllegalArgumentException for a Java type with no Python equivalent here
     */
    public static String str(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return repr(value);
    }

    /**
     * Python {@code repr(value)} for None, bool, int, float, str, list, tuple, dict, set and the
     * {@code slapos.slap.slap} objects ({@code <slapos.slap.slap.Computer object>}, without Python's
     * memory address). A container that contains itself prints as {@code [...]} or {@code {...}}.
     *
     * @throws IllegalArgumentException for a Java type with no Python equivalent here
     */
    public static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(false).write(value, out);
        return out.toString();
    }

    /** Like {@link #repr} but never fails: for {@code toString()} and error messages. */
    static String reprForDebugging(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(true).write(value, out);
        return out.toString();
    }

    /**
     * Python {@code repr(float)}: the shortest digits that read back as the same double, in plain
     * notation when 1e-4 &lt;= |x| &lt; 1e16 (always with a fractional digit, {@code 7.0}) and in
     * scientific notation otherwise ({@code 1e+16}, {@code 1.5e-05}); {@code inf}, {@code -inf},
     * {@code nan}, {@code -0.0}.
     */
    public static String floatRepr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        boolean negative = Double.doubleToRawLongBits(value) < 0;
        if (value == 0) {
            return negative ? "-0.0" : "0.0";
        }
        ShortestDigits.Decimal shortest = ShortestDigits.of(Math.abs(value));
        String digits = Long.toString(shortest.digits());
        // The value is 0.DIGITS x 10^pointPosition, as in CPython's format_float_short.
        int pointPosition = digits.length() + shortest.exponent();
        StringBuilder out = new StringBuilder(24);
        if (negative) {
            out.append('-');
        }
        if (pointPosition <= -4 || pointPosition > 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = pointPosition - 1;
            out.append(exponent < 0 ? "e-" : "e+");
            int magnitude = Math.abs(exponent);
            if (magnitude < 10) {
                out.append('0');
            }
            out.append(magnitude);
        } else if (pointPosition <= 0) {
            out.append("0.");
            out.append("0".repeat(-pointPosition));
            out.append(digits);
        } else if (pointPosition >= digits.length()) {
            out.append(digits);
            out.append("0".repeat(pointPosition - digits.length()));
            out.append(".0");
        } else {
            out.append(digits, 0, pointPosition).append('.').append(digits, pointPosition, digits.length());
        }
        return out.toString();
    }

    /** Python {@code repr(str)}: quotes, backslash escapes and non-printable characters as CPython. */
    static void appendStringRepr(String text, StringBuilder out) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int index = 0; index < text.length(); ) {
            int codePoint = text.codePointAt(index);
            index += Character.charCount(codePoint);
            if (codePoint == quote || codePoint == '\\') {
                out.append('\\').appendCodePoint(codePoint);
            } else if (codePoint == '\t') {
                out.append("\\t");
            } else if (codePoint == '\n') {
                out.append("\\n");
            } else if (codePoint == '\r') {
                out.append("\\r");
            } else if (codePoint < ' ' || codePoint == 0x7f) {
                appendHexEscape(out, 'x', codePoint, 2);
            } else if (codePoint < 0x7f || isPrintable(codePoint)) {
                out.appendCodePoint(codePoint);
            } else if (codePoint <= 0xff) {
                appendHexEscape(out, 'x', codePoint, 2);
            } else if (codePoint <= 0xffff) {
                appendHexEscape(out, 'u', codePoint, 4);
            } else {
                appendHexEscape(out, 'U', codePoint, 8);
            }
        }
        out.append(quote);
    }

    private static void appendHexEscape(StringBuilder out, char kind, int codePoint, int width) {
        String hex = Integer.toHexString(codePoint);
        out.append('\\').append(kind).append("0".repeat(width - hex.length())).append(hex);
    }

    /** CPython's Py_UNICODE_ISPRINTABLE: everything but the Other and Separator categories, space excepted. */
    private static boolean isPrintable(int codePoint) {
        if (codePoint == ' ') {
            return true;
        }
        switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** Walks a value; remembers the containers being printed to cut cycles as Python's reprlib does. */
    private static final class Writer {

        private final boolean lenient;
        private final Set<Object> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

        Writer(boolean lenient) {
            this.lenient = lenient;
        }

        void write(Object value, StringBuilder out) {
            if (value == null) {
                out.append("None");
            } else if (value instanceof Boolean bool) {
                out.append(bool ? "True" : "False");
            } else if (value instanceof String text) {
                appendStringRepr(text, out);
            } else if (value instanceof byte[] bytes) {
                appendStringRepr(new String(bytes, StandardCharsets.UTF_8), out);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte || value instanceof BigInteger) {
                out.append(value);
            } else if (value instanceof Double || value instanceof Float) {
                out.append(floatRepr(((Number) value).doubleValue()));
            } else if (value instanceof SlapObject object) {
                out.append('<').append(object.module()).append('.').append(object.className()).append(" object>");
            } else if (value instanceof PyTuple tuple) {
                writeTuple(tuple, out);
            } else if (value instanceof List<?> list) {
                writeContainer(list, list.iterator(), "[", "]", "[...]", out);
            } else if (value instanceof Set<?> set) {
                if (set.isEmpty()) {
                    out.append("set()");
                } else {
                    writeContainer(set, set.iterator(), "{", "}", "{...}", out);
                }
            } else if (value instanceof Map<?, ?> map) {
                writeMap(map, out);
            } else if (lenient) {
                out.append(value);
            } else {
                throw new IllegalArgumentException("No Python representation for " + value.getClass().getName());
            }
        }

        private void writeTuple(PyTuple tuple, StringBuilder out) {
            out.append('(');
            for (int index = 0; index < tuple.size(); index++) {
                if (index > 0) {
                    out.append(", ");
                }
                write(tuple.get(index), out);
            }
            // A one-item tuple keeps its comma, as in Python: (1,)
            out.append(tuple.size() == 1 ? ",)" : ")");
        }

        private void writeContainer(Object container, Iterator<?> items, String open, String close,
                String recursive, StringBuilder out) {
            if (!inProgress.add(container)) {
                out.append(recursive);
                return;
            }
            out.append(open);
            boolean first = true;
            while (items.hasNext()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                write(items.next(), out);
            }
            out.append(close);
            inProgress.remove(container);
        }

        private void writeMap(Map<?, ?> map, StringBuilder out) {
            if (!inProgress.add(map)) {
                out.append("{...}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                write(entry.getKey(), out);
                out.append(": ");
                write(entry.getValue(), out);
            }
            out.append('}');
            inProgress.remove(map);
        }
    }
}
