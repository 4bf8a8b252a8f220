package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.Slap;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;

/** The request transaction file, active when SLAPGRID_INSTANCE_ROOT is set (§3.11). */
class TransactionFileTest extends MasterTestSupport {

  @TempDir
  Path instanceRoot;

  @Override
  Map<String, String> environment() {
    return Map.of("SLAPGRID_INSTANCE_ROOT", instanceRoot.toString());
  }

  @BeforeEach
  void partitionDirectory() throws Exception {
    Files.createDirectories(instanceRoot.resolve("slappart0"));
  }

  private Path file(String partition) {
    return instanceRoot.resolve(partition).resolve(".slapos-request-transaction-" + partition);
  }

  @Test
  void registeringCreatesAnEmptyFileAndRequestsAppend() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0020-POST-requestComputerPartition.response-body")));
    Slap slap = connect();
    ComputerPartition partition = slap.registerComputerPartition("local_computer", "slappart0");
    assertTrue(Files.exists(file("slappart0")));
    assertEquals("", Files.readString(file("slappart0")));
    partition.request(InstanceRequest.builder("http://sr", "child-a").build());
    partition.request(InstanceRequest.builder("http://sr", "child-b").shared(true).build());
    assertEquals("child-a\nchild-b\n", Files.readString(file("slappart0")));
    // Building another object for the same partition keeps the content.
    slap.registerComputerPartition("local_computer", "slappart0");
    assertEquals("child-a\nchild-b\n", Files.readString(file("slappart0")));
  }

  @Test
  void decodedPartitionsCreateTheirFileToo() throws Exception {
    master.on("/getFullComputerInformation", Reply.ok(wire("0022-GET-getFullComputerInformation.response-body")));
    connect().registerComputer("local_computer").getComputerPartitionList();
    assertTrue(Files.exists(file("slappart0")));
    // No directory for slappart1: nothing created, no error.
    assertFalse(Files.exists(instanceRoot.resolve("slappart1")));
  }

  @Test
  void missingDirectoryIsIgnoredOnRequest() throws Exception {
    master.on("/requestComputerPartition", Reply.ok(wire("0020-POST-requestComputerPartition.response-body")));
    connect().registerComputerPartition("local_computer", "slappart7")
        .request(InstanceRequest.builder("http://sr", "child").build());
    assertFalse(Files.exists(instanceRoot.resolve("slappart7")));
  }

  @Test
  void nothingWithoutTheVariable() throws Exception {
    HttpSlapConnector plain = new HttpSlapConnector(Map.of());
    master.on("/requestComputerPartition", Reply.ok(wire("0020-POST-requestComputerPartition.response-body")));
    plain.initializeConnection(master.url(), org.slapos.slap.api.ConnectionOptions.defaults())
        .registerComputerPartition("local_computer", "slappart0")
        .request(InstanceRequest.builder("http://sr", "child").build());
    assertFalse(Files.exists(file("slappart0")));
  }
}
