package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.ComputerInformation;
import org.slapos.master.api.ComputerRecord;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.SoftwareInstallation;

/** slap-protocol §7.1 (format), §7.2 (information) and §7.3 (software installation), at store level. */
class FormatAndInformationTest {
  @TempDir
  Path dir;
  SqliteMasterStore store;

  @BeforeEach
  void open() throws Exception {
    store = StoreFixture.open(dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ComputerFormat twoPartitions(String first) {
    return new ComputerFormat(COMPUTER, "12.34.56.78", "255.255.255.255", List.of(
        new ComputerFormat.PartitionFormat(first, List.of(new NetworkAddress("tap0", "1.2.3.4", "255.255.255.255"))),
        new ComputerFormat.PartitionFormat("slappart2", List.of(new NetworkAddress("tap1", "5.6.7.8", "255.255.255.255")))));
  }

  @Test
  void reloadingTheSameConfigurationKeepsAllocatedPartitions() throws Exception {
    store.formatComputer(twoPartitions("slappart1"));
    store.request(req("https://example.com/software.cfg", "MyInstance").param("foo", "bar").state("started").build());
    assertEquals("https://example.com/software.cfg", store.partition(COMPUTER, "slappart1").softwareRelease());
    store.formatComputer(twoPartitions("slappart1"));
    assertEquals("https://example.com/software.cfg", store.partition(COMPUTER, "slappart1").softwareRelease());
    assertEquals(List.of("slappart1", "slappart2"),
        store.computerInformation(COMPUTER).partitions().stream().map(PartitionInfo::reference).toList());
  }

  @Test
  void reloadingWithARenamedPartitionRemovesTheOldOne() throws Exception {
    store.formatComputer(twoPartitions("slappart1"));
    store.formatComputer(new ComputerFormat(COMPUTER, "12.34.56.78", "255.255.255.255", List.of(
        new ComputerFormat.PartitionFormat("something else",
            List.of(new NetworkAddress("tap0", "1.2.3.4", "255.255.255.255"))))));
    assertEquals(List.of("something else"),
        store.computerInformation(COMPUTER).partitions().stream().map(PartitionInfo::reference).toList());
  }

  @Test
  void formatReplacesAddressesAndKeepsDeclarationOrder() throws Exception {
    store.formatComputer(format(COMPUTER, 3));
    ComputerInformation info = store.computerInformation(COMPUTER);
    assertEquals(List.of("slappart0", "slappart1", "slappart2"),
        info.partitions().stream().map(PartitionInfo::reference).toList());
    assertEquals(List.of(new NetworkAddress("tap0", "1.2.3.4", "255.255.255.255"),
        new NetworkAddress("tap0", "4.3.2.1", "255.255.255.255")), info.partitions().get(1).addresses());
    store.formatComputer(new ComputerFormat(COMPUTER, null, null, List.of(
        new ComputerFormat.PartitionFormat("slappart2", List.of(new NetworkAddress("tap9", "9.9.9.9", "255.0.0.0"))),
        new ComputerFormat.PartitionFormat("slappart0", List.of()))));
    info = store.computerInformation(COMPUTER);
    // Existing partitions keep their place; addresses are replaced.
    assertEquals(List.of("slappart0", "slappart2"), info.partitions().stream().map(PartitionInfo::reference).toList());
    assertEquals(List.of(), info.partitions().get(0).addresses());
    assertEquals(List.of(new NetworkAddress("tap9", "9.9.9.9", "255.0.0.0")), info.partitions().get(1).addresses());
    assertEquals(List.of(new ComputerRecord(COMPUTER, null, null)), store.computers());
  }

  @Test
  void formatRemovesSharedInstancesOfRemovedPartitions() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    store.request(req("http://sr//", "host").build());
    store.request(req("http://sr//", "slave").shared().build());
    assertTrue(store.instanceExists(req("http://sr//", "slave").shared().build()));
    store.formatComputer(new ComputerFormat(COMPUTER, null, null, List.of(
        new ComputerFormat.PartitionFormat("slappart1", List.of()))));
    assertFalse(store.instanceExists(req("http://sr//", "slave").shared().build()));
  }

  @Test
  void theDefaultComputerAnswersBeforeFormattingAndTheFileIsCreated() throws Exception {
    assertTrue(Files.exists(dir.resolve("proxy.db")));
    ComputerInformation info = store.computerInformation(COMPUTER);
    assertEquals(COMPUTER, info.computerId());
    assertEquals(List.of(), info.software());
    assertEquals(List.of(), info.partitions());
    assertEquals(COMPUTER, store.defaultComputerId());
  }

  @Test
  void anUnknownComputerIsNotFound() {
    MasterStoreException e = assertThrows(MasterStoreException.class, () -> store.computerInformation("computer42"));
    assertEquals(MasterStoreException.Code.NOT_FOUND, e.code());
    assertEquals("computer42 is not registered.", e.getMessage());
  }

  @Test
  void formattedPartitionsAreFree() throws Exception {
    store.formatComputer(format(COMPUTER, 10));
    List<PartitionInfo> partitions = store.computerInformation(COMPUTER).partitions();
    assertEquals(10, partitions.size());
    for (PartitionInfo p : partitions) {
      assertFalse(p.hasInstance());
      assertEquals(PartitionInfo.FREE, p.slapState());
      assertNull(p.softwareRelease());
      assertNull(p.slaveInstances());
      assertEquals(COMPUTER + "-" + p.reference(), p.instanceGuid());
    }
  }

  @Test
  void unknownPartitionIsNotFound() {
    MasterStoreException e = assertThrows(MasterStoreException.class, () -> store.partition(COMPUTER, "slappart9"));
    assertEquals(MasterStoreException.Code.NOT_FOUND, e.code());
    assertEquals("Unknown partition 'slappart9' on 'computer'", e.getMessage());
  }

  @Test
  void suppliedSoftwareIsAvailableUntilDestroyed() throws Exception {
    store.supply(COMPUTER, "http://sr//", "available");
    assertEquals(List.of(new SoftwareInstallation("http://sr//", COMPUTER, "available")),
        store.computerInformation(COMPUTER).software());
    store.supply(COMPUTER, "http://sr//", "destroyed");
    assertEquals(List.of(new SoftwareInstallation("http://sr//", COMPUTER, "destroyed")),
        store.computerInformation(COMPUTER).software());
    store.softwareReleaseDestroyed(COMPUTER, "http://sr//");
    assertEquals(List.of(), store.computerInformation(COMPUTER).software());
  }

  @Test
  void resupplyingMovesTheReleaseToTheEndLikeInsertOrReplace() throws Exception {
    store.supply(COMPUTER, "http://a", "available");
    store.supply(COMPUTER, "http://b", "available");
    store.supply(COMPUTER, "http://a", "available");
    assertEquals(List.of("http://b", "http://a"),
        store.computerInformation(COMPUTER).software().stream().map(SoftwareInstallation::url).toList());
  }

  @Test
  void supplyRejectsOtherStates() {
    MasterStoreException e = assertThrows(MasterStoreException.class,
        () -> store.supply(COMPUTER, "http://sr//", "started"));
    assertEquals(MasterStoreException.Code.BAD_REQUEST, e.code());
    assertEquals("Wrong state started", e.getMessage());
  }

  @Test
  void computerInformationIsCachedUntilTheDataChanges() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    ComputerInformation first = store.computerInformation(COMPUTER);
    assertTrue(first == store.computerInformation(COMPUTER), "unchanged data: same object");
    store.request(req("http://sr//", "x").build());
    ComputerInformation second = store.computerInformation(COMPUTER);
    assertTrue(first != second);
    assertEquals("x", second.partitions().get(0).title());
    // Another program writing to the file is noticed too.
    DbPeek.update(dir.resolve("proxy.db"), "UPDATE partition17 SET partition_reference='y' WHERE reference='slappart0'");
    assertEquals("y", store.computerInformation(COMPUTER).partitions().get(0).title());
  }

  @Test
  void reopeningKeepsTheData() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.supply(COMPUTER, "http://sr//", "available");
    store.request(req("http://sr//", "MyInstance").build());
    store.close();
    store = StoreFixture.open(dir);
    assertEquals("MyInstance", store.partition(COMPUTER, "slappart0").title());
    assertEquals(1, store.computerInformation(COMPUTER).software().size());
  }
}
