package org.slapos.cache.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.cache.api.BinaryCacheFactory.Session;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;
import org.slapos.cache.api.OsSignature;
import org.slapos.cache.impl.testing.CacheServerHarness;
import org.slapos.cache.impl.testing.TestKeys;

/**
 * TLS client certificates for caches ({@code shacache-cert-file}, {@code shacache-key-file},
 * {@code shadir-*}): the real cache server core over https on loopback, requiring a client
 * certificate it trusts; certificates made at test time by keytool.
 */
class CacheClientCertificateTest {
  private static final String URL = "https://lab.example/slapos/software/tls/software.cfg";
  private static final OsSignature SYSTEM = new OsSignature("x86_64-linux-gnu", "debian", "12.5", "bookworm");

  @TempDir
  static Path keys;
  static TestKeys serverKeys;
  static TestKeys clientKeys;
  static TestKeys strangerKeys;
  static TestKeys signerKeys;

  @TempDir
  Path work;
  CacheServerHarness server;
  NetworkCacheFactoryComponent factory;

  @BeforeAll
  static void makeKeys() throws Exception {
    serverKeys = TestKeys.generate(keys, "server", "-ext", "san=ip:127.0.0.1,dns:localhost");
    clientKeys = TestKeys.generate(keys, "client");
    strangerKeys = TestKeys.generate(keys, "stranger");
    signerKeys = TestKeys.generate(keys, "signer");
  }

  @BeforeEach
  void start() throws Exception {
    server = CacheServerHarness.https(work.resolve("server"), serverKeys.serverContext(clientKeys.certificate()));
    factory = new NetworkCacheFactoryComponent();
  }

  @AfterEach
  void stop() throws InterruptedException {
    factory.deactivate();
    server.close();
  }

  /**
   * Download URLs of the https server, its certificate as CA file, and {@code client}'s certificate
   * (the shadir keys spelt with {@code _}, as slapos.cfg allows).
   */
  private Map<String, String> section(TestKeys client) {
    Map<String, String> section = new HashMap<>();
    section.put("download-binary-cache-url", server.shacache().toString());
    section.put("download-binary-dir-url", server.shadir().toString());
    section.put("shacache-ca-file", serverKeys.certificateFile().toString());
    section.put("shadir-ca-file", serverKeys.certificateFile().toString());
    section.put("signature-certificate-list", signerKeys.certificatePem());
    if (client != null) {
      section.put("shacache-cert-file", client.certificateFile().toString());
      section.put("shacache-key-file", client.privateKeyPem().toString());
      section.put("shadir_cert_file", client.certificateFile().toString());
      section.put("shadir_key_file", client.privateKeyPem().toString());
    }
    return section;
  }

  private Path release(String node) throws Exception {
    Path release = work.resolve(node).resolve(NetworkCacheClient.md5(URL));
    Files.createDirectories(release.resolve("bin"));
    Files.writeString(release.resolve("bin/hello"), "#!/bin/sh\necho hello over tls\n");
    return release;
  }

  @Test
  void uploadThenInstallOverHttpsWithClientCertificates() throws Exception {
    Map<String, String> uploader = section(clientKeys);
    uploader.put("upload-binary-cache-url", server.shacache().toString());
    uploader.put("upload-binary-dir-url", server.shadir().toString());
    uploader.put("signature-private-key-file", signerKeys.privateKeyPem().toString());
    CacheEntry uploaded;
    try (Session session = factory.open(uploader)) {
      uploaded = session.upload(URL, SYSTEM, release("node1"));
    }
    assertTrue(Files.isRegularFile(server.blob(uploaded.sha512())), "the blob reached the https server");

    Path target = work.resolve("node2").resolve(NetworkCacheClient.md5(URL));
    try (Session session = factory.open(section(clientKeys))) {
      Optional<CacheEntry> installed = session.install(URL, SYSTEM, target);
      assertTrue(installed.isPresent());
      assertEquals(uploaded.sha512(), installed.get().sha512());
    }
    assertEquals("#!/bin/sh\necho hello over tls\n", Files.readString(target.resolve("bin/hello")));
  }

