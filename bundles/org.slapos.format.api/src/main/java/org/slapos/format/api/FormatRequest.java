package org.slapos.format.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to format: the options, already merged the way the original merges them (see
 * {@link #merge}), the working directory for relative paths and the dry-run switch. Immutable.
 *
 * <p>Keys are the original's option names ({@code partition_amount}, {@code interface_name},
 * {@code computer_xml}, {@code alter_user}...); values are strings, checked by the formatter.
 */
public final class FormatRequest {
  private final Map<String, String> options;
  private final Path workingDirectory;
  private final boolean dryRun;

  public FormatRequest(Map<String, String> options, Path workingDirectory, boolean dryRun) {
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(options, "options")));
    this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
    this.dryRun = dryRun;
  }

  /**
   * The original's precedence: {@code [slapformat]} first, {@code [slapos]} on top of it (a key in
   * both sections takes the {@code [slapos]} value), then the command-line options given (null
   * values mean "not given" and are skipped).
   */
  public static Map<String, String> merge(Map<String, String> slapformat, Map<String, String> slapos,
      Map<String, String> commandLine) {
    Map<String, String> merged = new LinkedHashMap<>(slapformat);
    merged.putAll(slapos);
    commandLine.forEach((key, value) -> {
      if (value != null) {
        merged.put(key, value);
      }
    });
    return merged;
  }

  public Map<String, String> options() {
    return options;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  /** Print the changes instead of making them; no state file is written. */
  public boolean dryRun() {
    return dryRun;
  }
}
