package org.slapos.cli.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slapos.command.api.SlaposCommand;

/**
 * A command of the distribution: either registered in this runtime (it has a {@link CommandLease}
 * source) or only known from the build-time command index (it runs in another runtime).
 *
 * @param words the command name split into words ({@code service info} → [service, info])
 * @param group help group: client, node, cachelookup, other...
 * @param summary one help line
 * @param runtime the runtime that serves it, from the index; null for a command registered here
 * @param source gets a service object for one run; null for a command only known from the index
 */
record CommandEntry(List<String> words, String group, String summary, String runtime, CommandLease.Source source) {
  /** The group of a command that names none, as in the original. */
  static final String DEFAULT_GROUP = "other";

  /** A registered command, described by its service properties. */
  static CommandEntry of(CommandLease.Source source, Map<String, ?> properties) {
    Object name = properties.get(SlaposCommand.NAME);
    if (!(name instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("A SlaposCommand service needs a " + SlaposCommand.NAME + " property");
    }
    Object group = properties.get(SlaposCommand.GROUP);
    Object summary = properties.get(SlaposCommand.SUMMARY);
    return new CommandEntry(split(text),
        group instanceof String g && !g.isBlank() ? g : DEFAULT_GROUP,
        summary instanceof String s ? s : "",
        null,
        source);
  }

  /** Whether this runtime can run the command. */
  boolean isLive() {
    return source != null;
  }

  /**
   * Gets the command's service object for one run; close the lease afterwards.
   *
   * @throws IllegalStateException when the command runs in another runtime or went away
   */
  CommandLease lease() {
    if (source == null) {
      throw new IllegalStateException("The command '" + name() + "' runs in the " + runtime() + " runtime");
    }
    return source.lease();
  }

  String name() {
    return String.join(" ", words);
  }

  static List<String> split(String name) {
    return Arrays.asList(name.trim().split("\\s+"));
  }
}
