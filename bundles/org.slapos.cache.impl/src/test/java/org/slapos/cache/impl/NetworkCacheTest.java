package org.slapos.cache.impl;

import org.slapos.cache.impl.testing.TestKeys;
import org.slapos.cache.impl.testing.CacheServerHarness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;
import org.slapos.cache.api.CacheLookup;
import org.slapos.cache.api.OsSignature;

/** Two nodes and the real cache server on loopback: upload, then install from the cache. */
class NetworkCacheTest {
  private static final String URL = "https://lab.example/slapos/software/test/software.cfg";
  private static final OsSignature DEBIAN_12 = new OsSignature("x86_64-linux-gnu", "debian", "12.5", "bookworm");

  @TempDir
  static Path keys;
  static TestKeys trustedKeys;
  static TestKeys otherKeys;

  @TempDir
  Path work;
  CacheServerHarness server;
  ExecutorService executor;

  @BeforeAll
  static void makeKeys() throws Exception {
    trustedKeys = TestKeys.generate(keys, "trusted");
    otherKeys = TestKeys.generate(keys, "other");
  }

  @BeforeEach
  void start() throws IOException {
    server = new CacheServerHarness(work.resolve("server"));
    executor = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }

  private CacheSettings uploader(TestKeys signer, URI shacache, URI shadir) {
    return new CacheSettings(server.shacache(), server.shadir(), shacache, shadir,
        signer.privateKeyPem(), signer.certificatePem(), null, null, null, null, List.of(), List.of("file:"),
        List.of(), Duration.ofSeconds(5), Duration.ofSeconds(30), 2, Duration.ZERO, 1024 * 1024);
  }

  private CacheSettings downloader(String trustedPem, List<String> downloadBlacklist) {
    return new CacheSettings(server.shacache(), server.shadir(), null, null, null, trustedPem,
        null, null, null, null, downloadBlacklist, List.of(), List.of(), Duration.ofSeconds(5),
        Duration.ofSeconds(30), 3, Duration.ZERO, 1024 * 1024);
  }

  private NetworkCacheClient client(CacheSettings settings) {
    return new NetworkCacheClient(settings, DEBIAN_12, executor);
  }

  /** A release directory with what buildout leaves: scripts, nested parts, links, long names. */
  private Path buildRelease(Path softwareRoot) throws IOException {
    Path release = softwareRoot.resolve(NetworkCacheClient.md5(URL));
    Files.createDirectories(release.resolve("bin"));
    Path script = release.resolve("bin/hello");
    Files.writeString(script, "#!/bin/sh\necho hello\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path deep = release.resolve("parts/" + "long-directory-name-".repeat(8) + "/lib");
    Files.createDirectories(deep);
    Files.write(deep.resolve("data.bin"), new byte[70_000]);
    Files.writeString(release.resolve("parts/readme.txt"), "a part\n");
    Files.createSymbolicLink(release.resolve("bin/hello-link"), Path.of("hello"));
    Files.writeString(release.resolve(".completed"), "done\n");
    return release;
  }

  @Test
  void secondNodeInstallsWhatTheFirstUploaded() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    CacheEntry uploaded = client(uploader(trustedKeys, server.shacache(), server.shadir()))
        .upload(URL, DEBIAN_12, release);

    Path target = work.resolve("node2").resolve(release.getFileName().toString());
    NetworkCacheClient secondNode = client(downloader(trustedKeys.certificatePem(), List.of()));
    Optional<CacheEntry> installed = secondNode.install(URL,
        new OsSignature("x86_64-linux-gnu", "Debian", "12.7", ""), target);

    assertTrue(installed.isPresent(), "the second node finds the binary");
    assertEquals(uploaded.sha512(), installed.get().sha512());
    assertEquals(URL, installed.get().softwareUrl());
    assertEquals("#!/bin/sh\necho hello\n", Files.readString(target.resolve("bin/hello")));
    assertTrue(Files.isExecutable(target.resolve("bin/hello")), "the script stays executable");
    assertEquals(Path.of("hello"), Files.readSymbolicLink(target.resolve("bin/hello-link")));
    assertEquals(70_000, Files.size(target.resolve("parts/" + "long-directory-name-".repeat(8) + "/lib/data.bin")));
    assertTrue(Files.exists(target.resolve(".completed")));

    CacheLookup lookup = secondNode.lookup(URL);
    assertEquals(NetworkCacheClient.md5(URL), lookup.key());
    assertEquals(1, lookup.entries().size());
    assertTrue(lookup.entries().get(0).trusted());
    assertEquals(List.of("debian", "12.5", "bookworm"), lookup.entries().get(0).os().osList());
  }

