package org.slapos.cache.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * shacache and shadir without servlets. Blobs live in {@code <root>/shacache/<sha512>}; the entries
 * of a shadir key live in {@code <root>/shadir/<sha256 of the key>} as the JSON list the GET
 * answers, so no name derived from a request can leave the root. Entries are stored as sent: the
 * clients check their signatures when they read them.
 */
public final class CacheEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(CacheEndpoints.class);
  private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path blobs;
  private final Path directory;
  private final long maxBlobBytes;
  private final int maxEntryBytes;
  /** One writer at a time per key file: entries are read, extended and replaced. */
  private final Object directoryLock = new Object();

  /**
   * @param root where blobs and entries are stored (created when missing)
   * @param maxBlobBytes largest blob accepted (413 beyond)
   * @param maxEntryBytes largest shadir entry accepted (413 beyond)
   */
  public CacheEndpoints(Path root, long maxBlobBytes, int maxEntryBytes) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    this.blobs = Files.createDirectories(absolute.resolve("shacache"));
    this.directory = Files.createDirectories(absolute.resolve("shadir"));
    this.maxBlobBytes = maxBlobBytes;
    this.maxEntryBytes = maxEntryBytes;
  }

  /**
   * Answers a shacache request.
   *
   * @param method the HTTP method
   * @param path the path below the shacache root, without leading slash ({@code ""} or a sha512)
   * @param body the request body
   */
  public CacheReply shacache(String method, String path, InputStream body) throws IOException {
    switch (method) {
      case "GET", "HEAD" -> {
        if (!SHA512.matcher(path).matches()) {
          return CacheReply.text(404, "Not found");
        }
        Path blob = blobs.resolve(path);
        return Files.isRegularFile(blob) ? CacheReply.file(blob) : CacheReply.text(404, "Not found");
      }
      case "POST" -> {
        if (!path.isEmpty()) {
          return CacheReply.text(404, "POST to the shacache root");
        }
        return storeBlob(body, null);
      }
      case "PUT" -> {
        if (!SHA512.matcher(path).matches()) {
          return CacheReply.text(400, "PUT needs a sha512 in the path");
        }
        return storeBlob(body, path);
      }
      default -> {
        return CacheReply.text(405, "Method not allowed");
      }
    }
  }

  /**
   * Answers a shadir request.
   *
   * @param method the HTTP method
   * @param key the key below the shadir root (decoded), without leading slash
   * @param body the request body
   */
  public CacheReply shadir(String method, String key, InputStream body) throws IOException {
    if (key.isEmpty() || key.length() > 1024) {
      return CacheReply.text(404, "Not found");
    }
    Path file = directory.resolve(sha256(key));
    switch (method) {
      case "GET", "HEAD" -> {
        return Files.isRegularFile(file) ? CacheReply.json(200, Files.readAllBytes(file))
            : CacheReply.text(404, "Not found");
      }
      case "PUT", "POST" -> {
        byte[] bytes = body.readNBytes(maxEntryBytes + 1);
        if (bytes.length > maxEntryBytes) {
          return CacheReply.text(413, "Entry larger than " + maxEntryBytes + " bytes");
        }
        JsonNode item;
        try {
          item = JSON.readTree(bytes);
        } catch (IOException e) {
          return CacheReply.text(400, "Entry is not JSON");
        }
        if (item == null || !item.isArray() || item.size() != 2 || !item.get(0).isTextual()
            || !item.get(1).isTextual()) {
          return CacheReply.text(400, "Entry must be [entry_json_string, signature]");
        }
        try {
          if (!JSON.readTree(item.get(0).asText()).isObject()) {
            return CacheReply.text(400, "entry_json_string must hold a JSON object");
          }
        } catch (IOException e) {
          return CacheReply.text(400, "entry_json_string is not JSON");
        }
        addEntry(file, item);
        LOG.info("shadir: entry added under {}", key);
        return CacheReply.text(201, "Created");
      }
      default -> {
        return CacheReply.text(405, "Method not allowed");
      }
    }
  }

  private void addEntry(Path file, JsonNode item) throws IOException {
    synchronized (directoryLock) {
      ArrayNode list = JSON.createArrayNode();
      if (Files.isRegularFile(file)) {
        JsonNode existing = JSON.readTree(file.toFile());
        if (existing != null && existing.isArray()) {
          existing.forEach(list::add);
        }
      }
      for (JsonNode present : list) {
        if (present.equals(item)) {
          return;
        }
      }
      list.add(item);
      Path temporary = Files.createTempFile(directory, ".entry", ".tmp");
      try {
        Files.write(temporary, JSON.writeValueAsBytes(list));
        move(temporary, file);
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
  }

  private CacheReply storeBlob(InputStream body, String expected) throws IOException {
    Path temporary = Files.createTempFile(blobs, ".upload", ".tmp");
    try {
      MessageDigest digest = sha512Digest();
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(temporary)) {
        for (int read; (read = body.read(buffer)) >= 0; ) {
          total += read;
          if (total > maxBlobBytes) {
            return CacheReply.text(413, "Blob larger than " + maxBlobBytes + " bytes");
          }
          digest.update(buffer, 0, read);
          out.write(buffer, 0, read);
        }
      }
      String sha512 = HexFormat.of().formatHex(digest.digest());
      if (expected != null && !expected.equals(sha512)) {
        return CacheReply.text(400, "Checksum mismatch: the body has sha512 " + sha512);
      }
      Path blob = blobs.resolve(sha512);
      if (!Files.exists(blob)) {
        move(temporary, blob);
        LOG.info("shacache: stored {} ({} bytes)", sha512, total);
      }
      return new CacheReply(201, "text/plain; charset=utf-8", sha512.getBytes(StandardCharsets.US_ASCII), null);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static MessageDigest sha512Digest() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 missing from the JDK", e);
    }
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
