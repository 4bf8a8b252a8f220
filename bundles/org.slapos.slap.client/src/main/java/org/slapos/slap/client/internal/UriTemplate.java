package org.slapos.slap.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slapos.slap.marshal.PyRepr;

/**
 * RFC 6570 expansion as the Python {@code uritemplate.expand} used by slapos' HATEOAS navigator does
 * it: level 1 ({@code {var}}) as slapproxy's links use, and the operators of levels 2 to 4
 * ({@code {&query,select_list*}} ...) that the real Master's links use. Values are percent-encoded
 * like urllib's {@code quote} (unreserved characters kept, UTF-8); lists are joined with ','.
 */
final class UriTemplate {

  private static final String RESERVED = ":/?#[]@!$&'()*+,;=";

  private UriTemplate() {
  }

  static String expand(String template, Map<String, ?> variables) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    int position = 0;
    while (position < template.length()) {
      int open = template.indexOf('{', position);
      if (open < 0) {
        out.append(template, position, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        out.append(template, position, template.length());
        break;
      }
      out.append(template, position, open);
      out.append(expression(template.substring(open + 1, close), variables));
      position = close + 1;
    }
    return out.toString();
  }

  private static String expression(String expression, Map<String, ?> variables) {
    char operator = expression.isEmpty() ? 0 : expression.charAt(0);
    String list = expression;
    if ("+#./;?&|!@".indexOf(operator) >= 0 && operator != 0) {
      list = expression.substring(1);
    } else {
      operator = 0;
    }
    String start;
    String join;
    switch (operator) {
      case '+': start = ""; join = ","; break;
      case '#': start = "#"; join = ","; break;
      case '?': start = "?"; join = "&"; break;
      case 0: start = ""; join = ","; break;
      default: start = String.valueOf(operator); join = start; break;
    }
    String safe = operator == '+' || operator == '#' ? RESERVED : "";
    List<String> parts = new ArrayList<>();
    for (String spec : list.split(",")) {
      String name = spec;
      String defaultValue = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        defaultValue = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      boolean explode = name.endsWith("*");
      if (explode) {
        name = name.substring(0, name.length() - 1);
      }
      Integer prefix = null;
      int colon = name.indexOf(':');
      if (colon >= 0) {
        try {
          prefix = Integer.valueOf(name.substring(colon + 1));
        } catch (NumberFormatException e) {
          prefix = null;
        }
        name = name.substring(0, colon);
      }
      Object value = variables.get(name);
      if (value == null && defaultValue != null && !defaultValue.isEmpty()) {
        value = defaultValue;
      }
      if (value == null) {
        continue;
      }
      String expanded;
      switch (operator) {
        case '?':
        case '&':
          expanded = query(name, value, explode, prefix, join, safe);
          break;
        case '/':
        case '.':
          expanded = labelOrPath(value, explode, prefix, join, safe);
          break;
        case ';':
          expanded = semicolon(name, value, explode, prefix, join, safe);
          break;
        default:
          expanded = simple(value, explode, prefix, safe);
          break;
      }
      if (expanded != null) {
        parts.add(expanded);
      }
    }
    return parts.isEmpty() ? "" : start + String.join(join, parts);
  }

  private static String simple(Object value, boolean explode, Integer prefix, String safe) {
    if (value instanceof Collection<?> items) {
      return joinItems(items, ",", safe);
    }
    if (value instanceof Map<?, ?> map) {
      return joinPairs(map, explode ? "=" : ",", ",", safe);
    }
    return quote(truncate(text(value), prefix), safe);
  }

  private static String query(String name, Object value, boolean explode, Integer prefix, String join, String safe) {
    if (isEmptyContainer(value)) {
      return null;
    }
    if (value instanceof Collection<?> items) {
      if (explode) {
        List<String> pairs = new ArrayList<>();
        for (Object item : items) {
          pairs.add(name + "=" + quote(text(item), safe));
        }
        return String.join(join, pairs);
      }
      return name + "=" + joinItems(items, ",", safe);
    }
    if (value instanceof Map<?, ?> map) {
      return explode ? joinPairs(map, "=", join, safe) : name + "=" + joinPairs(map, ",", ",", safe);
    }
    String text = text(value);
    return text.isEmpty() ? name + "=" : name + "=" + quote(truncate(text, prefix), safe);
  }

  private static String labelOrPath(Object value, boolean explode, Integer prefix, String join, String safe) {
    if (isEmptyContainer(value)) {
      return null;
    }
    if (value instanceof Collection<?> items) {
      String joined = joinItems(items, explode ? join : ",", safe);
      return joined.isEmpty() ? null : joined;
    }
    if (value instanceof Map<?, ?> map) {
      String joined = explode ? joinPairs(map, "=", join, safe) : joinPairs(map, ",", ",", safe);
      return joined.isEmpty() ? null : joined;
    }
    return quote(truncate(text(value), prefix), safe);
  }

  private static String semicolon(String name, Object value, boolean explode, Integer prefix, String join, String safe) {
    if (value instanceof Collection<?> items) {
      if (explode) {
        List<String> pairs = new ArrayList<>();
        for (Object item : items) {
          if (item != null) {
            pairs.add(name + "=" + quote(text(item), safe));
          }
        }
        return pairs.isEmpty() ? null : String.join(join, pairs);
      }
      return name + "=" + joinItems(items, ",", safe);
    }
    if (value instanceof Map<?, ?> map) {
      return explode ? joinPairs(map, "=", join, safe) : name + "=" + joinPairs(map, ",", ",", safe);
    }
    String text = truncate(text(value), prefix);
    return text.isEmpty() ? name : name + "=" + quote(text, safe);
  }

  private static boolean isEmptyContainer(Object value) {
    return (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty());
  }

  private static String joinItems(Collection<?> items, String separator, String safe) {
    List<String> quoted = new ArrayList<>(items.size());
    for (Object item : items) {
      quoted.add(quote(text(item), safe));
    }
    return String.join(separator, quoted);
  }

  /** Dict items are sorted by key, as uritemplate does. */
  private static String joinPairs(Map<?, ?> map, String pairSeparator, String separator, String safe) {
    Map<String, Object> sorted = new TreeMap<>();
    map.forEach((k, v) -> sorted.put(text(k), v));
    List<String> pairs = new ArrayList<>();
    sorted.forEach((k, v) -> pairs.add(quote(k, safe) + pairSeparator + quote(text(v), safe)));
    return String.join(separator, pairs);
  }

  /** Python str() of a scalar. */
  private static String text(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Double d) {
      return PyRepr.floatRepr(d);
    }
    return value.toString();
  }

  private static String truncate(String text, Integer prefix) {
    if (prefix == null || prefix <= 0 || text.codePointCount(0, text.length()) <= prefix) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, prefix));
  }

  private static String quote(String text, String safe) {
    return Form.quote(text, false, safe);
  }
}
