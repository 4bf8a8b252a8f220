package org.slapos.cache.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheLookup;
import org.slapos.cache.api.OsSignature;

/**
 * The text {@code slapos cache lookup} prints: the URL and md5 lines, then a table sorted by
 * system, laid out as the original's prettytable ({@code border=True, padding_width=0,
 * vrules=NONE}: dashes above and below the header and at the end, centred cells).
 */
final class LookupTable {
  static final List<String> HEADER =
      List.of("multiarch", "distribution", "version", "id", "compatible?", "verified?");

  private LookupTable() {
  }

  static List<String> render(String softwareUrl, CacheLookup lookup, OsSignature here) {
    List<String> lines = new ArrayList<>();
    lines.add("Software URL: " + softwareUrl);
    lines.add("MD5:          " + lookup.key());
    List<List<String>> rows = new ArrayList<>();
    for (CacheEntry entry : lookup.entries()) {
      OsSignature os = entry.os();
      rows.add(List.of(os.multiarch(), os.distribution(), os.version(), os.codename(),
          os.compatibleWith(here) ? "yes" : "no", entry.trusted() ? "yes" : "no"));
    }
    rows.sort(Comparator.comparing((List<String> r) -> String.join("\u0000", r)));
    int[] widths = new int[HEADER.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = HEADER.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    String rule = "-".repeat(2 + java.util.Arrays.stream(widths).map(w -> w).sum() + widths.length - 1);
    lines.add(rule);
    lines.add(row(HEADER, widths));
    lines.add(rule);
    rows.forEach(r -> lines.add(row(r, widths)));
    lines.add(rule);
    return lines;
  }

  private static String row(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder(" ");
    for (int i = 0; i < cells.size(); i++) {
      line.append(center(cells.get(i), widths[i])).append(' ');
    }
    return line.toString();
  }

  /** prettytable's centring: an odd excess goes right for odd-length text, left for even. */
  static String center(String text, int width) {
    int excess = width - text.length();
    if (excess % 2 == 0) {
      return " ".repeat(excess / 2) + text + " ".repeat(excess / 2);
    }
    if (text.length() % 2 == 1) {
      return " ".repeat(excess / 2) + text + " ".repeat(excess / 2 + 1);
    }
    return " ".repeat(excess / 2 + 1) + text + " ".repeat(excess / 2);
  }
}
