package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerInformation;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.SoftwareInstallation;

/** slap-protocol §7.7 (TestMultiNodeSupport) at store level. */
class MultiComputerTest {
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

  private static void assertAllocationFailure(org.junit.jupiter.api.function.Executable e) {
    assertEquals(MasterStoreException.Code.ALLOCATION_FAILURE, assertThrows(MasterStoreException.class, e).code());
  }

  @Test
  void eachComputerHasItsOwnSoftwareList() throws Exception {
    store.formatComputer(format("COMP-0", 6));
    store.formatComputer(format("COMP-1", 6));
    store.supply("COMP-0", "http://sr1", "available");
    store.supply("COMP-1", "http://sr2", "available");
    store.supply("COMP-0", "http://sr3", "available");
    store.supply("COMP-1", "http://sr3", "available");
    assertEquals(List.of(), store.computerInformation(COMPUTER).software());
    assertEquals(List.of(new SoftwareInstallation("http://sr1", "COMP-0", "available"),
        new SoftwareInstallation("http://sr3", "COMP-0", "available")), store.computerInformation("COMP-0").software());
    assertEquals(List.of(new SoftwareInstallation("http://sr2", "COMP-1", "available"),
        new SoftwareInstallation("http://sr3", "COMP-1", "available")), store.computerInformation("COMP-1").software());
  }

  @Test
  void destroyingSoftwareOnOneComputerLeavesTheOthers() throws Exception {
    store.formatComputer(format("COMP-0", 6));
    store.formatComputer(format("COMP-1", 6));
    store.supply("COMP-0", "http://sr", "available");
    store.supply("COMP-1", "http://sr", "available");
    store.supply("COMP-0", "http://sr", "destroyed");
    assertEquals("destroyed", store.computerInformation("COMP-0").software().get(0).requestedState());
    assertEquals("available", store.computerInformation("COMP-1").software().get(0).requestedState());
  }

  @Test
  void requestsWithoutSlaGoToTheDefaultComputer() throws Exception {
    store.formatComputer(format("COMP-0", 6));
    store.formatComputer(format("COMP-1", 6));
    assertAllocationFailure(() -> store.request(req("http://sr//", "MyFirstInstance").from("slappart2").build()));
    assertAllocationFailure(() -> store.request(req("http://sr//", "MyFirstInstance").from("slappart2").on(COMPUTER).build()));
    store.formatComputer(format(COMPUTER, 1));
    assertEquals(COMPUTER, store.request(req("http://sr//", "MyFirstInstance").from("slappart0").build())
        .partition().computerId());
    assertEquals(List.of(), store.computerInformation(COMPUTER).software());
    assertAllocationFailure(() -> store.request(req("http://sr//", "CanIHasPartition").from("slappart2").on(COMPUTER).build()));
  }

  @Test
  void slaComputerGuid() throws Exception {
    store.formatComputer(format("COMP-1", 2));
    assertAllocationFailure(() -> store.request(req("http://sr//", "MyFirstInstance").from("slappart2").on("COMP-0").build()));
    store.formatComputer(format("COMP-0", 2));
    PartitionInfo p = store.request(req("http://sr//", "MyFirstInstance").from("slappart0").on("COMP-0").build()).partition();
    assertEquals("slappart0", p.reference());
    assertEquals("COMP-0", p.computerId());
    assertEquals("started", p.requestedState());
    ComputerInformation c0 = store.computerInformation("COMP-0");
    ComputerInformation c1 = store.computerInformation("COMP-1");
    assertEquals("http://sr//", c0.partitions().get(0).softwareRelease());
    assertFalse(c0.partitions().get(1).hasInstance());
    assertFalse(c1.partitions().get(0).hasInstance());
    assertFalse(c1.partitions().get(1).hasInstance());
    p = store.request(req("http://othersr//", "MySecondInstance").from("slappart0").on("COMP-1").build()).partition();
    assertEquals("COMP-1", p.computerId());
    assertEquals("slappart0", p.reference());
    assertEquals("http://sr//", store.computerInformation("COMP-0").partitions().get(0).softwareRelease());
  }

  private Map<String, List<String>> layout(String computer) throws MasterStoreException {
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (PartitionInfo p : store.computerInformation(computer).partitions()) {
      result.put(p.reference(), p.hasInstance() && !"destroyed".equals(p.requestedState())
          ? List.of(p.rootInstanceTitle(), p.title(), p.softwareRelease()) : null);
    }
    return result;
  }

