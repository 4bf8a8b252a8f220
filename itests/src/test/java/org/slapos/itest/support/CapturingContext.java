package org.slapos.itest.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slapos.command.api.CommandContext;

/**
 * What a command run by an in-framework test sees of its caller: captured output, no input, no
 * environment, {@code directory} as working and home directory, and the given properties.
 */
public final class CapturingContext implements CommandContext {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private final Path directory;
  private final Function<String, String> properties;

  public CapturingContext(Path directory, Function<String, String> properties) {
    this.directory = directory;
    this.properties = properties;
  }

  public String stdout() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  public String stderr() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  public String output() {
    return stdout() + stderr();
  }

  @Override
  public PrintStream out() {
    return out;
  }

  @Override
  public PrintStream err() {
    return err;
  }

  @Override
  public InputStream in() {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public Map<String, String> environment() {
    return Map.of();
  }

  @Override
  public Path workingDirectory() {
    return directory;
  }

  @Override
  public Path homeDirectory() {
    return directory;
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
