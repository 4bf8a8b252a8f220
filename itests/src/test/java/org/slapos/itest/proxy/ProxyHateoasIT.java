package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.assertFails;
import static org.slapos.itest.support.LocalProxy.unique;

import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ServiceInformation;

/**
 * slap-protocol §7.6 through our SLAP client instead of the CLI: the HATEOAS subset behind
 * {@code slapos service list|info} and {@code slapos computer list|info}. The client finds it with
 * {@code getHateoasUrl} (a documented addition of this proxy, docs/proxy.md).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyHateoasIT extends ProxyTestSupport {

  private String computer;
  private String sr;

  @Before
  public void freshNames() throws Exception {
    computer = proxy.newComputer(3);
    sr = "http://" + unique("sr") + "/software.cfg";
  }

  @Test
  public void computersAreListedByReference() throws Exception {
    assertTrue(proxy.slap().hasHateoas());
    Map<String, ComputerInformation> computers = proxy.slap().getComputerDict();
    assertEquals(computer, computers.get(computer).reference());
    ComputerInformation information = proxy.computer(computer).getInformation();
    assertEquals(computer, information.reference());
    assertEquals(computer, information.title());
    assertFails(NotFoundError.class, () -> proxy.computer(unique("COMP")).getInformation());
  }

  @Test
  public void onlyRootInstancesAndRootSharedInstancesAreServices() throws Exception {
    String root = unique("MyInstance");
    ComputerPartition host = proxy.requestOn(computer, sr, root);
    String child = unique("MyChild");
    proxy.partition(computer, host.getId()).request(InstanceRequest.builder(sr, child)
        .filter("computer_guid", computer).build());
    String shared = unique("MySharedInstance");
    proxy.slap().registerOpenOrder().request(InstanceRequest.builder(sr, shared).shared(true)
        .filter("computer_guid", computer).build());

    Map<String, ServiceInformation> services = proxy.slap().getOpenOrderDict();
    assertEquals(sr, services.get(root).softwareReleaseUrl());
    assertFalse(services.containsKey(child));
    assertEquals(sr, services.get(shared).softwareReleaseUrl());
  }

  @Test
  public void serviceInformationOfARootInstance() throws Exception {
    String root = unique("MyInstance");
    ComputerPartition host = proxy.slap().registerOpenOrder().request(InstanceRequest.builder(sr, root)
        .softwareType("MyType1").parameter("foo", "bar").filter("computer_guid", computer).build());
    String child = unique("MyInstance2");
    proxy.partition(computer, host.getId()).request(InstanceRequest.builder(sr, child)
        .filter("computer_guid", computer).build());

    ServiceInformation information = proxy.slap().registerOpenOrder().getInformation(root);
    assertEquals(root, information.title());
    assertEquals(sr, information.softwareReleaseUrl());
    assertEquals("MyType1", information.softwareType());
    assertFalse(information.shared());
    assertEquals("started", information.requestedState());
    assertEquals(Map.of("foo", "bar"), information.parameters());
    assertEquals(Map.of(), information.connectionParameters());
    NotFoundError notRoot = assertFails(NotFoundError.class,
        () -> proxy.slap().registerOpenOrder().getInformation(child));
    assertTrue(notRoot.getMessage(), notRoot.getMessage().contains("Instance " + child + " does not exist"));
  }

  @Test
  public void serviceInformationOfASharedInstance() throws Exception {
    proxy.requestOn(computer, sr, unique("host"));
    String shared = unique("MySharedInstance");
    proxy.slap().registerOpenOrder().request(InstanceRequest.builder(sr, shared).shared(true)
        .parameter("url", "http://backend/").filter("computer_guid", computer).build());

    ServiceInformation information = proxy.slap().registerOpenOrder().getInformation(shared);
    assertTrue(information.shared());
    assertEquals("unused", information.requestedState());
    assertEquals(sr, information.softwareReleaseUrl());
    assertEquals(Map.of("url", "http://backend/"), information.parameters());
  }

  @Test
  public void namesThatWouldChangeTheQueryAreRefused() throws Exception {
    for (String name : new String[] {"My\"Instance", "title:=\"x\"", "reference:=\"x\""}) {
      HttpError service = assertFails(HttpError.class, () -> proxy.slap().registerOpenOrder().getInformation(name));
      assertEquals(name, 400, service.status());
      HttpError node = assertFails(HttpError.class, () -> proxy.computer(name).getInformation());
      assertEquals(name, 400, node.status());
    }
  }
}
