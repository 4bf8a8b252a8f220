package org.slapos.command.api;

/** An expected command failure: one line for the user and an exit code. */
public class CommandFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CommandFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CommandFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
