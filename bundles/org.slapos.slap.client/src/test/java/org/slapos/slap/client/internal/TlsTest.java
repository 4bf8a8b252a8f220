package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * https against real servers on loopback with certificates made at test time: server verification
 * (JVM trust store + master CA file, host names, redirects, the explicit opt-out) and client
 * certificates from PEM files.
 */
class TlsTest {

  @TempDir
  static Path pkiDir;
  static TestPki pki;

  @TempDir
  Path dir;

  private final List<ScriptedMaster> masters = new java.util.ArrayList<>();
  private final HttpSlapConnector connector = new HttpSlapConnector(Map.of());

  @BeforeAll
  static void generateCertificates() throws Exception {
    pki = TestPki.create(pkiDir);
  }

  @AfterEach
  void stop() {
    masters.forEach(ScriptedMaster::close);
    connector.deactivate();
  }

  /** An https master presenting {@code certificate} (a {@link TestPki} name); it trusts the test CA's clients. */
  private ScriptedMaster httpsMaster(String certificate, boolean needClientAuth) throws Exception {
    ScriptedMaster master = ScriptedMaster.https(pki.serverContext(certificate), needClientAuth);
    master.on("/computerBang", Reply.ok("<marshal><string></string></marshal>"));
    masters.add(master);
    return master;
  }

  private ScriptedMaster httpsMaster(boolean needClientAuth) throws Exception {
    return httpsMaster("server", needClientAuth);
  }

  private static ConnectionOptions.Builder client(String cert, String key) {
    return ConnectionOptions.builder().certFile(pki.file(cert)).keyFile(pki.file(key));
  }

  private static ConnectionOptions.Builder trustingTheTestCa() {
    return ConnectionOptions.builder().masterCaFile(pki.file("ca.crt"));
  }

  private static String subject(Recorded request) {
    return ((X509Certificate) request.peerCertificates().get(0)).getSubjectX500Principal().getName();
  }

  private void bang(ScriptedMaster master, ConnectionOptions options) throws Exception {
    connector.initializeConnection(master.url(), options).registerComputer("COMP-1").bang("hello");
  }

  // ---- server verification ----------------------------------------------------------------------

  @Test
  void aSelfSignedServerIsRefusedByDefault() throws Exception {
    ScriptedMaster master = httpsMaster("self-signed", false);
    ConnectionError error = assertThrows(ConnectionError.class, () -> bang(master, ConnectionOptions.defaults()));
    assertTrue(error.getMessage().contains("PKIX path building failed"), error.getMessage());
    assertEquals(0, master.count("/computerBang"));
  }

  @Test
  void aServerSignedByAnUnknownCaIsRefusedWithoutTheCaFile() throws Exception {
    ScriptedMaster master = httpsMaster(false);
    assertThrows(ConnectionError.class, () -> bang(master, ConnectionOptions.defaults()));
    assertEquals(0, master.count("/computerBang"));
  }

  @Test
  void aSelfSignedServerIsAcceptedWithItsCertificateAsMasterCaFile() throws Exception {
    ScriptedMaster master = httpsMaster("self-signed", false);
    bang(master, ConnectionOptions.builder().masterCaFile(pki.file("self-signed.crt")).build());
    assertEquals(1, master.count("/computerBang"));
  }

  @Test
  void masterCaFileVerifiesTheServer() throws Exception {
    ScriptedMaster master = httpsMaster(true);
    bang(master, client("client-rsa.crt", "client-rsa-pkcs8.key").masterCaFile(pki.file("ca.crt")).build());
    assertEquals(1, master.count("/computerBang"));
  }

  @Test
  void wrongMasterCaFileFailsTheHandshake() throws Exception {
    ScriptedMaster master = httpsMaster(true);
    assertThrows(ConnectionError.class, () -> bang(master,
        client("client-rsa.crt", "client-rsa-pkcs8.key").masterCaFile(pki.file("other-ca.crt")).build()));
    assertEquals(0, master.count("/computerBang"));
  }

  @Test
  void aHostNameMismatchIsRefused() throws Exception {
    ScriptedMaster master = httpsMaster("wrong-name", false);
    ConnectionError error = assertThrows(ConnectionError.class, () -> bang(master, trustingTheTestCa().build()));
    assertTrue(error.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"),
        error.getMessage());
    assertEquals(0, master.count("/computerBang"));
  }

