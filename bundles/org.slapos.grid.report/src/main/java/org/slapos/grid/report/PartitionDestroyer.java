package org.slapos.grid.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys one partition (node-behavior §6.1 "Destroying a partition", §5.14): retention lock,
 * {@code sbin/destroy} as the partition's user, certificates, the {@code software_release} link, the
 * {@code DATA} links into {@code instance_storage_home}, the directory emptied (it stays), the
 * supervisor files removed. Links are deleted, never followed.
 */
final class PartitionDestroyer {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionDestroyer.class);
  static final String RETENTION_DELAY = ".slapos-retention-lock-delay";
  static final String RETENTION_DATE = ".slapos-retention-lock-date";
  static final String SOFTWARE_RELEASE_LINK = "software_release";
  static final String DATA = "DATA";
  private static final long SECONDS_PER_DAY = 86400;

  private final ScriptRunner scripts;
  private final NodeSupervisor supervisor;
  private final SupervisorSettings supervision;
  private final Clock clock;
  private final boolean root;
  private final Duration timeout;
  private final Path certificateRepository;
  private final String instanceStorageHome;

  PartitionDestroyer(ScriptRunner scripts, NodeSupervisor supervisor, SupervisorSettings supervision, Clock clock,
      boolean root, Duration timeout, Path certificateRepository, String instanceStorageHome) {
    this.scripts = scripts;
    this.supervisor = supervisor;
    this.supervision = supervision;
    this.clock = clock;
    this.root = root;
    this.timeout = timeout;
    this.certificateRepository = certificateRepository;
    this.instanceStorageHome = instanceStorageHome == null ? "" : instanceStorageHome;
  }

  /**
   * Destroys the partition in {@code directory}.
   *
   * @return false when the retention lock keeps it (nothing was touched), true once it is destroyed
   * @throws ReportFailure when {@code sbin/destroy} failed or the directory cannot be emptied
   */
  boolean destroy(String id, Path directory) throws ReportFailure, IOException {
    if (retained(directory)) {
      LOG.info("Impossible to destroy partition {} yet because of retention lock.", id);
      return false;
    }
    Path destroyScript = directory.resolve("sbin").resolve("destroy");
    if (Files.exists(destroyScript, LinkOption.NOFOLLOW_LINKS)) {
      ScriptRunner.Result result = scripts.run(directory, destroyScript, List.of(), directory, timeout, root);
      if (!result.succeeded()) {
        LOG.error("sbin/destroy of {} exited with {}{}:\n{}", id, result.exitCode(),
            result.timedOut() ? " (timed out)" : "", result.output());
        throw new ReportFailure("Failed to destroy Computer Partition in '" + directory + "'.");
      }
    }
    if (certificateRepository != null) {
      Files.deleteIfExists(PartitionPath.childOf(certificateRepository, id + ".key", "key file"));
      Files.deleteIfExists(PartitionPath.childOf(certificateRepository, id + ".crt", "certificate file"));
    }
    Path release = directory.resolve(SOFTWARE_RELEASE_LINK);
    if (Files.isSymbolicLink(release)) {
      Files.delete(release);
    }
    emptyStorage(id, directory);
    emptyDirectory(directory);
    try {
      supervisor.removePartition(supervision, id);
    } catch (SupervisorException e) {
      throw new ReportFailure("Cannot remove the supervisor programs of " + id + ": " + e.getMessage(), e);
    }
    return true;
  }

  /**
   * §5.14: a missing delay file means no retention; a positive delay writes the lock date at the
   * first attempt, and destruction waits until that date.
   */
  boolean retained(Path directory) throws IOException {
    double delay = readNumber(directory.resolve(RETENTION_DELAY), -1);
    Path dateFile = directory.resolve(RETENTION_DATE);
    long now = clock.instant().getEpochSecond();
    if (delay > 0 && !Files.exists(dateFile, LinkOption.NOFOLLOW_LINKS)) {
      long date = now + (long) (delay * SECONDS_PER_DAY);
      Files.writeString(dateFile, Long.toString(date), StandardCharsets.UTF_8);
    }
    if (Files.isRegularFile(dateFile, LinkOption.NOFOLLOW_LINKS)) {
      return now < (long) readNumber(dateFile, 0);
    }
    return delay > 0;
  }

  private static double readNumber(Path file, double missing) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return missing;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + " does not hold a number: " + text.lines().findFirst().orElse(""), e);
    }
  }

  /**
   * For each entry {@code N} of {@code <partition>/DATA}: the link is removed and
   * {@code <instance_storage_home>/N/<id>} emptied.
   */
  private void emptyStorage(String id, Path directory) throws IOException, ReportFailure {
    Path data = directory.resolve(DATA);
    if (instanceStorageHome.isEmpty() || !Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path home = Path.of(instanceStorageHome).toAbsolutePath().normalize();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(data)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (Files.isSymbolicLink(entry)) {
          Files.delete(entry);
        }
        Path storage = PartitionPath.childOf(PartitionPath.childOf(home, name, "storage name"), id, "partition id");
        if (Files.isDirectory(storage, LinkOption.NOFOLLOW_LINKS)) {
          emptyDirectory(storage);
        }
      }
    }
  }

  /** Deletes everything in {@code directory}, which stays. */
  static void emptyDirectory(Path directory) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        deleteTree(entry);
      }
    }
  }

  /**
   * Deletes {@code root} and everything below it without following links; directories without
   * permissions are opened (0700) and retried, as the original does.
   */
  static void deleteTree(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(root);
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!Files.isWritable(dir) || !Files.isExecutable(dir) || !Files.isReadable(dir)) {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof AccessDeniedException && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
          deleteTree(file);
          return FileVisitResult.CONTINUE;
        }
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