  @Test
  void multipleInstanceTreesWithTheSameChildNames() throws Exception {
    store.formatComputer(format("COMP-0", 4));
    store.formatComputer(format("COMP-1", 4));
    String sr1 = "http://sr//";
    String sr2 = "http://othersr//";
    String[] name1 = {"MyFirstInstance", "foo", "bar"};
    PartitionInfo root1 = store.request(req(sr1, name1[0]).on("COMP-0").build()).partition();
    PartitionInfo[] sub1 = {
        store.request(req(sr1, name1[1]).from("COMP-0", root1.reference()).on("COMP-0").build()).partition(),
        store.request(req(sr1, name1[2]).from("COMP-0", root1.reference()).on("COMP-1").build()).partition()};
    String[] name2 = Arrays.copyOf(name1, 3);
    name2[0] = "MySecondInstance";
    PartitionInfo root2 = store.request(req(sr2, name2[0]).on("COMP-1").build()).partition();
    store.request(req(sr2, name2[1]).from("COMP-1", root2.reference()).on("COMP-0").build());
    store.request(req(sr2, name2[2]).from("COMP-1", root2.reference()).on("COMP-1").build());

    Runnable check = () -> {
      try {
        Map<String, List<String>> c0 = new LinkedHashMap<>();
        c0.put("slappart0", List.of(name1[0], name1[0], sr1));
        c0.put("slappart1", List.of(name1[0], name1[1], sr1));
        c0.put("slappart2", List.of(name2[0], name2[1], sr2));
        c0.put("slappart3", null);
        assertEquals(c0, layout("COMP-0"));
        Map<String, List<String>> c1 = new LinkedHashMap<>();
        c1.put("slappart0", List.of(name1[0], name1[2], sr1));
        c1.put("slappart1", List.of(name2[0], name2[0], sr2));
        c1.put("slappart2", List.of(name2[0], name2[2], sr2));
        c1.put("slappart3", null);
        assertEquals(c1, layout("COMP-1"));
      } catch (MasterStoreException e) {
        throw new AssertionError(e);
      }
    };
    check.run();

    name1[1] = "tmp";
    store.rename("COMP-0", sub1[0].reference(), name1[1]);
    name1[2] = name2[1];
    store.rename("COMP-1", sub1[1].reference(), name1[2]);
    name1[1] = name2[2];
    store.rename("COMP-0", sub1[0].reference(), name1[1]);
    name2[0] = "MyOtherInstance";
    store.rename("COMP-1", root2.reference(), name2[0]);
    check.run();
  }

  @Test
  void stateChangesStayOnTheirComputer() throws Exception {
    store.formatComputer(format("COMP-0", 6));
    store.formatComputer(format("COMP-1", 6));
    store.request(req("http://sr//", "MyFirstInstance").from("slappart0").on("COMP-0").build());
    store.request(req("http://sr//", "MySecondInstance").from("slappart0").on("COMP-1").build());
    store.request(req("http://sr//", "MyFirstInstance").from("slappart0").on("COMP-0").state("stopped").build());
    assertEquals("stopped", store.computerInformation("COMP-0").partitions().get(0).requestedState());
    assertFalse(store.computerInformation("COMP-0").partitions().get(1).hasInstance());
    assertEquals("started", store.computerInformation("COMP-1").partitions().get(0).requestedState());
    assertFalse(store.computerInformation("COMP-1").partitions().get(1).hasInstance());
  }

  @Test
  void anInstanceNeverMoves() throws Exception {
    store.formatComputer(format("COMP-0", 2));
    store.formatComputer(format("COMP-1", 2));
    store.request(req("http://sr//", "MyFirstInstance").from("slappart0").on("COMP-0").build());
    PartitionInfo p = store.request(req("http://sr//", "MyFirstInstance").from("slappart0").on("COMP-1").build()).partition();
    assertEquals("COMP-0", p.computerId());
    for (PartitionInfo q : store.computerInformation("COMP-1").partitions()) {
      assertFalse(q.hasInstance());
    }
  }

  @Test
  void sharedInstancesFollowTheirSla() throws Exception {
    store.formatComputer(format("COMP-0", 2));
    store.formatComputer(format("COMP-1", 2));
    store.formatComputer(format(COMPUTER, 2));
    store.request(req("http://sr2//", "MyFirstInstance").from("slappart0").on("COMP-0").build());
    store.request(req("http://sr//", "MyOtherInstance").from("slappart0").on("COMP-1").build());
    assertAllocationFailure(() -> store.request(req("http://sr//", "MySlaveInstance").from("slappart2").shared().build()));
    assertAllocationFailure(() -> store.request(req("http://sr//", "MySlaveInstance").from("slappart2").shared()
        .on("COMP-0").build()));
    assertEquals("COMP-1", store.request(req("http://sr//", "MySlaveInstance").from("slappart2").shared().on("COMP-1")
        .build()).partition().computerId());
  }

  @Test
  void instanceGuidsNameTheComputer() throws Exception {
    store.formatComputer(format("COMP-0", 2));
    store.formatComputer(format("COMP-1", 2));
    store.formatComputer(format(COMPUTER, 2));
    assertEquals("COMP-0-slappart0", store.request(req("http://sr2//", "MyFirstInstance").from("slappart0")
        .on("COMP-0").build()).partition().instanceGuid());
    assertEquals("COMP-1-slappart0", store.request(req("http://sr//", "MyOtherInstance").from("slappart0")
        .on("COMP-1").build()).partition().instanceGuid());
    assertEquals("computer-slappart0", store.request(req("http://sr//", "MyThirdInstance").from("slappart0")
        .build()).partition().instanceGuid());
  }

  @Test
  void computerInformationNeedsARegisteredComputer() throws Exception {
    String other = "computer42";
    assertEquals(MasterStoreException.Code.NOT_FOUND,
        assertThrows(MasterStoreException.class, () -> store.computerInformation(other)).code());
    store.computerInformation(COMPUTER);
    store.formatComputer(format(other, 1));
    assertEquals(1, store.computerInformation(other).partitions().size());
  }
}
