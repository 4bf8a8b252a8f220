package org.slapos.cli.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slapos.command.api.SlaposCommand;

/**
 * A registered command with its service properties.
 *
 * @param words the command name split into words ({@code service info} → [service, info])
 * @param group help group: client, node, other...
 * @param summary one help line
 * @param service gets the service when the command runs (commands are activated only when used)
 */
record CommandEntry(List<String> words, String group, String summary, Supplier<SlaposCommand> service) {

  static CommandEntry of(Supplier<SlaposCommand> service, Map<String, ?> properties) {
    Object name = properties.get(SlaposCommand.NAME);
    if (!(name instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("A SlaposCommand service needs a " + SlaposCommand.NAME + " property");
    }
    Object group = properties.get(SlaposCommand.GROUP);
    Object summary = properties.get(SlaposCommand.SUMMARY);
    return new CommandEntry(List.of(text.trim().split("\\s+")),
        group instanceof String g ? g : "other",
        summary instanceof String s ? s : "",
        service);
  }

  /** The command service; fails if it went away since it was listed. */
  SlaposCommand command() {
    SlaposCommand command = service.get();
    if (command == null) {
      throw new IllegalStateException("The command '" + name() + "' is no longer available");
    }
    return command;
  }

  String name() {
    return String.join(" ", words);
  }

  static List<String> split(String name) {
    return Arrays.asList(name.trim().split("\\s+"));
  }
}
