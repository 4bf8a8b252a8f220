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
    return new Lookup(0).ownerOf(partition);
  }

  /**
   * Owner lookups that remember passwd entries for a while: a promise pass over many partitions
   * would otherwise start a {@code getent} process per partition, even when no promise is due.
   */
  static final class Lookup {
    private record Entry(String[] fields, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final java.util.Map<Long, Entry> entries = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param ttlSeconds how long an entry is trusted; 0 looks up every time */
    Lookup(long ttlSeconds) {
      this.ttlNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(ttlSeconds);
    }

    Account ownerOf(Path partition) throws IOException {
      long uid = ((Number) Files.getAttribute(partition, "unix:uid")).longValue();
      long gid = ((Number) Files.getAttribute(partition, "unix:gid")).longValue();
      String[] entry = passwdOf(uid);
      return entry == null ? new Account(uid, gid, null, null) : new Account(uid, gid, entry[0], entry[5]);
    }

    private String[] passwdOf(long uid) throws IOException {
      long now = System.nanoTime();
      Entry cached = entries.get(uid);
      if (cached != null && now - cached.expiresAtNanos() < 0) {
        return cached.fields();
      }
      String[] fields = passwd(uid);
      if (ttlNanos > 0) {
        entries.put(uid, new Entry(fields, now + ttlNanos));
      }
      return fields;
    }
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
