package org.slapos.cli.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

/**
 * {@code slapos help [COMMAND]}: the overview of every command of the distribution grouped like the
 * original (groups in alphabetical order, {@code other} for commands without one), or one
 * command's help.
 */
@Component(property = {
    SlaposCommand.NAME + "=help",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=print detailed help for another command"})
public class HelpCommand implements SlaposCommand {
  static final String USAGE = "usage: slapos help [-h] [cmd ...]\n";

  private final CommandRegistry registry;

  @Activate
  public HelpCommand(@Reference CommandRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("-h", "--help");
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    if (args.contains("-h") || args.contains("--help")) {
      context.out().print(USAGE + "\nprint detailed help for another command\n\npositional arguments:\n"
          + "  cmd         name of the command\n\noptions:\n  -h, --help  show this help message and exit\n");
      return 0;
    }
    if (args.isEmpty()) {
      context.out().print(overview(registry));
      return 0;
    }
    Optional<CommandEntry> found = registry.matchCatalogue(args);
    if (found.isEmpty() || found.get().words().size() != args.size()) {
      throw new CommandFailure(Application.EXIT_UNKNOWN_COMMAND, "Unknown command " + String.join(" ", args));
    }
    CommandEntry entry = found.get();
    if (!entry.isLive()) {
      context.out().println("slapos " + entry.name() + ": " + entry.summary());
      context.out().println();
      context.out().println("This command runs in the " + entry.runtime() + " runtime, which bin/slapos starts for it;");
      context.out().println("its options: slapos " + entry.name() + " --help");
      return 0;
    }
    // Every command prints its own usage for --help.
    try (CommandLease lease = entry.lease()) {
      return lease.command().run(context, List.of("--help"));
    }
  }

  @Override
  public List<String> complete(List<String> argsBeforeCursor) {
    return registry.catalogue().stream().map(CommandEntry::name).toList();
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
    // As the original: groups in alphabetical order, each group's lines sorted.
    Map<String, TreeSet<String>> groups = new TreeMap<>();
    for (CommandEntry entry : registry.catalogue()) {
      groups.computeIfAbsent(entry.group(), g -> new TreeSet<>())
          .add(String.format("  %-13s  %s\n", entry.name(), entry.summary()));
    }
    groups.forEach((group, lines) -> {
      text.append('\n').append(group).append(" commands:\n");
      lines.forEach(text::append);
    });
    return text.toString();
  }
}
