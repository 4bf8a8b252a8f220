package org.slapos.cache.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An answer of {@link CacheEndpoints}: a status, and either bytes or a file to stream.
 *
 * @param status the HTTP status
 * @param contentType the content type of the body
 * @param body the body when {@code file} is null
 * @param file a file to send as the body, or null
 */
public record CacheReply(int status, String contentType, byte[] body, Path file) {
  static CacheReply text(int status, String text) {
    return new CacheReply(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), null);
  }

  static CacheReply json(int status, byte[] json) {
    return new CacheReply(status, "application/json", json, null);
  }

  static CacheReply file(Path file) {
    return new CacheReply(200, "application/octet-stream", new byte[0], file);
  }
}
