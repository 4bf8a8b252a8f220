package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.assertFails;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.SoftwareRelease;
import org.slapos.slap.marshal.Marshal;

/**
 * slap-protocol §7.1 (loading the computer configuration), §7.2 (information) and §7.3 (software
 * installation), through our SLAP client over loopback HTTP against the proxy of the master runtime.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyComputerIT extends ProxyTestSupport {
  private static final String SR = "http://sr//";

  @Override
  protected Map<String, Object> proxyProperties() {
    return Map.of(ProxyConfiguration.SOFTWARE_PRODUCT_LIST, new String[] {"my_product my_url"});
  }

  private static List<String> references(List<ComputerPartition> partitions) throws Exception {
    List<String> references = new ArrayList<>();
    for (ComputerPartition p : partitions) {
      references.add(p.getId());
    }
    return references;
  }

  // §7.1

  @Test
  public void reloadingTheSameConfigurationKeepsAllocatedPartitions() throws Exception {
    String computer = proxy.newComputer(2);
    proxy.requestOn(computer, SR, LocalProxy.unique("first"));
    ComputerPartition second = proxy.requestOn(computer, SR, LocalProxy.unique("second"));
    assertEquals("slappart1", second.getId());

    LocalProxy.format(proxy.slap(), computer, 2);

    ComputerPartition reloaded = proxy.partitions(computer).get(1);
    assertEquals("slappart1", reloaded.getId());
    assertEquals(SR, reloaded.getSoftwareRelease().getURI());
    assertEquals(SR, proxy.partitions(computer).get(0).getSoftwareRelease().getURI());
  }

  @Test
  public void reloadingWithARenamedPartitionRemovesTheOldOne() throws Exception {
    String computer = proxy.newComputer(1);
    assertEquals(List.of("slappart0"), references(proxy.partitions(computer)));

    LocalProxy.format(proxy.slap(), computer, List.of("something else"));

    assertEquals(List.of("something else"), references(proxy.partitions(computer)));
    assertTrue(proxy.rows("SELECT * FROM partition17 WHERE computer_reference = ? AND reference = 'slappart0'",
        computer).isEmpty());
  }

  @Test
  public void reloadingReplacesTheAddresses() throws Exception {
    String computer = LocalProxy.unique("COMP");
    proxy.computer(computer).updateConfiguration(LocalProxy.computerXml(computer,
        Map.of("slappart0", List.of("tapA", "10.0.0.1"))));
    proxy.requestOn(computer, SR, LocalProxy.unique("MyInstance"));
    assertEquals(List.of(List.of("tapA", "10.0.0.1")),
        LocalProxy.parameters(proxy.partitions(computer).get(0)).get("ip_list"));

    proxy.computer(computer).updateConfiguration(LocalProxy.computerXml(computer,
        Map.of("slappart0", List.of("tapB", "10.0.0.2", "fd00::2"))));

    ComputerPartition reloaded = proxy.partitions(computer).get(0);
    assertEquals(List.of(List.of("tapB", "10.0.0.2"), List.of("tapB", "fd00::2")),
        LocalProxy.parameters(reloaded).get("ip_list"));
    assertEquals(SR, reloaded.getSoftwareRelease().getURI());
  }

  @Test
  public void reloadingWithoutAHostForgetsItsSharedInstances() throws Exception {
    String computer = proxy.newComputer(2);
    String sr = "http://" + LocalProxy.unique("sr") + "/software.cfg";
    proxy.requestOn(computer, SR, LocalProxy.unique("first"));
    assertEquals("slappart1", proxy.requestOn(computer, sr, LocalProxy.unique("host")).getId());
    proxy.slap().registerOpenOrder().request(InstanceRequest.builder(sr, LocalProxy.unique("slave"))
        .shared(true).filter("computer_guid", computer).build());
    assertEquals(1, proxy.rows("SELECT * FROM slave17 WHERE computer_reference = ?", computer).size());

    LocalProxy.format(proxy.slap(), computer, 1);

    assertEquals(List.of("slappart0"), references(proxy.partitions(computer)));
    assertEquals(List.of(), proxy.rows("SELECT * FROM slave17 WHERE computer_reference = ?", computer));
  }

  // §7.2

  @Test
  public void theDefaultComputerAnswersBeforeItIsFormatted() throws Exception {
    // No test of this class formats or supplies the default computer.
    Computer computer = proxy.computer(LocalProxy.DEFAULT_COMPUTER);
    assertEquals(List.of(), computer.getSoftwareReleaseList());
    assertEquals(List.of(), computer.getComputerPartitionList());
    assertTrue("the database file exists", Files.isRegularFile(proxy.database()));
    // getComputerInformation answers the same Computer.
    HttpResponse<String> information = proxy.get("getComputerInformation", "computer_id", LocalProxy.DEFAULT_COMPUTER);
    assertEquals(200, information.statusCode());
    assertEquals(proxy.get("getFullComputerInformation", "computer_id", LocalProxy.DEFAULT_COMPUTER).body(),
        information.body());
  }

  @Test
  public void anUnknownComputerIsNotFound() throws Exception {
    String unknown = LocalProxy.unique("computer42");
    assertFails(NotFoundError.class, () -> proxy.computer(unknown).getComputerPartitionList());
    assertFails(NotFoundError.class, () -> proxy.computer(unknown).getSoftwareReleaseList());
    // Deviation (docs/proxy.md): 404 with a message where slapproxy answered 500.
    for (String endpoint : new String[] {"getFullComputerInformation", "getComputerInformation"}) {
      HttpResponse<String> answer = proxy.get(endpoint, "computer_id", unknown);
      assertEquals(404, answer.statusCode());
      assertTrue(answer.body(), answer.body().contains(unknown + " is not registered."));
    }
  }

  @Test
  public void formattedPartitionsAreFreeDestroyedAndWithoutSoftware() throws Exception {
    String computer = proxy.newComputer(10);
    List<ComputerPartition> partitions = proxy.partitions(computer);
    assertEquals(10, partitions.size());
    for (int i = 0; i < 10; i++) {
      ComputerPartition p = partitions.get(i);
      assertEquals("slappart" + i, p.getId());
      assertEquals(computer, p.getComputerId());
      Map<String, Object> attributes = p.getAttributes();
      assertTrue(attributes.containsKey("_software_release_document"));
      assertNull(attributes.get("_software_release_document"));
      assertEquals("destroyed", p.getState());
      assertEquals(0, ((Number) attributes.get("_need_modification")).intValue());
      assertEquals(computer + "-slappart" + i, p.getInstanceGuid());
      assertFails(NotFoundError.class, p::getSoftwareRelease);
    }
  }

  @Test
  public void softwareProductsAreListed() throws Exception {
    assertEquals(List.of("my_url"), proxy.slap().getSoftwareReleaseListFromSoftwareProduct("my_product", null));
    assertEquals(List.of(), proxy.slap().getSoftwareReleaseListFromSoftwareProduct("unknown_product", null));
    assertEquals("my_url", proxy.slap().getSoftwareProductCollection().get("my_product"));
    // Deviation (docs/proxy.md): 400 with a message where slapproxy answered 500.
    HttpError byUrl = assertFails(HttpError.class,
        () -> proxy.slap().getSoftwareReleaseListFromSoftwareProduct(null, "my_url"));
    assertEquals(400, byUrl.status());
    assertEquals(400, proxy.get("getSoftwareReleaseListFromSoftwareProduct",
        "software_product_reference", "my_product", "software_release_url", "my_url").statusCode());
    assertEquals(400, proxy.get("getSoftwareReleaseListFromSoftwareProduct").statusCode());
  }

  @Test
  public void theCertificateIsEmpty() throws Exception {
    String computer = proxy.newComputer(1);
    assertEquals(Map.of("certificate", "", "key", ""), proxy.partition(computer, "slappart0").getCertificate());
  }

  @Test
  public void computerBangAnswersAnEmptyString() throws Exception {
    String computer = proxy.newComputer(1);
    proxy.computer(computer).bang("message");
    HttpResponse<String> answer = proxy.post("computerBang", Map.of(), "computer_id", computer, "message", "m");
    assertEquals(200, answer.statusCode());
    assertEquals("", Marshal.loads(answer.body()));
  }

  @Test
  public void getComputerPartitionStatusIsNotImplemented() throws Exception {
    HttpResponse<String> answer = proxy.get("getComputerPartitionStatus");
    assertEquals(200, answer.statusCode());
    assertEquals("Not implemented.", Marshal.loads(answer.body()));
  }

  // §7.3

  private SoftwareRelease onlySoftware(String computer) throws Exception {
    List<SoftwareRelease> list = proxy.computer(computer).getSoftwareReleaseList();
    assertEquals(1, list.size());
    return list.get(0);
  }

  @Test
  public void suppliedSoftwareStaysAvailableWhateverTheNodeReports() throws Exception {
    String computer = proxy.newComputer(1);
    String sr = "http://" + LocalProxy.unique("sr") + "/software.cfg";
    assertEquals("Supplied '" + sr + "' to be available",
        proxy.slap().registerSupply().supply(sr, computer, "available"));
    SoftwareRelease release = onlySoftware(computer);
    assertEquals(sr, release.getURI());
    assertEquals(computer, release.getComputerId());
    assertEquals("available", release.getState());

    release.building();
    assertEquals("available", onlySoftware(computer).getState());
    release.available();
    assertEquals("available", onlySoftware(computer).getState());
    release.error("it failed");
    assertEquals("available", onlySoftware(computer).getState());
  }

  @Test
  public void destroyedSoftwareIsRemovedOnceTheNodeReportsIt() throws Exception {
    String computer = proxy.newComputer(1);
    String sr = "http://" + LocalProxy.unique("sr") + "/software.cfg";
    proxy.slap().registerSupply().supply(sr, computer, "available");
    assertEquals("Supplied '" + sr + "' to be destroyed",
        proxy.slap().registerSupply().supply(sr, computer, "destroyed"));
    SoftwareRelease release = onlySoftware(computer);
    assertEquals("destroyed", release.getState());

    release.destroyed();
    assertEquals(List.of(), proxy.computer(computer).getSoftwareReleaseList());
  }

  @Test
  public void anotherSupplyStateIsABadRequest() throws Exception {
    String computer = proxy.newComputer(1);
    // Deviation (docs/proxy.md): 400 where slapproxy answered 500.
    HttpError error = assertFails(HttpError.class,
        () -> proxy.slap().registerSupply().supply(SR, computer, "installed"));
    assertEquals(400, error.status());
    assertEquals(List.of(), proxy.computer(computer).getSoftwareReleaseList());
  }
}
