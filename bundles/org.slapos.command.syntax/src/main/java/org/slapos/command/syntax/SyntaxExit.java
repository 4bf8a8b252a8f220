package org.slapos.command.syntax;

import java.io.PrintStream;
import org.slapos.command.api.CommandContext;

/**
 * The command stops before running: help was asked for (exit 0) or the syntax is wrong (exit 2).
 * {@link #report} prints what argparse prints and returns the exit code.
 */
public final class SyntaxExit extends Exception {
  private static final long serialVersionUID = 1L;
  /** argparse's exit code for a usage error. */
  public static final int USAGE_ERROR = 2;

  private final transient ArgumentSyntax syntax;

  SyntaxExit(ArgumentSyntax syntax, String error) {
    super(error, null, false, false);
    this.syntax = syntax;
  }

  /** True when help was asked for, false for a usage error. */
  public boolean isHelp() {
    return getMessage() == null;
  }

  /**
   * Prints the help on standard output, or the usage and {@code PROG: error: MESSAGE} on standard
   * error, like argparse.
   *
   * @return the exit code: 0 for help, {@link #USAGE_ERROR} for an error
   */
  public int report(CommandContext context) {
    if (isHelp()) {
      context.out().print(syntax.help());
      context.out().flush();
      return 0;
    }
    PrintStream err = context.err();
    err.print(syntax.usage());
    err.println(syntax.prog() + ": error: " + getMessage());
    err.flush();
    return USAGE_ERROR;
  }
}
