package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.NetworkAddress;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.PyTuple;
import org.slapos.slap.marshal.SlapObject;

/** The classic endpoints one by one: fixed answers, errors, and the deliberate deviations. */
class EndpointsTest {
  static final String SR = "http://sr//";

  @TempDir
  Path dir;
  ProxyFixture proxy;

  @BeforeEach
  void open() throws Exception {
    proxy = new ProxyFixture(dir, "computer", Map.of("my_product", "my_url"), Map.of(), () -> null);
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  /** fmt(n, C) through loadComputerConfigurationFromXML, as the Python tests do. */
  void format(String computer, int n) {
    List<Object> partitions = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("reference", "slappart" + i);
      p.put("address_list", List.of(Map.of("addr", "1.2.3.4", "netmask", "255.255.255.255"),
          Map.of("addr", "4.3.2.1", "netmask", "255.255.255.255")));
      p.put("tap", Map.of("name", "tap0"));
      partitions.add(p);
    }
    Map<String, Object> computerDict = new LinkedHashMap<>();
    computerDict.put("reference", computer);
    computerDict.put("address", "123.456.789");
    computerDict.put("netmask", "fffffffff");
    computerDict.put("partition_list", partitions);
    Reply reply = proxy.post("/loadComputerConfigurationFromXML", "computer_id", computer, "xml",
        Marshal.dumps(computerDict));
    assertEquals(200, reply.status());
    assertEquals("done", reply.bodyText());
  }

  Reply request(String partitionId, String title, Map<String, Object> parameters, boolean shared, String state,
      Map<String, Object> filter) {
    List<String> fields = new java.util.ArrayList<>(List.of("software_release", SR, "software_type", "default",
        "partition_reference", title, "shared_xml", Marshal.dumps(shared), "partition_parameter_xml",
        Marshal.dumps(parameters), "filter_xml", Marshal.dumps(filter), "state", Marshal.dumps(state)));
    if (partitionId != null) {
      fields.addAll(List.of("computer_id", "computer", "computer_partition_id", partitionId));
    }
    return proxy.post("/requestComputerPartition", fields.toArray(String[]::new));
  }

  static SlapObject object(Reply reply) {
    assertEquals(200, reply.status(), reply.bodyText());
    return (SlapObject) Marshal.loads(reply.bodyText());
  }

  static String page(int status, String name, String description) {
    return "<!doctype html>\n<html lang=en>\n<title>" + status + " " + name + "</title>\n<h1>" + name + "</h1>\n<p>"
        + description + "</p>\n";
  }

  @Test
  void unknownRouteIsWerkzeugs404() {
    Reply reply = proxy.get("/nothing");
    assertEquals(404, reply.status());
    assertEquals("text/html; charset=utf-8", reply.contentType());
    assertEquals(page(404, "Not Found", Pages.NOT_FOUND), reply.bodyText());
    assertEquals(207, reply.body().length);
    assertEquals(404, proxy.get("/getFullComputerInformation/", "computer_id", "computer").status(), "strict slashes");
  }

  @Test
  void wrongMethodIs405() {
    Reply reply = proxy.post("/getFullComputerInformation", "computer_id", "computer");
    assertEquals(405, reply.status());
    assertEquals("GET, HEAD, OPTIONS", reply.headers().get("Allow"));
    assertEquals(page(405, "Method Not Allowed", "The method is not allowed for the requested URL."), reply.bodyText());
    assertEquals("OPTIONS, POST", proxy.get("/supplySupply").headers().get("Allow"));
    Reply options = proxy.send("OPTIONS", "/supplySupply", null, new byte[0], null);
    assertEquals(200, options.status());
    assertEquals("OPTIONS, POST", options.headers().get("Allow"));
  }

  @Test
  void rootRedirectsToThePanel() {
    Reply reply = proxy.get("/");
    assertEquals(302, reply.status());
    assertEquals("/panel/", reply.headers().get("Location"));
    assertEquals("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
        + "<p>You should be redirected automatically to the target URL: <a href=\"/panel/\">/panel/</a>. If not,"
        + " click the link.\n", reply.bodyText());
  }

