package org.slapos.grid.instance;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node says while it processes one partition: sent to the node's log and the caller's
 * progress, and, once {@link #open} was called, appended to the partition's
 * {@code .slapgrid/log/instance.log} in the original's format
 * ({@code [%(asctime)s] %(levelname)-8s %(name)s %(message)s}) so that the partition's owner can read
 * why its last deployment failed. Buildout's output goes to the file only.
 */
final class PartitionLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
  /** Python logging's default asctime: local time, milliseconds after a comma. */
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS", Locale.ROOT);
  /** The logger name the original's lines carry. */
  private static final String NAME = "slapos";

  private final Consumer<String> progress;
  private final Clock clock;
  private BufferedWriter file;

  PartitionLog(Consumer<String> progress, Clock clock) {
    this.progress = progress;
    this.clock = clock;
  }

  /** From now on every line also goes to {@code log} (appended). */
  synchronized void open(Path log) throws IOException {
    close();
    // The partition's user owns the directory: a link planted at the name must not make the node write elsewhere.
    file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  synchronized void info(String message) {
    LOG.info(message);
    progress.accept(message);
    write("INFO", message);
  }

  synchronized void warning(String message) {
    LOG.warn(message);
    progress.accept(message);
    write("WARNING", message);
  }

  synchronized void error(String message) {
    LOG.error(message);
    progress.accept(message);
    write("ERROR", message);
  }

  /** A line of buildout's output: kept in the partition's log, the node's log at debug level. */
  synchronized void buildout(String line) {
    LOG.debug("buildout: {}", line);
    write("INFO", line);
  }

  private void write(String level, String message) {
    if (file == null) {
      return;
    }
    try {
      file.write("[" + ASCTIME.format(LocalDateTime.now(clock)) + "] " + String.format(Locale.ROOT, "%-8s", level)
          + " " + NAME + " " + message);
      file.newLine();
      file.flush();
    } catch (IOException e) {
      LOG.warn("Cannot write to the partition log: {}", e.getMessage());
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      LOG.debug("Closing the partition log failed: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (file != null) {
      BufferedWriter open = file;
      file = null;
      open.close();
    }
  }
}
