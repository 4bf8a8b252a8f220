package org.slapos.itest.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.cache.api.BinaryCacheFactory.Session;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.impl.NetworkCacheFactoryComponent;
import org.slapos.cache.impl.testing.TestKeys;
import org.slapos.itest.support.SlaposTestSupport;

/**
 * {@code slapos proxy start} (bin/slapos, its own process) serves the network cache on slapproxy's
 * own port: blobs by sha512 at {@code /shacache}, signed entries at {@code /shadir}, the SLAP
 * endpoints still answering beside them, and the network cache client uploading to it and
 * installing from it; {@code networkcache = false} turns it off.
 */
class ProxyNetworkCacheProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String SOFTWARE_URL = "https://lab.example/slapos/software/cached/software.cfg";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path keys;
  static TestKeys signer;

  @TempDir
  Path work;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void makeKeys() throws Exception {
    signer = TestKeys.generate(keys, "signer");
  }

  /** A {@code slapos proxy start} process, its output in a file; closing it sends SIGTERM. */
  private record Running(Process process, Path outputFile, String url) implements AutoCloseable {
    String output() throws IOException {
      return Files.exists(outputFile) ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
    }

    /** Waits, within the deadline, until the process has printed {@code text}. */
    void awaitOutput(String text) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!output().contains(text)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("no '" + text + "' in the output:\n" + output());
        }
        process.waitFor(20, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private Running proxyStart(String extraSlapproxyKeys) throws IOException {
    int port = SlaposTestSupport.freePort();
    Path cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = COMP-CACHE\n\n[slapproxy]\nhost = 127.0.0.1\nport = " + port
        + "\ndatabase_uri = " + work.resolve("proxy.db") + "\n" + extraSlapproxyKeys);
    Path output = work.resolve("output.txt");
    Path slapos = Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath();
    Process process = new ProcessBuilder(slapos.toString(), "proxy", "start", "--cfg", cfg.toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    process.getOutputStream().close();
    return new Running(process, output, "http://127.0.0.1:" + port + "/");
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static void assertNoErrorLogged(String output) {
    for (String line : output.split("\n")) {
      assertFalse(line.contains(" ERROR ") || line.contains("Exception"), "logged: " + line + "\n" + output);
    }
  }

  private static String sha512(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
  }

  /** {@code [entry_json, base64(RSA-SHA1(entry_json))]}, as a shadir client publishes it. */
  private static String signedEntry(String entryJson) throws Exception {
    String pem = Files.readString(signer.privateKeyPem(), StandardCharsets.US_ASCII);
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    Signature rsa = Signature.getInstance("SHA1withRSA");
    rsa.initSign(key);
    rsa.update(entryJson.getBytes(StandardCharsets.UTF_8));
    return JSON.writeValueAsString(List.of(entryJson, Base64.getEncoder().encodeToString(rsa.sign())));
  }

  @Test
  void servesShacacheAndShadirBesideTheSlapEndpoints() throws Exception {
    Running proxy = proxyStart("");
    try (proxy) {
      String url = proxy.url();
      proxy.awaitOutput("Network cache: " + url + "shacache, " + url + "shadir");
      assertTrue(proxy.output().contains("Starting slapproxy on " + url), proxy.output());
      Path directory = work.resolve("networkcache");

      // shacache: a blob POSTed to /shacache comes back by its sha512, stored in the directory.
      byte[] blob = "a binary of the network cache\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
      HttpResponse<byte[]> stored = send(HttpRequest.newBuilder(URI.create(url + "shacache"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
      assertEquals(201, stored.statusCode(), text(stored));
      assertEquals(sha512(blob), text(stored));
      HttpResponse<byte[]> fetched = send(HttpRequest.newBuilder(URI.create(url + "shacache/" + sha512(blob))).GET());
      assertEquals(200, fetched.statusCode());
      assertArrayEquals(blob, fetched.body());
      assertArrayEquals(blob, Files.readAllBytes(directory.resolve("shacache").resolve(sha512(blob))));

      // shadir: a signed entry PUT on /shadir/<key> is listed by GET /shadir/<key>.
      String entryJson = "{\"file\": \"blob\", \"sha512\": \"" + sha512(blob) + "\"}";
      String entry = signedEntry(entryJson);
      HttpResponse<byte[]> published = send(HttpRequest.newBuilder(URI.create(url + "shadir/raw-key"))
          .PUT(HttpRequest.BodyPublishers.ofString(entry)));
      assertEquals(201, published.statusCode(), text(published));
      HttpResponse<byte[]> listed = send(HttpRequest.newBuilder(URI.create(url + "shadir/raw-key")).GET());
      assertEquals(200, listed.statusCode(), text(listed));
      assertEquals(JSON.readTree("[" + entry + "]"), JSON.readTree(listed.body()));

      // The SLAP endpoints answer as before on the same port.
      HttpResponse<byte[]> runId = send(HttpRequest.newBuilder(URI.create(url + "getRunId")).GET());
      assertEquals(200, runId.statusCode());
      assertEquals(32, text(runId).length());
      HttpResponse<byte[]> computer = send(HttpRequest.newBuilder(
          URI.create(url + "getFullComputerInformation?computer_id=COMP-CACHE")).GET());
      assertEquals(200, computer.statusCode(), text(computer));
      assertTrue(text(computer).contains("COMP-CACHE"), text(computer));

      // The network cache client: one node uploads a release, another installs it.
      Map<String, String> section = Map.of(
          "download-binary-cache-url", url + "shacache",
          "download-binary-dir-url", url + "shadir",
          "upload-binary-cache-url", url + "shacache",
          "upload-binary-dir-url", url + "shadir",
          "signature-private-key-file", signer.privateKeyPem().toString(),
          "signature-certificate-list", signer.certificatePem());
      NetworkCacheFactoryComponent factory = new NetworkCacheFactoryComponent();
      try {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
            .digest(SOFTWARE_URL.getBytes(StandardCharsets.UTF_8)));
        Path release = Files.createDirectories(work.resolve("node1").resolve(md5).resolve("bin"));
        Files.writeString(release.resolve("hello"), "#!/bin/sh\necho hello from the cache\n");
        CacheEntry uploaded;
        try (Session node1 = factory.open(section)) {
          uploaded = node1.upload(SOFTWARE_URL, node1.localSystem(), release.getParent());
        }
        assertTrue(Files.isRegularFile(directory.resolve("shacache").resolve(uploaded.sha512())));
        Path target = work.resolve("node2").resolve(md5);
        try (Session node2 = factory.open(section)) {
          Optional<CacheEntry> installed = node2.install(SOFTWARE_URL, node2.localSystem(), target);
          assertTrue(installed.isPresent(), "installed from the proxy's cache");
          assertEquals(uploaded.sha512(), installed.get().sha512());
          assertEquals(1, node2.lookup(SOFTWARE_URL).entries().size());
        }
        assertEquals("#!/bin/sh\necho hello from the cache\n", Files.readString(target.resolve("bin/hello")));
      } finally {
        factory.deactivate();
      }
    }
    assertNoErrorLogged(proxy.output());
  }

  @Test
  void aCustomDirectoryHoldsTheCache() throws Exception {
    Path custom = work.resolve("var/cache");
    try (Running proxy = proxyStart("networkcache_directory = " + custom + "\n")) {
      proxy.awaitOutput("Network cache: " + proxy.url() + "shacache, " + proxy.url() + "shadir");
      byte[] blob = "stored under the named directory\n".getBytes(StandardCharsets.UTF_8);
      HttpResponse<byte[]> stored = send(HttpRequest.newBuilder(URI.create(proxy.url() + "shacache"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
      assertEquals(201, stored.statusCode(), text(stored));
      assertTrue(Files.isRegularFile(custom.resolve("shacache").resolve(sha512(blob))));
      assertFalse(Files.exists(work.resolve("networkcache")), "not next to the database");
    }
  }

  @Test
  void networkcacheFalseServesNoCache() throws Exception {
    try (Running proxy = proxyStart("networkcache = false\n")) {
      proxy.awaitOutput("Starting slapproxy on " + proxy.url());
      HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(URI.create(proxy.url() + "shacache"))
          .POST(HttpRequest.BodyPublishers.ofString("blob")));
      assertEquals(404, answer.statusCode(), "slapproxy's own 404: " + text(answer));
      assertTrue(text(answer).contains("<title>404 Not Found</title>"), text(answer));
      assertFalse(proxy.output().contains("Network cache:"), proxy.output());
      assertFalse(Files.exists(work.resolve("networkcache")));
    }
  }
}
