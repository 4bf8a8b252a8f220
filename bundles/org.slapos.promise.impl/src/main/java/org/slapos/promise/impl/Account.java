package org.slapos.promise.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The partition's owner, whom the node (when root) runs the partition's promise scripts as.
 *
 * @param uid owner of the partition directory
 * @param gid group of the partition directory
 * @param name passwd name, or {@code null} when the uid has no passwd entry
 * @param home passwd home, or {@code null}
 */
record Account(long uid, long gid, String name, String home) {
  private static final long LOOKUP_TIMEOUT_SECONDS = 30;

  /** The owner of {@code partition}, with its passwd entry when there is one. */
  static Account ownerOf(Path partition) throws IOException {
    long uid = ((Number) Files.getAttribute(partition, "unix:uid")).longValue();
    long gid = ((Number) Files.getAttribute(partition, "unix:gid")).longValue();
    String[] entry = passwd(uid);
    return entry == null ? new Account(uid, gid, null, null) : new Account(uid, gid, entry[0], entry[5]);
  }

  /** The passwd home of {@code uid}, or {@code null} when it has no entry. */
  static String homeOf(long uid) throws IOException {
    String[] entry = passwd(uid);
    return entry == null ? null : entry[5];
  }

  /** The fields of {@code getent passwd UID}, or {@code null} when there is no entry. */
  private static String[] passwd(long uid) throws IOException {
    Process process = new ProcessBuilder("getent", "passwd", Long.toString(uid))
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("getent passwd " + uid + " did not answer in " + LOOKUP_TIMEOUT_SECONDS + " s");
      }
      String[] fields = output.split(":", -1);
      return process.exitValue() == 0 && fields.length >= 7 ? fields : null;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while looking up uid " + uid, e);
    }
  }
}
