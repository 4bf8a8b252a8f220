package org.slapos.slap.marshal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} (with its default {@code ensure_ascii=True}) for the Java value model
 * of this package: what the Python client prints ({@code slapos service info}), sends (json-in-xml
 * parameters) and what slapproxy answers (Flask's compact JSON), byte for byte.
 *
 * <p>Strings escape {@code "}, {@code \}, control characters, DEL and every non-ASCII character
 * as lower-case {@code \\uXXXX} (astral characters as their surrogate pair), floats are written as
 * {@link PyRepr#floatRepr} ({@code NaN}, {@code Infinity}), keys are their string form and, with
 * {@code sortKeys}, sorted by code point.
 */
public final class PyJson {

    private PyJson() {
    }

    /** {@code json.dumps(value)}: separators {@code ", "} and {@code ": "}, keys in map order. */
    public static String dumps(Object value) {
        return write(value, -1, ", ", ": ", false);
    }

    /**
     * {@code json.dumps(value, indent=indent, sort_keys=sortKeys)}: one item per line, indented by
     * {@code indent} spaces a level, items separated by {@code ","}.
     */
    public static String dumps(Object value, int indent, boolean sortKeys) {
        if (indent < 0) {
            throw new IllegalArgumentException("indent must not be negative");
        }
        return write(value, indent, ",", ": ", sortKeys);
    }

    /** {@code json.dumps(value, separators=(",", ":"), sort_keys=sortKeys)}, as Flask's jsonify writes. */
    public static String compact(Object value, boolean sortKeys) {
        return write(value, -1, ",", ":", sortKeys);
    }

    private static String write(Object value, int indent, String itemSeparator, String keySeparator,
            boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        new Writer(indent, itemSeparator, keySeparator, sortKeys).write(out, value, 0);
        return out.toString();
    }

    private record Writer(int indent, String itemSeparator, String keySeparator, boolean sortKeys) {

        void write(StringBuilder out, Object value, int depth) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String text) {
                string(out, text);
            } else if (value instanceof Boolean bool) {
                out.append(bool ? "true" : "false");
            } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
                out.append(floatLiteral(((Number) value).doubleValue()));
            } else if (value instanceof Number) {
                out.append(value);
            } else if (value instanceof Map<?, ?> map) {
                writeMap(out, map, depth);
            } else if (value instanceof Collection<?> items) {
                writeArray(out, items, depth);
            } else {
                throw new IllegalArgumentException(
                        "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
            }
        }

        private void writeMap(StringBuilder out, Map<?, ?> map, int depth) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> items = new ArrayList<>(map.entrySet());
            if (sortKeys) {
                items.sort((a, b) -> PythonOrdering.compareCodePoints(key(a.getKey()), key(b.getKey())));
            }
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> item : items) {
                out.append(separator);
                newLine(out, depth + 1);
                string(out, key(item.getKey()));
                out.append(keySeparator);
                write(out, item.getValue(), depth + 1);
                separator = itemSeparator;
            }
            newLine(out, depth);
            out.append('}');
        }

        private void writeArray(StringBuilder out, Collection<?> items, int depth) {
            if (items.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            String separator = "";
            for (Object item : items) {
                out.append(separator);
                newLine(out, depth + 1);
                write(out, item, depth + 1);
                separator = itemSeparator;
            }
            newLine(out, depth);
            out.append(']');
        }

        private void newLine(StringBuilder out, int depth) {
            if (indent >= 0) {
                out.append('\n').append(" ".repeat(indent * depth));
            }
        }
    }

    /** json.dumps turns None, bool and number keys into strings the JSON way. */
    private static String key(Object key) {
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean bool) {
            return bool ? "true" : "false";
        }
        if (key instanceof Double || key instanceof Float) {
            return floatLiteral(((Number) key).doubleValue());
        }
        return key.toString();
    }

    private static String floatLiteral(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        return PyRepr.floatRepr(value);
    }

    /** {@code json.encoder.py_encode_basestring_ascii}. */
    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
