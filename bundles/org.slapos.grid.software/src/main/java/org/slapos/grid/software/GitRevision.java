package org.slapos.grid.software;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * The git revision of a release given as a local file inside a git checkout, which the original
 * notes in the generated profile so that a developer sees which revision was built.
 */
class GitRevision {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** {@code git describe --all --long --dirty} in the profile's directory; empty when not a local checkout. */
  Optional<String> describe(String softwareUrl) {
    Path profile;
    try {
      profile = softwareUrl.startsWith("file://") ? Path.of(URI.create(softwareUrl))
          : softwareUrl.startsWith("/") ? Path.of(softwareUrl) : null;
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (profile == null || !Files.isRegularFile(profile) || !insideCheckout(profile)) {
      return Optional.empty();
    }
    CommandLine command = new CommandLine("git").addArgument("-C").addArgument(profile.getParent().toString(), false)
        .addArgument("describe").addArgument("--all").addArgument("--long").addArgument("--dirty");
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(new PumpStreamHandler(output, ByteArrayOutputStream.nullOutputStream()));
    executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(TIMEOUT).get());
    try {
      executor.execute(command);
    } catch (IOException e) {
      // Not a checkout, or no git on this node: nothing to note.
      return Optional.empty();
    }
    String revision = output.toString(StandardCharsets.UTF_8).strip();
    return revision.isEmpty() || revision.contains("\n") ? Optional.empty() : Optional.of(revision);
  }

  /** A {@code .git} above the profile: checked first so that most releases cost no process. */
  private static boolean insideCheckout(Path profile) {
    for (Path directory = profile.toAbsolutePath().getParent(); directory != null; directory = directory.getParent()) {
      if (Files.exists(directory.resolve(".git"))) {
        return true;
      }
    }
    return false;
  }
}
