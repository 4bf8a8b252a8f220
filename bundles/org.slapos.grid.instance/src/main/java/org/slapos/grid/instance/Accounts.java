package org.slapos.grid.instance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Who owns what: whether the node runs as root, and the account owning a partition directory (its
 * files, certificates and programs are given to it; buildout runs as it).
 */
class Accounts {
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  /** The owner of a partition directory. */
  record Owner(String user, String group, int uid, int gid) {
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
    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class);
    int uid = ((Number) Files.getAttribute(path, "unix:uid")).intValue();
    int gid = ((Number) Files.getAttribute(path, "unix:gid")).intValue();
    return new Owner(attributes.owner().getName(), attributes.group().getName(), uid, gid);
  }

  /** Gives {@code path} (not following a link) the owner and group of {@code model}. */
  void copyOwnership(Path model, Path path) throws IOException {
    PosixFileAttributes owner = Files.readAttributes(model, PosixFileAttributes.class);
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    view.setOwner(owner.owner());
    view.setGroup(owner.group());
  }

  /** Gives {@code path} (not following a link) the group of {@code model}; the owner stays. */
  void copyGroup(Path model, Path path) throws IOException {
    PosixFileAttributes owner = Files.readAttributes(model, PosixFileAttributes.class);
    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(owner.group());
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
}
