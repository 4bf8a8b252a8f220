package org.slapos.promise.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promise state of one partition, where the original keeps it: {@code .slapgrid/promise/result/
 * <title>.status.json}, {@code cache/<title>} and {@code log/<title>.log}. Result and cache files are
 * written atomically (temporary file, then rename).
 */
final class PromiseFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PromiseFiles.class);
  static final DateTimeFormatter RESULT_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+0000'").withZone(ZoneOffset.UTC);
  /** Files of older slapos.core versions, deleted when found (node-behavior §5.9). */
  private static final List<String> LEFTOVER_FILES =
      List.of("promise_status.json", "promise_stats.json", "global.json", "public.json");

  /** A result as stored in (and read back from) {@code <title>.status.json}. */
  record StoredResult(String title, String name, String path, double executionTime, String type, boolean failed,
      Instant date, String message) { }

  /** A cache entry: what the promise does and when it runs next. */
  record CacheEntry(boolean tested, boolean anomalyDetected, double periodicityMinutes, double nextRunAfter,
      double timestamp, String moduleFile, double moduleFileMtime) { }

  private final ObjectMapper json;
  private final Path partition;
  private final Path root;
  private final Ownership ownership;


  PromiseFiles(ObjectMapper json, Path partition, Ownership ownership) {
    this.json = json;
    this.partition = partition;
    this.root = partition.resolve(".slapgrid").resolve("promise");
    this.ownership = ownership;
  }

  Path partition() {
    return partition;
  }

  Ownership ownership() {
    return ownership;
  }

  Path resultFolder() {
    return root.resolve("result");
  }

  Path cacheFolder() {
    return root.resolve("cache");
  }

  Path logFolder() {
    return root.resolve("log");
  }

  Path logFile(String title) {
    return logFolder().resolve(title + ".log");
  }

  /** Creates the folders (owned by the partition's user) and deletes older versions' leftovers. */
  void prepare() throws IOException {
    for (Path folder : List.of(resultFolder(), cacheFolder(), logFolder())) {
      Files.createDirectories(folder);
    }
    for (Path folder : List.of(partition.resolve(".slapgrid"), root, resultFolder(), cacheFolder(), logFolder())) {
      ownership.apply(folder);
    }
    for (String leftover : LEFTOVER_FILES) {
      Files.deleteIfExists(root.resolve(leftover));
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(".timestamp") || name.endsWith(".periodicity")) {
          Files.deleteIfExists(entry);
        }
      }
    }
    Path history = root.resolve("history");
    if (Files.isDirectory(history, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> tree = Files.walk(history)) {
        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  void writeResult(StoredResult result) throws IOException {
    ObjectNode node = json.createObjectNode();
    node.put("title", result.title());
    node.put("name", result.name());
    node.put("path", result.path());
    node.put("execution-time", result.executionTime());
    ObjectNode inner = node.putObject("result");
    inner.put("type", result.type());
    inner.put("failed", result.failed());
    inner.put("date", RESULT_DATE.format(result.date()));
    inner.put("message", result.message());
    writeAtomically(resultFolder().resolve(result.title() + ".status.json"), json.writeValueAsString(node));
  }

  /** The saved result of {@code title}, if readable. */
  Optional<StoredResult> readResult(String title) {
    Path file = resultFolder().resolve(title + ".status.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = json.readTree(Files.readString(file, StandardCharsets.UTF_8));
      JsonNode inner = node.path("result");
      Instant date = Instant.from(RESULT_DATE.parse(inner.path("date").asText()));
      return Optional.of(new StoredResult(node.path("title").asText(title), node.path("name").asText(""),
          node.path("path").asText(""), node.path("execution-time").asDouble(0), inner.path("type").asText(""),
          inner.path("failed").asBoolean(false), date, inner.path("message").asText("")));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Ignoring unreadable promise result {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  void writeCache(String title, CacheEntry entry) throws IOException {
    ObjectNode node = json.createObjectNode();
    node.put("is_tested", entry.tested());
    node.put("is_anomaly_detected", entry.anomalyDetected());
    node.put("periodicity", entry.periodicityMinutes());
    node.put("next_run_after", entry.nextRunAfter());
    node.put("timestamp", entry.timestamp());
    node.put("module_file", entry.moduleFile());
    node.put("module_file_mtime", entry.moduleFileMtime());
    writeAtomically(cacheFolder().resolve(title), json.writeValueAsString(node));
  }

  /** The cache entry of {@code title}; empty when missing or unreadable. */
  Optional<CacheEntry> readCache(String title) {
    Path file = cacheFolder().resolve(title);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = json.readTree(Files.readString(file, StandardCharsets.UTF_8));
      return Optional.of(new CacheEntry(node.path("is_tested").asBoolean(true),
          node.path("is_anomaly_detected").asBoolean(true), node.path("periodicity").asDouble(2),
          node.path("next_run_after").asDouble(0), node.path("timestamp").asDouble(0),
          node.path("module_file").asText(""), node.path("module_file_mtime").asDouble(0)));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("Ignoring unreadable promise cache {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  private void writeAtomically(Path target, String content) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    ownership.apply(temporary);
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
