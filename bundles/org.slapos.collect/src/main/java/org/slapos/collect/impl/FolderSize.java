package org.slapos.collect.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's disk usage in KiB from {@code du -s} (plus the symlinked data disks in {@code DATA/}),
 * as the original measures it. {@code du}'s pid goes to a pid file so that a measure still running from
 * a previous pass postpones this one instead of piling up.
 */
class FolderSize {
  private static final Logger LOG = LoggerFactory.getLogger(FolderSize.class);
  private final Duration timeout;

  FolderSize(Duration timeout) {
    this.timeout = timeout;
  }

  /** The usage in KiB; empty when a previous measure still runs or {@code du} fails. */
  Optional<Double> measure(Path partition, Path pidFile) {
    if (previousStillRunning(pidFile)) {
      return Optional.empty();
    }
    List<Path> paths = new ArrayList<>();
    paths.add(partition);
    Path data = partition.resolve("DATA");
    if (Files.isDirectory(data)) {
      try (Stream<Path> entries = Files.list(data)) {
        entries.filter(Files::isSymbolicLink).filter(Files::isDirectory).forEach(paths::add);
      } catch (IOException e) {
        LOG.warn("Cannot list {}: {}", data, e.getMessage());
      }
    }
    double total = 0;
    for (Path path : paths) {
      Optional<Double> size = du(path, pidFile);
      if (size.isEmpty()) {
        return Optional.empty();
      }
      total += size.get();
    }
    return Optional.of(total);
  }

  private static boolean previousStillRunning(Path pidFile) {
    try {
      String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
      if (text.isEmpty()) {
        return false;
      }
      long pid = Long.parseLong(text);
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (alive) {
        LOG.warn("Process {} still in progress. Try later.", pid);
      }
      return alive;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private Optional<Double> du(Path path, Path pidFile) {
    // The trailing slash follows a symlinked data disk, as the original does.
    String target = Files.isSymbolicLink(path) ? path + "/" : path.toString();
    Process process;
    try {
      process = new ProcessBuilder("du", "-s", target).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      LOG.warn("Cannot run du -s {}: {}", target, e.getMessage());
      return Optional.empty();
    }
    try {
      writePid(pidFile, process.pid());
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        LOG.warn("du -s {} did not finish within {}", target, timeout);
        return Optional.empty();
      }
      if (process.exitValue() != 0) {
        LOG.warn("du -s {} exited with {}", target, process.exitValue());
        return Optional.empty();
      }
      String[] fields = new String(output, StandardCharsets.UTF_8).strip().split("\\s+", 2);
      return Optional.of(Double.parseDouble(fields[0]));
    } catch (IOException | NumberFormatException e) {
      LOG.warn("Cannot read the output of du -s {}: {}", target, e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return Optional.empty();
    }
  }

  private static void writePid(Path pidFile, long pid) {
    try {
      Files.createDirectories(pidFile.getParent());
      Files.writeString(pidFile, Long.toString(pid), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      LOG.warn("Cannot write {}: {}", pidFile, e.getMessage());
    }
  }
}
