package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slapos.master.store.sqlite.DbPeek.query;
import static org.slapos.master.store.sqlite.DbPeek.row;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.DestroyOutcome;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.RequestOutcome;

/** slap-protocol §7.4 (TestRequest) and §3.5.1, §3.7, §3.8 at store level. */
class RequestTest {
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

  private Path db() {
    return dir.resolve("proxy.db");
  }

  private static double now() {
    Instant i = Instant.now();
    return i.getEpochSecond() + i.getNano() / 1e9;
  }

  @Test
  void firstRequestIsStartedOnTheFirstFreePartition() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    RequestOutcome o = store.request(req("http://sr//", "MyFirstInstance").from("slappart0").build());
    assertEquals("slappart0", o.partition().reference());
    assertEquals("computer-slappart0", o.partition().instanceGuid());
    assertEquals("started", o.partition().requestedState());
    assertNull(o.requestedState(), "no state was requested");
    assertEquals("busy", o.partition().slapState());
    assertEquals("default", o.partition().softwareType());
    assertEquals("", o.partition().requestedBy(), "a free requester counts as the user");
  }

  @Test
  void timestampIsSetAtRequestTime() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    double before = now();
    RequestOutcome o = store.request(req("http://sr//", "MyFirstInstance").build());
    double after = now();
    assertTrue(o.partition().timestamp() >= before && o.partition().timestamp() <= after);
  }

  @Test
  void scopeIsPerTree() throws Exception {
    store.formatComputer(format(COMPUTER, 3));
    PartitionInfo first = store.request(req("http://sr//", "MyFirstInstance").build()).partition();
    PartitionInfo second = store.request(req("http://sr//", "MySecondInstance").build()).partition();
    RequestOutcome child = store.request(req("http://sr//", "foo").from(first.reference()).build());
    assertEquals("MyFirstInstance", child.partition().requestedBy());
    MasterStoreException e = assertThrows(MasterStoreException.class,
        () -> store.request(req("http://sr//", "foo").from(second.reference()).build()));
    assertEquals(MasterStoreException.Code.ALLOCATION_FAILURE, e.code());
    assertEquals("No free computer partition found for: foo", e.getMessage());
  }

  @Test
  void anUnknownRequesterIsTheUser() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    PartitionInfo a = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").build()).partition();
    PartitionInfo b = store.request(req("http://sr//", "MyFirstInstance").from("slappart3").build()).partition();
    assertEquals(a.reference(), b.reference());
    assertEquals("", b.requestedBy());
  }

  @Test
  void identicalRequestsKeepTheTimestamp() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    RequestOutcome a = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").build());
    RequestOutcome b = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").build());
    assertEquals(a, b);
    assertEquals(a.partition().timestamp(), b.partition().timestamp());
  }

  @Test
  void bangReprocessesTheWholeTree() throws Exception {
    store.formatComputer(format(COMPUTER, 3));
    PartitionInfo parent = store.request(req("http://sr//", "MyFirstInstance").build()).partition();
    PartitionInfo child = store.request(req("http://sr//", "MySubInstance").from(parent.reference()).build()).partition();
    PartitionInfo other = store.request(req("http://sr//", "AnotherInstance").build()).partition();
    double previous = store.partition(COMPUTER, parent.reference()).timestamp();
    for (PartitionInfo banged : List.of(parent, child)) {
      store.bang(COMPUTER, banged.reference());
      double t = store.partition(COMPUTER, parent.reference()).timestamp();
      assertTrue(t > previous);
      assertEquals(t, store.partition(COMPUTER, child.reference()).timestamp());
      assertEquals(other.timestamp(), store.partition(COMPUTER, other.reference()).timestamp());
      previous = t;
    }
    store.bang(COMPUTER, "slappart42"); // unknown: ignored
  }

  @Test
  void rootStateIsPropagatedToChildrenWhenTheyAreRequested() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    PartitionInfo parent = store.request(req("http://sr//", "MyFirstInstance").build()).partition();
    RequestOutcome child = store.request(req("http://sr//", "MySubInstance").from(parent.reference()).build());
    assertEquals("started", child.partition().requestedState());
    for (String state : List.of("stopped", "started")) {
      RequestOutcome p = store.request(req("http://sr//", "MyFirstInstance").state(state).build());
      assertEquals(state, p.requestedState());
      assertEquals(state, p.partition().requestedState());
      child = store.request(req("http://sr//", "MySubInstance").from(parent.reference()).build());
      if (state.equals("stopped")) {
        assertEquals("stopped", child.requestedState(), "propagated");
        assertEquals("stopped", child.partition().requestedState());
      } else {
        // The root is started again: nothing to propagate, and state None keeps the stored state.
        assertNull(child.requestedState());
        assertEquals("stopped", child.partition().requestedState());
      }
    }
  }

  @Test
  void aChildMayBeStoppedUnderAStartedRoot() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    PartitionInfo parent = store.request(req("http://sr//", "MyFirstInstance").build()).partition();
    store.request(req("http://sr//", "MySubInstance").from(parent.reference()).build());
    RequestOutcome p = store.request(req("http://sr//", "MyFirstInstance").build());
    RequestOutcome c = store.request(req("http://sr//", "MySubInstance").from(parent.reference()).state("stopped").build());
    assertEquals("started", p.partition().requestedState());
    assertEquals("stopped", c.partition().requestedState());
  }

  @Test
  void newParametersUpdateTheSamePartitionAndTheTimestamp() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    RequestOutcome r1 = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").param("domain", "fou.org").build());
    RequestOutcome r2 = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").type("Papa")
        .param("domain", "carzy.org").build());
    assertEquals(r1.partition().reference(), r2.partition().reference());
    assertEquals(r1.partition().computerId(), r2.partition().computerId());
    assertEquals("fou.org", r1.parameters().get("domain"));
    assertEquals("carzy.org", r2.parameters().get("domain"));
    assertEquals("Papa", r2.partition().softwareType(), "an existing instance takes the new type");
    assertTrue(r1.partition().timestamp() < r2.partition().timestamp());
    assertEquals(r2.partition().timestamp(), store.partition(COMPUTER, r2.partition().reference()).timestamp());
  }

  @Test
  void aNewSoftwareReleaseUpdatesTheSamePartition() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    RequestOutcome r1 = store.request(req("http://sr//", "MyFirstInstance").param("domain", "a").build());
    RequestOutcome r2 = store.request(req("http://sr1//", "MyFirstInstance").param("domain", "b").build());
    assertEquals(r1.partition().reference(), r2.partition().reference());
    assertEquals("http://sr//", r1.partition().softwareRelease());
    assertEquals("http://sr1//", r2.partition().softwareRelease());
  }

  @Test
  void parametersAreStoredAsStrings() throws Exception {
    store.formatComputer(format(COMPUTER, 3));
    RequestOutcome o = store.request(req("http://sr//", "a").param("text", "Привет Мир!").param("n", 1L)
        .param("b", Boolean.TRUE).param("none", null).build());
    assertEquals(Map.of("text", "Привет Мир!", "n", "1", "b", "True", "none", "None"), o.parameters());
    assertTrue(o.partition().parameterXml().contains("<parameter id=\"text\">Привет Мир!</parameter>"));
  }

  @Test
  void connectionParametersAreStringifiedAndReturnedByTheNextRequest() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    RequestOutcome o = store.request(req("http://sr//", "MyFirstInstance").build());
    assertEquals(Map.of(), o.partition().connectionParameters());
    assertNull(o.partition().connectionXml());
    double timestamp = o.partition().timestamp();
    store.setConnectionParameters(COMPUTER, "slappart0", Map.of("foo", 1L), null);
    o = store.request(req("http://sr//", "MyFirstInstance").build());
    assertEquals(Map.of("foo", "1"), o.partition().connectionParameters());
    assertEquals("<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"foo\">1</parameter>\n"
        + "</instance>\n", o.partition().connectionXml());
    assertEquals(timestamp, o.partition().timestamp(), "publishing does not bump the timestamp");
    store.setConnectionParameters(COMPUTER, "slappart42", Map.of("foo", "x"), null); // unknown: ignored
  }

  @Test
  void addressesOfTheRequestAreThoseOfThePartitionName() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.formatComputer(format("COMP-1", 1));
    RequestOutcome o = store.request(req("http://sr//", "x").build());
    // slapproxy reports the addresses declared under that partition name on every computer.
    assertEquals(4, o.addresses().size());
    assertEquals(2, o.partition().addresses().size());
    assertEquals(new NetworkAddress("tap0", "1.2.3.4", "255.255.255.255"), o.addresses().get(0));
  }

  @Test
  void destroyRequestThenReportFreesThePartition() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.request(req("http://sr//", "MyFirstInstance").build());
    RequestOutcome o = store.request(req("http://sr//", "MyFirstInstance").state("destroyed").build());
    assertEquals("destroyed", o.requestedState());
    assertEquals(List.of(row("requested_state", "destroyed", "slap_state", "busy", "software_release", "http://sr//",
        "partition_reference", "MyFirstInstance")), query(db(), "SELECT requested_state, slap_state,"
        + " software_release, partition_reference FROM partition17 WHERE reference='slappart0'"));
    double timestamp = o.partition().timestamp();
    assertEquals(DestroyOutcome.Status.FREED, store.partitionDestroyed(COMPUTER, "slappart0").status());
    assertEquals(List.of(row("requested_state", "started", "slap_state", "free", "partition_reference", null,
        "requested_by", "", "software_release", null, "xml", null, "timestamp", timestamp)),
        query(db(), "SELECT requested_state, slap_state, partition_reference, requested_by, software_release, xml,"
            + " timestamp FROM partition17 WHERE reference='slappart0'"));
    assertEquals("slappart0", store.request(req("http://sr//", "Another instance").build()).partition().reference());
  }

  @Test
  void destroyingARootWithChildren() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    PartitionInfo parent = store.request(req("http://sr//", "MyFirstInstance").build()).partition();
    PartitionInfo child = store.request(req("http://sr//", "MySubInstance").from(parent.reference()).build()).partition();
    store.request(req("http://sr//", "MyFirstInstance").state("destroyed").build());
    String sql = "SELECT reference, slap_state, requested_by, requested_state FROM partition17 ORDER BY requested_by";
    assertEquals(List.of(
        row("reference", parent.reference(), "slap_state", "busy", "requested_by", "", "requested_state", "destroyed"),
        row("reference", child.reference(), "slap_state", "busy", "requested_by", "MyFirstInstance",
            "requested_state", "started")), query(db(), sql));
    double childTimestamp = store.partition(COMPUTER, child.reference()).timestamp();

    DestroyOutcome outcome = store.partitionDestroyed(COMPUTER, parent.reference());
    assertEquals(new DestroyOutcome(DestroyOutcome.Status.CHILDREN_PENDING, List.of("MySubInstance")), outcome);
    assertEquals(List.of(
        row("reference", parent.reference(), "slap_state", "busy", "requested_by", "", "requested_state", "destroyed"),
        row("reference", child.reference(), "slap_state", "busy", "requested_by", "MyFirstInstance",
            "requested_state", "destroyed")), query(db(), sql));
    assertEquals(childTimestamp, store.partition(COMPUTER, child.reference()).timestamp(), "cascade does not bump");

    assertEquals(DestroyOutcome.Status.CHILDREN_PENDING, store.partitionDestroyed(COMPUTER, parent.reference()).status());
    assertEquals(DestroyOutcome.Status.FREED, store.partitionDestroyed(COMPUTER, child.reference()).status());
    assertEquals(DestroyOutcome.Status.FREED, store.partitionDestroyed(COMPUTER, parent.reference()).status());
    assertEquals(List.of(
        row("reference", parent.reference(), "slap_state", "free", "requested_by", "", "requested_state", "started"),
        row("reference", child.reference(), "slap_state", "free", "requested_by", "", "requested_state", "started")),
        query(db(), sql + ", reference"));
    assertEquals(DestroyOutcome.Status.UNKNOWN_PARTITION, store.partitionDestroyed(COMPUTER, "nope").status());
  }

  @Test
  void childrenAreListedSorted() throws Exception {
    store.formatComputer(format(COMPUTER, 4));
    PartitionInfo root = store.request(req("http://sr//", "root").build()).partition();
    store.request(req("http://sr//", "b").from(root.reference()).build());
    store.request(req("http://sr//", "a").from(root.reference()).build());
    store.request(req("http://sr//", "c").from(root.reference()).build());
    assertEquals(List.of("a", "b", "c"), store.partitionDestroyed(COMPUTER, root.reference()).children());
  }

  @Test
  void stateNoneKeepsTheStoredState() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.request(req("http://sr//", "root").state("stopped").build());
    RequestOutcome o = store.request(req("http://sr//", "root").build());
    assertNull(o.requestedState(), "the proxy answers 'started' here (quirk), the store reports no request");
    assertEquals("stopped", o.partition().requestedState());
  }

  @Test
  void grandchildrenBelongToTheRootTree() throws Exception {
    store.formatComputer(format(COMPUTER, 3));
    PartitionInfo root = store.request(req("http://sr//", "root").build()).partition();
    PartitionInfo child = store.request(req("http://sr//", "child").from(root.reference()).build()).partition();
    PartitionInfo grandchild = store.request(req("http://sr//", "grandchild").from(child.reference()).build()).partition();
    assertEquals("root", child.requestedBy());
    assertEquals("root", grandchild.requestedBy());
    assertEquals("root", grandchild.rootInstanceTitle());
    assertEquals(6, store.instanceTreeAddresses(COMPUTER, grandchild.reference()).size());
  }

  @Test
  void renamingARootMovesItsTree() throws Exception {
    store.formatComputer(format(COMPUTER, 3));
    PartitionInfo root = store.request(req("http://sr//", "root").build()).partition();
    PartitionInfo child = store.request(req("http://sr//", "child").from(root.reference()).build()).partition();
    assertTrue(store.rename(COMPUTER, root.reference(), "renamed"));
    assertEquals("renamed", store.partition(COMPUTER, root.reference()).title());
    assertEquals("renamed", store.partition(COMPUTER, child.reference()).requestedBy());
    assertTrue(store.rename(COMPUTER, child.reference(), "kid"));
    assertEquals("kid", store.partition(COMPUTER, child.reference()).title());
    assertEquals("renamed", store.partition(COMPUTER, child.reference()).requestedBy());
    assertEquals(false, store.rename(COMPUTER, "nope", "x"));
    // The renamed child is found under its new name in the same tree.
    assertEquals(child.reference(),
        store.request(req("http://sr//", "kid").from(root.reference()).build()).partition().reference());
  }

  @Test
  void anEmptySoftwareTypeBecomesDefaultOnlyForNewInstances() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    assertEquals("default", store.request(req("http://sr//", "x").type("").build()).partition().softwareType());
    assertEquals("", store.request(req("http://sr//", "x").type("").build()).partition().softwareType());
  }

  @Test
  void invalidStatesAreRejected() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    MasterStoreException e = assertThrows(MasterStoreException.class,
        () -> store.request(req("http://sr//", "x").state("running").build()));
    assertEquals(MasterStoreException.Code.BAD_REQUEST, e.code());
    assertEquals("free", store.partition(COMPUTER, "slappart0").slapState(), "nothing was allocated");
  }

  @Test
  void timestampsAreStrictlyIncreasing() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    double previous = store.request(req("http://sr//", "x").build()).partition().timestamp();
    for (int i = 0; i < 50; i++) {
      store.bang(COMPUTER, "slappart0");
      double t = store.partition(COMPUTER, "slappart0").timestamp();
      assertTrue(t > previous);
      previous = t;
    }
    assertNotEquals(0.0, previous);
  }
}
