package org.slapos.cli.internal.client;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, indent=N[, sort_keys=True])}: items separated by {@code ","}
 * and a new line, {@code ": "} after keys, non-ASCII escaped as {@code \\uXXXX}. The client
 * commands print with it and {@code request} wraps json-in-xml parameters with it, so the bytes
 * match what the Python client prints and sends.
 */
final class PythonJson {

  private PythonJson() {
  }

  static String dumps(Object value, int indent, boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    write(out, value, indent, sortKeys, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, int indent, boolean sortKeys, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      out.append(floatLiteral(((Number) value).doubleValue()));
    } else if (value instanceof Number) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      List<Map.Entry<?, ?>> items = sortKeys ? PythonRepr.sortedItems(map) : new ArrayList<>(map.entrySet());
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> item : items) {
        out.append(separator);
        newLine(out, indent, depth + 1);
        string(out, keyString(item.getKey()));
        out.append(": ");
        write(out, item.getValue(), indent, sortKeys, depth + 1);
        separator = ",";
      }
      newLine(out, indent, depth);
      out.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      String separator = "";
      for (Object item : list) {
        out.append(separator);
        newLine(out, indent, depth + 1);
        write(out, item, indent, sortKeys, depth + 1);
        separator = ",";
      }
      newLine(out, indent, depth);
      out.append(']');
    } else {
      throw new IllegalArgumentException(
          "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
    }
  }

  private static void newLine(StringBuilder out, int indent, int depth) {
    out.append('\n').append(" ".repeat(indent * depth));
  }

  /** json.dumps turns None, bool and number keys into strings the JSON way. */
  private static String keyString(Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (key instanceof Double || key instanceof Float) {
      return floatLiteral(((Number) key).doubleValue());
    }
    return key.toString();
  }

  private static String floatLiteral(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return PythonRepr.floatRepr(d);
  }

  /** {@code json.encoder.py_encode_basestring_ascii}. */
  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
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
