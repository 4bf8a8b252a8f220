package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SoftwareRelease;
import org.slapos.slap.client.internal.ScriptedMaster.Recorded;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;
import org.slapos.slap.marshal.Marshal;

/**
 * Every endpoint: method, path, fields, their order and encoding. Where the Python client was
 * captured doing the same call, the raw body must be byte-identical to the capture.
 */
class WireFormatTest extends MasterTestSupport {

  private static final String SR = "/srv/peer/sr/software.cfg";

  private void assertPost(Recorded request, String path) {
    assertEquals("POST", request.method());
    assertEquals(path, request.path());
    assertEquals("application/x-www-form-urlencoded", request.header("Content-type"));
    assertEquals("slapos.core/1.24.0", request.header("User-agent"));
    assertEquals("*/*", request.header("Accept"));
    assertNull(request.rawQuery(), "POST fields go in the body only");
  }

  private void assertGet(Recorded request, String path, String rawQuery) {
    assertEquals("GET", request.method());
    assertEquals(path, request.path());
    assertEquals(rawQuery, request.rawQuery());
    assertEquals("slapos.core/1.24.0", request.header("User-agent"));
    assertEquals("*/*", request.header("Accept"));
    assertEquals(0, request.body().length);
  }

  private ComputerPartition registeredPartition(Slap slap) throws Exception {
    return slap.registerComputerPartition("local_computer", "slappart0");
  }

  @Test
  void initializeConnectionAsksForTheHateoasUrlWithPythonHeaders() throws Exception {
    connect();
    assertEquals(List.of("GET /getHateoasUrl"), master.paths());
    assertGet(master.last("/getHateoasUrl"), "/getHateoasUrl", null);
  }

  @Test
  void supplyMatchesCapture() throws Exception {
    master.on("/supplySupply", Reply.ok("Supplied '/srv/peer/sr/software.cfg' to be available"));
    String answer = connect().registerSupply().supply(SR, "local_computer", "available");
    assertEquals("Supplied '/srv/peer/sr/software.cfg' to be available", answer);
    Recorded request = master.last("/supplySupply");
    assertPost(request, "/supplySupply");
    assertEquals(wire("0004-POST-supplySupply.request-body"), request.bodyText());
  }

  @Test
  void supplyDefaultsAndNone() throws Exception {
    master.on("/supplySupply", Reply.ok("Supplied"));
    connect().registerSupply().supply("http://sr/x y.cfg", null, null);
    assertEquals("url=http%3A%2F%2Fsr%2Fx+y.cfg&computer_id=None&state=available",
        master.last("/supplySupply").bodyText());
  }

  @Test
  void softwareReleaseCallsMatchCapture() throws Exception {
    master.on("/getFullComputerInformation", Reply.ok(wire("0006-GET-getFullComputerInformation.response-body")));
    master.on("/buildingSoftwareRelease", Reply.ok("Ignored"));
    master.on("/availableSoftwareRelease", Reply.ok("Ignored"));
    master.on("/destroyedSoftwareRelease", Reply.ok("OK"));
    master.on("/softwareReleaseError", Reply.ok("Ignored"));
    Computer computer = connect().registerComputer("local_computer");
    SoftwareRelease release = computer.getSoftwareReleaseList().get(0);
    assertGet(master.last("/getFullComputerInformation"), "/getFullComputerInformation", "computer_id=local_computer");
    assertEquals(SR, release.getURI());
    assertEquals("local_computer", release.getComputerId());
    assertEquals("available", release.getState());

    release.building();
    assertPost(master.last("/buildingSoftwareRelease"), "/buildingSoftwareRelease");
    assertEquals(wire("0007-POST-buildingSoftwareRelease.request-body"), master.last("/buildingSoftwareRelease").bodyText());
    release.available();
    assertEquals(wire("0008-POST-availableSoftwareRelease.request-body"), master.last("/availableSoftwareRelease").bodyText());
    release.destroyed();
    assertEquals(wire("0008-POST-availableSoftwareRelease.request-body"), master.last("/destroyedSoftwareRelease").bodyText());
    release.error("it failed\nbadly");
    assertEquals("url=%2Fsrv%2Fpeer%2Fsr%2Fsoftware.cfg&computer_id=local_computer&error_log=it+failed%0Abadly",
        master.last("/softwareReleaseError").bodyText());
  }

