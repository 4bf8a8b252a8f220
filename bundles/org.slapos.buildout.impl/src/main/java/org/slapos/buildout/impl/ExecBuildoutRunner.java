package org.slapos.buildout.impl;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.slapos.buildout.api.BuildoutException;
import org.slapos.buildout.api.BuildoutException.Code;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutResult;
import org.slapos.buildout.api.BuildoutRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs zc.buildout as the original node does: {@code <buildout> [-D] -U <arguments> -c <profile>} in
 * the directory, with {@code HOME} set to it, a sanitised environment, the configured umask, an empty
 * closed stdin, stdout and stderr merged and streamed line by line, as the directory's user when the
 * node runs as root, and a timeout that kills the whole process tree.
 */
final class ExecBuildoutRunner implements BuildoutRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ExecBuildoutRunner.class);
  /** The umask is set by a fixed script; values travel as positional parameters, never as code. */
  private static final String UMASK_THEN_EXEC = "umask \"$0\" && exec \"$@\"";
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REAP_TIMEOUT = Duration.ofSeconds(30);

  /** What the runner needs from its configuration and from the node's process. */
  record Settings(Path executable, Duration defaultTimeout, int tailLines, String umask, String path,
      List<String> passEnvironment, Map<String, String> nodeEnvironment, boolean nodeIsRoot) {
    Settings {
      if (!umask.matches("0?[0-7]{3}")) {
        throw new IllegalArgumentException("umask must be octal like 027: " + umask);
      }
      if (tailLines < 1) {
        throw new IllegalArgumentException("log.tail.lines must be at least 1: " + tailLines);
      }
      if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
        throw new IllegalArgumentException("timeout.seconds must be positive: " + defaultTimeout);
      }
      passEnvironment = List.copyOf(passEnvironment);
      nodeEnvironment = Map.copyOf(nodeEnvironment);
    }
  }

  /** An account from the passwd database. */
  record Account(String name, long uid, long gid) { }

  private final Settings settings;

  ExecBuildoutRunner(Settings settings) {
    this.settings = settings;
  }

  @Override
  public BuildoutResult run(BuildoutRequest request, Consumer<String> outputLine) throws BuildoutException {
    Path directory = request.directory().toAbsolutePath();
    if (!Files.isDirectory(directory)) {
      throw new BuildoutException(Code.DIRECTORY, "Buildout directory does not exist: " + directory);
    }
    Path profile = directory.resolve(request.profile());
    Path executable = (request.executable() != null ? request.executable() : settings.executable()).toAbsolutePath();
    if (!Files.isExecutable(executable)) {
      throw new BuildoutException(Code.EXECUTABLE, "Buildout executable not found or not executable: "
          + executable + " (run bin/setup-buildout or configure " + BuildoutRunner.PID + " buildout)");
    }
    Account account = settings.nodeIsRoot() ? accountFor(request, directory) : null;
    List<String> command = command(request, executable, profile, account);
    Map<String, String> environment = environment(request, directory, account);
    Duration timeout = request.timeout() != null ? request.timeout() : settings.defaultTimeout();
    return execute(directory, command, environment, timeout, outputLine);
  }

  List<String> command(BuildoutRequest request, Path executable, Path profile, Account account) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", UMASK_THEN_EXEC, settings.umask()));
    if (account != null) {
      command.addAll(List.of("setpriv", "--reuid=" + account.uid(), "--regid=" + account.gid(),
          "--init-groups", "--"));
    }
    command.add(executable.toString());
    if (request.debug()) {
      command.add("-D");
    }
    command.add("-U");
    command.addAll(request.arguments());
    command.add("-c");
    command.add(profile.toString());
    return command;
  }

  Map<String, String> environment(BuildoutRequest request, Path directory, Account account) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", settings.path());
    for (String name : settings.passEnvironment()) {
      String value = settings.nodeEnvironment().get(name);
      if (value != null) {
        environment.put(name, value);
      }
    }
    if (account != null) {
      environment.put("USER", account.name());
    } else if (settings.nodeEnvironment().containsKey("USER")) {
      environment.put("USER", settings.nodeEnvironment().get("USER"));
    }
    environment.put("HOME", directory.toString());
    environment.put("PYTHONNOUSERSITE", "true");
    environment.putAll(request.environment());
    return environment;
  }

  private Account accountFor(BuildoutRequest request, Path directory) throws BuildoutException {
    String key;
    if (request.user() != null && !request.user().isBlank()) {
      key = request.user();
    } else {
      try {
        key = String.valueOf(Files.getAttribute(directory, "unix:uid"));
      } catch (IOException | UnsupportedOperationException e) {
        throw new BuildoutException(Code.DIRECTORY, "Cannot read the owner of " + directory + ": " + e.getMessage(), e);
      }
    }
    Account account = lookUp(key);
    if (account.uid() == 0 || account.gid() == 0) {
      throw new BuildoutException(Code.UNSAFE_USER, "Dropping privileges to uid=" + account.uid() + " gid="
          + account.gid() + " (" + account.name() + ") for " + directory + " is too dangerous");
    }
    return account;
  }

  private static Account lookUp(String key) throws BuildoutException {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(new PumpStreamHandler(output));
    executor.setExitValues(null);
    DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
    try {
      executor.execute(new CommandLine("getent").addArgument("passwd").addArgument(key, false), handler);
      handler.waitFor(LOOKUP_TIMEOUT);
    } catch (IOException e) {
      throw new BuildoutException(Code.UNKNOWN_USER, "Cannot look up user " + key + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildoutException(Code.INTERRUPTED, "Interrupted while looking up user " + key, e);
    }
    String[] fields = output.toString(StandardCharsets.UTF_8).strip().split(":");
    if (!handler.hasResult() || handler.getExitValue() != 0 || fields.length < 4) {
      throw new BuildoutException(Code.UNKNOWN_USER, "Unknown user: " + key);
    }
    try {
      return new Account(fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]));
    } catch (NumberFormatException e) {
      throw new BuildoutException(Code.UNKNOWN_USER, "Unreadable passwd entry for " + key, e);
    }
  }

  private BuildoutResult execute(Path directory, List<String> command, Map<String, String> environment,
      Duration timeout, Consumer<String> outputLine) throws BuildoutException {
    CommandLine line = new CommandLine(command.get(0));
    command.subList(1, command.size()).forEach(argument -> line.addArgument(argument, false));
    Deque<String> tail = new ArrayDeque<>();
    LogOutputStream output = new LogOutputStream(0, StandardCharsets.UTF_8) {
      @Override
      protected void processLine(String text, int level) {
        LOG.info("[buildout {}] {}", directory.getFileName(), text);
        synchronized (tail) {
          tail.addLast(text);
          if (tail.size() > settings.tailLines()) {
            tail.removeFirst();
          }
        }
        try {
          outputLine.accept(text);
        } catch (RuntimeException e) {
          LOG.warn("Buildout output listener failed on a line of {}", directory, e);
        }
      }
    };
    CompletableFuture<Process> started = new CompletableFuture<>();
    DefaultExecutor executor = new DefaultExecutor() {
      @Override
      protected Process launch(CommandLine commandLine, Map<String, String> env, Path dir) throws IOException {
        Process process = super.launch(commandLine, env, dir);
        started.complete(process);
        return process;
      }

      @Override
      protected Process launch(CommandLine commandLine, Map<String, String> env, File dir) throws IOException {
        Process process = super.launch(commandLine, env, dir);
        started.complete(process);
        return process;
      }
    };
    executor.setWorkingDirectory(directory.toFile());
    // No input stream: Commons Exec closes buildout's stdin, so a prompt (or -D's debugger) sees EOF.
    executor.setStreamHandler(new PumpStreamHandler(output));
    executor.setExitValues(null);
    DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
    LOG.info("Running buildout in {}: {}", directory, command);
    long start = System.nanoTime();
    try {
      executor.execute(line, environment, handler);
    } catch (IOException e) {
      throw new BuildoutException(Code.LAUNCH, "Cannot start buildout in " + directory + ": " + e.getMessage(), e);
    }
    boolean timedOut = false;
    try {
      handler.waitFor(timeout);
      if (!handler.hasResult()) {
        timedOut = true;
        LOG.warn("Buildout in {} exceeded {} s: killing its process tree", directory, timeout.toSeconds());
        killTree(started);
        handler.waitFor(REAP_TIMEOUT);
      }
    } catch (InterruptedException e) {
      killTree(started);
      Thread.currentThread().interrupt();
      throw new BuildoutException(Code.INTERRUPTED, "Interrupted while buildout ran in " + directory
          + "; its process tree was killed", e);
    }
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    int exitCode = exitCode(handler);
    List<String> lines;
    synchronized (tail) {
      lines = List.copyOf(tail);
    }
    if (timedOut) {
      LOG.warn("Buildout in {} timed out after {} s", directory, duration.toSeconds());
    } else if (exitCode != 0) {
      LOG.warn("Buildout in {} failed with exit code {} after {} s", directory, exitCode, duration.toSeconds());
    } else {
      LOG.info("Buildout in {} finished in {} s", directory, duration.toSeconds());
    }
    return new BuildoutResult(exitCode, timedOut, duration, lines);
  }

  private static int exitCode(DefaultExecuteResultHandler handler) {
    if (!handler.hasResult()) {
      return -1;
    }
    ExecuteException failure = handler.getException();
    return failure != null ? failure.getExitValue() : handler.getExitValue();
  }

  /**
   * Kills buildout and everything it started. The descendants are listed before the root dies (they
   * are re-parented afterwards), the root is killed first so that it forks no more, then each listed
   * descendant with what it started in the meantime.
   */
  private static void killTree(CompletableFuture<Process> started) {
    Process process = started.getNow(null);
    if (process == null) {
      return;
    }
    ProcessHandle root = process.toHandle();
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroyForcibly();
    for (ProcessHandle child : descendants) {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
  }
}
