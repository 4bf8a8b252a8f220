package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.assertFails;
import static org.slapos.itest.support.LocalProxy.compareTimestamps;
import static org.slapos.itest.support.LocalProxy.unique;

import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;

/**
 * slap-protocol §7.5 (and §3.5.4): shared (slave) instances on their host partition, through our SLAP
 * client over loopback HTTP. Every test has its own computer and software release.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxySlaveIT extends ProxyTestSupport {

  private String computer;
  private String sr;

  @Before
  public void freshNames() throws Exception {
    computer = proxy.newComputer(2);
    sr = "http://" + unique("sr") + "/software.cfg";
  }

  private ComputerPartition host() throws Exception {
    return host(unique("host"));
  }

  private ComputerPartition host(String title) throws Exception {
    return proxy.slap().registerOpenOrder().request(InstanceRequest.builder(sr, title)
        .filter("computer_guid", computer).build());
  }

  private InstanceRequest.Builder slave(String title) {
    return InstanceRequest.builder(sr, title).shared(true).filter("computer_guid", computer);
  }

  private ComputerPartition requestSlave(InstanceRequest.Builder slave) throws Exception {
    return proxy.slap().registerOpenOrder().request(slave.build());
  }

  /** The host's slave_instance_list, as the node reads it. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> slaves(ComputerPartition host) throws Exception {
    return (List<Map<String, Object>>) proxy.partition(computer, host.getId()).getInstanceParameterDict()
        .get("slave_instance_list");
  }

  private String hostTimestamp(ComputerPartition host) throws Exception {
    return proxy.storedTimestamp(computer, host.getId());
  }

  @Test
  public void aSlaveWithoutHostIsNotFound() throws Exception {
    assertFails(NotFoundError.class, () -> requestSlave(slave(unique("MySlaveInstance"))));
  }

  @Test
  public void slaveParametersAppearInTheHostList() throws Exception {
    ComputerPartition host = host();
    assertEquals(List.of(), slaves(host));

    String title = unique("MySlaveInstance");
    ComputerPartition slave = requestSlave(slave(title).parameter("domain", "slave.example.com").parameter("n", 1L));

    List<Map<String, Object>> slaves = slaves(host);
    assertEquals(1, slaves.size());
    Map<String, Object> entry = slaves.get(0);
    assertEquals("slave.example.com", entry.get("domain"));
    assertEquals("_" + title, entry.get("slave_reference"));
    assertEquals("_" + title, entry.get("slave_title"));
    assertEquals("default", entry.get("slap_software_type"));
    // The host's list keeps the raw values; the slave's own answer has them as strings.
    assertEquals(1L, ((Number) entry.get("n")).longValue());
    assertEquals("1", slave.getInstanceParameterDict().get("n"));
    assertEquals(host.getId(), slave.getId());
    assertEquals(computer, slave.getComputerId());
  }

  @Test
  public void aSlaveOfATreeIsNamedAfterItsRoot() throws Exception {
    String root = unique("root");
    ComputerPartition host = host(root);
    proxy.partition(computer, host.getId()).request(slave("MyTreeSlave").build());
    assertEquals(root + "_MyTreeSlave", slaves(host).get(0).get("slave_reference"));
  }

  @Test
  public void theHostTimestampChangesOnlyWhenItsSlaveListChanges() throws Exception {
    ComputerPartition host = host();
    String t0 = hostTimestamp(host);
    String first = unique("MyFirstSlave");
    requestSlave(slave(first).parameter("domain", "a"));
    String t1 = hostTimestamp(host);
    assertTrue(compareTimestamps(t1, t0) > 0);

    requestSlave(slave(unique("MySecondSlave")).parameter("domain", "b"));
    String t2 = hostTimestamp(host);
    assertTrue(compareTimestamps(t2, t1) > 0);

    requestSlave(slave(first).parameter("domain", "c"));
    String t3 = hostTimestamp(host);
    assertTrue(compareTimestamps(t3, t2) > 0);

    requestSlave(slave(first).parameter("domain", "c"));
    assertEquals(t3, hostTimestamp(host));
  }

  @Test
  public void aDestroyedSlaveLeavesTheHostList() throws Exception {
    ComputerPartition host = host();
    String first = unique("MyFirstSlave");
    String second = unique("MySecondSlave");
    requestSlave(slave(first));
    requestSlave(slave(second));
    assertEquals(2, slaves(host).size());
    String before = hostTimestamp(host);

    requestSlave(slave(first).state("destroyed"));

    List<Map<String, Object>> slaves = slaves(host);
    assertEquals(1, slaves.size());
    assertEquals("_" + second, slaves.get(0).get("slave_reference"));
    assertTrue(compareTimestamps(hostTimestamp(host), before) > 0);
  }

  @Test
  public void newSlaveParametersReplaceTheOldOnes() throws Exception {
    ComputerPartition host = host();
    String title = unique("MySlaveInstance");
    requestSlave(slave(title).parameter("domain", "old.example.com"));
    requestSlave(slave(title).parameter("domain", "new.example.com"));
    List<Map<String, Object>> slaves = slaves(host);
    assertEquals(1, slaves.size());
    assertEquals("new.example.com", slaves.get(0).get("domain"));
  }

  @Test
  public void theHostPublishesTheConnectionOfItsSlave() throws Exception {
    ComputerPartition host = host();
    String title = unique("MySlaveInstance");
    requestSlave(slave(title));
    proxy.partition(computer, host.getId()).setConnectionDict(Map.of("foo", "bar"), "_" + title);
    assertEquals("bar", requestSlave(slave(title)).getConnectionParameter("foo"));
  }

  @Test
  public void theSlaveLifecycle() throws Exception {
    ComputerPartition host = host();
    String title = unique("MySlaveInstance");
    ComputerPartition slave = requestSlave(slave(title));
    assertEquals(Map.of(), slave.getAttributes().get("_connection_dict"));

    Map<String, Object> connection = Map.of("url", title + ".master.com");
    proxy.partition(computer, host.getId()).setConnectionDict(connection, "_" + title);

    assertEquals(connection, requestSlave(slave(title)).getConnectionParameterDict());
  }

  @Test
  public void theHostIsChosenByItsExactSoftwareType() throws Exception {
    host();
    String title = unique("MySlaveInstance");
    assertFails(NotFoundError.class, () -> requestSlave(slave(title).softwareType("other")));
    ComputerPartition slave = requestSlave(slave(title).softwareType("default"));
    assertEquals("slappart0", slave.getId());
  }

  @Test
  public void theSlaveAnswerHasNoTimestampGuidOrState() throws Exception {
    ComputerPartition host = host();
    ComputerPartition slave = requestSlave(slave(unique("MySlaveInstance")).parameter("a", "b"));
    assertEquals(Map.of("a", "b"), slave.getAttributes().get("_parameter_dict"));
    assertEquals(false, slave.getAttributes().containsKey("_instance_guid"));
    assertEquals(false, slave.getAttributes().containsKey("_requested_state"));
    assertEquals(sr, slave.getAttributes().get("slap_software_release_url"));
    assertEquals(host.getId(), slave.getAttributes().get("slap_computer_partition_id"));
  }

  @Test
  public void destroyingAnAbsentSlaveOfAHostWithoutSlavesChangesNothing() throws Exception {
    ComputerPartition host = host();
    String before = hostTimestamp(host);
    // Deviation (docs/proxy.md): slapproxy answered 500 (TypeError on the NULL list).
    requestSlave(slave(unique("MySlaveInstance")).state("destroyed"));
    assertEquals(List.of(), slaves(host));
    assertEquals(before, hostTimestamp(host));
  }

  @Test
  public void anInstanceGuidWithoutTheComputerIsThePartitionReference() throws Exception {
    host();
    ComputerPartition second = host();
    assertEquals(second.getId(), requestSlave(slave(unique("MySlaveInstance"))
        .filter("instance_guid", second.getId())).getId());
  }

  @Test
  public void aHostAskedToBeDestroyedStillHostsSlaves() throws Exception {
    String title = unique("host");
    ComputerPartition host = host(title);
    host(title + "-destroyed");
    proxy.slap().registerOpenOrder().request(InstanceRequest.builder(sr, title).state("destroyed")
        .filter("computer_guid", computer).build());
    assertEquals(host.getId(), requestSlave(slave(unique("MySlaveInstance"))).getId());
    assertEquals(1, slaves(host).size());
  }

  @Test
  public void theInstanceGuidChoosesTheHost() throws Exception {
    ComputerPartition first = host();
    ComputerPartition second = host();
    assertEquals("slappart0", first.getId());
    assertEquals("slappart1", second.getId());

    ComputerPartition slave = requestSlave(slave(unique("MySlaveInstance"))
        .filter("instance_guid", second.getInstanceGuid()));

    assertEquals(second.getId(), slave.getId());
    assertEquals(1, slaves(second).size());
    assertEquals(List.of(), slaves(first));
    // Without it, the first matching partition hosts the slave.
    assertEquals(first.getId(), requestSlave(slave(unique("MyOtherSlave"))).getId());
  }
}
