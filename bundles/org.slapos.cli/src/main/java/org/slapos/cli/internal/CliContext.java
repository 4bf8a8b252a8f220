package org.slapos.cli.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slapos.command.api.CommandContext;

/** The {@link CommandContext} of one command run, from the process or from a Gogo session. */
record CliContext(
    PrintStream out,
    PrintStream err,
    InputStream in,
    Map<String, String> environment,
    Path workingDirectory,
    Path homeDirectory,
    boolean debug,
    int verbosity,
    boolean interactive,
    Function<String, String> properties,
    Runnable keepRuntimeRunningAction) implements CommandContext {

  /** A context whose {@link #keepRuntimeRunning()} does nothing (Gogo sessions, tests). */
  CliContext(PrintStream out, PrintStream err, InputStream in, Map<String, String> environment,
      Path workingDirectory, Path homeDirectory, boolean debug, int verbosity, boolean interactive,
      Function<String, String> properties) {
    this(out, err, in, environment, workingDirectory, homeDirectory, debug, verbosity, interactive, properties,
        () -> { });
  }

  /** The context of this JVM process: its streams, environment and directories. */
  static CliContext ofProcess(boolean debug, int verbosity, Function<String, String> properties) {
    return new CliContext(System.out, System.err, System.in, System.getenv(),
        Path.of("").toAbsolutePath(), home(System.getenv()), debug, verbosity, System.console() != null, properties);
  }

  /**
   * The user's home as Python's {@code os.path.expanduser('~')} finds it: {@code $HOME} when set (the
   * JVM's {@code user.home} comes from the password database and ignores it), else {@code user.home}.
   */
  static Path home(java.util.Map<String, String> environment) {
    String home = environment.get("HOME");
    return home != null && !home.isEmpty() ? Path.of(home) : Path.of(System.getProperty("user.home"));
  }

  /** The context of this process, where {@link #keepRuntimeRunning()} runs {@code keepRuntimeRunningAction}. */
  static CliContext ofProcess(boolean debug, int verbosity, Function<String, String> properties,
      Runnable keepRuntimeRunningAction) {
    CliContext process = ofProcess(debug, verbosity, properties);
    return new CliContext(process.out, process.err, process.in, process.environment, process.workingDirectory,
        process.homeDirectory, debug, verbosity, process.interactive, properties, keepRuntimeRunningAction);
  }

  CliContext withOptions(boolean newDebug, int newVerbosity) {
    return new CliContext(out, err, in, environment, workingDirectory, homeDirectory, newDebug, newVerbosity,
        interactive, properties, keepRuntimeRunningAction);
  }

  @Override
  public void keepRuntimeRunning() {
    keepRuntimeRunningAction.run();
  }

  @Override
  public Optional<String> property(String name) {
    return Optional.ofNullable(properties.apply(name));
  }
}
