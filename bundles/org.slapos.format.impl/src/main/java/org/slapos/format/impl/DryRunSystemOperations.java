package org.slapos.format.impl;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slapos.format.api.FormatException;

/**
 * Dry-run: reads go to the real system, changes are only reported (logged and passed to the
 * listeners, which print them) and pretend to succeed.
 */
final class DryRunSystemOperations implements SystemOperations {
  private final SystemOperations real;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  DryRunSystemOperations(SystemOperations real) {
    this.real = real;
  }

  @Override
  public boolean dryRun() {
    return true;
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  private void announce(String line) {
    org.slf4j.LoggerFactory.getLogger(DryRunSystemOperations.class).info("(dry run) {}", line);
    for (Consumer<String> listener : listeners) {
      listener.accept(line);
    }
  }

  @Override
  public ExecResult query(List<String> command) throws FormatException {
    return real.query(command);
  }

  @Override
  public ExecResult queryAll(List<List<String>> commands) throws FormatException {
    return real.queryAll(commands);
  }

  @Override
  public ExecResult change(List<String> command) {
    announce(String.join(" ", command));
    return new ExecResult(0, "");
  }

  @Override
  public void createDirectories(Path directory, int mode) {
    announce("mkdir -m " + Integer.toOctalString(mode) + " " + directory);
  }

  @Override
  public void setMode(Path path, int mode) {
    announce("chmod " + Integer.toOctalString(mode) + " " + path);
  }

  @Override
  public void setOwner(Path path, String user, String group) {
    announce("chown " + user + ":" + group + " " + path);
  }

  @Override
  public int mode(Path path) throws FormatException {
    return real.mode(path);
  }

  @Override
  public List<String> owner(Path path) throws FormatException {
    return real.owner(path);
  }

  @Override
  public Set<String> missingCommands(List<String> commands) {
    return real.missingCommands(commands);
  }
}
