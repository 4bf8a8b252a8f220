package org.slapos.standalone;

import java.util.List;

/**
 * Builds the text of an INI file that {@code org.slapos.config.SlaposConfig} (Python
 * {@code configparser} rules) reads back: {@code key = value} lines, multi-line values as
 * indented continuation lines, comments on their own lines. A literal {@code %} is doubled, since
 * the readers interpolate {@code %(name)s}.
 */
final class IniText {
  private final StringBuilder text = new StringBuilder();

  IniText comment(String line) {
    text.append("# ").append(line).append('\n');
    return this;
  }

  IniText section(String name) {
    if (!text.isEmpty()) {
      text.append('\n');
    }
    text.append('[').append(name).append("]\n");
    return this;
  }

  IniText key(String key, Object value) {
    text.append(key).append(" = ").append(escape(String.valueOf(value))).append('\n');
    return this;
  }

  /** A key written commented out: a documented choice the user turns on by removing the {@code #}. */
  IniText commentedKey(String key, Object value) {
    text.append("# ").append(key).append(" = ").append(escape(String.valueOf(value))).append('\n');
    return this;
  }

  /** A multi-line value: one continuation line per item, as {@code shared_part_list} is written. */
  IniText lines(String key, List<String> values) {
    text.append(key).append(" =\n");
    for (String value : values) {
      text.append("  ").append(escape(value)).append('\n');
    }
    return this;
  }

  private static String escape(String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a configuration value cannot span lines: " + value);
    }
    return value.replace("%", "%%");
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
