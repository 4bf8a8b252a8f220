package org.slapos.grid.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs a partition's own executables ({@code etc/report/*}, {@code sbin/destroy}) as the partition's
 * user: through {@code setpriv} when the node runs as root (as the buildout runner does), directly
 * otherwise; with a cleaned environment ({@code PATH}, {@code USER}, {@code HOME} = the user's passwd
 * home) and a timeout. Arguments go to the process as a list: no shell sees them.
 */
class ScriptRunner {
  /** The environment's {@code PATH} when the node's own is unknown. */
  private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);
  /** Output kept for the log of a failed script. */
  private static final int OUTPUT_LIMIT = 64 * 1024;

  /** What a script did. */
  record Result(int exitCode, boolean timedOut, String output) {
    boolean succeeded() {
      return exitCode == 0 && !timedOut;
    }
  }

  /** The account owning a partition directory. */
  record Owner(String user, int uid, int gid) {
  }

  /** The effective uid is the owner of {@code /proc/self}: no native call needed. */
  boolean nodeIsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot tell whether the node runs as root: " + e.getMessage(), e);
    }
  }

  Owner ownerOf(Path path) throws IOException {
    String user = Files.getOwner(path).getName();
    int uid = ((Number) Files.getAttribute(path, "unix:uid")).intValue();
    int gid = ((Number) Files.getAttribute(path, "unix:gid")).intValue();
    return new Owner(user, uid, gid);
  }

  /**
   * Runs {@code executable arguments...} in {@code workingDirectory} as the owner of {@code partition}.
   *
   * @throws IOException when the process cannot be started at all
   */
  Result run(Path partition, Path executable, List<String> arguments, Path workingDirectory, Duration timeout,
      boolean asRoot) throws IOException {
    Owner owner = ownerOf(partition);
    List<String> command = new ArrayList<>();
    if (asRoot) {
      if (owner.uid() == 0) {
        throw new IOException("Refusing to run " + executable + " as root: " + partition + " belongs to root");
      }
      command.addAll(List.of("setpriv", "--reuid=" + owner.uid(), "--regid=" + owner.gid(), "--init-groups", "--"));
    }
    command.add(executable.toString());
    command.addAll(arguments);
    CommandLine line = new CommandLine(command.get(0));
    for (String argument : command.subList(1, command.size())) {
      line.addArgument(argument, false);
    }
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", Optional.ofNullable(System.getenv("PATH")).orElse(DEFAULT_PATH));
    environment.put("USER", owner.user());
    environment.put("HOME", home(owner.user()).orElse(partition).toString());
    BoundedOutput output = new BoundedOutput();
    DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(workingDirectory.toFile()).get();
    executor.setStreamHandler(new PumpStreamHandler(output));
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
    executor.setWatchdog(watchdog);
    executor.setExitValues(null);
    int exit;
    try {
      exit = executor.execute(line, environment);
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    }
    return new Result(exit, watchdog.killedProcess(), output.text());
  }

  /** The home directory of {@code user}, from the account database ({@code getent passwd}). */
  Optional<Path> home(String user) throws IOException {
    if (user.equals(System.getProperty("user.name"))) {
      return Optional.of(Path.of(System.getProperty("user.home")));
    }
    CommandLine command = new CommandLine("getent").addArgument("passwd").addArgument(user, false);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(new PumpStreamHandler(output, ByteArrayOutputStream.nullOutputStream()));
    executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(LOOKUP_TIMEOUT).get());
    try {
      executor.execute(command);
    } catch (ExecuteException e) {
      return Optional.empty();
    }
    String[] fields = output.toString(StandardCharsets.UTF_8).strip().split(":");
    return fields.length >= 6 && !fields[5].isEmpty() ? Optional.of(Path.of(fields[5])) : Optional.empty();
  }

  /** Keeps the first {@value #OUTPUT_LIMIT} bytes of a script's output: a chatty script cannot fill the heap. */
  private static final class BoundedOutput extends java.io.OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (kept.size() < OUTPUT_LIMIT) {
        kept.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      int room = OUTPUT_LIMIT - kept.size();
      if (room > 0) {
        kept.write(bytes, offset, Math.min(room, length));
      }
    }

    synchronized String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }
  }
}
