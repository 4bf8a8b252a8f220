package org.slapos.client.shell;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slapos.slap.marshal.PyRepr;

/**
 * Python 3 {@code repr()} as {@code pprint} shows values: like {@link PyRepr#repr} but with dict
 * items sorted by key, so that outputs built from it match the original command line character for
 * character. Strings and floats are written by {@link PyRepr}.
 */
final class PythonRepr {

  private PythonRepr() {
  }

  /** {@code repr(value)}; dict items are sorted by key, as {@code pprint} shows them. */
  static String of(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("None");
    } else if (value instanceof String s) {
      out.append(str(s));
    } else if (value instanceof Boolean b) {
      out.append(b ? "True" : "False");
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      out.append(PyRepr.floatRepr(((Number) value).doubleValue()));
    } else if (value instanceof Number) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> item : sortedItems(map)) {
        out.append(separator);
        append(out, item.getKey());
        out.append(": ");
        append(out, item.getValue());
        separator = ", ";
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String separator = "";
      for (Object item : list) {
        out.append(separator);
        append(out, item);
        separator = ", ";
      }
      out.append(']');
    } else {
      out.append(value);
    }
  }

  /** The items of a dict in the order pprint and {@code json.dumps(sort_keys=True)} use. */
  static List<Map.Entry<?, ?>> sortedItems(Map<?, ?> map) {
    List<Map.Entry<?, ?>> items = new ArrayList<>(map.entrySet());
    items.sort((a, b) -> PyRepr.CODE_POINT_ORDER.compare(String.valueOf(a.getKey()), String.valueOf(b.getKey())));
    return items;
  }

  /** {@code repr(str)}, from the SLAP library's Python formats. */
  static String str(String s) {
    return PyRepr.repr(s);
  }

  /** A JSON or YAML integer as Python would hold it: long when it fits, else BigInteger. */
  static Object integer(BigInteger value) {
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }
}
