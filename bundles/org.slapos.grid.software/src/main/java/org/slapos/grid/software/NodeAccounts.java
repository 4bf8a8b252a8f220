package org.slapos.grid.software;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Who owns what: whether the node runs as root, and the account that owns the software root (every
 * release directory is given to it so that buildout never runs as root).
 */
class NodeAccounts {
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  /** The effective uid is the owner of {@code /proc/self}: no native call needed. */
  boolean nodeIsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot tell whether the node runs as root: " + e.getMessage(), e);
    }
  }

  /** Gives {@code path} (not following a link) the owner and group of {@code model}. */
  void copyOwnership(Path model, Path path) throws IOException {
    PosixFileAttributes owner = Files.readAttributes(model, PosixFileAttributes.class);
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    UserPrincipal user = owner.owner();
    GroupPrincipal group = owner.group();
    view.setOwner(user);
    view.setGroup(group);
  }

  /** The home directory of the owner of {@code path}, from the account database ({@code getent passwd}). */
  Optional<Path> homeOfOwner(Path path) throws IOException {
    String user = Files.getOwner(path).getName();
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
