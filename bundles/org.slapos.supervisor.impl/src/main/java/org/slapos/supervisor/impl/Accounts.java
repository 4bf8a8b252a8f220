package org.slapos.supervisor.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slapos.supervisor.api.SupervisorException;

/** The passwd and group databases, through {@code getent} (so NSS sources count, as for the original's pwd module). */
class Accounts {
  /** An account: its name, uid and primary gid. */
  record Account(String name, long uid, long gid) { }

  private final Duration timeout;

  Accounts(Duration timeout) {
    this.timeout = timeout;
  }

  /** The account named {@code key}, or whose uid {@code key} is. */
  Account user(String key) throws SupervisorException {
    String[] fields = getent("passwd", key);
    if (fields.length < 4) {
      throw new SupervisorException("Unknown user: " + key);
    }
    try {
      return new Account(fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]));
    } catch (NumberFormatException e) {
      throw new SupervisorException("Unreadable passwd entry for " + key, e);
    }
  }

  /** The gid of the group named {@code key}, or {@code key} itself when it is a number. */
  long group(String key) throws SupervisorException {
    if (key.matches("\\d+")) {
      return Long.parseLong(key);
    }
    String[] fields = getent("group", key);
    if (fields.length < 3) {
      throw new SupervisorException("Unknown group: " + key);
    }
    try {
      return Long.parseLong(fields[2]);
    } catch (NumberFormatException e) {
      throw new SupervisorException("Unreadable group entry for " + key, e);
    }
  }

  /** This process's effective uid and gid, as the owner of {@code /proc/self}. */
  long[] current() throws SupervisorException {
    try {
      Path self = Path.of("/proc/self");
      return new long[] {((Number) Files.getAttribute(self, "unix:uid")).longValue(),
          ((Number) Files.getAttribute(self, "unix:gid")).longValue()};
    } catch (IOException | UnsupportedOperationException e) {
      throw new SupervisorException("Cannot tell which user the node runs as: " + e.getMessage(), e);
    }
  }

  private String[] getent(String database, String key) throws SupervisorException {
    if (key.isEmpty() || key.startsWith("-") || key.chars().anyMatch(Character::isISOControl)) {
      throw new SupervisorException("Not a " + database + " key: " + key.strip());
    }
    Process process;
    try {
      process = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new SupervisorException("Cannot run getent " + database + " " + key + ": " + e.getMessage(), e);
    }
    try (InputStream output = process.getInputStream()) {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new SupervisorException("getent " + database + " " + key + " did not answer within " + timeout.toSeconds() + " s");
      }
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      output.transferTo(text);
      if (process.exitValue() != 0) {
        return new String[0];
      }
      return text.toString(StandardCharsets.UTF_8).strip().split(":", -1);
    } catch (IOException e) {
      throw new SupervisorException("Cannot read getent's answer for " + key + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SupervisorException("Interrupted while looking up " + key, e);
    }
  }
}
