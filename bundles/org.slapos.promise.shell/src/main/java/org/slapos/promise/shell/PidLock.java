package org.slapos.promise.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The slapgrid pid file (node-behavior §7.3): a file naming the running command's process. A file
 * naming a live process whose command line mentions {@code slapos} means another run is going on;
 * anything else is stale and overwritten. Kept private to this bundle until node.shell offers one.
 */
final class PidLock implements AutoCloseable {
  /** Exit code of a command that found the lock taken. */
  static final int LOCKED = 10;

  private final Path file;

  private PidLock(Path file) {
    this.file = file;
  }

  /** Why the lock cannot be taken: another slapos process holds it. */
  static final class Taken extends Exception {
    private static final long serialVersionUID = 1L;

    Taken(long pid) {
      super("New slapos process started, but another slapos process is aleady running with pid " + pid
          + ", exiting.");
    }
  }

  /**
   * Takes the lock.
   *
   * @param stale told when a stale file is overwritten
   */
  static PidLock acquire(Path file, java.util.function.Consumer<String> stale) throws IOException, Taken {
    long self = ProcessHandle.current().pid();
    if (Files.exists(file)) {
      Optional<Long> pid = readPid(file);
      if (pid.isPresent() && pid.get() != self && isSlapos(pid.get())) {
        throw new Taken(pid.get());
      }
      stale.accept("Existing pid file '" + file + "' was stale, overwritten");
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, Long.toString(self), StandardCharsets.US_ASCII);
    return new PidLock(file);
  }

  private static Optional<Long> readPid(Path file) {
    try {
      String first = Files.readString(file, StandardCharsets.US_ASCII).strip().split("\\R", 2)[0];
      return Optional.of(Long.parseLong(first.strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isSlapos(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .flatMap(process -> process.info().commandLine().or(() -> process.info().command()))
        .map(commandLine -> commandLine.contains("slapos")).orElse(false);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The next run finds a stale file and overwrites it.
    }
  }
}