  @Test
  void fixedAnswers() {
    assertEquals("<marshal><dictionary id=\"i2\"><string>certificate</string><string></string><string>key</string>"
        + "<string></string></dictionary></marshal>", proxy.get("/getComputerPartitionCertificate", "computer_id",
        "computer", "computer_partition_id", "slappart0").bodyText());
    assertEquals("<marshal><string></string></marshal>",
        proxy.post("/computerBang", "computer_id", "computer", "message", "x").bodyText());
    assertEquals("<marshal><string>Not implemented.</string></marshal>",
        proxy.get("/getComputerPartitionStatus").bodyText());
    for (String path : List.of("/buildingSoftwareRelease", "/availableSoftwareRelease", "/softwareReleaseError",
        "/softwareInstanceError", "/startedComputerPartition", "/stoppedComputerPartition", "/useComputer")) {
      assertEquals("Ignored", proxy.post(path).bodyText(), path);
    }
    assertEquals(proxy.runId, proxy.get("/getRunId").bodyText());
    assertEquals(32, proxy.runId.length());
    assertTrue(proxy.runId.matches("[A-Za-z0-9]{32}"));
  }

  @Test
  void softwareProducts() {
    assertEquals("<marshal><list id=\"i2\"><string>my_url</string></list></marshal>",
        proxy.get("/getSoftwareReleaseListFromSoftwareProduct", "software_product_reference", "my_product").bodyText());
    assertEquals("<marshal><list id=\"i2\"/></marshal>",
        proxy.get("/getSoftwareReleaseListFromSoftwareProduct", "software_product_reference", "other").bodyText());
    // slapproxy answered 500 to these (AssertionError / NotImplementedError).
    assertEquals(400, proxy.get("/getSoftwareReleaseListFromSoftwareProduct").status());
    assertEquals(400, proxy.get("/getSoftwareReleaseListFromSoftwareProduct", "software_product_reference", "a",
        "software_release_url", "b").status());
    assertEquals(400, proxy.get("/getSoftwareReleaseListFromSoftwareProduct", "software_release_url", "b").status());
  }

  @Test
  void supplyAndSoftwareList() {
    format("computer", 1);
    Reply reply = proxy.post("/supplySupply", "url", "http://sr/it's.cfg", "computer_id", "computer", "state", "available");
    assertEquals("Supplied \"http://sr/it's.cfg\" to be available", reply.bodyText());
    SlapObject computer = object(proxy.get("/getFullComputerInformation", "computer_id", "computer"));
    SlapObject release = (SlapObject) ((List<?>) computer.get("_software_release_list")).get(0);
    assertEquals("available", release.get("_requested_state"));
    assertEquals("OK", proxy.post("/destroyedSoftwareRelease", "url", "http://sr/it's.cfg", "computer_id", "computer")
        .bodyText());
    computer = object(proxy.get("/getFullComputerInformation", "computer_id", "computer"));
    assertEquals(List.of(), computer.get("_software_release_list"));
    // slapproxy answered 500 (ValueError).
    Reply wrong = proxy.post("/supplySupply", "url", SR, "computer_id", "computer", "state", "started");
    assertEquals(400, wrong.status());
    assertEquals(page(400, "Bad Request", "Wrong state started"), wrong.bodyText());
  }

  @Test
  void unknownComputerAndPartitionAre404WithAMessage() {
    Reply computer = proxy.get("/getFullComputerInformation", "computer_id", "computer42");
    assertEquals(404, computer.status());
    assertEquals(page(404, "Not Found", "computer42 is not registered."), computer.bodyText());
    assertEquals(404, proxy.get("/getComputerInformation", "computer_id", "computer42").status());
    assertEquals(200, proxy.get("/getComputerInformation", "computer_id", "computer").status(), "default computer");
    Reply partition = proxy.get("/registerComputerPartition", "computer_reference", "computer",
        "computer_partition_reference", "slappart9");
    assertEquals(404, partition.status());
    assertEquals(page(404, "Not Found", "Unknown partition &#39;slappart9&#39; on &#39;computer&#39;"), partition.bodyText());
  }