  @Test
  void aRedirectToAnUntrustedHttpsServerIsRefused() throws Exception {
    ScriptedMaster untrusted = httpsMaster("self-signed", false);
    ScriptedMaster master = ScriptedMaster.http();
    masters.add(master);
    master.on("/computerBang", Reply.redirect(untrusted.url() + "computerBang"));
    assertThrows(ConnectionError.class, () -> bang(master, ConnectionOptions.defaults()));
    assertEquals(1, master.count("/computerBang"));
    assertEquals(0, untrusted.count("/computerBang"));
  }

  @Test
  void aRedirectToHttpsIsVerifiedWithTheMasterCaFile() throws Exception {
    ScriptedMaster secure = httpsMaster(false);
    ScriptedMaster master = ScriptedMaster.http();
    masters.add(master);
    master.on("/computerBang", Reply.redirect(secure.url() + "computerBang"));
    bang(master, trustingTheTestCa().build());
    assertEquals(1, secure.count("/computerBang"));
    // Followed from an http master: the client certificate is not loaded, so none is offered.
    assertTrue(secure.last("/computerBang").peerCertificates().isEmpty());
  }

  @Test
  void anHttpMasterDoesNotReadTheCaFileUntilItRedirectsToHttps() throws Exception {
    ScriptedMaster secure = httpsMaster(false);
    ScriptedMaster master = ScriptedMaster.http();
    masters.add(master);
    master.on("/getComputerStatus", Reply.ok("<marshal><dictionary id=\"i2\"/></marshal>"));
    master.on("/computerBang", Reply.redirect(secure.url() + "computerBang"));
    Path missing = dir.resolve("missing-ca.crt");
    Slap slap = connector.initializeConnection(master.url(), ConnectionOptions.builder().masterCaFile(missing).build());
    slap.registerComputer("COMP-1").getStatus();
    assertEquals(1, master.count("/getComputerStatus"), "plain http works without reading the CA file");
    ConnectionError error = assertThrows(ConnectionError.class, () -> slap.registerComputer("COMP-1").bang("x"));
    assertTrue(error.getMessage().contains("Cannot read master CA file " + missing), error.getMessage());
    assertEquals(0, secure.count("/computerBang"));
  }

  @Test
  void aMasterCaFileThatCannotBeReadIsAnAuthenticationErrorNamingIt() throws Exception {
    ScriptedMaster master = httpsMaster(false);
    Path missing = dir.resolve("missing-ca.crt");
    AuthenticationError error = assertThrows(AuthenticationError.class, () -> connector.initializeConnection(
        master.url(), ConnectionOptions.builder().masterCaFile(missing).build()));
    assertTrue(error.getMessage().startsWith("Cannot read master CA file " + missing), error.getMessage());
  }

