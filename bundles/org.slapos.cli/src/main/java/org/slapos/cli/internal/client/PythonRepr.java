package org.slapos.cli.internal.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Python 3 {@code repr()} of the values a SLAP client handles (str, int, float, bool, None, list,
 * dict), so that outputs built from it match the original command line character for character.
 */
final class PythonRepr {

  /** Python compares str keys by code point, Java's String.compareTo by UTF-16 unit. */
  static final Comparator<String> CODE_POINT_ORDER = PythonRepr::compareCodePoints;

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
      out.append(floatRepr(((Number) value).doubleValue()));
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
    items.sort((a, b) -> compareCodePoints(String.valueOf(a.getKey()), String.valueOf(b.getKey())));
    return items;
  }

  /** {@code repr(str)}: single quotes unless the text has a single quote and no double quote. */
  static String str(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
    s.codePoints().forEach(c -> {
      if (c == quote || c == '\\') {
        out.append('\\').appendCodePoint(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else if (c < 0x7f || isPrintable(c)) {
        out.appendCodePoint(c);
      } else if (c < 0x100) {
        out.append(String.format("\\x%02x", c));
      } else if (c < 0x10000) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append(String.format("\\U%08x", c));
      }
    });
    return out.append(quote).toString();
  }

  /** Python's {@code str.isprintable()} for one non-ASCII code point. */
  private static boolean isPrintable(int c) {
    switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR:
        return false;
      default:
        return true;
    }
  }

  /**
   * {@code repr(float)}: the shortest decimal that reads back as the same double, in plain notation
   * when its exponent is in [-4, 16), else as {@code 1e+16} / {@code 1.5e-05}.
   */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortestDecimal(d).stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    StringBuilder out = new StringBuilder();
    if (d < 0) {
      out.append('-');
    }
    if (exponent >= -4 && exponent < 16) {
      if (exponent >= 0) {
        String padded = digits.length() > exponent ? digits : digits + "0".repeat(exponent + 1 - digits.length());
        String integer = padded.substring(0, exponent + 1);
        String fraction = padded.substring(exponent + 1);
        out.append(integer).append('.').append(fraction.isEmpty() ? "0" : fraction);
      } else {
        out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
      }
    } else {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      int magnitude = Math.abs(exponent);
      out.append(magnitude < 10 ? "0" : "").append(magnitude);
    }
    return out.toString();
  }

  /** JDK 17's Double.toString is not always the shortest round-trip form, so search for it. */
  private static BigDecimal shortestDecimal(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision < 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == d) {
        return candidate;
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }

  /** A JSON or YAML integer as Python would hold it: long when it fits, else BigInteger. */
  static Object integer(BigInteger value) {
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
