package org.slapos.grid.instance;

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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One partition's directory under the instance root and the control files the node keeps in it
 * (node-behavior §10): {@code .timestamp}, {@code .slapgrid/log/instance.log},
 * {@code .slapgrid-<id>-error.log}, {@code .slapos-request-transaction-<id>}, {@code software_release},
 * {@code buildout.cfg}, {@code .slapos-retention-lock-delay}.
 */
final class PartitionDirectory {
  static final String TIMESTAMP = ".timestamp";
  static final String SLAPGRID = ".slapgrid";
  static final String RESOURCE = ".slapos-resource";
  static final String SOFTWARE_RELEASE_LINK = "software_release";
  static final String PROFILE = "buildout.cfg";
  static final String RETENTION_DELAY = ".slapos-retention-lock-delay";
  /** instance.log is moved to instance.log.1 from this size on (the original's 20 MiB). */
  static final long LOG_ROTATION_SIZE = 20L * 1024 * 1024;

  final String id;
  final Path path;

  private PartitionDirectory(String id, Path path) {
    this.id = id;
    this.path = path;
  }

  /**
   * The directory of partition {@code id}: refused when the id is empty, holds a control character or
   * a {@code /}, or would name something other than a direct child of the instance root.
   */
  static PartitionDirectory of(Path instanceRoot, String id) throws DeployFailure {
    if (id == null || id.isEmpty()) {
      throw new DeployFailure("Computer Partition id is empty.");
    }
    ProfileTail.checked("partition id", id);
    Path root = instanceRoot.toAbsolutePath().normalize();
    Path path = root.resolve(id).normalize();
    if (id.indexOf('/') >= 0 || id.equals(".") || id.equals("..") || !root.equals(path.getParent())) {
      throw new DeployFailure("Refusing partition id " + id + ": it does not name a directory of " + root);
    }
    return new PartitionDirectory(id, path);
  }

  /** The release directory of {@code url}: the md5 of the URL under the software root. */
  static Path softwareDirectory(Path softwareRoot, String url) {
    try {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      return softwareRoot.toAbsolutePath().resolve(HexFormat.of().formatHex(digest.digest(url.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by every Java runtime", e);
    }
  }

  boolean exists() {
    return Files.isDirectory(path);
  }

  Path timestampFile() {
    return path.resolve(TIMESTAMP);
  }

  Path errorLog() {
    return path.resolve(".slapgrid-" + id + "-error.log");
  }

  Path transactionFile() {
    return path.resolve(".slapos-request-transaction-" + id);
  }

  Path logDirectory() {
    return path.resolve(SLAPGRID).resolve("log");
  }

  Path instanceLog() {
    return logDirectory().resolve("instance.log");
  }

  Path profile() {
    return path.resolve(PROFILE);
  }

  /**
   * Creates {@code .slapgrid/log}. The partition's user owns {@code .slapgrid}; a link it put in
   * place of either directory is removed first, so that the node (maybe root) never writes or moves
   * files outside the partition.
   */
  void prepareLogDirectory() throws IOException {
    for (Path directory : List.of(path.resolve(SLAPGRID), logDirectory())) {
      if (Files.isSymbolicLink(directory) || (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))) {
        Files.delete(directory);
      }
      if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(directory);
      }
    }
    if (Files.isSymbolicLink(instanceLog())) {
      Files.delete(instanceLog());
    }
  }

  /** Moves {@code instance.log} to {@code instance.log.1} once it reached 20 MiB. */
  void rotateInstanceLog() throws IOException {
    Path log = instanceLog();
    if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) && Files.size(log) >= LOG_ROTATION_SIZE) {
      Files.move(log, log.resolveSibling("instance.log.1"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Points {@code software_release} at the release directory; a link is replaced, anything else at
   * that name is left alone (as the original, which only logs it).
   *
   * @return false when something other than a link is in the way
   */
  boolean linkSoftwareRelease(Path softwareDirectory) throws IOException {
    Path link = path.resolve(SOFTWARE_RELEASE_LINK);
    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isSymbolicLink(link)) {
        return false;
      }
      Files.delete(link);
    }
    Files.createSymbolicLink(link, softwareDirectory);
    return true;
  }

  /** The permission bits of the directory as octal text, e.g. {@code 750}. */
  String mode() throws IOException {
    int mode = ((Number) Files.getAttribute(path, "unix:mode")).intValue() & 07777;
    return Integer.toOctalString(mode);
  }

  /**
   * Writes {@code text} to {@code file} through a temporary sibling and a rename, so that a reader never
   * sees half a file and a link planted at the name is replaced rather than followed.
   */
  static void writeAtomically(Path file, String text, String permissions) throws IOException {
    Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    try {
      Files.writeString(temporary, text);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Removes what a free partition keeps from earlier runs; returns the names left besides {@code .slapos-resource}. */
  List<String> cleanFreePartition() throws IOException {
    deleteTree(path.resolve(SLAPGRID));
    Files.deleteIfExists(timestampFile());
    List<String> left = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.equals(RESOURCE)) {
          left.add(name);
        }
      }
    }
    return left;
  }

  /**
   * Deletes {@code root} and everything below it without following links; directories left without
   * permissions are opened (0700) first, as the original retries.
   */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
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
