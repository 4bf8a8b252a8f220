package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.slapos.itest.support.LocalProxy.assertFails;
import static org.slapos.itest.support.LocalProxy.parameters;
import static org.slapos.itest.support.LocalProxy.unique;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.OpenOrder;
import org.slapos.slap.api.SoftwareRelease;

/**
 * slap-protocol §7.7 (and §3.9, multi-computer): several computers on one proxy, the default computer,
 * SLA {@code computer_guid}, trees spread over computers, renames, through our SLAP client over
 * loopback HTTP. Only {@link #requestsWithoutSlaGoToTheDefaultComputer} touches the default computer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyMultiNodeIT extends ProxyTestSupport {

  private String sr;

  @Before
  public void freshNames() throws Exception {
    sr = "http://" + unique("sr") + "//";
  }

  private static OpenOrder user() {
    return proxy.slap().registerOpenOrder();
  }

  private InstanceRequest.Builder request(String title, String computer) {
    InstanceRequest.Builder request = InstanceRequest.builder(sr, title);
    return computer == null ? request : request.filter("computer_guid", computer);
  }

  private static List<String> urls(List<SoftwareRelease> releases, String computer) {
    List<String> urls = new ArrayList<>();
    for (SoftwareRelease release : releases) {
      assertEquals(computer, release.getComputerId());
      assertEquals("available", release.getState());
      urls.add(release.getURI());
    }
    return urls;
  }

  @Test
  public void eachComputerHasItsOwnSoftwareList() throws Exception {
    String comp0 = proxy.newComputer(1);
    String comp1 = proxy.newComputer(1);
    String sr1 = sr + "1";
    String sr2 = sr + "2";
    String sr3 = sr + "3";
    proxy.slap().registerSupply().supply(sr1, comp0, "available");
    proxy.slap().registerSupply().supply(sr2, comp1, "available");
    proxy.slap().registerSupply().supply(sr3, comp0, "available");
    proxy.slap().registerSupply().supply(sr3, comp1, "available");

    assertEquals(List.of(sr1, sr3), urls(proxy.computer(comp0).getSoftwareReleaseList(), comp0));
    assertEquals(List.of(sr2, sr3), urls(proxy.computer(comp1).getSoftwareReleaseList(), comp1));
    assertEquals(List.of(), proxy.computer(LocalProxy.DEFAULT_COMPUTER).getSoftwareReleaseList());
  }

  @Test
  public void destroyingSoftwareOnOneComputerLeavesTheOthers() throws Exception {
    String comp0 = proxy.newComputer(1);
    String comp1 = proxy.newComputer(1);
    proxy.slap().registerSupply().supply(sr, comp0, "available");
    proxy.slap().registerSupply().supply(sr, comp1, "available");
    proxy.slap().registerSupply().supply(sr, comp0, "destroyed");
    assertEquals("destroyed", proxy.computer(comp0).getSoftwareReleaseList().get(0).getState());
    assertEquals("available", proxy.computer(comp1).getSoftwareReleaseList().get(0).getState());
  }

  @Test
  public void requestsWithoutSlaGoToTheDefaultComputer() throws Exception {
    String computer = LocalProxy.DEFAULT_COMPUTER;
    // The default computer answers before it is formatted, with empty lists.
    assertEquals(List.of(), proxy.computer(computer).getComputerPartitionList());
    assertFails(NotFoundError.class, () -> user().request(request(unique("MyFirstInstance"), null).build()));
    assertFails(NotFoundError.class, () -> user().request(request(unique("MyFirstInstance"), computer).build()));

    LocalProxy.format(proxy.slap(), computer, 1);
    ComputerPartition instance = user().request(request(unique("MyFirstInstance"), null).build());
    assertEquals(computer, instance.getComputerId());
    assertEquals("slappart0", instance.getId());
    assertEquals("computer-slappart0", instance.getInstanceGuid());

    assertFails(NotFoundError.class, () -> user().request(request(unique("MySecondInstance"), null).build()));
  }

  @Test
  public void theSlaComputerGuidNamesTheComputer() throws Exception {
    String computer = unique("COMP");
    String title = unique("MyFirstInstance");
    assertFails(NotFoundError.class, () -> user().request(request(title, computer).build()));

    LocalProxy.format(proxy.slap(), computer, 3);
    ComputerPartition instance = user().request(request(title, computer).build());
    assertEquals(computer, instance.getComputerId());
    assertEquals("slappart0", instance.getId());
    List<ComputerPartition> partitions = proxy.partitions(computer);
    assertEquals(sr, partitions.get(0).getSoftwareRelease().getURI());
    for (ComputerPartition p : partitions.subList(1, 3)) {
      assertNull(p.getAttributes().get("_software_release_document"));
    }
  }

  /** Each partition: [root_instance_title, instance_title, SR], or null when it is free. */
  private static Map<String, List<String>> layout(String computer) throws Exception {
    Map<String, List<String>> layout = new LinkedHashMap<>();
    for (ComputerPartition p : proxy.partitions(computer)) {
      Map<String, Object> parameters = parameters(p);
      layout.put(p.getId(), parameters.isEmpty() ? null : Arrays.asList((String) parameters.get("root_instance_title"),
          (String) parameters.get("instance_title"), p.getSoftwareRelease().getURI()));
    }
    return layout;
  }

  @Test
  public void treesWithTheSameChildNamesSpreadOverComputers() throws Exception {
    String comp0 = proxy.newComputer(4);
    String comp1 = proxy.newComputer(4);
    String sr1 = sr + "1";
    String sr2 = sr + "2";
    String[] name1 = {unique("MyFirstInstance"), "foo", "bar"};
    ComputerPartition root1 = user().request(InstanceRequest.builder(sr1, name1[0]).filter("computer_guid", comp0).build());
    ComputerPartition[] sub1 = {
        proxy.partition(comp0, root1.getId()).request(InstanceRequest.builder(sr1, name1[1])
            .filter("computer_guid", comp0).build()),
        proxy.partition(comp0, root1.getId()).request(InstanceRequest.builder(sr1, name1[2])
            .filter("computer_guid", comp1).build())};
    String[] name2 = name1.clone();
    name2[0] = unique("MySecondInstance");
    ComputerPartition root2 = user().request(InstanceRequest.builder(sr2, name2[0]).filter("computer_guid", comp1).build());
    proxy.partition(comp1, root2.getId()).request(InstanceRequest.builder(sr2, name2[1])
        .filter("computer_guid", comp0).build());
    proxy.partition(comp1, root2.getId()).request(InstanceRequest.builder(sr2, name2[2])
        .filter("computer_guid", comp1).build());

    Map<String, List<String>> expected0 = new LinkedHashMap<>();
    Map<String, List<String>> expected1 = new LinkedHashMap<>();
    Runnable expect = () -> {
      expected0.put("slappart0", List.of(name1[0], name1[0], sr1));
      expected0.put("slappart1", List.of(name1[0], name1[1], sr1));
      expected0.put("slappart2", List.of(name2[0], name2[1], sr2));
      expected0.put("slappart3", null);
      expected1.put("slappart0", List.of(name1[0], name1[2], sr1));
      expected1.put("slappart1", List.of(name2[0], name2[0], sr2));
      expected1.put("slappart2", List.of(name2[0], name2[2], sr2));
      expected1.put("slappart3", null);
    };
    expect.run();
    assertEquals(expected0, layout(comp0));
    assertEquals(expected1, layout(comp1));

    // Swap the names of the children of the first tree, then rename the second root: its children
    // follow it, and nothing moves.
    name1[1] = "tmp";
    proxy.partition(sub1[0].getComputerId(), sub1[0].getId()).rename(name1[1], null);
    name1[2] = name2[1];
    proxy.partition(sub1[1].getComputerId(), sub1[1].getId()).rename(name1[2], null);
    name1[1] = name2[2];
    proxy.partition(sub1[0].getComputerId(), sub1[0].getId()).rename(name1[1], null);
    name2[0] = unique("MyOtherInstance");
    proxy.partition(comp1, root2.getId()).rename(name2[0], null);
    expect.run();
    assertEquals(expected0, layout(comp0));
    assertEquals(expected1, layout(comp1));
  }

  @Test
  public void stateChangesStayOnTheirComputer() throws Exception {
    String comp0 = proxy.newComputer(3);
    String comp1 = proxy.newComputer(3);
    String first = unique("MyFirstInstance");
    user().request(request(first, comp0).build());
    user().request(request(unique("MySecondInstance"), comp1).build());
    user().request(request(first, comp0).state("stopped").build());

    List<ComputerPartition> partitions0 = proxy.partitions(comp0);
    List<ComputerPartition> partitions1 = proxy.partitions(comp1);
    assertEquals("stopped", partitions0.get(0).getState());
    assertEquals("started", partitions1.get(0).getState());
    for (List<ComputerPartition> partitions : List.of(partitions0, partitions1)) {
      for (ComputerPartition unused : partitions.subList(1, 3)) {
        assertEquals("destroyed", unused.getState());
        assertNull(unused.getAttributes().get("_software_release_document"));
      }
    }
  }

  @Test
  public void anInstanceNeverMoves() throws Exception {
    String comp0 = proxy.newComputer(2);
    String comp1 = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    user().request(request(title, comp0).build());
    ComputerPartition again = user().request(request(title, comp1).build());
    assertEquals(comp0, again.getComputerId());
    for (ComputerPartition p : proxy.partitions(comp1)) {
      assertEquals("destroyed", p.getState());
      assertNull(p.getAttributes().get("_software_release_document"));
    }
  }

  @Test
  public void sharedInstancesFollowTheirSla() throws Exception {
    String comp0 = proxy.newComputer(2);
    String comp1 = proxy.newComputer(2);
    String otherSr = sr + "other";
    user().request(InstanceRequest.builder(otherSr, unique("MyFirstInstance")).filter("computer_guid", comp0).build());
    user().request(request(unique("MyOtherInstance"), comp1).build());
    String slave = unique("MySlaveInstance");

    assertFails(NotFoundError.class, () -> user().request(request(slave, null).shared(true).build()));
    assertFails(NotFoundError.class, () -> user().request(request(slave, comp0).shared(true).build()));
    ComputerPartition hosted = user().request(request(slave, comp1).shared(true).build());
    assertEquals(comp1, hosted.getComputerId());
    assertEquals("slappart0", hosted.getId());
  }

  @Test
  public void instanceGuidsNameTheComputer() throws Exception {
    String comp0 = proxy.newComputer(1);
    String comp1 = proxy.newComputer(1);
    String title = unique("MyInstance");
    assertEquals(comp0 + "-slappart0", user().request(request(title + "-0", comp0).build()).getInstanceGuid());
    assertEquals(comp1 + "-slappart0", user().request(request(title + "-1", comp1).build()).getInstanceGuid());
    assertEquals(comp0 + "-slappart0", proxy.partitions(comp0).get(0).getInstanceGuid());
  }

  @Test
  public void computerInformationNeedsARegisteredComputer() throws Exception {
    String computer = unique("COMP");
    assertFails(NotFoundError.class, () -> proxy.computer(computer).getComputerPartitionList());
    LocalProxy.format(proxy.slap(), computer, 2);
    assertEquals(2, proxy.computer(computer).getComputerPartitionList().size());
    assertEquals(List.of(), proxy.computer(computer).getSoftwareReleaseList());
  }
}
