package org.slapos.command.api;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What a command may use from its caller (CLI process or Gogo session). Provider type. */
@org.osgi.annotation.versioning.ProviderType
public interface CommandContext {
  /** Standard output: the command's result (JSON, tables...). */
  PrintStream out();

  /** Standard error: messages for the user. */
  PrintStream err();

  InputStream in();

  /** Environment variables of the caller ({@code SLAPOS_CONFIGURATION}, ...). */
  Map<String, String> environment();

  /** The caller's working directory, for relative paths. */
  Path workingDirectory();

  /** The user's home directory, for {@code ~} expansion. */
  Path homeDirectory();

  /** True with {@code --debug}: failures show their stack trace. */
  boolean debug();

  /** Console verbosity: -1 quiet (-q), 0 default, 1+ verbose (-v). */
  int verbosity();

  /** Whether standard input is an interactive terminal. */
  boolean interactive();

  /** A framework or system property (e.g. {@code slapos.configuration}). */
  Optional<String> property(String name);

  /**
   * Keeps the runtime running after this command returns, until the process is stopped (SIGTERM,
   * Ctrl-C) or the framework stops: for commands that start services ({@code proxy start}, the
   * node daemon). The services then live as long as the runtime, not as long as one command
   * component, so updating any bundle but the framework leaves them running. A command that
   * calls this configures its services, waits until they are ready, calls it and returns.
   * <p>In a Gogo session the framework already outlives the command; there it does nothing.
   */
  default void keepRuntimeRunning() {
  }
}
