package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * The answers captured from slapproxy 1.24 in slap-protocol §3.2, §3.5.1, §3.5.4 and §3.5 (frontend
 * bypass), rebuilt through the HTTP API and compared byte for byte (timestamps normalised).
 */
class CapturedAnswersTest {
  static final String SR = "http://sr/software.cfg";

  @TempDir
  Path dir;
  ProxyFixture proxy;

  @BeforeEach
  void open() throws Exception {
    proxy = new ProxyFixture(dir, "computer");
    proxy.store.formatComputer(new ComputerFormat("computer", "10.0.0.1", "255.255.255.0", List.of(
        new ComputerFormat.PartitionFormat("slappart0", List.of(new NetworkAddress("slaptap0", "10.0.0.10", "255.255.255.0"),
            new NetworkAddress("slaptap0", "fd00::10", "ffff::"))),
        new ComputerFormat.PartitionFormat("slappart1", List.of(new NetworkAddress("slaptap1", "10.0.0.11", "255.255.255.0"),
            new NetworkAddress("slaptap1", "fd00::11", "ffff::"))),
        new ComputerFormat.PartitionFormat("slappart2", List.of()))));
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  static String normalise(String body) {
    return body.replaceAll("<string>timestamp</string><string>[0-9.e+-]+</string>",
        "<string>timestamp</string><string>T</string>");
  }

  private Reply request(String computerId, String partitionId, String title, Map<String, Object> parameters,
      boolean shared) {
    return proxy.post("/requestComputerPartition", "computer_id", computerId, "computer_partition_id", partitionId,
        "software_release", SR, "software_type", "default", "partition_reference", title, "shared_xml",
        Marshal.dumps(shared), "partition_parameter_xml", Marshal.dumps(parameters), "filter_xml",
        Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
  }

  private Reply userRequest(String title, Map<String, Object> parameters) {
    return proxy.post("/requestComputerPartition", "software_release", SR, "partition_reference", title,
        "partition_parameter_xml", Marshal.dumps(parameters), "filter_xml", Marshal.dumps(Map.of()),
        "software_type", "default", "state", Marshal.dumps(null), "shared_xml", Marshal.dumps(false));
  }

  @Test
  void requestAnswersAsCaptured() throws Exception {
    Map<String, Object> rootParameters = new LinkedHashMap<>();
    rootParameters.put("a", "x<y&z");
    rootParameters.put("n", 1L);
    assertEquals(200, userRequest("root", rootParameters).status());

    // §3.5.1: a child of root lands on slappart1.
    Reply child = request("computer", "slappart0", "child", Map.of("k", "v"), false);
    assertEquals(200, child.status());
    assertEquals(normalise("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"SoftwareInstance\"><tuple/>"
        + "<dictionary id=\"i3\"><string>_connection_dict</string><dictionary id=\"i4\"/><string>_instance_guid</string>"
        + "<string>computer-slappart1</string><string>_parameter_dict</string><dictionary id=\"i5\"><string>k</string>"
        + "<string>v</string><string>timestamp</string><string>1795345290.6599905</string></dictionary>"
        + "<string>_requested_state</string><string>started</string><string>connection_xml</string><none/>"
        + "<string>ip_list</string><list id=\"i6\"><tuple><string>slaptap1</string><string>10.0.0.11</string></tuple>"
        + "<tuple><string>slaptap1</string><string>fd00::11</string></tuple></list><string>slap_computer_id</string>"
        + "<string>computer</string><string>slap_computer_partition_id</string><string>slappart1</string>"
        + "<string>slap_server_url</string><string>slap_server_url</string><string>slap_software_release_url</string>"
        + "<string>http://sr/software.cfg</string><string>slap_software_type</string><string>default</string>"
        + "</dictionary></object></marshal>"), normalise(child.bodyText()));

    // §3.5.4: a shared instance requested from root's tree, hosted by root.
    Reply shared = request("computer", "slappart0", "myslave", Map.of("url", "http://x/"), true);
    assertEquals("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"SoftwareInstance\"><tuple/>"
        + "<dictionary id=\"i3\"><string>_connection_dict</string><dictionary id=\"i4\"/><string>_parameter_dict</string>"
        + "<dictionary id=\"i5\"><string>url</string><string>http://x/</string></dictionary><string>ip_list</string>"
        + "<list id=\"i6\"><tuple><string>slaptap0</string><string>10.0.0.10</string></tuple><tuple>"
        + "<string>slaptap0</string><string>fd00::10</string></tuple></list><string>slap_computer_id</string>"
        + "<string>computer</string><string>slap_computer_partition_id</string><string>slappart0</string>"
        + "<string>slap_server_url</string><string>slap_server_url</string><string>slap_software_release_url</string>"
        + "<string>http://sr/software.cfg</string><string>slap_software_type</string><string>default</string>"
        + "</dictionary></object></marshal>", shared.bodyText());

    assertEquals("done", proxy.post("/setComputerPartitionConnectionXml", "computer_id", "computer",
        "computer_partition_id", "slappart0", "connection_xml",
        Marshal.dumps(Map.of("url", "http://root/", "port", 8080L)), "slave_reference", "None").bodyText());

    // §3.2: the busy root partition and a free partition, inside the computer.
    String computer = normalise(proxy.get("/getFullComputerInformation", "computer_id", "computer").bodyText());
    String busy = "<object id=\"i5\" module=\"slapos.slap.slap\" class=\"ComputerPartition\"><tuple><string>computer</string>"
        + "<string>slappart0</string><none/></tuple><dictionary id=\"i6\"><string>_computer_id</string><string>computer</string>"
        + "<string>_connection_dict</string><dictionary id=\"i7\"><string>port</string><string>8080</string>"
        + "<string>url</string><string>http://root/</string></dictionary><string>_instance_guid</string>"
        + "<string>computer-slappart0</string><string>_need_modification</string><int>1</int>"
        + "<string>_parameter_dict</string><dictionary id=\"i8\"><string>a</string><string>x&amp;lt;y&amp;amp;z</string>"
        + "<string>full_address_list</string><list id=\"i9\"/><string>instance_title</string><string>root</string>"
        + "<string>ip_list</string><list id=\"i10\"><tuple><string>slaptap0</string><string>10.0.0.10</string></tuple>"
        + "<tuple><string>slaptap0</string><string>fd00::10</string></tuple></list><string>n</string><string>1</string>"
        + "<string>root_instance_title</string><string>root</string><string>slap_computer_id</string>"
        + "<string>computer</string><string>slap_computer_partition_id</string><string>slappart0</string>"
        + "<string>slap_software_release_url</string><string>http://sr/software.cfg</string>"
        + "<string>slap_software_type</string><string>default</string><string>slave_instance_list</string>"
        + "<list id=\"i11\"><dictionary id=\"i12\"><string>slap_software_type</string><string>default</string>"
        + "<string>slave_reference</string><string>root_myslave</string><string>slave_title</string>"
        + "<string>root_myslave</string><string>url</string><string>http://x/</string></dictionary></list>"
        + "<string>timestamp</string><string>1795345290.669688</string></dictionary><string>_partition_id</string>"
        + "<string>slappart0</string><string>_request_dict</string><none/><string>_requested_state</string>"
        + "<string>started</string><string>_software_release_document</string><object id=\"i13\""
        + " module=\"slapos.slap.slap\" class=\"SoftwareRelease\"><tuple><string>http://sr/software.cfg</string>"
        + "<string>computer</string></tuple><dictionary id=\"i14\"><string>_computer_guid</string>"
        + "<string>computer</string><string>_software_instance_list</string><list id=\"i15\"/>"
        + "<string>_software_release</string><string>http://sr/software.cfg</string></dictionary></object>"
        + "</dictionary></object>";
    assertTrue(computer.contains(normalise(busy)), computer);
    String free = "<object id=\"i26\" module=\"slapos.slap.slap\" class=\"ComputerPartition\"><tuple>"
        + "<string>computer</string><string>slappart2</string><none/></tuple><dictionary id=\"i27\">"
        + "<string>_computer_id</string><string>computer</string><string>_instance_guid</string>"
        + "<string>computer-slappart2</string><string>_need_modification</string><int>0</int><string>_partition_id</string>"
        + "<string>slappart2</string><string>_request_dict</string><none/><string>_requested_state</string>"
        + "<string>destroyed</string><string>_software_release_document</string><none/></dictionary></object>";
    assertTrue(computer.contains(free), computer);

    // registerComputerPartition: the same partition, as a root object.
    String registered = normalise(proxy.get("/registerComputerPartition", "computer_reference", "computer",
        "computer_partition_reference", "slappart0").bodyText());
    assertEquals("<marshal>" + normalise(busy).replace("\"i5\"", "\"i2\"").replace("\"i6\"", "\"i3\"")
        .replace("\"i7\"", "\"i4\"").replace("\"i8\"", "\"i5\"").replace("\"i9\"", "\"i6\"").replace("\"i10\"", "\"i7\"")
        .replace("\"i11\"", "\"i8\"").replace("\"i12\"", "\"i9\"").replace("\"i13\"", "\"i10\"")
        .replace("\"i14\"", "\"i11\"").replace("\"i15\"", "\"i12\"") + "</marshal>", registered);
  }

  @Test
  void softwareListEntryAsCaptured() throws Exception {
    proxy.post("/supplySupply", "url", SR, "computer_id", "computer", "state", "available");
    String computer = proxy.get("/getFullComputerInformation", "computer_id", "computer").bodyText();
    // (ids differ from the spec's example: this computer has three free partitions before the list)
    assertTrue(computer.contains("<object id=\"i12\" module=\"slapos.slap.slap\" class=\"SoftwareRelease\"><tuple>"
        + "<string>http://sr/software.cfg</string><string>computer</string></tuple><dictionary id=\"i13\">"
        + "<string>_computer_guid</string><string>computer</string><string>_requested_state</string>"
        + "<string>available</string><string>_software_instance_list</string><list id=\"i14\"/>"
        + "<string>_software_release</string><string>http://sr/software.cfg</string></dictionary></object>"), computer);
  }

  @Test
  void frontendBypassAsCaptured() {
    Reply reply = proxy.post("/requestComputerPartition", "software_release", Frontends.APACHE_FRONTEND,
        "partition_reference", "front", "partition_parameter_xml", Marshal.dumps(Map.of("url", "http://[::1]:8080/a?b=c")),
        "filter_xml", Marshal.dumps(Map.of()), "software_type", "default", "state", Marshal.dumps(null),
        "shared_xml", Marshal.dumps(true));
    assertEquals("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"ComputerPartition\"><tuple><string>"
        + "</string><string>Fake frontend for http://[::1]:8080/a?b=c</string><none/></tuple><dictionary id=\"i3\">"
        + "<string>_computer_id</string><string></string><string>_connection_dict</string><dictionary id=\"i4\">"
        + "<string>domain</string><string>[::1]:8080</string><string>secure_access</string>"
        + "<string>http://[::1]:8080/a?b=c</string></dictionary><string>_parameter_dict</string><dictionary id=\"i5\"/>"
        + "<string>_partition_id</string><string>Fake frontend for http://[::1]:8080/a?b=c</string>"
        + "<string>_request_dict</string><none/><string>slap_computer_id</string><string></string>"
        + "<string>slap_computer_partition_id</string><string></string></dictionary></object></marshal>",
        reply.bodyText());
  }
}
