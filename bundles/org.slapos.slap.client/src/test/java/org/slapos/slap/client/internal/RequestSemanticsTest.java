package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.Slap;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.PyTuple;
import org.slapos.slap.marshal.SlapObject;

/** What request() returns for 200, 408 and 404 (protocol §3.5.2), and the getters of the result. */
class RequestSemanticsTest extends MasterTestSupport {

  private static final String SR = "/srv/peer/sr/software.cfg";

  private ComputerPartition request(Slap slap, boolean shared) throws Exception {
    return slap.registerOpenOrder().request(InstanceRequest.builder(SR, "peer-http").shared(shared).build());
  }

  @Test
  void allocatedRequestGivesAPartitionWithEveryAttribute() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0010-POST-requestComputerPartition.response-body")));
    ComputerPartition partition = request(connect(), false);
    assertEquals("slappart0", partition.getId());
    assertEquals("local_computer", partition.getComputerId());
    assertEquals("local_computer-slappart0", partition.getInstanceGuid());
    assertEquals("started", partition.getState());
    assertEquals(Map.of(), partition.getConnectionParameterDict());
    assertEquals(Map.of("timestamp", "1795346824.3131387"), partition.getInstanceParameterDict());
    assertEquals("1795346824.3131387", partition.getInstanceParameter("timestamp"));
    assertEquals("timestamp2 not found",
        assertThrows(NotFoundError.class, () -> partition.getInstanceParameter("timestamp2")).getMessage());
    // Every attribute of the SoftwareInstance is kept, known or not.
    Map<String, Object> attributes = partition.getAttributes();
    assertEquals("slap_server_url", attributes.get("slap_server_url"));
    assertEquals("default", attributes.get("slap_software_type"));
    assertTrue(attributes.containsKey("connection_xml"));
    assertNull(attributes.get("connection_xml"));
    assertEquals(List.of(PyTuple.of("slaptap0", "127.0.1.106"), PyTuple.of("slaptap0", "fd5a:1ab0:5eed::2")),
        attributes.get("ip_list"));
    assertFalse(attributes.containsKey("_synced"));
    // The type is a top-level attribute right after a request: getType raises, as in Python.
    assertThrows(ResourceNotReady.class, partition::getType);
    assertEquals(List.of("POST /requestComputerPartition"), master.callsExceptDiscovery());
  }

  @Test
  void sharedRequestIsMarkedSynced() throws Exception {
    SlapObject instance = SlapObject.softwareInstance()
        .put("_connection_dict", new LinkedHashMap<>(Map.of("url", "http://x/")))
        .put("_parameter_dict", new LinkedHashMap<>(Map.of("p", "1")))
        .put("slap_computer_id", "local_computer")
        .put("slap_computer_partition_id", "slappart0");
    master.on("/requestComputerPartition", Reply.ok(Marshal.dumps(instance)));
    ComputerPartition partition = request(connect(), true);
    assertEquals(Boolean.TRUE, partition.getAttributes().get("_synced"));
    assertEquals("http://x/", partition.getConnectionParameter("url"));
    assertEquals(Map.of("p", "1"), partition.getInstanceParameterDict());
    assertEquals("<marshal><bool>1</bool></marshal>",
        fields(master.last("/requestComputerPartition").bodyText()).get("shared_xml"));
  }

  @Test
  void notReadyRequestGivesAPartitionWithoutId() throws Exception {
    master.on("/requestComputerPartition", Reply.empty(408));
    ComputerPartition partition = request(connect(), false);
    assertThrows(ResourceNotReady.class, partition::getId);
    assertThrows(ResourceNotReady.class, partition::getState);
    assertThrows(ResourceNotReady.class, partition::getInstanceGuid);
    assertThrows(ResourceNotReady.class, partition::getInstanceParameterDict);
    assertThrows(ResourceNotReady.class, partition::getConnectionParameterDict);
    assertThrows(ResourceNotReady.class, partition::getSoftwareRelease);
    assertThrows(ResourceNotReady.class, partition::getType);
    assertThrows(ResourceNotReady.class, partition::started);
    assertNull(partition.getComputerId());
    @SuppressWarnings("unchecked")
    Map<String, Object> requestDict = (Map<String, Object>) partition.getAttributes().get("_request_dict");
    assertEquals("peer-http", requestDict.get("partition_reference"));
    assertEquals("<marshal><none/></marshal>", requestDict.get("state"));
    assertEquals(List.of("software_release", "partition_reference", "partition_parameter_xml", "filter_xml",
        "software_type", "state", "shared_xml"), List.copyOf(requestDict.keySet()));
    assertEquals(List.of("POST /requestComputerPartition"), master.callsExceptDiscovery());
  }

  @Test
  void unknownRequestIsNotFound() throws Exception {
    master.on("/requestComputerPartition", Reply.text(404, "No free computer partition found for: peer-http"));
    NotFoundError error = assertThrows(NotFoundError.class, () -> request(connect(), false));
    assertEquals(master.url() + "requestComputerPartition", error.getMessage());
  }

  @Test
  void requestFromAPartitionKeepsConnectionData() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0020-POST-requestComputerPartition.response-body")));
    ComputerPartition child = connect().registerComputerPartition("local_computer", "slappart9")
        .request(InstanceRequest.builder(SR, "peer-http").build());
    assertEquals("http://127.0.1.106:8080/", child.getConnectionParameter("url"));
    assertEquals(Map.of("ipv6", "fd5a:1ab0:5eed::2", "partition-state", "started", "url", "http://127.0.1.106:8080/"),
        child.getConnectionParameterDict());
  }

  @Test
  void connectionParameterDictFallsBackToConnectionXml() throws Exception {
    SlapObject instance = SlapObject.softwareInstance()
        .put("_connection_dict", null)
        .put("connection_xml", "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
            + "  <parameter id=\"url\">http://old/</parameter>\n</instance>\n")
        .put("slap_computer_id", "c")
        .put("slap_computer_partition_id", "p");
    master.on("/requestComputerPartition", Reply.ok(Marshal.dumps(instance)));
    ComputerPartition partition = request(connect(), false);
    assertEquals(Map.of("url", "http://old/"), partition.getConnectionParameterDict());
    assertEquals("http://old/", partition.getConnectionParameter("url"));
    assertEquals("nope not found",
        assertThrows(NotFoundError.class, () -> partition.getConnectionParameter("nope")).getMessage());
  }

  @Test
  void connectionParameterDictIsEmptyWithoutAnyData() throws Exception {
    SlapObject instance = SlapObject.softwareInstance()
        .put("_connection_dict", null)
        .put("slap_computer_id", "c")
        .put("slap_computer_partition_id", "p");
    master.on("/requestComputerPartition", Reply.ok(Marshal.dumps(instance)));
    assertEquals(Map.of(), request(connect(), false).getConnectionParameterDict());
  }

  @Test
  void forwardedAnswerWithAPlainSoftwareReleaseUrl() throws Exception {
    SlapObject forwarded = SlapObject.computerPartition("extcomp", "slappart0")
        .put("_software_release_document", "http://forward.example/software.cfg")
        .put("_requested_state", "started")
        .put("slap_computer_id", "extcomp")
        .put("slap_computer_partition_id", "slappart0");
    master.on("/requestComputerPartition", Reply.ok(Marshal.dumps(forwarded)));
    ComputerPartition partition = request(connect(), false);
    assertEquals("http://forward.example/software.cfg", partition.getSoftwareRelease().getURI());
    assertEquals("extcomp", partition.getSoftwareRelease().getComputerId());
  }

  @Test
  void malformedAnswerIsASlapException() throws Exception {
    master.on("/requestComputerPartition", Reply.ok("<html>oops</html>"));
    org.slapos.slap.api.SlapException error =
        assertThrows(org.slapos.slap.api.SlapException.class, () -> request(connect(), false));
    assertTrue(error.getMessage().startsWith("Malformed answer to requestComputerPartition"), error.getMessage());
  }

  @Test
  void typeComesFromTheParameterDict() throws Exception {
    master.on("/registerComputerPartition", Reply.ok(wire("0014-GET-registerComputerPartition.response-body")));
    ComputerPartition partition = connect().registerComputerPartition("local_computer", "slappart0");
    assertEquals("default", partition.getType());
    assertInstanceOf(SoftwareReleaseImpl.class, partition.getSoftwareRelease());
    assertEquals(SR, partition.getSoftwareRelease().getURI());
  }
}
