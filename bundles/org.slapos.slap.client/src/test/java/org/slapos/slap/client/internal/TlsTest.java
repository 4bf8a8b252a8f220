package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slapos.slap.api.AuthenticationError;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
import org.slapos.slap.client.internal.ScriptedMaster.Recorded;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;

/** https with a client certificate from PEM files, against a master that requires one. */
class TlsTest {

  @TempDir
  Path dir;

  private ScriptedMaster master;
  private final HttpSlapConnector connector = new HttpSlapConnector(Map.of());

  @BeforeEach
  void copyFixtures() throws Exception {
    for (String name : List.of("ca.crt", "other-ca.crt", "client-rsa.crt", "client-rsa-pkcs8.key", "client-rsa-pkcs1.key",
        "client-ec.crt", "client-ec-sec1.key", "client-ec-pkcs8.key")) {
      try (InputStream in = TlsTest.class.getResourceAsStream("/tls/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
  }

  @AfterEach
  void stop() {
    if (master != null) {
      master.close();
    }
    connector.deactivate();
  }

  /** A master with the test server certificate that trusts (and requires) the two test client certificates. */
  private ScriptedMaster httpsMaster(boolean needClientAuth) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = TlsTest.class.getResourceAsStream("/tls/server.p12")) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "changeit".toCharArray());
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    for (String name : List.of("client-rsa.crt", "client-ec.crt")) {
      try (InputStream in = Files.newInputStream(dir.resolve(name))) {
        trusted.setCertificateEntry(name, factory.generateCertificate(in));
      }
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    master = ScriptedMaster.https(context, needClientAuth);
    master.on("/computerBang", Reply.ok("<marshal><string></string></marshal>"));
    return master;
  }

  private ConnectionOptions.Builder client(String cert, String key) {
    return ConnectionOptions.builder().certFile(dir.resolve(cert)).keyFile(dir.resolve(key));
  }

  private static String subject(Recorded request) {
    return ((X509Certificate) request.peerCertificates().get(0)).getSubjectX500Principal().getName();
  }

  @ParameterizedTest
  @CsvSource({
      "client-rsa.crt, client-rsa-pkcs8.key, CN=client-rsa",
      "client-rsa.crt, client-rsa-pkcs1.key, CN=client-rsa",
      "client-ec.crt, client-ec-sec1.key, CN=client-ec",
      "client-ec.crt, client-ec-pkcs8.key, CN=client-ec"})
  void clientCertificateIsPresented(String cert, String key, String expectedSubject) throws Exception {
    httpsMaster(true);
    Slap slap = connector.initializeConnection(master.url(), client(cert, key).build());
    slap.registerComputer("COMP-1").bang("hello");
    Recorded request = master.last("/computerBang");
    assertEquals(expectedSubject, subject(request));
    assertEquals("computer_id=COMP-1&message=hello", request.bodyText());
    assertEquals(expectedSubject, subject(master.last("/getHateoasUrl")));
  }

  @Test
  void masterCaFileVerifiesTheServer() throws Exception {
    httpsMaster(true);
    Slap slap = connector.initializeConnection(master.url(),
        client("client-rsa.crt", "client-rsa-pkcs8.key").masterCaFile(dir.resolve("ca.crt")).build());
    slap.registerComputer("COMP-1").bang("verified");
    assertEquals(1, master.count("/computerBang"));
  }

  @Test
  void wrongMasterCaFileFailsTheHandshake() throws Exception {
    httpsMaster(true);
    Slap slap = connector.initializeConnection(master.url(),
        client("client-rsa.crt", "client-rsa-pkcs8.key").masterCaFile(dir.resolve("other-ca.crt")).build());
    assertThrows(ConnectionError.class, () -> slap.registerComputer("COMP-1").bang("x"));
    assertEquals(0, master.count("/computerBang"));
  }

  @Test
  void missingClientCertificateFailsTheHandshake() throws Exception {
    httpsMaster(true);
    Slap slap = connector.initializeConnection(master.url(), ConnectionOptions.defaults());
    ConnectionError error = assertThrows(ConnectionError.class, () -> slap.registerComputer("COMP-1").bang("x"));
    assertTrue(error.getMessage().startsWith("Couldn't connect to the server."), error.getMessage());
  }

  @Test
  void httpsWithoutClientAuthAndWithoutCertificate() throws Exception {
    httpsMaster(false);
    connector.initializeConnection(master.url(), ConnectionOptions.defaults()).registerComputer("c").bang("x");
    assertTrue(master.last("/computerBang").peerCertificates().isEmpty());
  }

  @Test
  void plainHttpNeverUsesTheCertificate() throws Exception {
    master = ScriptedMaster.http();
    master.on("/computerBang", Reply.ok("ok"));
    // Even a broken key is not read for an http master.
    Files.writeString(dir.resolve("broken.key"), "garbage", StandardCharsets.US_ASCII);
    connector.initializeConnection(master.url(), client("client-rsa.crt", "broken.key").build())
        .registerComputer("c").bang("x");
    assertEquals(1, master.count("/computerBang"));
  }

  @Test
  void missingKeyFileIsAnAuthenticationErrorNamingTheFile() throws Exception {
    httpsMaster(true);
    AuthenticationError error = assertThrows(AuthenticationError.class, () -> connector.initializeConnection(
        master.url(), client("client-rsa.crt", "missing.key").build()));
    assertTrue(error.getMessage().contains(dir.resolve("missing.key").toString()), error.getMessage());
  }

  @Test
  void badPemFilesAreAuthenticationErrors() throws Exception {
    httpsMaster(true);
    Files.writeString(dir.resolve("empty.key"), "no pem here", StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("corrupt.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("encrypted.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    for (String key : List.of("empty.key", "corrupt.key", "encrypted.key")) {
      AuthenticationError error = assertThrows(AuthenticationError.class,
          () -> connector.initializeConnection(master.url(), client("client-rsa.crt", key).build()));
      assertTrue(error.getMessage().contains(dir.resolve(key).toString()), error.getMessage());
    }
    AuthenticationError certError = assertThrows(AuthenticationError.class,
        () -> connector.initializeConnection(master.url(), client("client-rsa-pkcs8.key", "client-rsa-pkcs8.key").build()));
    assertTrue(certError.getMessage().contains("No PEM certificate found in certificate file"), certError.getMessage());
    AuthenticationError mismatch = assertThrows(AuthenticationError.class,
        () -> connector.initializeConnection(master.url(), client("client-rsa.crt", "client-ec-sec1.key").build()));
    assertTrue(mismatch.getMessage().contains("does not match"), mismatch.getMessage());
    AuthenticationError half = assertThrows(AuthenticationError.class, () -> connector.initializeConnection(
        master.url(), ConnectionOptions.builder().keyFile(dir.resolve("client-rsa-pkcs8.key")).build()));
    assertTrue(half.getMessage().contains("needs both"), half.getMessage());
  }
}
