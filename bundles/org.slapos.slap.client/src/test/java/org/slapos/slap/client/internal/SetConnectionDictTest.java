package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.SlapObject;

/** setConnectionDict makes no call when nothing changed (a documented deviation from 1.24). */
class SetConnectionDictTest extends MasterTestSupport {

  private static final String PUBLISH = "/setComputerPartitionConnectionXml";

  @Test
  void publishesOnceThenOnlyChanges() throws Exception {
    master.on(PUBLISH, Reply.ok("done"));
    ComputerPartition partition = connect().registerComputerPartition("c", "p");
    partition.setConnectionDict(Map.of("url", "http://a/"), null);
    partition.setConnectionDict(Map.of("url", "http://a/"), null);
    assertEquals(1, master.count(PUBLISH));
    partition.setConnectionDict(Map.of("url", "http://b/"), null);
    assertEquals(2, master.count(PUBLISH));
    assertEquals(Map.of("url", "http://b/"), partition.getConnectionParameterDict());
  }

  @Test
  void noCallWhenTheMasterAlreadyHasIt() throws Exception {
    master.on("/getFullComputerInformation", Reply.ok(wire("0022-GET-getFullComputerInformation.response-body")));
    master.on(PUBLISH, Reply.ok("done"));
    ComputerPartition partition = connect().registerComputer("local_computer").getComputerPartitionList().get(0);
    Map<String, Object> same = new LinkedHashMap<>();
    same.put("url", "http://127.0.1.106:8080/");
    same.put("partition-state", "started");
    same.put("ipv6", "fd5a:1ab0:5eed::2");
    partition.setConnectionDict(same, null);
    assertEquals(0, master.count(PUBLISH));
    same.put("partition-state", "stopped");
    partition.setConnectionDict(same, null);
    assertEquals(1, master.count(PUBLISH));
  }

  @Test
  void integersCompareLikePythonInts() throws Exception {
    master.on(PUBLISH, Reply.ok("done"));
    ComputerPartition partition = connect().registerComputerPartition("c", "p");
    partition.setConnectionDict(Map.of("port", 8080), null);
    partition.setConnectionDict(Map.of("port", 8080L), null);
    assertEquals(1, master.count(PUBLISH));
    assertEquals("<marshal><dictionary id=\"i2\"><string>port</string><int>8080</int></dictionary></marshal>",
        fields(master.last(PUBLISH).bodyText()).get("connection_xml"));
  }

  @Test
  void unknownConnectionIsAlwaysPublished() throws Exception {
    master.on(PUBLISH, Reply.ok("done"));
    connect().registerComputerPartition("c", "p").setConnectionDict(Map.of(), null);
    assertEquals(1, master.count(PUBLISH));
    assertEquals("None", fields(master.last(PUBLISH).bodyText()).get("slave_reference"));
  }

  @Test
  void slaveConnectionComparedWithTheSlaveEntry() throws Exception {
    Map<String, Object> known = new LinkedHashMap<>();
    known.put("slave_reference", "SOFTINST-1");
    known.put("connection_xml", "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
        + "  <parameter id=\"url\">http://slave/</parameter>\n</instance>\n");
    Map<String, Object> unknown = new LinkedHashMap<>();
    unknown.put("slave_reference", "SOFTINST-2");
    unknown.put("url", "http://merged-parameters/");
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("slave_instance_list", List.of(known, unknown));
    SlapObject host = SlapObject.computerPartition("c", "p")
        .put("_parameter_dict", parameters)
        .put("_connection_dict", new LinkedHashMap<>());
    master.on("/registerComputerPartition", Reply.ok(Marshal.dumps(host)));
    master.on(PUBLISH, Reply.ok("done"));
    ComputerPartition partition = connect().registerComputerPartition("c", "p");
    partition.getInstanceParameterDict();

    partition.setConnectionDict(Map.of("url", "http://slave/"), "SOFTINST-1");
    assertEquals(0, master.count(PUBLISH));
    partition.setConnectionDict(Map.of("url", "http://slave-new/"), "SOFTINST-1");
    assertEquals(1, master.count(PUBLISH));
    assertEquals("SOFTINST-1", fields(master.last(PUBLISH).bodyText()).get("slave_reference"));
    partition.setConnectionDict(Map.of("url", "http://slave-new/"), "SOFTINST-1");
    assertEquals(1, master.count(PUBLISH));

    // Connection data merged into the parameters cannot be told apart: publish.
    partition.setConnectionDict(Map.of("url", "http://merged-parameters/"), "SOFTINST-2");
    assertEquals(2, master.count(PUBLISH));
    // The host's own connection is separate from its slaves'.
    partition.setConnectionDict(Map.of(), null);
    assertEquals(2, master.count(PUBLISH));
  }
}
