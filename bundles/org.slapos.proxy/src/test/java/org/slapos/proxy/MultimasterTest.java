package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.ForwardedRequest;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.slap.client.internal.HttpSlapConnector;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.SlapObject;
import org.slf4j.LoggerFactory;

/**
 * slap-protocol §7.8: a local proxy forwards requests to an external proxy, both served over real
 * HTTP on loopback, through the real SLAP client.
 */
class MultimasterTest {
  static final String FORWARDED_SR = "https://example.com/request/from/partition/software.cfg";
  static final String EXTERNAL_SR = "http://slapos.example/external_software_release.cfg";
  static final String NOT_LISTED_SR = "http://slapos.example/external_software_release_not_listed.cfg";

  @TempDir
  static Path tlsDir;
  static SSLContext serverTls;

  @TempDir
  Path dir;
  ProxyFixture external;
  HttpHarness externalHttp;
  ProxyFixture local;
  HttpHarness localHttp;
  String externalUrl;
  HttpSlapConnector connector;

  @BeforeEach
  void open() throws Exception {
    Files.createDirectories(dir.resolve("external"));
    Files.createDirectories(dir.resolve("local"));
    external = new ProxyFixture(dir.resolve("external"), "external_computer");
    externalHttp = new HttpHarness(external.endpoints);
    externalUrl = externalHttp.url();
    external.store.formatComputer(format("external_computer", 3));
    connector = new HttpSlapConnector();
    local = new ProxyFixture(dir.resolve("local"), "computer", Map.of(), Map.of(externalUrl,
        new Multimaster.Entry(externalUrl, null, null, List.of(EXTERNAL_SR), null, null)), () -> connector);
    localHttp = new HttpHarness(local.endpoints);
    local.store.formatComputer(format("computer", 2));
  }

