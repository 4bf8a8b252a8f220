package org.slapos.cli.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

/** {@code slapos help [COMMAND]}: the overview grouped like the original, or one command's help. */
@Component(property = {
    SlaposCommand.NAME + "=help",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=print detailed help for another command"})
public class HelpCommand implements SlaposCommand {
  private static final List<String> GROUP_ORDER = List.of("client", "node", "cache", "other");

  private final CommandRegistry registry;

  @Activate
  public HelpCommand(@Reference CommandRegistry registry) {
    this.registry = registry;
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    if (args.isEmpty()) {
      context.out().print(overview(registry));
      return 0;
    }
    Optional<CommandEntry> entry = registry.match(args);
    if (entry.isEmpty() || entry.get().words().size() != args.size()) {
      throw new CommandFailure(Application.EXIT_UNKNOWN_COMMAND,
          "Unknown command " + String.join(" ", args));
    }
    // Every command prints its own usage for --help.
    return entry.get().command().run(context, List.of("--help"));
  }

  @Override
  public List<String> complete(List<String> argsBeforeCursor) {
    return registry.all().stream().map(CommandEntry::name).toList();
  }

  static String overview(CommandRegistry registry) {
    StringBuilder text = new StringBuilder();
    text.append("usage: slapos [--version] [-v | -q] [--debug] [--log-file LOG_FILE]\n")
        .append("              [--log-color] [--log-time] [-h]\n\n")
        .append(Application.VERSION).append("\n\n")
        .append("optional arguments:\n")
        .append("  --version             show program's version number and exit\n")
        .append("  -v, --verbose         Increase verbosity of output. Can be repeated.\n")
        .append("  -q, --quiet           Suppress output except warnings and errors.\n")
        .append("  --debug               Show tracebacks on errors.\n")
        .append("  --log-file LOG_FILE, --logfile LOG_FILE, --log_file LOG_FILE\n")
        .append("                        Specify a file to log output (default: console only)\n")
        .append("  --log-color           Colored log output in console (stripped if redirected)\n")
        .append("  --log-time            Include timestamp in console log\n")
        .append("  -h, --help            show this help message and exit\n");
    Map<String, Map<String, String>> groups = new TreeMap<>((a, b) -> Integer.compare(rank(a), rank(b)) != 0
        ? Integer.compare(rank(a), rank(b)) : a.compareTo(b));
    for (CommandEntry entry : registry.all()) {
      groups.computeIfAbsent(entry.group(), g -> new LinkedHashMap<>()).put(entry.name(), entry.summary());
    }
    int width = registry.all().stream().mapToInt(e -> e.name().length()).max().orElse(10);
    groups.forEach((group, commands) -> {
      text.append('\n').append(group).append(" commands:\n");
      commands.forEach((name, summary) -> text.append("  ")
          .append(String.format("%-" + width + "s", name)).append("  ").append(summary).append('\n'));
    });
    return text.toString();
  }

  private static int rank(String group) {
    int index = GROUP_ORDER.indexOf(group);
    return index < 0 ? GROUP_ORDER.size() : index;
  }
}