  @Test
  void openOrderRequestMatchesCapture() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0010-POST-requestComputerPartition.response-body")));
    Slap slap = connect();
    slap.registerOpenOrder().request(InstanceRequest.builder(SR, "peer-http").build());
    Recorded request = master.last("/requestComputerPartition");
    assertPost(request, "/requestComputerPartition");
    assertEquals(wire("0010-POST-requestComputerPartition.request-body"), request.bodyText());

    slap.registerOpenOrder().request(InstanceRequest.builder(SR, "peer-http").state("destroyed").build());
    assertEquals(wire("0027-POST-requestComputerPartition.request-body"),
        master.last("/requestComputerPartition").bodyText());
  }

  @Test
  void openOrderRequestFieldOrderWithParameters() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0010-POST-requestComputerPartition.response-body")));
    connect().registerOpenOrder().request(InstanceRequest.builder("http://sr/software.cfg", "root")
        .parameter("n", 1).parameter("a", "x<y&z").softwareType("kvm").shared(true)
        .filter("computer_guid", "COMP-1").state("started").build());
    Recorded request = master.last("/requestComputerPartition");
    Map<String, String> fields = fields(request.bodyText());
    assertEquals(List.of("software_release", "partition_reference", "partition_parameter_xml", "filter_xml",
        "software_type", "state", "shared_xml"), List.copyOf(fields.keySet()));
    // Marshal strings are escaped twice, keys sorted.
    assertEquals("<marshal><dictionary id=\"i2\"><string>a</string><string>x&amp;lt;y&amp;amp;z</string>"
        + "<string>n</string><int>1</int></dictionary></marshal>", fields.get("partition_parameter_xml"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>computer_guid</string><string>COMP-1</string>"
        + "</dictionary></marshal>", fields.get("filter_xml"));
    assertEquals("kvm", fields.get("software_type"));
    assertEquals("<marshal><string>started</string></marshal>", fields.get("state"));
    assertEquals("<marshal><bool>1</bool></marshal>", fields.get("shared_xml"));
    assertTrue(request.bodyText().contains("&partition_parameter_xml=%3Cmarshal%3E%3Cdictionary+id%3D%22i2%22%3E"
        + "%3Cstring%3Ea%3C%2Fstring%3E%3Cstring%3Ex%26amp%3Blt%3By%26amp%3Bamp%3Bz%3C%2Fstring%3E"), request.bodyText());
  }

  @Test
  void partitionRequestFieldOrder() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0020-POST-requestComputerPartition.response-body")));
    registeredPartition(connect()).request(InstanceRequest.builder(SR, "child").build());
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0"
        + "&software_release=%2Fsrv%2Fpeer%2Fsr%2Fsoftware.cfg&software_type=default&partition_reference=child"
        + "&shared_xml=%3Cmarshal%3E%3Cbool%3E0%3C%2Fbool%3E%3C%2Fmarshal%3E"
        + "&partition_parameter_xml=%3Cmarshal%3E%3Cdictionary+id%3D%22i2%22%2F%3E%3C%2Fmarshal%3E"
        + "&filter_xml=%3Cmarshal%3E%3Cdictionary+id%3D%22i2%22%2F%3E%3C%2Fmarshal%3E"
        + "&state=%3Cmarshal%3E%3Cnone%2F%3E%3C%2Fmarshal%3E",
        master.last("/requestComputerPartition").bodyText());
  }

  @Test
  void registerComputerPartitionQuery() throws Exception {
    master.on("/registerComputerPartition", Reply.ok(wire("0014-GET-registerComputerPartition.response-body")));
    ComputerPartition partition = registeredPartition(connect());
    assertEquals("started", partition.getState());
    assertGet(master.last("/registerComputerPartition"), "/registerComputerPartition",
        "computer_reference=local_computer&computer_partition_reference=slappart0");
  }

  @Test
  void setConnectionDictMatchesCapture() throws Exception {
    master.on("/setComputerPartitionConnectionXml", Reply.ok("done"));
    Map<String, Object> connection = new LinkedHashMap<>();
    connection.put("url", "http://127.0.1.106:8080/");
    connection.put("ipv6", "fd5a:1ab0:5eed::2");
    connection.put("partition-state", "started");
    registeredPartition(connect()).setConnectionDict(connection, null);
    Recorded request = master.last("/setComputerPartitionConnectionXml");
    assertPost(request, "/setComputerPartitionConnectionXml");
    assertEquals(wire("0016-POST-setComputerPartitionConnectionXml.request-body"), request.bodyText());
  }

  @Test
  void setConnectionDictForASlave() throws Exception {
    master.on("/setComputerPartitionConnectionXml", Reply.ok("done"));
    registeredPartition(connect()).setConnectionDict(Map.of("k", "v"), "_slave one");
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0"
        + "&connection_xml=%3Cmarshal%3E%3Cdictionary+id%3D%22i2%22%3E%3Cstring%3Ek%3C%2Fstring%3E"
        + "%3Cstring%3Ev%3C%2Fstring%3E%3C%2Fdictionary%3E%3C%2Fmarshal%3E&slave_reference=_slave+one",
        master.last("/setComputerPartitionConnectionXml").bodyText());
  }

  @Test
  void partitionStateReportsMatchCapture() throws Exception {
    master.on("/startedComputerPartition", Reply.ok("Ignored"));
    master.on("/stoppedComputerPartition", Reply.ok("Ignored"));
    master.on("/destroyedComputerPartition", Reply.ok("OK"));
    ComputerPartition partition = registeredPartition(connect());
    partition.started();
    assertPost(master.last("/startedComputerPartition"), "/startedComputerPartition");
    assertEquals(wire("0017-POST-startedComputerPartition.request-body"), master.last("/startedComputerPartition").bodyText());
    partition.stopped();
    assertEquals(wire("0031-POST-stoppedComputerPartition.request-body"), master.last("/stoppedComputerPartition").bodyText());
    assertEquals("OK", partition.destroyed());
    assertEquals(wire("0032-POST-destroyedComputerPartition.request-body"), master.last("/destroyedComputerPartition").bodyText());
  }

  @Test
  void relatedInstanceListMatchesCaptureAnd404IsNotFound() throws Exception {
    ComputerPartition partition = registeredPartition(connect());
    NotFoundError error = assertThrows(NotFoundError.class, () -> partition.setComputerPartitionRelatedInstanceList(List.of()));
    assertEquals(master.url() + "updateComputerPartitionRelatedInstanceList", error.getMessage());
    Recorded request = master.last("/updateComputerPartitionRelatedInstanceList");
    assertPost(request, "/updateComputerPartitionRelatedInstanceList");
    assertEquals(wire("0018-POST-updateComputerPartitionRelatedInstanceList.request-body"), request.bodyText());

    master.on("/updateComputerPartitionRelatedInstanceList", Reply.ok("done"));
    partition.setComputerPartitionRelatedInstanceList(List.of("a", "b"));
    assertEquals("<marshal><list id=\"i2\"><string>a</string><string>b</string></list></marshal>",
        fields(master.last("/updateComputerPartitionRelatedInstanceList").bodyText()).get("instance_reference_xml"));
  }

  @Test
  void useComputerMatchesCaptureAndEmptyUsageSendsNothing() throws Exception {
    master.on("/useComputer", Reply.ok("Ignored"));
    String captured = wire("0030-POST-useComputer.request-body");
    Computer computer = connect().registerComputer("local_computer");
    computer.reportUsage(fields(captured).get("use_string"));
    assertEquals(captured, master.last("/useComputer").bodyText());
    computer.reportUsage("");
    assertEquals(1, master.count("/useComputer"));
  }

  @Test
  void loadComputerConfigurationMatchesCapture() throws Exception {
    master.on("/loadComputerConfigurationFromXML", Reply.ok("done"));
    String captured = wire("0002-POST-loadComputerConfigurationFromXML.request-body");
    String xml = fields(captured).get("xml");
    // What slapformat marshals, re-marshalled by the Java codec, gives the very same bytes.
    String answer = connect().registerComputer("local_computer").updateConfiguration(Marshal.dumps(Marshal.loads(xml)));
    assertEquals("done", answer);
    assertEquals(captured, master.last("/loadComputerConfigurationFromXML").bodyText());
  }

  @Test
  void partitionReports() throws Exception {
    master.on("/softwareInstanceError", Reply.ok("Ignored"));
    master.on("/softwareInstanceBang", Reply.ok("OK"));
    master.on("/softwareInstanceRename", Reply.ok("done"));
    ComputerPartition partition = registeredPartition(connect());
    partition.error("boom", null);
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0&error_log=boom",
        master.last("/softwareInstanceError").bodyText());
    partition.error("boom", "_s");
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0&error_log=boom&slave_reference=_s",
        master.last("/softwareInstanceError").bodyText());
    partition.bang("why not");
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0&message=why+not",
        master.last("/softwareInstanceBang").bodyText());
    partition.rename("new", "");
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0&new_name=new",
        master.last("/softwareInstanceRename").bodyText());
    partition.rename("new", "_s");
    assertEquals("computer_id=local_computer&computer_partition_id=slappart0&new_name=new&slave_reference=_s",
        master.last("/softwareInstanceRename").bodyText());
  }

  @Test
  void partitionGetters() throws Exception {
    master.on("/getComputerPartitionCertificate", Reply.ok("<marshal><dictionary id=\"i2\"><string>certificate</string>"
        + "<string></string><string>key</string><string></string></dictionary></marshal>"));
    master.on("/getHostingSubscriptionIpList", Reply.ok("<marshal><list id=\"i2\"><tuple><string>tap0</string>"
        + "<string>10.0.0.1</string></tuple></list></marshal>"));
    ComputerPartition partition = registeredPartition(connect());
    assertEquals(Map.of("certificate", "", "key", ""), partition.getCertificate());
    assertGet(master.last("/getComputerPartitionCertificate"), "/getComputerPartitionCertificate",
        "computer_id=local_computer&computer_partition_id=slappart0");
    List<List<Object>> addresses = partition.getFullHostingIpAddressList();
    assertEquals(List.of(List.of("tap0", "10.0.0.1")), addresses);
    assertGet(master.last("/getHostingSubscriptionIpList"), "/getHostingSubscriptionIpList",
        "computer_id=local_computer&computer_partition_id=slappart0");
  }

  @Test
  void computerCalls() throws Exception {
    master.on("/computerBang", Reply.ok("<marshal><string></string></marshal>"));
    master.on("/getComputerStatus", Reply.ok("<marshal><dictionary id=\"i2\"><string>text</string>"
        + "<string>#access ok</string></dictionary></marshal>"));
    master.on("/revokeComputerCertificate", Reply.ok(""));
    master.on("/generateComputerCertificate", Reply.ok("<marshal><dictionary id=\"i2\"><string>certificate</string>"
        + "<string>C</string><string>key</string><string>K</string></dictionary></marshal>"));
    Computer computer = connect().registerComputer("COMP-1");
    computer.bang("restart all");
    assertEquals("computer_id=COMP-1&message=restart+all", master.last("/computerBang").bodyText());
    assertEquals(Map.of("text", "#access ok"), computer.getStatus());
    assertGet(master.last("/getComputerStatus"), "/getComputerStatus", "computer_id=COMP-1");
    computer.revokeCertificate();
    assertEquals("computer_id=COMP-1", master.last("/revokeComputerCertificate").bodyText());
    assertEquals(Map.of("certificate", "C", "key", "K"), computer.generateCertificate());
    assertEquals("computer_id=COMP-1", master.last("/generateComputerCertificate").bodyText());
  }

  @Test
  void requestComputer() throws Exception {
    master.on("/requestComputer", Reply.ok(Marshal.dumps(org.slapos.slap.marshal.SlapObject.computer("COMP-9"))));
    Computer computer = connect().registerOpenOrder().requestComputer("my node");
    assertEquals("COMP-9", computer.getId());
    assertEquals("computer_title=my+node", master.last("/requestComputer").bodyText());
  }

  @Test
  void softwareProducts() throws Exception {
    master.on("/getSoftwareReleaseListFromSoftwareProduct", request ->
        Reply.ok(request.rawQuery().contains("kvm")
            ? "<marshal><list id=\"i2\"><string>http://kvm/2.cfg</string><string>http://kvm/1.cfg</string></list></marshal>"
            : "<marshal><list id=\"i2\"/></marshal>"));
    Slap slap = connect();
    assertEquals(List.of("http://kvm/2.cfg", "http://kvm/1.cfg"), slap.getSoftwareReleaseListFromSoftwareProduct("kvm", null));
    assertGet(master.last("/getSoftwareReleaseListFromSoftwareProduct"), "/getSoftwareReleaseListFromSoftwareProduct",
        "software_product_reference=kvm");
    slap.getSoftwareReleaseListFromSoftwareProduct(null, "http://x/y z");
    assertEquals("software_release_url=http%3A%2F%2Fx%2Fy+z",
        master.last("/getSoftwareReleaseListFromSoftwareProduct").rawQuery());
    assertThrows(IllegalArgumentException.class, () -> slap.getSoftwareReleaseListFromSoftwareProduct("kvm", "u"));
    assertThrows(IllegalArgumentException.class, () -> slap.getSoftwareReleaseListFromSoftwareProduct(null, null));

    assertEquals("http://kvm/2.cfg", slap.getSoftwareProductCollection().get("kvm"));
    assertEquals("http://kvm/2.cfg", slap.getSoftwareProductCollection().get("product.kvm"));
    NotFoundError none = assertThrows(NotFoundError.class, () -> slap.getSoftwareProductCollection().get("nothing"));
    assertEquals("No Software Release corresponding to this Software Product has been found.", none.getMessage());
  }

  @Test
  void noneQueryParametersAreLeftOut() throws Exception {
    master.on("/requestComputerPartition", Reply.empty(408));
    master.on("/getComputerPartitionCertificate", Reply.ok("<marshal><dictionary id=\"i2\"/></marshal>"));
    ComputerPartition notReady = connect().registerOpenOrder().request(InstanceRequest.builder(SR, "x").build());
    notReady.getCertificate();
    assertGet(master.last("/getComputerPartitionCertificate"), "/getComputerPartitionCertificate", null);
  }

  @Test
  void formEncodingIsQuotePlus() {
    assertEquals("a+b%2A~-_.%C3%A9%2F%3A%26%3D%2B%25", Form.quotePlus("a b*~-_.\u00e9/:&=+%"));
    assertEquals("AZaz09-_.~", Form.quotePlus("AZaz09-_.~"));
    assertEquals("%F0%9F%98%80", Form.quotePlus("\uD83D\uDE00"));
    assertEquals("k=None&v=%3C", Form.of("k", null, "v", "<").encodeBody());
    assertEquals("v=%3C", Form.of("k", null, "v", "<").encodeQuery());
  }
}
