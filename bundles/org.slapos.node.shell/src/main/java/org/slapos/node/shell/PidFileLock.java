package org.slapos.node.shell;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slapos.command.api.CommandFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slapgrid run lock (node-behavior §7.3): a file holding the pid of the run. A file that
 * names a live process whose command line contains {@code slapos} means another run is going on:
 * the new one stops with exit code 10. Anything else (dead process, other program, unreadable
 * content) is stale and replaced. The file is deleted by {@link #close()}, only while it still
 * holds this run's pid.
 *
 * <p><b>Atomic creation.</b> The pid is written to a temporary file in the same directory, which
 * is then hard-linked to the lock's name: the link fails when the name exists, and the lock never
 * exists without its content. ({@code Files.createFile} then a write would leave an instant where
 * a concurrent run reads an empty file, judges it stale and takes the lock too.) A stale file is
 * deleted under an OS lock ({@code flock}/{@code fcntl}) on a guard file next to it,
 * {@code .NAME.takeover}, after being judged again: without that, a run that judged the old file
 * stale could delete the lock another run has just linked in its place. The empty guard file is
 * left in place (deleting it would let two runs lock two different files).
 *
 * <p>The pid of this JVM in the file always counts as held: in a Gogo session, two commands of the
 * same process share that pid, and a file left by a crash cannot hold the pid of a live JVM
 * other than by pid reuse.
 */
final class PidFileLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PidFileLock.class);
  /** Exit code of a run that finds the lock held: the original's {@code sys.exit(10)}. */
  static final int EXIT_LOCKED = 10;
  /** Attempts before giving up when other runs keep changing the file under us. */
  private static final int ATTEMPTS = 20;

  private final Path file;
  private final long pid;

  private PidFileLock(Path file, long pid) {
    this.file = file;
    this.pid = pid;
  }

  /**
   * Takes the lock for this process.
   *
   * @param notices receives the user-visible notice about a stale file
   * @throws CommandFailure exit 10 when a live slapos process holds it, exit 1 when the file cannot
   *     be written
   */
  static PidFileLock acquire(Path file, Consumer<String> notices) throws CommandFailure {
    return acquire(file, ProcessHandle.current().pid(), notices);
  }

  static PidFileLock acquire(Path file, long pid, Consumer<String> notices) throws CommandFailure {
    Objects.requireNonNull(notices, "notices");
    Path lock = file.toAbsolutePath().normalize();
    Path directory = lock.getParent();
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = Files.createTempFile(directory, "." + lock.getFileName() + ".", ".new");
      Files.writeString(temporary, Long.toString(pid), StandardCharsets.US_ASCII);
      if (Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
        // createTempFile makes it 0600; the original's open(pidfile, 'w') leaves it readable by all,
        // which unprivileged slapos commands and monitoring need to check the lock.
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
      }
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          Files.createLink(lock, temporary);
          LOG.debug("Lock {} taken by pid {}", lock, pid);
          return new PidFileLock(lock, pid);
        } catch (FileAlreadyExistsException exists) {
          replaceIfStale(lock, pid, directory, notices);
        }
      }
      throw new CommandFailure(1, "slapgrid could not take the pid file " + lock
          + ": other runs kept changing it");
    } catch (IOException | UnsupportedOperationException e) {
      throw new CommandFailure(1, "slapgrid could not write pidfile " + lock + ": " + e, e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException e) {
          LOG.warn("Could not delete the temporary file {}", temporary, e);
        }
      }
    }
  }

  /**
   * Deletes the lock file if it is stale; returns normally when the caller should try to link
   * again. Removing a stale file is the one step where two starting runs could hurt each other
   * (one removes the lock the other has just taken), so removals are serialized by an OS lock on
   * a guard file next to the lock, taken by one thread of this JVM at a time, and the file is judged
   * again under it. The OS releases the guard when a process dies, so a crash leaves nothing held.
   */
  private static void replaceIfStale(Path lock, long pid, Path directory, Consumer<String> notices)
      throws IOException, CommandFailure {
    checkHolder(lock, pid);
    Path guard = directory.resolve("." + lock.getFileName() + ".takeover");
    synchronized (PidFileLock.class) {
      try (FileChannel channel = FileChannel.open(guard, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = channel.lock()) {
        if (checkHolder(lock, pid) && Files.deleteIfExists(lock)) {
          notices.accept("Existing pid file '" + lock + "' was stale, overwritten");
        }
      }
    }
  }

  /**
   * @return true when the lock file exists and is stale, false when it is gone
   * @throws CommandFailure exit 10 when a live slapos process (or this JVM) holds it
   */
  private static boolean checkHolder(Path lock, long pid) throws IOException, CommandFailure {
    String content;
    try {
      content = Files.readString(lock, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException gone) {
      return false;
    }
    OptionalLong holder = parsePid(content);
    if (holder.isPresent() && (holder.getAsLong() == pid || isLiveSlapos(holder.getAsLong()))) {
      throw new CommandFailure(EXIT_LOCKED, "New slapos process started, but another slapos process is aleady"
          + " running with pid " + holder.getAsLong() + ", exiting.");
    }
    return true;
  }

  /** Python's {@code int(f.readline())}: the first line, surrounding whitespace allowed. */
  static OptionalLong parsePid(String content) {
    int newline = content.indexOf('\n');
    String line = (newline < 0 ? content : content.substring(0, newline)).strip();
    if (!line.matches("\\+?[0-9]{1,18}")) {
      return OptionalLong.empty();
    }
    long value = Long.parseLong(line.startsWith("+") ? line.substring(1) : line);
    return value == 0 ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /** Whether {@code pid} is alive and its command line mentions slapos; unreadable counts as not. */
  static boolean isLiveSlapos(long pid) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    try {
      byte[] commandLine = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(commandLine, StandardCharsets.ISO_8859_1).contains("slapos");
    } catch (IOException e) {
      LOG.info("Error getting information about process with pid {}", pid, e);
      return false;
    }
  }

  /** The lock file. */
  Path file() {
    return file;
  }

  /** Deletes the file if it still holds this run's pid. */
  @Override
  public void close() {
    try {
      String content = Files.readString(file, StandardCharsets.ISO_8859_1);
      OptionalLong holder = parsePid(content);
      if (holder.isPresent() && holder.getAsLong() == pid) {
        Files.delete(file);
      } else {
        LOG.warn("Pid file {} no longer holds pid {}: left in place", file, pid);
      }
    } catch (NoSuchFileException gone) {
      LOG.warn("Pid file {} was already deleted", file);
    } catch (IOException e) {
      LOG.warn("Could not delete pid file {}", file, e);
    }
  }
}
