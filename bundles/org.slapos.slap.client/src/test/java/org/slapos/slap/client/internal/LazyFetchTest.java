package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.SoftwareRelease;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;

/** Computers sync once; partitions fetch registerComputerPartition only for missing attributes (§3.11). */
class LazyFetchTest extends MasterTestSupport {

  @Test
  void computerSyncsOnceWithGetFullComputerInformation() throws Exception {
    master.on("/getFullComputerInformation", Reply.ok(wire("0022-GET-getFullComputerInformation.response-body")));
    Computer computer = connect().registerComputer("local_computer");
    assertEquals(List.of(), master.callsExceptDiscovery(), "registering makes no call");
    List<ComputerPartition> partitions = computer.getComputerPartitionList();
    List<SoftwareRelease> releases = computer.getSoftwareReleaseList();
    computer.getComputerPartitionList();
    computer.getSoftwareReleaseList();
    assertEquals(1, master.count("/getFullComputerInformation"));
    assertEquals(List.of("slappart0", "slappart1", "slappart2"),
        partitions.stream().map(p -> {
          try {
            return p.getId();
          } catch (ResourceNotReady e) {
            throw new AssertionError(e);
          }
        }).toList());
    assertEquals(1, releases.size());
    assertEquals("available", releases.get(0).getState());
    assertEquals(Boolean.TRUE, computer.getAttributes().get("_synced"));
    for (ComputerPartition partition : partitions) {
      assertEquals(Boolean.TRUE, partition.getAttributes().get("_synced"));
    }

    // A busy partition has everything: no registerComputerPartition.
    ComputerPartition busy = partitions.get(0);
    assertEquals("started", busy.getState());
    assertEquals("local_computer-slappart0", busy.getInstanceGuid());
    assertEquals("default", busy.getType());
    assertEquals("http://127.0.1.106:8080/", busy.getConnectionParameter("url"));
    assertEquals("/srv/peer/sr/software.cfg", busy.getSoftwareRelease().getURI());
    assertNull(busy.getAccessStatus());
    assertEquals(1L, busy.getAttributes().get("_need_modification"));
    // A free partition has no software release: NotFoundError, still without fetching.
    ComputerPartition free = partitions.get(1);
    assertEquals("destroyed", free.getState());
    assertEquals("No software release information for partition slappart1",
        assertThrows(NotFoundError.class, free::getSoftwareRelease).getMessage());
    assertEquals(0, master.count("/registerComputerPartition"));
  }

  @Test
  void freePartitionFetchesOnlyForItsMissingParameters() throws Exception {
    master.on("/getFullComputerInformation", Reply.ok(wire("0022-GET-getFullComputerInformation.response-body")));
    master.on("/registerComputerPartition", Reply.ok(wire("0014-GET-registerComputerPartition.response-body")));
    ComputerPartition free = connect().registerComputer("local_computer").getComputerPartitionList().get(1);
    free.getState();
    assertEquals(0, master.count("/registerComputerPartition"));
    // _parameter_dict is missing on a free partition: one fetch, then it is known.
    free.getInstanceParameterDict();
    free.getInstanceParameterDict();
    free.getConnectionParameterDict();
    assertEquals(1, master.count("/registerComputerPartition"));
  }

  @Test
  void fallsBackToGetComputerInformationOn404() throws Exception {
    master.on("/getComputerInformation", Reply.ok(wire("0006-GET-getFullComputerInformation.response-body")));
    Computer computer = connect().registerComputer("local_computer");
    assertEquals(1, computer.getSoftwareReleaseList().size());
    assertEquals(3, computer.getComputerPartitionList().size());
    assertEquals(List.of("GET /getFullComputerInformation", "GET /getComputerInformation"), master.callsExceptDiscovery());
    assertEquals("computer_id=local_computer", master.last("/getComputerInformation").rawQuery());
  }

  @Test
  void registeredPartitionFetchesOnceForAllFiveAttributes() throws Exception {
    master.on("/registerComputerPartition", Reply.ok(wire("0014-GET-registerComputerPartition.response-body")));
    ComputerPartition partition = connect().registerComputerPartition("local_computer", "slappart0");
    assertEquals(List.of(), master.callsExceptDiscovery());
    assertEquals("slappart0", partition.getId());
    assertNull(partition.getAccessStatus());
    assertEquals(0, master.count("/registerComputerPartition"), "getId and getAccessStatus make no call");
    assertEquals("started", partition.getState());
    assertEquals("local_computer-slappart0", partition.getInstanceGuid());
    assertEquals(Map.of(), partition.getConnectionParameterDict());
    assertEquals("peer-http", partition.getInstanceParameterDict().get("instance_title"));
    assertEquals("/srv/peer/sr/software.cfg", partition.getSoftwareRelease().getURI());
    assertEquals(1, master.count("/registerComputerPartition"));
    // Only the five attributes Python copies are taken from the answer.
    assertNull(partition.getAttributes().get("_need_modification"));
  }

  @Test
  void getInstanceParameterNeverFetches() throws Exception {
    ComputerPartition partition = connect().registerComputerPartition("local_computer", "slappart0");
    assertThrows(NotFoundError.class, () -> partition.getInstanceParameter("x"));
    assertEquals(List.of(), master.callsExceptDiscovery());
  }

  @Test
  void sameObjectsAreReturned() throws Exception {
    master.on("/getFullComputerInformation", Reply.ok(wire("0022-GET-getFullComputerInformation.response-body")));
    Computer computer = connect().registerComputer("local_computer");
    assertSame(computer.getComputerPartitionList().get(0), computer.getComputerPartitionList().get(0));
  }
}
