package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slapos.master.store.sqlite.DbPeek.query;
import static org.slapos.master.store.sqlite.DbPeek.row;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.RequestOutcome;
import org.slapos.master.api.SharedInstanceInfo;

/** slap-protocol §7.5 (TestSlaveRequest) and §3.5.4 at store level. */
class SharedInstanceTest {
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

  private PartitionInfo host() throws MasterStoreException {
    return store.computerInformation(COMPUTER).partitions().get(0);
  }

  @Test
  void noHostIsAnAllocationFailure() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    MasterStoreException e = assertThrows(MasterStoreException.class,
        () -> store.request(req("http://sr//", "MyFirstInstance").from("slappart2").shared().build()));
    assertEquals(MasterStoreException.Code.ALLOCATION_FAILURE, e.code());
    assertEquals("No partition corresponding to slave request: ['http://sr//', 'computer', 'default']", e.getMessage());
  }

  @Test
  void slaveParametersGoToTheHostList() throws Exception {
    store.formatComputer(format(COMPUTER, 6));
    String host = store.request(req("http://sr//", "MyFirstInstance").from("slappart4").build()).partition().reference();
    RequestOutcome o = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").shared()
        .param("domain", "fou.org").param("n", 1L).build());
    List<Map<String, Object>> list = store.partition(COMPUTER, host).slaveInstances();
    assertEquals(1, list.size());
    assertEquals(Map.of("slave_title", "_MyFirstInstance", "slave_reference", "_MyFirstInstance",
        "slap_software_type", "default", "domain", "fou.org", "n", 1L), list.get(0), "raw values are kept");
    assertEquals(Map.of("domain", "fou.org", "n", "1"), o.parameters(), "the response has strings");
    assertTrue(o.shared());
    assertEquals(host, o.slave().hostedBy());
    assertEquals("", o.slave().askedBy());
    assertEquals(host, o.partition().reference());
    assertEquals(2, o.addresses().size());
  }

  @Test
  void aHostWithoutSlavesHasNoList() throws Exception {
    store.formatComputer(format(COMPUTER, 6));
    store.request(req("http://sr//", "MyMasterInstance").from("slappart4").build());
    assertNull(host().slaveInstances());
  }

  @Test
  void hostTimestampFollowsChangesOfItsList() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.request(req("http://sr//", "MyMasterInstance").from("slappart4").build());
    double t0 = host().timestamp();
    store.request(req("http://sr//", "MyFirstSlave").shared().build());
    double t1 = host().timestamp();
    assertEquals(1, host().slaveInstances().size());
    assertTrue(t0 < t1, "adding the first slave");
    store.request(req("http://sr//", "MySecondSlave").shared().build());
    double t2 = host().timestamp();
    assertEquals(2, host().slaveInstances().size());
    assertTrue(t1 < t2, "adding a second slave");
    store.request(req("http://sr//", "MySecondSlave").shared().param("a", "b").build());
    double t3 = host().timestamp();
    assertTrue(t2 < t3, "updating a slave");
    store.request(req("http://sr//", "MySecondSlave").shared().param("a", "b").build());
    assertEquals(t3, host().timestamp(), "a no-op request");
    assertEquals(2, host().slaveInstances().size());
  }

  @Test
  void destroyingASlaveRemovesItFromTheList() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.request(req("http://sr//", "MyMasterInstance").from("slappart4").build());
    store.request(req("http://sr//", "MyFirstSlave").shared().build());
    store.request(req("http://sr//", "MySecondSlave").shared().build());
    double before = host().timestamp();
    store.request(req("http://sr//", "MyFirstSlave").shared().state("destroyed").build());
    assertEquals(1, host().slaveInstances().size());
    assertTrue(before < host().timestamp());
    assertEquals("_MySecondSlave", host().slaveInstances().get(0).get("slave_reference"));
    // slapproxy never deletes slave rows
    assertEquals(2, query(dir.resolve("proxy.db"), "SELECT * FROM slave17").size());
  }

  @Test
  void destroyingASlaveOnAHostWithoutListIsANoOp() throws Exception {
    store.formatComputer(format(COMPUTER, 1));
    store.request(req("http://sr//", "MyMasterInstance").build());
    double before = host().timestamp();
    RequestOutcome o = store.request(req("http://sr//", "MySlave").shared().state("destroyed").build());
    assertNull(host().slaveInstances());
    assertEquals(before, host().timestamp());
    assertEquals("slappart0", o.slave().hostedBy());
  }

  @Test
  void newParametersReplaceTheEntry() throws Exception {
    store.formatComputer(format(COMPUTER, 6));
    String host = store.request(req("http://sr//", "MyFirstInstance").from("slappart4").build()).partition().reference();
    store.request(req("http://sr//", "MyFirstInstance").from("slappart2").shared().param("domain", "crazy.org").build());
    assertEquals("crazy.org", store.partition(COMPUTER, host).slaveInstances().get(0).get("domain"));
    store.request(req("http://sr//", "MyFirstInstance").from("slappart2").shared().param("domain", "maluco.org").build());
    assertEquals(1, store.partition(COMPUTER, host).slaveInstances().size());
    assertEquals("maluco.org", store.partition(COMPUTER, host).slaveInstances().get(0).get("domain"));
  }

  @Test
  void theHostPublishesConnectionParametersForTheSlave() throws Exception {
    store.formatComputer(format(COMPUTER, 6));
    String host = store.request(req("http://sr//", "MyFirstInstance").from("slappart4").build()).partition().reference();
    RequestOutcome first = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").shared().build());
    assertEquals(Map.of(), first.slave().connectionParameters());
    String slaveReference = (String) store.partition(COMPUTER, host).slaveInstances().get(0).get("slave_reference");
    store.setConnectionParameters(COMPUTER, host, Map.of("url", "%s.master.com"), slaveReference);
    RequestOutcome again = store.request(req("http://sr//", "MyFirstInstance").from("slappart2").shared().build());
    assertEquals(Map.of("url", "%s.master.com"), again.slave().connectionParameters());
    assertEquals(Map.of(), store.partition(COMPUTER, host).connectionParameters(), "the host's own are untouched");
  }

  @Test
  void instanceGuidSelectsTheHost() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    store.request(req("http://sr//", "Other").build());
    PartitionInfo target = store.request(req("http://sr//", "MyInstance").build()).partition();
    assertEquals("slappart1", target.reference());
    RequestOutcome slave = store.request(req("http://sr//", "MySlaveInstance").from("slappart1").shared()
        .instanceGuid(target.instanceGuid()).build());
    assertEquals("slappart1", slave.slave().hostedBy());
    assertEquals("slappart1", slave.partition().reference());
    // A bare partition reference works too.
    assertEquals("slappart1", store.request(req("http://sr//", "Another").shared().instanceGuid("slappart1").build())
        .partition().reference());
  }

  @Test
  void hostIsChosenByExactSoftwareType() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    store.request(req("http://sr//", "a").type("front").build());
    store.request(req("http://sr//", "b").build());
    assertEquals("slappart1", store.request(req("http://sr//", "s").shared().build()).partition().reference());
    assertEquals("slappart0", store.request(req("http://sr//", "t").shared().type("front").build()).partition().reference());
    assertEquals("slappart0", store.request(req("http://sr//", "u").shared().type("").build()).partition().reference(),
        "an empty type matches any host");
  }

  @Test
  void slavesRequestedFromATreeAreScopedByItsRoot() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    PartitionInfo root = store.request(req("http://sr//", "root").build()).partition();
    RequestOutcome o = store.request(req("http://sr//", "front").from(root.reference()).shared().build());
    assertEquals("root_front", o.slave().reference());
    assertEquals("root", o.slave().askedBy());
    assertEquals(List.of(row("reference", "root_front", "computer_reference", COMPUTER, "hosted_by", "slappart0",
        "asked_by", "root")), query(dir.resolve("proxy.db"),
        "SELECT reference, computer_reference, hosted_by, asked_by FROM slave17"));
  }

  @Test
  void rootSharedInstancesAreListedWithTheirHost() throws Exception {
    store.formatComputer(format(COMPUTER, 2));
    PartitionInfo root = store.request(req("http://sr//", "root").build()).partition();
    store.request(req("http://sr//", "MyShared").shared().param("p", "v").build());
    store.request(req("http://sr//", "child-shared").from(root.reference()).shared().build());
    store.request(req("http://sr//", "gone").shared().build());
    store.request(req("http://sr//", "gone").shared().state("destroyed").build());
    List<SharedInstanceInfo> shared = store.rootSharedInstances(null);
    assertEquals(1, shared.size(), "only root ones still in their host's list");
    SharedInstanceInfo s = shared.get(0);
    assertEquals("_MyShared", s.slave().reference());
    assertEquals("slappart0", s.host().reference());
    assertEquals("v", s.entry().get("p"));
    assertEquals(1, store.rootSharedInstances("MyShared").size());
    assertEquals(0, store.rootSharedInstances("gone").size());
    assertEquals(List.of("root"), store.rootPartitions(null).stream().map(PartitionInfo::title).toList());
    assertEquals(1, store.rootPartitions("root").size());
    assertEquals(0, store.rootPartitions("nope").size());
    assertEquals("slappart0", store.findInstanceByTitle("root").orElseThrow().reference());
  }
}
