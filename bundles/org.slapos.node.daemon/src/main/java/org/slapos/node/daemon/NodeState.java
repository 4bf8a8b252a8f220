package org.slapos.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an operator sees of the node's partitions, from the files the node writes (node-behavior §10):
 * the release each partition runs ({@code software_release} link), the master timestamp of its last
 * successful deployment ({@code .timestamp}) and its last promise results
 * ({@code .slapgrid/promise/result/<title>.status.json}).
 */
final class NodeState {
  record PromiseResult(String title, boolean failed, String date, String message) {
  }

  record Partition(String id, Optional<String> softwareRelease, Optional<String> timestamp,
      List<PromiseResult> promises) {
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeState() {
  }

  static List<Partition> partitions(Path instanceRoot, String partitionBaseName) throws IOException {
    List<Partition> partitions = new ArrayList<>();
    if (!Files.isDirectory(instanceRoot)) {
      return partitions;
    }
    List<Path> directories = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(instanceRoot, partitionBaseName + "*")) {
      found.forEach(directories::add);
    }
    directories.sort((a, b) -> naturalCompare(a.getFileName().toString(), b.getFileName().toString()));
    for (Path partition : directories) {
      if (!Files.isDirectory(partition)) {
        continue;
      }
      Optional<String> release = Optional.empty();
      Path link = partition.resolve("software_release");
      if (Files.isSymbolicLink(link)) {
        release = Optional.of(Files.readSymbolicLink(link).getFileName().toString());
      }
      Optional<String> timestamp = Optional.empty();
      Path stamp = partition.resolve(".timestamp");
      if (Files.isRegularFile(stamp)) {
        timestamp = Optional.of(Files.readString(stamp).strip());
      }
      partitions.add(new Partition(partition.getFileName().toString(), release, timestamp, promises(partition)));
    }
    return partitions;
  }

  private static List<PromiseResult> promises(Path partition) throws IOException {
    Path results = partition.resolve(".slapgrid/promise/result");
    List<PromiseResult> promises = new ArrayList<>();
    if (!Files.isDirectory(results)) {
      return promises;
    }
    try (Stream<Path> files = Files.list(results)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".status.json")).sorted().toList()) {
        try {
          JsonNode node = JSON.readTree(file.toFile());
          JsonNode result = node.path("result");
          promises.add(new PromiseResult(node.path("title").asText(file.getFileName().toString()),
              result.path("failed").asBoolean(false), result.path("date").asText(""),
              result.path("message").asText("")));
        } catch (IOException e) {
          promises.add(new PromiseResult(file.getFileName().toString(), true, "", "unreadable result: " + e.getMessage()));
        }
      }
    }
    return promises;
  }

  /** slappart2 before slappart10. */
  static int naturalCompare(String a, String b) {
    String prefixA = a.replaceAll("\\d+$", "");
    String prefixB = b.replaceAll("\\d+$", "");
    if (prefixA.equals(prefixB) && a.length() > prefixA.length() && b.length() > prefixB.length()) {
      return Long.compare(Long.parseLong(a.substring(prefixA.length())), Long.parseLong(b.substring(prefixB.length())));
    }
    return a.compareTo(b);
  }
}