  @Test
  void withoutAClientCertificateTheServerRefusesTheConnection() throws Exception {
    try (Session session = factory.open(section(null))) {
      CacheException refused = assertThrows(CacheException.class, () -> session.lookup(URL));
      assertEquals(Code.TRANSFER, refused.code(), refused.getMessage());
    }
  }

  @Test
  void aCertificateTheServerDoesNotTrustIsRefused() throws Exception {
    try (Session session = factory.open(section(strangerKeys))) {
      CacheException refused = assertThrows(CacheException.class, () -> session.lookup(URL));
      assertEquals(Code.TRANSFER, refused.code(), refused.getMessage());
    }
  }

  @Test
  void aCertificateFileHoldingTheKeyTooIsEnough() throws Exception {
    Path combined = work.resolve("client-combined.pem");
    Files.writeString(combined, Files.readString(clientKeys.privateKeyPem()) + clientKeys.certificatePem());
    Map<String, String> section = section(null);
    section.put("shadir-cert-file", combined.toString());
    try (Session session = factory.open(section)) {
      // The handshake passes: the server answers, and it has nothing under this key.
      CacheException notFound = assertThrows(CacheException.class, () -> session.lookup(URL));
      assertEquals(Code.NOT_FOUND, notFound.code(), notFound.getMessage());
    }
  }

  /** Opens a session on {@code section} expecting NOT_CONFIGURED with a one-line message. */
  private String notConfigured(Map<String, String> section) {
    CacheException failure = assertThrows(CacheException.class, () -> factory.open(section).close());
    assertEquals(Code.NOT_CONFIGURED, failure.code(), failure.getMessage());
    assertFalse(failure.getMessage().contains("\n"), failure.getMessage());
    return failure.getMessage();
  }

  @Test
  void missingOrUnusableFilesAreRefusedWhenTheCacheIsOpened() throws Exception {
    Path missing = work.resolve("missing.crt");
    Map<String, String> noCertificate = section(clientKeys);
    noCertificate.put("shacache-cert-file", missing.toString());
    assertEquals("shacache-cert-file does not exist: " + missing, notConfigured(noCertificate));

    Map<String, String> noKey = section(clientKeys);
    noKey.put("shadir_key_file", missing.toString());
    assertEquals("shadir-key-file does not exist: " + missing, notConfigured(noKey));

    Path garbage = Files.writeString(work.resolve("garbage.pem"), "not a certificate\n");
    Map<String, String> notPem = section(clientKeys);
    notPem.put("shadir_cert_file", garbage.toString());
    String message = notConfigured(notPem);
    assertTrue(message.contains("shadir-cert-file " + garbage), message);

    Map<String, String> certificateAsKey = section(clientKeys);
    certificateAsKey.put("shacache-key-file", clientKeys.certificateFile().toString());
    assertEquals("No PEM private key found in shacache-key-file " + clientKeys.certificateFile(),
        notConfigured(certificateAsKey));

    Map<String, String> keyAlone = section(null);
    keyAlone.put("shacache-key-file", clientKeys.privateKeyPem().toString());
    assertEquals("shacache-key-file is set but shacache-cert-file is not", notConfigured(keyAlone));
  }

  @Test
  void theServiceRefusesToActivateOnAMissingFile() {
    Path missing = work.resolve("missing.key");
    NetworkCacheConfig config = config(Map.of(
        "shacache_cert_file", clientKeys.certificateFile().toString(),
        "shacache_key_file", missing.toString()));
    CacheException failure = assertThrows(CacheException.class, () -> new NetworkCacheComponent(config));
    assertEquals(Code.NOT_CONFIGURED, failure.code());
    assertEquals("shacache-key-file does not exist: " + missing, failure.getMessage());
  }

  /** The component's configuration: {@code values} by method name, the annotation's defaults otherwise. */
  private static NetworkCacheConfig config(Map<String, Object> values) {
    return (NetworkCacheConfig) Proxy.newProxyInstance(NetworkCacheConfig.class.getClassLoader(),
        new Class<?>[] {NetworkCacheConfig.class},
        (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
            : method.getDefaultValue());
  }
}
