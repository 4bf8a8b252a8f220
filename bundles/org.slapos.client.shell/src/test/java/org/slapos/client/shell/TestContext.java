package org.slapos.client.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slapos.command.api.CommandContext;

/** A command context with captured streams, its own environment and a temporary home. */
final class TestContext implements CommandContext {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
  private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
  private final Map<String, String> environment = new HashMap<>();
  private final Path home;
  private final Path workingDirectory;

  TestContext(Path home, Path workingDirectory) {
    this.home = home;
    this.workingDirectory = workingDirectory;
  }

  TestContext env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Override
  public PrintStream out() {
    return outStream;
  }

  @Override
  public PrintStream err() {
    return errStream;
  }

  @Override
  public InputStream in() {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public Path workingDirectory() {
    return workingDirectory;
  }

  @Override
  public Path homeDirectory() {
    return home;
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
    return Optional.empty();
  }
}
