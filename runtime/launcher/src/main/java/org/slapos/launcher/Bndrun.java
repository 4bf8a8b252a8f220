package org.slapos.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The {@code -runbundles} of a {@code .bndrun} file, as the resolver wrote it
 * ({@code bsn;version='[1.2.3,1.2.4)',...}). bnd files are property files (continuation lines,
 * {@code :} or {@code =} separators), so {@link Properties} reads them; only the file's own
 * {@code -runbundles} is read (not one from an {@code -include}), with literal ranges: a macro or
 * one of bnd's symbolic versions ({@code latest}, {@code snapshot}, {@code file}) is refused.
 */
final class Bndrun {
  private static final String RUNBUNDLES = "-runbundles";

  /** One {@code -runbundles} clause: a symbolic name and the versions it accepts. */
  record RunBundle(String symbolicName, VersionRange versions) {
    @Override
    public String toString() {
      return symbolicName + ";version='" + versions + "'";
    }
  }

  private Bndrun() {
  }

  static List<RunBundle> runBundles(Path bndrun) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(bndrun, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    String value = properties.getProperty(RUNBUNDLES);
    if (value == null || value.isBlank()) {
      throw new IOException(bndrun + " has no " + RUNBUNDLES + " (resolve it first)");
    }
    List<String> clauses;
    try {
      clauses = split(value, ',');
    } catch (IllegalArgumentException e) {
      throw new IOException(bndrun + ": cannot read " + RUNBUNDLES + ": " + e.getMessage(), e);
    }
    List<RunBundle> bundles = new ArrayList<>();
    for (String clause : clauses) {
      if (clause.isBlank()) {
        continue;
      }
      try {
        bundles.add(parseClause(clause.trim()));
      } catch (IllegalArgumentException e) {
        throw new IOException(bndrun + ": cannot read " + RUNBUNDLES + " entry '" + clause.trim() + "': "
            + e.getMessage(), e);
      }
    }
    return bundles;
  }

  private static RunBundle parseClause(String clause) {
    if (clause.contains("${")) {
      throw new IllegalArgumentException("macros are not supported here");
    }
    List<String> parts = split(clause, ';');
    String symbolicName = parts.get(0).trim();
    if (symbolicName.isEmpty()) {
      throw new IllegalArgumentException("no symbolic name");
    }
    VersionRange versions = new VersionRange(VersionRange.LEFT_CLOSED, Version.emptyVersion,
        null, VersionRange.RIGHT_OPEN);
    for (String attribute : parts.subList(1, parts.size())) {
      int equals = attribute.indexOf('=');
      if (equals < 0 || !attribute.substring(0, equals).trim().equals("version")) {
        continue;
      }
      String range = unquote(attribute.substring(equals + 1).trim());
      versions = new VersionRange(range);
    }
    return new RunBundle(symbolicName, versions);
  }

  private static String unquote(String text) {
    if (text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"')
        && text.charAt(text.length() - 1) == text.charAt(0)) {
      return text.substring(1, text.length() - 1);
    }
    return text;
  }

  /** Splits on {@code separator} outside single or double quotes (ranges hold commas). */
  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        current.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        current.append(c);
      } else if (c == separator) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unbalanced quote in '" + text + "'");
    }
    parts.add(current.toString());
    return parts;
  }
}
