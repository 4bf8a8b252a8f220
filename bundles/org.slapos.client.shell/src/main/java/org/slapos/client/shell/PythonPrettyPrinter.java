package org.slapos.client.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python 3.11 {@code pprint.pformat(value)} (indent 1, width 80, dicts sorted, not compact) for
 * dicts, lists, strings and scalars: {@code slapos request} logs connection parameters with it.
 */
final class PythonPrettyPrinter {
  private static final int WIDTH = 80;

  private PythonPrettyPrinter() {
  }

  static String pformat(Object value) {
    StringBuilder out = new StringBuilder();
    format(out, value, 0, 0, 0);
    return out.toString();
  }

  /** {@code PrettyPrinter._format}: the one-line repr when it fits, else the multi-line form. */
  private static void format(StringBuilder out, Object value, int indent, int allowance, int level) {
    String rep = PythonRepr.of(value);
    int maxWidth = WIDTH - indent - allowance;
    if (length(rep) > maxWidth) {
      if (value instanceof Map<?, ?> map) {
        formatDict(out, map, indent, allowance, level + 1);
        return;
      }
      if (value instanceof List<?> list) {
        formatList(out, list, indent, allowance, level + 1);
        return;
      }
      if (value instanceof String s) {
        formatString(out, s, indent, allowance, level + 1);
        return;
      }
    }
    out.append(rep);
  }

  private static void formatDict(StringBuilder out, Map<?, ?> map, int indent, int allowance, int level) {
    out.append('{');
    List<Map.Entry<?, ?>> items = PythonRepr.sortedItems(map);
    int itemIndent = indent + 1;
    int itemAllowance = allowance + 1;
    for (int i = 0; i < items.size(); i++) {
      boolean last = i == items.size() - 1;
      String key = PythonRepr.of(items.get(i).getKey());
      out.append(key).append(": ");
      format(out, items.get(i).getValue(), itemIndent + length(key) + 2, last ? itemAllowance : 1, level);
      if (!last) {
        out.append(",\n").append(" ".repeat(itemIndent));
      }
    }
    out.append('}');
  }

  private static void formatList(StringBuilder out, List<?> list, int indent, int allowance, int level) {
    out.append('[');
    int itemIndent = indent + 1;
    int itemAllowance = allowance + 1;
    for (int i = 0; i < list.size(); i++) {
      boolean last = i == list.size() - 1;
      if (i > 0) {
        out.append(",\n").append(" ".repeat(itemIndent));
      }
      format(out, list.get(i), itemIndent, last ? itemAllowance : 1, level);
    }
    out.append(']');
  }

  /** {@code PrettyPrinter._pprint_str}: splits a long string into adjacent literals at word ends. */
  private static void formatString(StringBuilder out, String s, int indent, int allowance, int level) {
    if (s.isEmpty()) {
      out.append(PythonRepr.str(s));
      return;
    }
    if (level == 1) {
      indent += 1;
      allowance += 1;
    }
    List<String> chunks = new ArrayList<>();
    List<String> lines = splitLinesKeepEnds(s);
    int maxWidth = WIDTH - indent;
    int maxWidth1 = maxWidth;
    String rep = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean lastLine = i == lines.size() - 1;
      rep = PythonRepr.str(line);
      if (lastLine) {
        maxWidth1 -= allowance;
      }
      if (length(rep) <= maxWidth1) {
        chunks.add(rep);
        continue;
      }
      List<String> parts = wordsWithTrailingSpace(line);
      int maxWidth2 = maxWidth;
      String current = "";
      for (int j = 0; j < parts.size(); j++) {
        String candidate = current + parts.get(j);
        if (j == parts.size() - 1 && lastLine) {
          maxWidth2 -= allowance;
        }
        if (length(PythonRepr.str(candidate)) > maxWidth2) {
          if (!current.isEmpty()) {
            chunks.add(PythonRepr.str(current));
          }
          current = parts.get(j);
        } else {
          current = candidate;
        }
      }
      if (!current.isEmpty()) {
        chunks.add(PythonRepr.str(current));
      }
    }
    if (chunks.size() == 1) {
      // Python writes the repr of the last line here, which is the whole string when it has one line.
      out.append(rep);
      return;
    }
    if (level == 1) {
      out.append('(');
    }
    for (int i = 0; i < chunks.size(); i++) {
      if (i > 0) {
        out.append('\n').append(" ".repeat(indent));
      }
      out.append(chunks.get(i));
    }
    if (level == 1) {
      out.append(')');
    }
  }

  /** {@code str.splitlines(True)}. */
  private static List<String> splitLinesKeepEnds(String s) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isLineBoundary(c)) {
        int end = i + 1;
        if (c == '\r' && end < s.length() && s.charAt(end) == '\n') {
          end++;
        }
        lines.add(s.substring(start, end));
        start = end;
        i = end;
      } else {
        i++;
      }
    }
    if (start < s.length()) {
      lines.add(s.substring(start));
    }
    return lines;
  }

  private static boolean isLineBoundary(char c) {
    return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e
        || c == 0x85 || c == 0x2028 || c == 0x2029;
  }

  /** {@code re.findall(r'\S*\s*', line)} without its final empty match. */
  private static List<String> wordsWithTrailingSpace(String line) {
    List<String> parts = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      int start = i;
      while (i < line.length() && !isSpace(line.codePointAt(i))) {
        i += Character.charCount(line.codePointAt(i));
      }
      while (i < line.length() && isSpace(line.codePointAt(i))) {
        i += Character.charCount(line.codePointAt(i));
      }
      parts.add(line.substring(start, i));
    }
    return parts;
  }

  /** Python's {@code str.isspace()}. */
  private static boolean isSpace(int c) {
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0
        || Character.isSpaceChar(c);
  }

  /** Python's {@code len()}: code points, not UTF-16 units. */
  private static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