  @Test
  void missingOrMalformedFieldsAre400() {
    Reply missing = proxy.get("/getFullComputerInformation");
    assertEquals(400, missing.status());
    assertEquals(page(400, "Bad Request", "Missing field computer_id"), missing.bodyText());
    assertEquals(400, proxy.post("/requestComputerPartition", "software_release", SR).status());
    Reply malformed = proxy.post("/loadComputerConfigurationFromXML", "xml", "<marshal><dictionary>");
    assertEquals(400, malformed.status());
    assertTrue(malformed.bodyText().contains("Field xml is not valid marshalled XML"), malformed.bodyText());
    assertEquals(400, proxy.post("/loadComputerConfigurationFromXML", "xml", Marshal.dumps(List.of())).status());
    assertEquals(400, proxy.post("/loadComputerConfigurationFromXML", "xml", Marshal.dumps(Map.of("reference", "c")))
        .status());
    Reply dtd = proxy.post("/setComputerPartitionConnectionXml", "computer_id", "computer", "computer_partition_id",
        "slappart0", "connection_xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><marshal><string>&e;"
            + "</string></marshal>");
    assertEquals(400, dtd.status());
    assertEquals(400, proxy.post("/setComputerPartitionConnectionXml", "computer_id", "computer",
        "computer_partition_id", "slappart0", "connection_xml", Marshal.dumps(List.of())).status());
    // POST fields are read from the body only, as flask's request.form.
    assertEquals(400, proxy.send("POST", "/supplySupply", "url=a&computer_id=b&state=available", new byte[0],
        "application/x-www-form-urlencoded").status());
    format("computer", 1);
    Reply badState = request(null, "x", Map.of(), false, "running", Map.of());
    assertEquals(400, badState.status());
    Reply badGuid = request(null, "x", Map.of(), false, null, Map.of("computer_guid", 3L));
    assertEquals(400, badGuid.status());
  }

  @Test
  void requestDefaultsOptionalFields() {
    format("computer", 1);
    // slapproxy 1.24 answered 500 without these three; they default to {} / {} / False.
    Reply reply = proxy.post("/requestComputerPartition", "software_release", SR, "partition_reference", "x",
        "software_type", "default", "state", Marshal.dumps(null));
    SlapObject instance = object(reply);
    assertEquals("slappart0", instance.get("slap_computer_partition_id"));
    assertEquals("started", instance.get("_requested_state"));
  }

  @Test
  void requestFlowThroughHttp() {
    format("computer", 3);
    SlapObject root = object(request(null, "MyFirstInstance", Map.of("n", 1L), false, null, Map.of()));
    assertEquals("computer-slappart0", root.get("_instance_guid"));
    assertEquals("started", root.get("_requested_state"));
    assertEquals(List.of(PyTuple.of("tap0", "1.2.3.4"), PyTuple.of("tap0", "4.3.2.1")), root.get("ip_list"));
    @SuppressWarnings("unchecked")
    Map<String, Object> parameters = (Map<String, Object>) root.get("_parameter_dict");
    assertEquals("1", parameters.get("n"));
    SlapObject again = object(request("slappart2", "MyFirstInstance", Map.of("n", 1L), false, null, Map.of()));
    assertEquals(root, again, "an unknown requester is the user; an identical request changes nothing");

    object(request("slappart0", "child", Map.of(), false, null, Map.of()));
    object(request(null, "other", Map.of(), false, null, Map.of()));
    Reply full = request(null, "more", Map.of(), false, null, Map.of());
    assertEquals(404, full.status());
    assertEquals(page(404, "Not Found", "No free computer partition found for: more"), full.bodyText());

    // Stop the root: the stored state is stopped, the answer to a state-less request says started (§3.5.1).
    object(request(null, "MyFirstInstance", Map.of("n", 1L), false, "stopped", Map.of()));
    SlapObject quirk = object(request(null, "MyFirstInstance", Map.of("n", 1L), false, null, Map.of()));
    assertEquals("started", quirk.get("_requested_state"));
    SlapObject partition = object(proxy.get("/registerComputerPartition", "computer_reference", "computer",
        "computer_partition_reference", "slappart0"));
    assertEquals("stopped", partition.get("_requested_state"));
  }

