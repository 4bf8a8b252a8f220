package org.slapos.grid.software;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The on-disk layout of one Software Release, as the original writes it: {@code <software root>/<md5
 * of the URL>/} holding {@code buildout.cfg}, {@code extends-cache/} and, once installed and
 * reported, {@code .completed}.
 */
final class ReleaseDirectory {
  /** A release directory's name: the md5 of its URL in lower-case hex. */
  static final Pattern NAME = Pattern.compile("[0-9a-f]{32}");
  static final String COMPLETED = ".completed";
  static final String PROFILE = "buildout.cfg";
  static final String EXTENDS_CACHE = "extends-cache";
  /** A release built for sharing parts: never uploaded to the binary cache (original rule). */
  static final String SHARED_MARKER = ".shared";
  /** Python's time.asctime(): the day is padded with a space, names are English. */
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

  final String url;
  final Path path;

  ReleaseDirectory(Path softwareRoot, String url) {
    this.url = url;
    this.path = softwareRoot.resolve(md5(url));
  }

  String name() {
    return path.getFileName().toString();
  }

  static String md5(String url) {
    try {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(digest.digest(url.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by every Java runtime", e);
    }
  }

  /**
   * Refuses a URL that could change the generated profile: it is written on the {@code extends}
   * line, so a line break would let the master add buildout options of its own.
   */
  static void checkUrl(String url) throws InstallFailure {
    if (url.isBlank()) {
      throw new InstallFailure("Software Release URL is empty");
    }
    for (int i = 0; i < url.length(); i++) {
      if (Character.isISOControl(url.charAt(i))) {
        throw new InstallFailure("Software Release URL contains a control character: " + url.strip());
      }
    }
  }

  boolean exists() {
    return Files.isDirectory(path);
  }

  boolean completed() {
    return Files.exists(path.resolve(COMPLETED));
  }

  boolean shared() {
    return Files.exists(path.resolve(SHARED_MARKER));
  }

  /** Writes {@code .completed} with the time, as the original does after reporting "available". */
  void markCompleted(ZonedDateTime now) throws IOException {
    writeAtomically(path.resolve(COMPLETED), ASCTIME.format(now));
  }

  /**
   * The profile the node generates: it extends the release's URL and passes the shared part lists.
   * An existing {@code buildout.cfg} is kept, as in the original (an operator may have edited it).
   *
   * @return whether a profile was written
   */
  boolean writeProfileIfMissing(List<String> sharedPartList, List<String> buildTimePartList) throws IOException {
    Path profile = path.resolve(PROFILE);
    if (Files.exists(profile)) {
      return false;
    }
    String text = "[buildout]\n"
        + "extends = " + url + "\n"
        + "shared-part-list = " + multiLine(sharedPartList) + "\n"
        + "build-time-part-list = " + multiLine(buildTimePartList) + "\n"
        + "\n";
    writeAtomically(profile, text);
    return true;
  }

  /** The original writes with Python's ConfigParser: continuation lines start with a tab. */
  private static String multiLine(List<String> values) {
    return String.join("\n\t", values);
  }

  /** Appends a line to the generated profile unless its last line is already {@code line}. */
  void appendProfileLineOnce(String line, String sameIfStartsWith) throws IOException {
    Path profile = path.resolve(PROFILE);
    List<String> lines = Files.readAllLines(profile, StandardCharsets.UTF_8);
    String last = "";
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        last = lines.get(i);
        break;
      }
    }
    if (last.startsWith("#") && last.contains(sameIfStartsWith)) {
      return;
    }
    Files.writeString(profile, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path temporary = Files.createTempFile(target.getParent(), ".tmp-", "");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      // Readable by all, as the original writes them: partitions read the release's files.
      Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