  /**
   * A self-signed server certificate for 127.0.0.1 ({@code server.crt}) and a client certificate and key
   * ({@code client.crt}, {@code client.key}), made now with the JDK's keytool: no key is committed.
   */
  @BeforeAll
  static void certificates() throws Exception {
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "2",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore", tlsDir.resolve("server.p12").toString(),
        "-storetype", "PKCS12", "-storepass", "changeit");
    keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-dname", "CN=forwarder", "-validity", "2",
        "-keystore", tlsDir.resolve("client.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
    KeyStore server = load("server");
    Files.writeString(tlsDir.resolve("server.crt"), pem("CERTIFICATE", server.getCertificate("server").getEncoded()));
    KeyStore client = load("client");
    Files.writeString(tlsDir.resolve("client.crt"), pem("CERTIFICATE", client.getCertificate("client").getEncoded()));
    Files.writeString(tlsDir.resolve("client.key"),
        pem("PRIVATE KEY", ((PrivateKey) client.getKey("client", "changeit".toCharArray())).getEncoded()));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(server, "changeit".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(keys.getKeyManagers(), null, null);
  }

  private static KeyStore load(String name) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tlsDir.resolve(name + ".p12"))) {
      store.load(in, "changeit".toCharArray());
    }
    return store;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }

  @AfterEach
  void close() throws Exception {
    localHttp.close();
    local.close();
    externalHttp.close();
    external.close();
    connector.deactivate();
  }

  static ComputerFormat format(String computer, int n) {
    List<ComputerFormat.PartitionFormat> partitions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      partitions.add(new ComputerFormat.PartitionFormat("slappart" + i,
          List.of(new NetworkAddress("tap0", "1.2.3.4", "255.255.255.255"))));
    }
    return new ComputerFormat(computer, null, null, partitions);
  }

  Reply request(ProxyFixture proxy, String partitionId, String sr, String title, Map<String, Object> parameters,
      Map<String, Object> filter, String state) {
    List<String> fields = new ArrayList<>(List.of("software_release", sr, "software_type", "default",
        "partition_reference", title, "shared_xml", Marshal.dumps(false), "partition_parameter_xml",
        Marshal.dumps(parameters), "filter_xml", Marshal.dumps(filter), "state", Marshal.dumps(state)));
    if (partitionId != null) {
      fields.addAll(List.of("computer_id", "computer", "computer_partition_id", partitionId));
    }
    return proxy.post("/requestComputerPartition", fields.toArray(String[]::new));
  }

  private void assertForwarded(String reference, String sr, Map<String, String> parameters) throws Exception {
    assertEquals(List.of(new ForwardedRequest(reference, externalUrl)), local.store.forwardedRequests());
    assertFalse(local.store.computerInformation("computer").partitions().get(0).hasInstance(), "nothing allocated here");
    PartitionInfo remote = external.store.computerInformation("external_computer").partitions().get(0);
    assertEquals(sr, remote.softwareRelease());
    assertEquals(reference, remote.title());
    parameters.forEach((k, v) -> assertEquals(v, remote.parameters().get(k)));
  }

  @Test
  void forwardsToTheMasterOfTheSla() throws Exception {
    Reply reply = request(local, "slappart0", NOT_LISTED_SR, "MyFirstInstance", Map.of("foo", "bar"),
        Map.of("master_url", externalUrl), null);
    assertEquals(200, reply.status(), reply.bodyText());
    SlapObject partition = (SlapObject) Marshal.loads(reply.bodyText());
    assertEquals(externalUrl, partition.get("_master_url"));
    assertEquals(NOT_LISTED_SR, partition.get("_software_release_document"));
    assertForwarded("slappart0_MyFirstInstance", NOT_LISTED_SR, Map.of("foo", "bar"));
    // Again: still one bookkeeping row.
    assertEquals(200, request(local, "slappart0", NOT_LISTED_SR, "MyFirstInstance", Map.of("foo", "bar"),
        Map.of("master_url", externalUrl), null).status());
    assertForwarded("slappart0_MyFirstInstance", NOT_LISTED_SR, Map.of("foo", "bar"));
  }

  @Test
  void aMasterNotListedIs404() {
    Reply reply = request(local, "slappart0", NOT_LISTED_SR, "MyFirstInstance", Map.of(),
        Map.of("master_url", "http://not.listed/"), null);
    assertEquals(404, reply.status());
    assertEquals(EndpointsTest.page(404, "Not Found",
        "External SlapOS Master URL http://not.listed/ is not listed in multimaster list."), reply.bodyText());
  }

  @Test
  void listedSoftwareIsForwardedAutomatically() throws Exception {
    for (int i = 0; i < 2; i++) {
      Reply reply = request(local, null, EXTERNAL_SR, "MyInstance", Map.of("foo", "bar"), Map.of(), null);
      assertEquals(200, reply.status(), reply.bodyText());
      SlapObject partition = (SlapObject) Marshal.loads(reply.bodyText());
      @SuppressWarnings("unchecked")
      Map<String, Object> parameters = new LinkedHashMap<>((Map<String, Object>) partition.get("_parameter_dict"));
      parameters.remove("timestamp");
      assertEquals(Map.of("foo", "bar"), parameters);
      assertEquals(EXTERNAL_SR, partition.get("_software_release_document"));
      assertEquals(Map.of(), partition.get("_connection_dict"));
      assertForwarded("user_MyInstance", EXTERNAL_SR, Map.of("foo", "bar"));
    }
  }

  @Test
  void forwardedAnswerHasTheCapturedShape() throws Exception {
    Reply reply = request(local, null, EXTERNAL_SR, "x", Map.of("p", 1L), Map.of(), null);
    String body = reply.bodyText().replace(externalUrl, "http://127.0.0.1:18081/")
        .replaceAll("<string>timestamp</string><string>[0-9.e+-]+</string>", "<string>timestamp</string><string>T</string>");
    assertEquals("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"ComputerPartition\"><tuple>"
        + "<string>external_computer</string><string>slappart0</string><none/></tuple><dictionary id=\"i3\">"
        + "<string>_computer_id</string><string>external_computer</string><string>_connection_dict</string>"
        + "<dictionary id=\"i4\"/><string>_connection_helper</string><none/><string>_hateoas_navigator</string><none/>"
        + "<string>_instance_guid</string><string>external_computer-slappart0</string><string>_master_url</string>"
        + "<string>http://127.0.0.1:18081/</string><string>_parameter_dict</string><dictionary id=\"i5\">"
        + "<string>p</string><string>1</string><string>timestamp</string><string>T</string></dictionary>"
        + "<string>_partition_id</string><string>slappart0</string><string>_request_dict</string><none/>"
        + "<string>_requested_state</string><string>started</string><string>_software_release_document</string>"
        + "<string>" + EXTERNAL_SR + "</string><string>connection_xml</string><none/><string>ip_list</string>"
        + "<list id=\"i6\"><tuple><string>tap0</string><string>1.2.3.4</string></tuple></list>"
        + "<string>slap_computer_id</string><string>external_computer</string><string>slap_computer_partition_id</string>"
        + "<string>slappart0</string><string>slap_server_url</string><string>slap_server_url</string>"
        + "<string>slap_software_release_url</string><string>" + EXTERNAL_SR + "</string>"
        + "<string>slap_software_type</string><string>default</string></dictionary></object></marshal>", body);
  }

  @Test
  void destroyingAForwardedInstanceForgetsIt() throws Exception {
    request(local, null, EXTERNAL_SR, "MyInstance", Map.of(), Map.of(), null);
    Reply reply = request(local, null, EXTERNAL_SR, "MyInstance", Map.of(), Map.of(), "destroyed");
    assertEquals(200, reply.status(), reply.bodyText());
    assertEquals("destroyed", external.store.computerInformation("external_computer").partitions().get(0).requestedState());
    assertEquals(List.of(), local.store.forwardedRequests());
  }

  @Test
  void theSlaMayNameThisProxy() throws Exception {
    Reply reply = request(local, "slappart0", NOT_LISTED_SR, "MyFirstInstance", Map.of(),
        Map.of("master_url", localHttp.url()), null);
    assertEquals(200, reply.status(), reply.bodyText());
    SlapObject instance = (SlapObject) Marshal.loads(reply.bodyText());
    assertNull(instance.get("_master_url"));
    assertEquals(List.of(), local.store.forwardedRequests());
    assertEquals(NOT_LISTED_SR, local.store.computerInformation("computer").partitions().get(0).softwareRelease());
    assertFalse(external.store.computerInformation("external_computer").partitions().get(0).hasInstance());
  }

  @Test
  void anExistingLocalInstanceIsNotForwarded() throws Exception {
    request(local, null, EXTERNAL_SR, "MyInstance", Map.of(), Map.of(), null);
    Reply reply = request(local, null, NOT_LISTED_SR, "MyInstance", Map.of(), Map.of(), null);
    SlapObject instance = (SlapObject) Marshal.loads(reply.bodyText());
    assertNull(instance.get("_master_url"));
    assertEquals(NOT_LISTED_SR, local.store.computerInformation("computer").partitions().get(0).softwareRelease());
    assertEquals(1, local.store.forwardedRequests().size(), "the bookkeeping row stays");
  }

  @Test
  void eponymousInstancesAreNamedAfterTheirRequester() throws Exception {
    request(local, null, NOT_LISTED_SR, "root", Map.of(), Map.of(), null);
    for (String requester : new String[] {"slappart0", "slappart1", null}) {
      Reply reply = request(local, requester, EXTERNAL_SR, "Eponymous Instance",
          Map.of("foo", requester == null ? "2" : requester.substring(8)), Map.of(), null);
      assertEquals(200, reply.status(), reply.bodyText());
    }
    List<String> titles = new ArrayList<>();
    for (PartitionInfo p : external.store.computerInformation("external_computer").partitions()) {
      titles.add(p.title() + "=" + p.parameters().get("foo"));
    }
    assertEquals(List.of("slappart0_Eponymous Instance=0", "slappart1_Eponymous Instance=1",
        "user_Eponymous Instance=2"), titles);
  }

  @Test
  void aSectionWithAPartitionRequestsFromThatPartition() throws Exception {
    // The external proxy has an instance on slappart0 to request from.
    request(external, null, "https://example.com/dummy/software.cfg", "instance", Map.of(), Map.of(), null);
    HttpSlapConnector connector = new HttpSlapConnector();
    Files.createDirectories(dir.resolve("other"));
    try (ProxyFixture other = new ProxyFixture(dir.resolve("other"), "computer", Map.of(), Map.of(externalUrl,
        new Multimaster.Entry(externalUrl, null, null, List.of(FORWARDED_SR), "external_computer", "slappart0")),
        () -> connector)) {
      other.store.formatComputer(format("computer", 1));
      Reply reply = request(other, "slappart0", FORWARDED_SR, "MyInstance", Map.of(), Map.of(), null);
      assertEquals(200, reply.status(), reply.bodyText());
    }
    List<PartitionInfo> partitions = external.store.computerInformation("external_computer").partitions();
    assertEquals("", partitions.get(0).requestedBy());
    assertEquals("slappart0_MyInstance", partitions.get(1).title());
    assertEquals("instance", partitions.get(1).requestedBy());
  }

  @Test
  void withoutSlapClientForwardingIsUnavailable() throws Exception {
    Files.createDirectories(dir.resolve("noclient"));
    try (ProxyFixture alone = new ProxyFixture(dir.resolve("noclient"), "computer", Map.of(), Map.of(externalUrl,
        new Multimaster.Entry(externalUrl, null, null, List.of(EXTERNAL_SR), null, null)), () -> null)) {
      assertEquals(503, request(alone, null, EXTERNAL_SR, "x", Map.of(), Map.of(), null).status());
    }
  }

  @Test
  void httpsMastersNeedKeyAndCertificate() throws Exception {
    Files.createDirectories(dir.resolve("https"));
    HttpSlapConnector connector = new HttpSlapConnector();
    try (ProxyFixture secure = new ProxyFixture(dir.resolve("https"), "computer", Map.of(), Map.of(
        "https://secure.example/", new Multimaster.Entry("https://secure.example/", null, null, List.of(EXTERNAL_SR),
            null, null)), () -> connector)) {
      Reply reply = request(secure, null, EXTERNAL_SR, "x", Map.of(), Map.of(), null);
      assertEquals(404, reply.status());
      assertEquals(EndpointsTest.page(404, "Not Found",
          "External master https://secure.example/ configuration did not specify key or certificate."), reply.bodyText());
    }
  }

  // ---- verified TLS to other masters --------------------------------------------------------------

  /** The external proxy served over https, and a local proxy forwarding EXTERNAL_SR to it per {@code entry}. */
  private Reply forwardOverHttps(java.util.function.Function<String, Multimaster.Entry> entry) throws Exception {
    HttpSlapConnector connector = new HttpSlapConnector();
    Files.createDirectories(dir.resolve("tls"));
    try (HttpHarness secureExternal = new HttpHarness(external.endpoints, serverTls)) {
      String url = secureExternal.url();
      try (ProxyFixture forwarder = new ProxyFixture(dir.resolve("tls"), "computer", Map.of(),
          Map.of(url, entry.apply(url)), () -> connector)) {
        forwarder.store.formatComputer(format("computer", 1));
        return request(forwarder, null, EXTERNAL_SR, "Secure", Map.of("foo", "bar"), Map.of(), null);
      }
    } finally {
      connector.deactivate();
    }
  }

  private static Multimaster.Entry entry(String url, String caFile, boolean verify) {
    return new Multimaster.Entry(url, tlsDir.resolve("client.key").toString(), tlsDir.resolve("client.crt").toString(),
        caFile, verify, List.of(EXTERNAL_SR), null, null);
  }

  @Test
  void forwardsToAnHttpsMasterTrustedThroughItsCaFile() throws Exception {
    Reply reply = forwardOverHttps(url -> entry(url, tlsDir.resolve("server.crt").toString(), true));
    assertEquals(200, reply.status(), reply.bodyText());
    PartitionInfo remote = external.store.computerInformation("external_computer").partitions().get(0);
    assertEquals("user_Secure", remote.title());
  }

  @Test
  void anHttpsMasterWhoseCertificateIsNotTrustedGetsNothing() throws Exception {
    Reply reply = forwardOverHttps(url -> entry(url, null, true));
    assertEquals(502, reply.status(), reply.bodyText());
    assertTrue(reply.bodyText().contains("PKIX path building failed"), reply.bodyText());
    assertFalse(external.store.computerInformation("external_computer").partitions().get(0).hasInstance());
  }

  @Test
  void skippingVerificationIsExplicitAndWarnedAbout() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(HttpSlapConnector.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      Reply reply = forwardOverHttps(url -> entry(url, null, false));
      assertEquals(200, reply.status(), reply.bodyText());
      assertEquals(1, events.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), events.list.toString());
    } finally {
      logger.detachAppender(events);
    }
  }

  @Test
  void parsesTheTlsSettingsOfASection() {
    Map<String, Multimaster.Entry> masters = Multimaster.parse(new String[] {
        "{\"url\": \"https://a/\", \"ca_file\": \"/ca.pem\", \"software_release_list\": []}",
        "{\"url\": \"https://b/\", \"insecure_skip_tls_verify\": \"true\"}",
        "{\"url\": \"https://c/\", \"insecure_skip_tls_verify\": false}"});
    assertEquals("/ca.pem", masters.get("https://a/").caFile());
    assertTrue(masters.get("https://a/").verifyServerCertificate());
    assertFalse(masters.get("https://b/").verifyServerCertificate());
    assertTrue(masters.get("https://c/").verifyServerCertificate());
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Multimaster.parse(
        new String[] {"{\"url\": \"https://d/\", \"insecure_skip_tls_verify\": \"maybe\"}"}));
    assertEquals("multimaster: insecure_skip_tls_verify of https://d/ is not a boolean: maybe", error.getMessage());
  }

  /**
   * Whether an https {@code master_url} is this proxy is asked to that URL (getRunId); the answer
   * counts only from a verified server.
   */
  @Test
  void anHttpsSelfCheckTrustsOnlyAVerifiedServer() throws Exception {
    String runId = "run-42";
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext("/getRunId", http -> {
      byte[] body = runId.getBytes(StandardCharsets.UTF_8);
      http.sendResponseHeaders(200, body.length);
      http.getResponseBody().write(body);
      http.close();
    });
    server.start();
    try {
      String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/";
      Exchange exchange = new Exchange("POST", "/requestComputerPartition", null, new byte[0], Map.of(), "http",
          "127.0.0.1", 5001);
      Multimaster trusted = new Multimaster(Map.of(url, entry(url, tlsDir.resolve("server.crt").toString(), true)),
          runId, Duration.ofSeconds(5), () -> null);
      assertNull(trusted.target(exchange, url, NOT_LISTED_SR), "recognised as this proxy");
      Multimaster untrusted = new Multimaster(Map.of(url, entry(url, null, true)), runId, Duration.ofSeconds(5),
          () -> null);
      assertEquals(url, untrusted.target(exchange, url, NOT_LISTED_SR), "an unverified answer is not believed");
      Multimaster insecure = new Multimaster(Map.of(url, entry(url, null, false)), runId, Duration.ofSeconds(5),
          () -> null);
      assertNull(insecure.target(exchange, url, NOT_LISTED_SR), "believed when verification is turned off");
      Multimaster unlisted = new Multimaster(Map.of(), runId, Duration.ofSeconds(5), () -> null);
      assertEquals(404, assertThrows(HttpFailure.class, () -> unlisted.target(exchange, url, NOT_LISTED_SR)).status());
    } finally {
      server.stop(0);
    }
  }
}
