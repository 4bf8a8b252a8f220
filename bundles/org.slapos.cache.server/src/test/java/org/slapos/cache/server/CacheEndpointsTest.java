package org.slapos.cache.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheEndpointsTest {
  @TempDir
  Path root;
  CacheEndpoints endpoints;

  @BeforeEach
  void create() throws IOException {
    endpoints = new CacheEndpoints(root.resolve("cache"), 1024, 512);
  }

  private static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha512(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(CacheReply reply) throws IOException {
    return reply.file() != null ? Files.readString(reply.file())
        : new String(reply.body(), StandardCharsets.UTF_8);
  }

  @Test
  void blobsAreStoredAndServedBySha512() throws Exception {
    CacheReply stored = endpoints.shacache("POST", "", body("tarball bytes"));
    assertEquals(201, stored.status());
    assertEquals(sha512("tarball bytes"), text(stored));
    CacheReply served = endpoints.shacache("GET", sha512("tarball bytes"), body(""));
    assertEquals(200, served.status());
    assertEquals("tarball bytes", text(served));
    assertEquals(404, endpoints.shacache("GET", sha512("other"), body("")).status());
  }

  @Test
  void putChecksTheChecksumAndOversizedBlobsAreRefused() throws Exception {
    assertEquals(400, endpoints.shacache("PUT", sha512("expected"), body("something else")).status());
    assertEquals(201, endpoints.shacache("PUT", sha512("expected"), body("expected")).status());
    assertEquals(413, endpoints.shacache("POST", "", body("x".repeat(2000))).status());
    try (Stream<Path> files = Files.list(root.resolve("cache/shacache"))) {
      assertEquals(List.of(sha512("expected")), files.map(p -> p.getFileName().toString()).toList(),
          "refused uploads leave nothing behind");
    }
  }

  @Test
  void namesFromRequestsNeverLeaveTheRoot() throws Exception {
    assertEquals(404, endpoints.shacache("GET", "../../etc/passwd", body("")).status());
    assertEquals(201, endpoints.shadir("PUT", "../../outside", body("[\"{}\", \"sig\"]")).status());
    assertEquals(200, endpoints.shadir("GET", "../../outside", body("")).status());
    try (Stream<Path> all = Files.walk(root)) {
      assertTrue(all.allMatch(p -> p.equals(root) || p.startsWith(root.resolve("cache"))));
    }
  }

  @Test
  void entriesAccumulateUnderAKeyWithoutDuplicates() throws Exception {
    assertEquals(404, endpoints.shadir("GET", "key", body("")).status());
    assertEquals(201, endpoints.shadir("PUT", "key", body("[\"{\\\"a\\\": 1}\", \"s1\"]")).status());
    assertEquals(201, endpoints.shadir("POST", "key", body("[\"{\\\"a\\\": 2}\", \"s2\"]")).status());
    assertEquals(201, endpoints.shadir("PUT", "key", body("[\"{\\\"a\\\": 1}\", \"s1\"]")).status());
    CacheReply list = endpoints.shadir("GET", "key", body(""));
    assertEquals("application/json", list.contentType());
    assertArrayEquals("[[\"{\\\"a\\\": 1}\",\"s1\"],[\"{\\\"a\\\": 2}\",\"s2\"]]".getBytes(StandardCharsets.UTF_8),
        list.body());
  }

  @Test
  void malformedEntriesAreRefused() throws Exception {
    assertEquals(400, endpoints.shadir("PUT", "k", body("not json")).status());
    assertEquals(400, endpoints.shadir("PUT", "k", body("[\"{}\"]")).status());
    assertEquals(400, endpoints.shadir("PUT", "k", body("[\"[1]\", \"s\"]")).status());
    assertEquals(400, endpoints.shadir("PUT", "k", body("[\"nope\", \"s\"]")).status());
    assertEquals(413, endpoints.shadir("PUT", "k", body("[\"" + "x".repeat(600) + "\", \"s\"]")).status());
    assertEquals(405, endpoints.shadir("DELETE", "k", body("")).status());
    assertEquals(404, endpoints.shadir("GET", "k", body("")).status());
  }
}
