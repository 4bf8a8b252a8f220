package org.slapos.cli.internal.client;

import java.util.List;
import org.slapos.cli.internal.client.ArgumentSyntax.Arguments;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

/**
 * What every client command does first: parse its arguments argparse-style (usage errors and
 * {@code --help} end the command there) and, when it needs the master, open a session from the
 * client configuration named by {@code --cfg}.
 */
abstract class ClientCommand implements SlaposCommand {
  private final ArgumentSyntax syntax;
  private final ClientSessionFactory sessions;

  ClientCommand(ArgumentSyntax syntax, ClientSessionFactory sessions) {
    this.syntax = syntax;
    this.sessions = sessions;
  }

  @Override
  public final int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = syntax.parse(args);
    } catch (ArgumentSyntax.Exit exit) {
      return exit.report(context);
    }
    return run(context, arguments);
  }

  /** Runs the command on parsed arguments; returns the exit code. */
  abstract int run(CommandContext context, Arguments arguments) throws Exception;

  /** Reads the client configuration and connects to the master. */
  ClientSession open(CommandContext context, Arguments arguments) throws CommandFailure {
    return sessions.open(context, arguments.cfg());
  }
}