  @Test
  void destroyRenameAndBangAnswers() {
    format("computer", 2);
    object(request(null, "root", Map.of(), false, null, Map.of()));
    object(request("slappart0", "child", Map.of(), false, null, Map.of()));
    assertEquals("Unknown partition 'slappart9' on 'computer'", proxy.post("/destroyedComputerPartition",
        "computer_id", "computer", "computer_partition_id", "slappart9").bodyText());
    assertEquals("Not destroying yet because this partition has child partitions: child",
        proxy.post("/destroyedComputerPartition", "computer_id", "computer", "computer_partition_id", "slappart0")
            .bodyText());
    assertEquals("OK", proxy.post("/softwareInstanceBang", "computer_id", "computer", "computer_partition_id",
        "slappart1", "message", "bang").bodyText());
    assertEquals(400, proxy.post("/softwareInstanceBang", "computer_id", "computer").status());
    assertEquals("done", proxy.post("/softwareInstanceRename", "new_name", "renamed", "computer_id", "computer",
        "computer_partition_id", "slappart0").bodyText());
    assertEquals("Unknown partition 'slappart9' on 'computer'", proxy.post("/softwareInstanceRename", "new_name", "x",
        "computer_id", "computer", "computer_partition_id", "slappart9").bodyText());
    assertEquals("OK", proxy.post("/destroyedComputerPartition", "computer_id", "computer", "computer_partition_id",
        "slappart1").bodyText());
    assertEquals("OK", proxy.post("/destroyedComputerPartition", "computer_id", "computer", "computer_partition_id",
        "slappart0").bodyText());
  }

  @Test
  void hostingSubscriptionIpListGivesTheTreeAddresses() throws Exception {
    proxy.store.formatComputer(new ComputerFormat("computer", null, null, List.of(
        new ComputerFormat.PartitionFormat("slappart0", List.of(new NetworkAddress("tap0", "10.0.0.1", null))),
        new ComputerFormat.PartitionFormat("slappart1", List.of(new NetworkAddress("tap1", "10.0.0.2", null))),
        new ComputerFormat.PartitionFormat("slappart2", List.of(new NetworkAddress("tap2", "10.0.0.3", null))))));
    object(request(null, "root", Map.of(), false, null, Map.of()));
    object(request("slappart0", "child", Map.of(), false, null, Map.of()));
    object(request(null, "other", Map.of(), false, null, Map.of()));
    Reply reply = proxy.get("/getHostingSubscriptionIpList", "computer_id", "computer", "computer_partition_id",
        "slappart1");
    assertEquals("<marshal><list id=\"i2\"><tuple><string>tap0</string><string>10.0.0.1</string></tuple><tuple>"
        + "<string>tap1</string><string>10.0.0.2</string></tuple></list></marshal>", reply.bodyText());
    assertEquals(404, proxy.get("/getHostingSubscriptionIpList", "computer_id", "computer", "computer_partition_id",
        "slappart7").status());
  }

  @Test
  void relatedInstanceListIsAcceptedAndIgnored() {
    assertEquals("done", proxy.post("/updateComputerPartitionRelatedInstanceList", "computer_id", "computer",
        "computer_partition_id", "slappart0", "instance_reference_xml", Marshal.dumps(List.of())).bodyText());
  }