  @Test
  void turningVerificationOffAcceptsAnyServerAndWarnsOncePerConnector() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(HttpSlapConnector.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      ScriptedMaster selfSigned = httpsMaster("self-signed", false);
      ScriptedMaster wrongName = httpsMaster("wrong-name", false);
      ConnectionOptions insecure = ConnectionOptions.builder().verifyServerCertificate(false).build();
      bang(selfSigned, insecure);
      bang(wrongName, insecure);
      bang(selfSigned, insecure.toBuilder().timeout(java.time.Duration.ofSeconds(7)).build());
      assertEquals(2, selfSigned.count("/computerBang"));
      assertEquals(1, wrongName.count("/computerBang"));
      List<ILoggingEvent> warnings = events.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
      assertEquals(1, warnings.size(), events.list.toString());
      assertTrue(warnings.get(0).getFormattedMessage().contains("NOT verified"), warnings.get(0).getFormattedMessage());

      HttpSlapConnector another = new HttpSlapConnector(Map.of());
      try {
        another.initializeConnection(selfSigned.url(), insecure).registerComputer("c").bang("x");
      } finally {
        another.deactivate();
      }
      assertEquals(2, events.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), "once per connector");
    } finally {
      logger.detachAppender(events);
    }
  }

  @Test
  void verifiedConnectionsLogNoWarning() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(HttpSlapConnector.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      bang(httpsMaster(false), trustingTheTestCa().build());
      assertEquals(List.of(), events.list.stream().filter(e -> e.getLevel() == Level.WARN).toList());
    } finally {
      logger.detachAppender(events);
    }
  }

  // ---- client certificates ----------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "client-rsa.crt, client-rsa-pkcs8.key, CN=client-rsa",
      "client-rsa.crt, client-rsa-pkcs1.key, CN=client-rsa",
      "client-ec.crt, client-ec-sec1.key, CN=client-ec",
      "client-ec.crt, client-ec-pkcs8.key, CN=client-ec"})
  void clientCertificateIsPresented(String cert, String key, String expectedSubject) throws Exception {
    ScriptedMaster master = httpsMaster(true);
    Slap slap = connector.initializeConnection(master.url(),
        client(cert, key).masterCaFile(pki.file("ca.crt")).build());
    slap.registerComputer("COMP-1").bang("hello");
    Recorded request = master.last("/computerBang");
    assertEquals(expectedSubject, subject(request));
    assertEquals("computer_id=COMP-1&message=hello", request.bodyText());
    assertEquals(expectedSubject, subject(master.last("/getHateoasUrl")));
  }

  @Test
  void clientCertificateIsPresentedWithVerificationOff() throws Exception {
    ScriptedMaster master = httpsMaster(true);
    bang(master, client("client-ec.crt", "client-ec-pkcs8.key").verifyServerCertificate(false).build());
    assertEquals("CN=client-ec", subject(master.last("/computerBang")));
  }

  @Test
  void missingClientCertificateFailsTheHandshake() throws Exception {
    ScriptedMaster master = httpsMaster(true);
    Slap slap = connector.initializeConnection(master.url(), trustingTheTestCa().build());
    ConnectionError error = assertThrows(ConnectionError.class, () -> slap.registerComputer("COMP-1").bang("x"));
    assertTrue(error.getMessage().startsWith("Couldn't connect to the server."), error.getMessage());
    assertEquals(0, master.count("/computerBang"));
  }

  @Test
  void httpsWithoutClientAuthAndWithoutCertificate() throws Exception {
    ScriptedMaster master = httpsMaster(false);
    bang(master, trustingTheTestCa().build());
    assertTrue(master.last("/computerBang").peerCertificates().isEmpty());
  }

  @Test
  void plainHttpNeverUsesTheCertificate() throws Exception {
    ScriptedMaster master = ScriptedMaster.http();
    masters.add(master);
    master.on("/computerBang", Reply.ok("ok"));
    // Even a broken key is not read for an http master.
    Files.writeString(dir.resolve("broken.key"), "garbage", StandardCharsets.US_ASCII);
    connector.initializeConnection(master.url(), ConnectionOptions.builder().certFile(pki.file("client-rsa.crt"))
        .keyFile(dir.resolve("broken.key")).build()).registerComputer("c").bang("x");
    assertEquals(1, master.count("/computerBang"));
  }

  @Test
  void missingKeyFileIsAnAuthenticationErrorNamingTheFile() throws Exception {
    ScriptedMaster master = httpsMaster(true);
    Path missing = dir.resolve("missing.key");
    AuthenticationError error = assertThrows(AuthenticationError.class, () -> connector.initializeConnection(
        master.url(), client("client-rsa.crt", "client-rsa.crt").keyFile(missing).build()));
    assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
  }

  @Test
  void badPemFilesAreAuthenticationErrors() throws Exception {
    ScriptedMaster master = httpsMaster(true);
    Files.writeString(dir.resolve("empty.key"), "no pem here", StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("corrupt.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("encrypted.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    for (String key : List.of("empty.key", "corrupt.key", "encrypted.key")) {
      Path keyFile = dir.resolve(key);
      AuthenticationError error = assertThrows(AuthenticationError.class,
          () -> connector.initializeConnection(master.url(), client("client-rsa.crt", "client-rsa.crt").keyFile(keyFile).build()));
      assertTrue(error.getMessage().contains(keyFile.toString()), error.getMessage());
    }
    AuthenticationError certError = assertThrows(AuthenticationError.class,
        () -> connector.initializeConnection(master.url(), client("client-rsa-pkcs8.key", "client-rsa-pkcs8.key").build()));
    assertTrue(certError.getMessage().contains("No PEM certificate found in certificate file"), certError.getMessage());
    AuthenticationError mismatch = assertThrows(AuthenticationError.class,
        () -> connector.initializeConnection(master.url(), client("client-rsa.crt", "client-ec-sec1.key").build()));
    assertTrue(mismatch.getMessage().contains("does not match"), mismatch.getMessage());
    AuthenticationError half = assertThrows(AuthenticationError.class, () -> connector.initializeConnection(
        master.url(), ConnectionOptions.builder().keyFile(pki.file("client-rsa-pkcs8.key")).build()));
    assertTrue(half.getMessage().contains("needs both"), half.getMessage());
  }
}
