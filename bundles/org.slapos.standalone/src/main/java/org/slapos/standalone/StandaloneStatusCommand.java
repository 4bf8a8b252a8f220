package org.slapos.standalone;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;

/**
 * {@code slapos standalone status}: whether a standalone node runs on a data directory (or a
 * {@code configure local} configuration), its master, its node supervisord. Exit 0 when the node runs,
 * 3 when it does not (the LSB status convention), so that scripts can test it.
 */
@Component(property = {
    SlaposCommand.NAME + "=standalone status",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=Tell whether a standalone SlapOS node runs."})
public final class StandaloneStatusCommand implements SlaposCommand {
  static final int EXIT_NOT_RUNNING = 3;
  static final String USAGE = "usage: slapos standalone status [-h] [--data-dir DIR] [--cfg CFG]\n";
  private static final String HELP = USAGE + """

      Tell whether a standalone SlapOS node runs (exit 0) or not (exit 3).

      options:
        -h, --help      show this help message and exit
        --data-dir DIR  data directory (default: $SLAPOS_STANDALONE_DIRECTORY or
                        ~/.slapos/standalone)
        --cfg CFG       the node of this configuration (slapos configure local)
      """;
  static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos standalone status", USAGE, HELP)
      .option(Arity.ONE, "--data-dir")
      .option(Arity.ONE, "--cfg")
      .build();

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = SYNTAX.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    StandaloneNode node = StandaloneStopCommand.locate(context, arguments);
    Optional<ProcessHandle> runtime = node.runtime();
    Optional<ProcessHandle> supervisord = node.supervisord();
    if (runtime.isPresent()) {
      context.out().println("Standalone node running (pid " + runtime.get().pid() + ") in " + node.where());
      context.out().println("Master: " + node.masterUrl());
      context.out().println("Client configuration: " + node.configurationFile());
    } else {
      context.out().println("No standalone node runs on " + node.where() + ".");
    }
    context.out().println(supervisord.map(process -> "Partitions' services: supervisord running (pid "
        + process.pid() + ")").orElse("Partitions' services: stopped"));
    return runtime.isPresent() ? 0 : EXIT_NOT_RUNNING;
  }
}
