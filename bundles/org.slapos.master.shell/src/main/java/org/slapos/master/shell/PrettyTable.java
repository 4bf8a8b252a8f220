package org.slapos.master.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * The tables of {@code slapos proxy show}, drawn as Python's prettytable draws them with
 * {@code get_string(border=True, padding_width=0, vrules=NONE)}: a dashed rule above and below the
 * header and at the bottom, cells centred, one space between columns.
 */
final class PrettyTable {
  private PrettyTable() {
  }

  /** The lines of the table; {@code cells} are already text ({@code -} for NULL). */
  static List<String> lines(List<String> header, List<List<String>> rows) {
    int columns = header.size();
    int[] widths = new int[columns];
    for (int i = 0; i < columns; i++) {
      widths[i] = width(header.get(i));
    }
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        for (String line : row.get(i).split("\n", -1)) {
          widths[i] = Math.max(widths[i], width(line));
        }
      }
    }
    StringBuilder rule = new StringBuilder("-");
    for (int w : widths) {
      rule.append("-".repeat(w + 1));
    }
    List<String> lines = new ArrayList<>();
    lines.add(rule.toString());
    lines.add(line(header, widths));
    lines.add(rule.toString());
    for (List<String> row : rows) {
      List<String[]> cells = new ArrayList<>();
      int height = 1;
      for (String cell : row) {
        String[] split = cell.split("\n", -1);
        cells.add(split);
        height = Math.max(height, split.length);
      }
      for (int y = 0; y < height; y++) {
        List<String> parts = new ArrayList<>();
        for (String[] cell : cells) {
          parts.add(y < cell.length ? cell[y] : "");
        }
        lines.add(line(parts, widths));
      }
    }
    lines.add(rule.toString());
    return lines;
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder out = new StringBuilder(" ");
    for (int i = 0; i < widths.length; i++) {
      out.append(center(cells.get(i), widths[i])).append(' ');
    }
    return out.toString();
  }

  /** prettytable's centring, which is {@code str.center}'s: the odd space goes right for odd-length text. */
  static String center(String text, int width) {
    int length = width(text);
    int excess = width - length;
    if (excess <= 0) {
      return text;
    }
    int left = excess / 2;
    int right = excess / 2;
    if (excess % 2 != 0) {
      if (length % 2 != 0) {
        right++;
      } else {
        left++;
      }
    }
    return " ".repeat(left) + text + " ".repeat(right);
  }

  static int width(String text) {
    return text.codePointCount(0, text.length());
  }
}
