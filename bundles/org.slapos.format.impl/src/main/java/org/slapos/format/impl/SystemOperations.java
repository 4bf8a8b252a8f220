package org.slapos.format.impl;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slapos.format.api.FormatException;

/**
 * The one door through which the formatter reads and changes the operating system: external
 * commands ({@code groupadd}, {@code useradd}, {@code usermod}, {@code passwd}, {@code ip},
 * {@code sysctl}, {@code getent}) and directory creation, modes and owners. Every change is
 * logged; the dry-run implementation prints changes and makes none.
 */
interface SystemOperations {

  /** A command's exit code and its standard output and error, merged. */
  record ExecResult(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** True when changes are only printed. */
  boolean dryRun();

  /**
   * Runs a command that only reads ({@code ip -o addr show}, {@code getent passwd}); it runs in
   * dry-run too.
   *
   * @throws FormatException when the command cannot be started or times out
   */
  ExecResult query(List<String> command) throws FormatException;

  /**
   * Runs several reads and returns their outputs one after the other; implementations may run them
   * in one process ({@code ip -batch}) when they are {@code ip} commands with the same global
   * options. A read that fails makes the whole result fail.
   *
   * @throws FormatException when a command cannot be started or times out
   */
  default ExecResult queryAll(List<List<String>> commands) throws FormatException {
    StringBuilder output = new StringBuilder();
    for (List<String> command : commands) {
      ExecResult r = query(command);
      if (!r.ok()) {
        return new ExecResult(r.exitCode(), String.join(" ", command) + ": " + r.output());
      }
      output.append(r.output());
    }
    return new ExecResult(0, output.toString());
  }

  /**
   * Runs a command that changes the system. A non-zero exit is returned, not thrown: callers
   * decide (the original tolerates a failing {@code usermod}).
   *
   * @throws FormatException when the command cannot be started or times out
   */
  ExecResult change(List<String> command) throws FormatException;

  /**
   * Runs several changes in order and stops at the first that fails, whose result is returned
   * (the output names it). Implementations may run them in one process ({@code ip -batch}).
   */
  default ExecResult changeBatch(List<List<String>> commands) throws FormatException {
    for (List<String> command : commands) {
      ExecResult r = change(command);
      if (!r.ok()) {
        return new ExecResult(r.exitCode(), String.join(" ", command) + ": " + r.output());
      }
    }
    return new ExecResult(0, "");
  }

  /**
   * Runs several changes in order, all of them even when some fail (callers check the outcome by
   * reading the system); the result is non-zero when any failed, with their outputs.
   * Implementations may run them in one process ({@code ip -force -batch}).
   */
  default ExecResult changeAll(List<List<String>> commands) throws FormatException {
    int exit = 0;
    StringBuilder failures = new StringBuilder();
    for (List<String> command : commands) {
      ExecResult r = change(command);
      if (!r.ok()) {
        exit = exit == 0 ? r.exitCode() : exit;
        failures.append(String.join(" ", command)).append(": ").append(r.output().strip()).append('\n');
      }
    }
    return new ExecResult(exit, failures.toString());
  }

  /** {@code mkdir} with the given mode (the umask may narrow it; callers chmod afterwards). */
  void createDirectories(Path directory, int mode) throws FormatException;

  void setMode(Path path, int mode) throws FormatException;

  void setOwner(Path path, String user, String group) throws FormatException;

  /** The mode bits of an existing path, or -1 when it does not exist. */
  int mode(Path path) throws FormatException;

  /** Owner and group names of an existing path. */
  List<String> owner(Path path) throws FormatException;

  /** Which of the given command names can be run (found on the PATH). */
  Set<String> missingCommands(List<String> commands);

  /** Registers a listener told about each change (made or, in dry-run, printed), one line each. */
  void onChange(Consumer<String> listener);
}