  @Test
  void sharedInstancesThroughHttp() {
    format("computer", 2);
    object(request(null, "host", Map.of(), false, null, Map.of()));
    SlapObject slave = object(request(null, "front", Map.of("url", "http://x/"), true, null, Map.of()));
    assertEquals(Map.of(), slave.get("_connection_dict"));
    assertNull(slave.get("_instance_guid"));
    assertEquals("done", proxy.post("/setComputerPartitionConnectionXml", "computer_id", "computer",
        "computer_partition_id", "slappart0", "connection_xml", Marshal.dumps(Map.of("url", "%s.master.com")),
        "slave_reference", "_front").bodyText());
    slave = object(request(null, "front", Map.of("url", "http://x/"), true, null, Map.of()));
    assertEquals(Map.of("url", "%s.master.com"), slave.get("_connection_dict"));
    Reply noHost = proxy.post("/requestComputerPartition", "software_release", "http://other//", "software_type",
        "default", "partition_reference", "s", "shared_xml", Marshal.dumps(true), "partition_parameter_xml",
        Marshal.dumps(Map.of()), "filter_xml", Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
    assertEquals(404, noHost.status());
    assertEquals(page(404, "Not Found",
        "No partition corresponding to slave request: [&#39;http://other//&#39;, &#39;computer&#39;, &#39;default&#39;]"),
        noHost.bodyText());
  }

  @Test
  void destroyingASlaveOnAHostWithoutListIsNotA500() {
    format("computer", 1);
    object(request(null, "host", Map.of(), false, null, Map.of()));
    Reply reply = request(null, "front", Map.of(), true, "destroyed", Map.of());
    assertEquals(200, reply.status());
  }

  @Test
  void frontendBypassOverHttpsGoesThroughHttpProxy() {
    Map<String, Object> parameters = Map.of("url", "https://[::1]:123/my/path?my=query&string=value#myanchor");
    Reply plain = proxy.post("/requestComputerPartition", "computer_id", "computer", "computer_partition_id",
        "slappart0", "software_release", Frontends.APACHE_FRONTEND, "software_type", "default", "partition_reference",
        "t", "shared_xml", Marshal.dumps(true), "partition_parameter_xml", Marshal.dumps(parameters), "filter_xml",
        Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
    assertEquals(Map.of("secure_access", "https://[::1]:123/my/path?my=query&string=value#myanchor",
        "domain", "[::1]:123"), object(plain).get("_connection_dict"));

    proxy.host = "localhost";
    proxy.extraHeaders.put("X-Forwarded-Proto", "https");
    Reply secure = proxy.post("/requestComputerPartition", "computer_id", "computer", "computer_partition_id",
        "slappart0", "software_release", Frontends.APACHE_FRONTEND, "software_type", "default", "partition_reference",
        "t", "shared_xml", Marshal.dumps(true), "partition_parameter_xml", Marshal.dumps(parameters), "filter_xml",
        Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
    assertEquals(Map.of("secure_access",
        "https://localhost/http_proxy/https/%5B::1%5D:123/my/path?my=query&string=value#myanchor",
        "domain", "localhost"), object(secure).get("_connection_dict"));
  }

  @Test
  void kvmFrontendBypass() {
    Reply reply = proxy.post("/requestComputerPartition", "computer_id", "computer", "computer_partition_id",
        "slappart0", "software_release", Frontends.KVM, "software_type", "frontend", "partition_reference", "t",
        "shared_xml", Marshal.dumps(true), "partition_parameter_xml", Marshal.dumps(Map.of("host", "::1", "port", "123")),
        "filter_xml", Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
    SlapObject fake = object(reply);
    assertEquals(Map.of("url", "https://[::1]:123/", "domainname", "[::1]", "port", "123", "path", "/"),
        fake.get("_connection_dict"));
    assertEquals("Fake KVM VNC frontend for https://[::1]:123/", fake.get("_partition_id"));
  }

  @Test
  void hateoasUrlFollowsForwardedHeaders() {
    assertEquals("http://127.0.0.1:5001/hateoas/", proxy.get("/getHateoasUrl").bodyText());
    proxy.host = "localhost";
    proxy.extraHeaders.put("X-Forwarded-Proto", "https");
    proxy.extraHeaders.put("X-Forwarded-Prefix", "/slap/");
    assertEquals("https://localhost/slap/hateoas/", proxy.get("/getHateoasUrl").bodyText());
    assertEquals("/slap/panel/", proxy.get("/").headers().get("Location"));
  }
}