  @Test
  void aTamperedTarballIsRefused() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    CacheEntry uploaded = client(uploader(trustedKeys, server.shacache(), server.shadir()))
        .upload(URL, DEBIAN_12, release);
    byte[] bytes = Files.readAllBytes(server.blob(uploaded.sha512()));
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(server.blob(uploaded.sha512()), bytes);

    Path target = work.resolve("node2").resolve(release.getFileName().toString());
    CacheException refused = assertThrows(CacheException.class, () ->
        client(downloader(trustedKeys.certificatePem(), List.of())).install(URL, DEBIAN_12, target));
    assertEquals(Code.CHECKSUM_MISMATCH, refused.code());
    assertTrue(refused.getMessage().contains("the entry announces " + uploaded.sha512()), refused.getMessage());
    assertFalse(Files.exists(target), "nothing is unpacked");
    assertEquals(List.of(), leftovers(target.getParent()));
  }

  @Test
  void anEntryAnnouncingTheWrongSha512IsRefused() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    ByteArrayOutputStream tarball = new ByteArrayOutputStream();
    Tarballs.pack(release, release.getFileName().toString(), tarball);
    String wrong = "ab".repeat(64);
    Files.write(server.blob(wrong), tarball.toByteArray());
    String entry = NetworkCacheClient.entryJson(wrong, URL, "/srv", DEBIAN_12);
    publish(NetworkCacheClient.md5(URL), entry,
        EntrySignatures.sign(EntrySignatures.readPrivateKey(trustedKeys.privateKeyPem()), entry));

    Path target = work.resolve("node2").resolve(release.getFileName().toString());
    CacheException refused = assertThrows(CacheException.class, () ->
        client(downloader(trustedKeys.certificatePem(), List.of())).install(URL, DEBIAN_12, target));
    assertEquals(Code.CHECKSUM_MISMATCH, refused.code());
    assertFalse(Files.exists(target));
  }

  @Test
  void anEntrySignedByAnUntrustedKeyIsRefused() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    client(uploader(otherKeys, server.shacache(), server.shadir())).upload(URL, DEBIAN_12, release);

    Path target = work.resolve("node2").resolve(release.getFileName().toString());
    NetworkCacheClient node = client(downloader(trustedKeys.certificatePem(), List.of()));
    CacheException refused = assertThrows(CacheException.class, () -> node.install(URL, DEBIAN_12, target));
    assertEquals(Code.UNTRUSTED, refused.code());
    assertFalse(Files.exists(target));
    assertFalse(node.lookup(URL).entries().get(0).trusted(), "lookup still lists it, as not verified");

    CacheException noTrust = assertThrows(CacheException.class, () ->
        client(downloader("", List.of())).install(URL, DEBIAN_12, target));
    assertEquals(Code.UNTRUSTED, noTrust.code(), "an empty certificate list trusts nothing");
  }

  @Test
  void anEntryWithAForgedSignatureIsRefused() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    CacheEntry uploaded = client(uploader(trustedKeys, server.shacache(), server.shadir()))
        .upload(URL, DEBIAN_12, release);
    String signature = EntrySignatures.sign(
        EntrySignatures.readPrivateKey(trustedKeys.privateKeyPem()), uploaded.rawEntry());
    String altered = uploaded.rawEntry().replace("/node1", "/elsewhere");
    String key = "0123456789abcdef0123456789abcdef";
    publish(key, altered, signature);

    CacheLookup lookup = client(downloader(trustedKeys.certificatePem(), List.of())).lookup(key);
    assertFalse(lookup.entries().get(0).trusted(), "a signature over other text does not verify");
  }

  @Test
  void incompatibleSystemsAndBlacklistedUrlsBuildLocally() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    client(uploader(trustedKeys, server.shacache(), server.shadir())).upload(URL, DEBIAN_12, release);
    Path target = work.resolve("node2").resolve(release.getFileName().toString());
    NetworkCacheClient node = client(downloader(trustedKeys.certificatePem(), List.of("https://lab.example/")));
    assertEquals(Optional.empty(), node.install(URL, DEBIAN_12, target), "blacklisted prefix");

    NetworkCacheClient open = client(downloader(trustedKeys.certificatePem(), List.of()));
    assertEquals(Optional.empty(), open.install(URL,
        new OsSignature("x86_64-linux-gnu", "ubuntu", "22.04", "jammy"), target));
    assertEquals(Optional.empty(), open.install(URL,
        new OsSignature("aarch64-linux-gnu", "debian", "12", ""), target));
    assertEquals(Optional.empty(), open.install("https://unknown.example/software.cfg", DEBIAN_12, target));
    assertFalse(Files.exists(target));

    CacheException notFound = assertThrows(CacheException.class,
        () -> open.lookup("https://unknown.example/software.cfg"));
    assertEquals(Code.NOT_FOUND, notFound.code());
  }

  @Test
  void uploadNeedsAKeyAndUrlsAndHonoursTheLists() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    CacheException noKey = assertThrows(CacheException.class, () ->
        client(downloader(trustedKeys.certificatePem(), List.of())).upload(URL, DEBIAN_12, release));
    assertEquals(Code.NOT_CONFIGURED, noKey.code());

    CacheException blacklisted = assertThrows(CacheException.class, () ->
        client(uploader(trustedKeys, server.shacache(), server.shadir()))
            .upload("file:///srv/local/software.cfg", DEBIAN_12, release));
    assertEquals(Code.EXCLUDED, blacklisted.code());

    CacheSettings base = uploader(trustedKeys, server.shacache(), server.shadir());
    CacheSettings whitelisted = new CacheSettings(base.downloadCache(), base.downloadDir(),
        base.uploadCache(), base.uploadDir(), base.signingKey(), base.trustedCertificatesPem(),
        null, null, null, null, List.of(), List.of(), List.of("https://trusted.example/"), base.connectTimeout(),
        base.transferTimeout(), 1, Duration.ZERO, base.maxTarballBytes());
    CacheException notWhitelisted = assertThrows(CacheException.class,
        () -> client(whitelisted).upload(URL, DEBIAN_12, release));
    assertEquals(Code.EXCLUDED, notWhitelisted.code());
  }

  @Test
  void aKeyWithoutItsCertificateInTheListIsRejectedAtConfiguration() {
    CacheSettings base = uploader(trustedKeys, server.shacache(), server.shadir());
    CacheSettings mismatched = new CacheSettings(base.downloadCache(), base.downloadDir(),
        base.uploadCache(), base.uploadDir(), otherKeys.privateKeyPem(), trustedKeys.certificatePem(),
        null, null, null, null, List.of(), List.of(), List.of(), base.connectTimeout(), base.transferTimeout(), 1,
        Duration.ZERO, base.maxTarballBytes());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> client(mismatched));
    assertTrue(refused.getMessage().contains("no matching certificate"), refused.getMessage());
  }

  @Test
  void uploadRetriesABoundedNumberOfTimesThenFails() throws Exception {
    Path release = buildRelease(work.resolve("node1"));
    URI closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/shacache");
    }
    CacheException failed = assertThrows(CacheException.class, () ->
        client(uploader(trustedKeys, closed, server.shadir())).upload(URL, DEBIAN_12, release));
    assertEquals(Code.TRANSFER, failed.code());
    assertEquals(List.of(), leftovers(release.getParent()), "the temporary tarball is removed");
  }

  @Test
  void legacyEntriesAreReadAsTheOriginalReadsThem() {
    CacheEntry legacy = NetworkCacheClient.parseEntry(
        "{\"machine\": \"x86_64\", \"os\": \"('debian', '7.0', '')\", \"sha512\": \"00\","
            + " \"software_url\": \"u\"}", false);
    assertEquals(new OsSignature("x86_64-linux-gnu", "debian", "7.0", ""), legacy.os());
    assertTrue(legacy.os().compatibleWith(new OsSignature("x86_64-linux-gnu", "Debian", "7.11", "wheezy")));
  }

  private void publish(String key, String entry, String signature) throws Exception {
    String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(entry, signature));
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.shadir() + "/" + key))
            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
  }

  /** Hidden temporary files left next to releases. */
  private static List<String> leftovers(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (var files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }
}
