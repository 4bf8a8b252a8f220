package org.slapos.promise.impl;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one promise process: in the partition directory, with a clean environment, stdin from
 * {@code /dev/null}, stdout and stderr merged, as the partition's user when the node is root
 * ({@code setpriv}, as the buildout runner does), and a timeout after which the whole process tree
 * is terminated, then killed a second later (the original: terminate, wait 1 s, kill the tree).
 */
final class ScriptProcess {
  /** How long a terminated tree gets before it is killed. */
  private static final Duration TERMINATE_GRACE = Duration.ofSeconds(1);
  /** The output kept (its end): far more than the 5000 characters a message keeps. */
  private static final int OUTPUT_LIMIT_BYTES = 1024 * 1024;

  /** How a process ended. */
  record Outcome(int exitCode, String output, boolean timedOut) { }

  private ScriptProcess() {
  }

  /** {@code command} prefixed to run as {@code account} when it is given. */
  static List<String> asUser(Account account, List<String> command) {
    if (account == null) {
      return command;
    }
    List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + account.uid(), "--regid=" + account.gid()));
    // --init-groups needs a passwd name; a bare uid gets no supplementary groups at all.
    full.add(account.name() != null ? "--init-groups" : "--clear-groups");
    full.add("--");
    full.addAll(command);
    return full;
  }

  static Outcome run(List<String> command, Path directory, Map<String, String> environment, Duration timeout)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("slapos-promise-", ".out");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(environment);
      Process process = builder.start();
      boolean timedOut = false;
      try {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
          timedOut = true;
          stopTree(process);
        }
      } catch (InterruptedException e) {
        killTree(process.toHandle());
        throw e;
      }
      return new Outcome(timedOut ? -1 : process.exitValue(), read(output), timedOut);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Terminates the tree (SIGTERM), then kills what is left after the grace period. */
  private static void stopTree(Process process) throws InterruptedException {
    ProcessHandle root = process.toHandle();
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroy();
    descendants.forEach(ProcessHandle::destroy);
    if (!process.waitFor(TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      root.destroyForcibly();
    }
    // Descendants listed before the root died (they are re-parented afterwards), with what they
    // started in the meantime.
    for (ProcessHandle child : descendants) {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
    process.waitFor(TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void killTree(ProcessHandle root) {
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroyForcibly();
    for (ProcessHandle child : descendants) {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
  }

  private static String read(Path output) throws IOException {
    try (RandomAccessFile input = new RandomAccessFile(output.toFile(), "r")) {
      long length = input.length();
      long start = Math.max(0, length - OUTPUT_LIMIT_BYTES);
      byte[] bytes = new byte[(int) (length - start)];
      input.seek(start);
      input.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
