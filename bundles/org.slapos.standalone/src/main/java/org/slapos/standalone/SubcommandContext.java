package org.slapos.standalone;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slapos.command.api.CommandContext;

/**
 * The context a standalone command gives the commands it runs: the caller's, except that their
 * standard output goes to the caller's standard error (it is progress there; the standalone command's
 * own result is the only thing on standard output) and that they cannot keep the runtime running on
 * their own: the standalone command decides that once every step has succeeded.
 */
final class SubcommandContext implements CommandContext {
  private final CommandContext caller;

  SubcommandContext(CommandContext caller) {
    this.caller = caller;
  }

  @Override
  public PrintStream out() {
    return caller.err();
  }

  @Override
  public PrintStream err() {
    return caller.err();
  }

  @Override
  public InputStream in() {
    return caller.in();
  }

  @Override
  public Map<String, String> environment() {
    return caller.environment();
  }

  @Override
  public Path workingDirectory() {
    return caller.workingDirectory();
  }

  @Override
  public Path homeDirectory() {
    return caller.homeDirectory();
  }

  @Override
  public boolean debug() {
    return caller.debug();
  }

  @Override
  public int verbosity() {
    return caller.verbosity();
  }

  @Override
  public boolean interactive() {
    return caller.interactive();
  }

  @Override
  public Optional<String> property(String name) {
    return caller.property(name);
  }

  @Override
  public void keepRuntimeRunning() {
    // Deliberately nothing: a failure in a later step must still end the runtime.
  }
}
