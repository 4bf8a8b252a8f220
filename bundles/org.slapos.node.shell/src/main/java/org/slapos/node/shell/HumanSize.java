package org.slapos.node.shell;

import java.util.List;

/**
 * Sizes written for humans ({@code software_min_free_space = 1000M}), read as the original's
 * {@code slapos.human.human2bytes} reads them: a decimal number (digits and dots) followed,
 * after optional spaces, by a unit of one of five 1024-based sets, tried in this order:
 * {@code B K M G T P E Z Y}, {@code "" KB MB GB ...}, {@code byte kilo mega giga tera peta exa
 * zetta iotta}, {@code Bi Ki Mi Gi ...}, {@code byte kibi mebi gibi ...}; plus {@code k} for
 * {@code K}. Units are case-sensitive ({@code m} is not a unit) and the product is truncated
 * towards zero ({@code 0.5kilo} = 512).
 */
final class HumanSize {
  /** The unit sets, each from 1 (index 0) to 1024^8. */
  private static final List<List<String>> UNIT_SETS = List.of(
      List.of("B", "K", "M", "G", "T", "P", "E", "Z", "Y"),
      List.of("", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"),
      List.of("byte", "kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "iotta"),
      List.of("Bi", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"),
      List.of("byte", "kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"));

  private HumanSize() {
  }

  /**
   * The number of bytes {@code text} means.
   *
   * @throws IllegalArgumentException with a one-line message for anything else, or for a size
   *     beyond {@link Long#MAX_VALUE} bytes
   */
  static long parse(String text) {
    int end = 0;
    while (end < text.length() && (Character.isDigit(text.charAt(end)) && text.charAt(end) < 128
        || text.charAt(end) == '.')) {
      end++;
    }
    String number = text.substring(0, end);
    String unit = text.substring(end).strip();
    double value;
    try {
      // Python's float() takes "1.", ".5" and "1" as Java does; "" and "1.2.3" fail in both.
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("can't interpret '" + text + "' as a size");
    }
    int exponent = -1;
    for (List<String> set : UNIT_SETS) {
      exponent = set.indexOf(unit);
      if (exponent >= 0) {
        break;
      }
    }
    if (exponent < 0 && unit.equals("k")) {
      exponent = 1;
    }
    if (exponent < 0) {
      throw new IllegalArgumentException("can't interpret '" + text + "' as a size");
    }
    double bytes = value * Math.pow(1024, exponent);
    if (bytes >= 0x1p63) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return (long) bytes;
  }
}
