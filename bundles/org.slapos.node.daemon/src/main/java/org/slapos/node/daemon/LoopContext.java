package org.slapos.node.daemon;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slapos.command.api.CommandContext;

/** What a loop's command sees: its output goes to the loop's log, no input, the daemon's environment. */
record LoopContext(PrintStream out, PrintStream err, Map<String, String> environment, Path workingDirectory,
    Path homeDirectory, Function<String, String> properties) implements CommandContext {

  @Override
  public InputStream in() {
    return InputStream.nullInputStream();
  }

  @Override
  public boolean debug() {
    return false;
  }

  @Override
  public int verbosity() {
    return 0;
  }

  @Override
  public boolean interactive() {
    return false;
  }

  @Override
  public Optional<String> property(String name) {
    return Optional.ofNullable(properties.apply(name));
  }
}
