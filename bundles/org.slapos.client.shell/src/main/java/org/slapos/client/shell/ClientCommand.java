package org.slapos.client.shell;

import java.util.List;
import java.util.Set;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;

/**
 * What every client command does first: parse its arguments argparse-style (usage errors and
 * {@code --help} end the command there) and, when it needs the master, open a session from the
 * client configuration named by {@code --cfg}.
 */
abstract class ClientCommand implements SlaposCommand {
  /** The option every client command has: the client configuration file. */
  static final String CFG = "--cfg";

  private final ArgumentSyntax syntax;
  private final ClientSessionFactory sessions;

  ClientCommand(ArgumentSyntax syntax, ClientSessionFactory sessions) {
    this.syntax = syntax;
    this.sessions = sessions;
  }

  /** A client command's syntax: {@code -h/--help} and {@code --cfg CFG}, then its own. */
  static ArgumentSyntax.Builder syntax(String prog, String usage, String help) {
    return ArgumentSyntax.builder(prog, usage, help).option(Arity.ONE, CFG);
  }

  @Override
  public final int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = syntax.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    return run(context, arguments);
  }

  @Override
  public Set<String> optionNames() {
    return syntax.optionNames();
  }

  /** Runs the command on parsed arguments; returns the exit code. */
  abstract int run(CommandContext context, Arguments arguments) throws Exception;

  /** Reads the client configuration and connects to the master. */
  ClientSession open(CommandContext context, Arguments arguments) throws CommandFailure {
    return sessions.open(context, arguments.value(CFG));
  }
}
