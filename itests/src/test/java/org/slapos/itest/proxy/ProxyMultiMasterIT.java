package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.assertFails;
import static org.slapos.itest.support.LocalProxy.unique;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.Slap;

/**
 * slap-protocol §7.8 (and §3.9): the proxy of the framework forwards requests to a second proxy, a
 * real {@code bin/slapos proxy start} process on loopback ({@link ProxyProcess}), through our SLAP
 * client. Two multimaster entries name the same remote proxy by two URLs: {@code 127.0.0.1} (forward
 * as the user, for {@link #EXTERNAL_SR}) and {@code localhost} (forward from the remote partition
 * {@code REMOTE-REQ/slappart0}, titled {@code instance}, for {@link #FORWARDED_SR}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyMultiMasterIT extends ProxyTestSupport {
  static final String EXTERNAL_SR = "http://slapos.example/external_software_release.cfg";
  static final String FORWARDED_SR = "https://example.com/request/from/partition/software.cfg";
  static final String NOT_LISTED_SR = "http://slapos.example/external_software_release_not_listed.cfg";
  /** The remote proxy's default computer (ProxyProcess), where forwarded instances land. */
  static final String REMOTE_COMPUTER = ProxyProcess.COMPUTER_ID;
  /** The remote computer of the partition forwarded requests are made from (second entry). */
  static final String REMOTE_REQUESTER_COMPUTER = "REMOTE-REQ";

  private static ProxyProcess remote;
  private static Slap remoteSlap;
  private static String remoteUrl;
  private static String remoteAlias;

  /** A second proxy as a process first, then the proxy of the framework forwarding to it. */
  @Override
  protected LocalProxy startProxy() throws Exception {
    Path remoteDirectory = Files.createDirectories(LocalProxy.workDirectory(context).resolve("remote"));
    remote = ProxyProcess.start(remoteDirectory);
    ProxyProcess started = remote;
    LocalProxy.whenFrameworkStops(context, started::close);
    Process process = started.process();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop the second slapproxy"));
    remoteUrl = remote.url();
    remoteAlias = remoteUrl.replace("//127.0.0.1:", "//localhost:");

    LocalProxy proxy = LocalProxy.start(context, Map.of(ProxyConfiguration.MULTIMASTER, new String[] {
        "{\"url\": \"" + remoteUrl + "\", \"software_release_list\": [\"" + EXTERNAL_SR + "\"]}",
        "{\"url\": \"" + remoteAlias + "\", \"software_release_list\": [\"" + FORWARDED_SR + "\"], "
            + "\"computer\": \"" + REMOTE_REQUESTER_COMPUTER + "\", \"partition\": \"slappart0\"}"}));
    LocalProxy.format(proxy.slap(), LocalProxy.DEFAULT_COMPUTER, 10);

    remoteSlap = proxy.connect(remoteUrl);
    LocalProxy.format(remoteSlap, REMOTE_COMPUTER, 20);
    LocalProxy.format(remoteSlap, REMOTE_REQUESTER_COMPUTER, 1);
    ComputerPartition requester = remoteSlap.registerOpenOrder().request(InstanceRequest
        .builder("http://sr//", "instance").filter("computer_guid", REMOTE_REQUESTER_COMPUTER).build());
    assertEquals("slappart0", requester.getId());
    return proxy;
  }

  private static List<Map<String, Object>> bookkeeping(String reference) throws Exception {
    return proxy.rows("SELECT * FROM forwarded_partition_request17 WHERE partition_reference = ?", reference);
  }

  private static Map<String, Object> row(String reference, String masterUrl) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("partition_reference", reference);
    row.put("master_url", masterUrl);
    return row;
  }

  private static List<Map<String, Object>> localRows(String title) throws Exception {
    return proxy.rows("SELECT * FROM partition17 WHERE partition_reference = ?", title);
  }

  private static List<Map<String, Object>> remoteRows(String title) throws Exception {
    return LocalProxy.rows(remote.database(), "SELECT * FROM partition17 WHERE partition_reference = ?", title);
  }

  private static ComputerPartition remoteInstance(String title) throws Exception {
    return LocalProxy.byTitle(remoteSlap, REMOTE_COMPUTER, title);
  }

  private static ComputerPartition fromLocalPartition(String partition, InstanceRequest request) throws Exception {
    return proxy.partition(LocalProxy.DEFAULT_COMPUTER, partition).request(request);
  }

  private static ComputerPartition asUser(InstanceRequest request) throws Exception {
    return proxy.slap().registerOpenOrder().request(request);
  }

  @Test
  public void theSlaMasterUrlForwardsTheRequest() throws Exception {
    String title = unique("MyFirstInstance");
    InstanceRequest request = InstanceRequest.builder(NOT_LISTED_SR, title).parameter("foo", "bar")
        .filter("master_url", remoteUrl).build();
    for (int i = 0; i < 2; i++) {
      ComputerPartition answer = fromLocalPartition("slappart0", request);
      assertEquals(remoteUrl, answer.getAttributes().get("_master_url"));
      assertEquals(NOT_LISTED_SR, answer.getAttributes().get("_software_release_document"));
      assertEquals(NOT_LISTED_SR, answer.getSoftwareRelease().getURI());
      assertEquals(REMOTE_COMPUTER, answer.getComputerId());
      assertEquals(List.of(row("slappart0_" + title, remoteUrl)), bookkeeping("slappart0_" + title));
      assertEquals("nothing allocated here", List.of(), localRows(title));
      ComputerPartition remoteInstance = remoteInstance("slappart0_" + title);
      assertEquals(answer.getId(), remoteInstance.getId());
      assertEquals("bar", remoteInstance.getInstanceParameterDict().get("foo"));
      assertEquals(NOT_LISTED_SR, remoteInstance.getSoftwareRelease().getURI());
    }
  }

  @Test
  public void anUnlistedSlaMasterUrlIsNotFound() throws Exception {
    String unlisted = "http://127.0.0.1:" + SlaposTestSupport.freePort() + "/";
    String title = unique("MyFirstInstance");
    assertFails(NotFoundError.class, () -> fromLocalPartition("slappart0", InstanceRequest
        .builder(NOT_LISTED_SR, title).filter("master_url", unlisted).build()));
    assertEquals(List.of(), bookkeeping("slappart0_" + title));
    assertEquals(List.of(), localRows(title));
  }

  @Test
  public void aListedSoftwareReleaseIsForwardedAutomatically() throws Exception {
    String title = unique("MyInstance");
    for (int i = 0; i < 2; i++) {
      ComputerPartition answer = asUser(InstanceRequest.builder(EXTERNAL_SR, title).parameter("foo", "bar").build());
      Map<String, Object> parameters = new LinkedHashMap<>(answer.getInstanceParameterDict());
      parameters.remove("timestamp");
      assertEquals(Map.of("foo", "bar"), parameters);
      assertEquals(EXTERNAL_SR, answer.getSoftwareRelease().getURI());
      assertEquals(EXTERNAL_SR, answer.getAttributes().get("_software_release_document"));
      assertEquals(Map.of(), answer.getConnectionParameterDict());
      assertEquals(remoteUrl, answer.getAttributes().get("_master_url"));
      assertEquals(List.of(row("user_" + title, remoteUrl)), bookkeeping("user_" + title));
      assertEquals(List.of(), localRows(title));
      assertEquals(answer.getId(), remoteInstance("user_" + title).getId());
    }
  }

  @Test
  public void aSectionWithComputerAndPartitionRequestsFromThatRemotePartition() throws Exception {
    String title = unique("MyInstance");
    ComputerPartition answer = asUser(InstanceRequest.builder(FORWARDED_SR, title).parameter("foo", "bar").build());
    assertEquals(remoteAlias, answer.getAttributes().get("_master_url"));
    assertEquals(List.of(row("user_" + title, remoteAlias)), bookkeeping("user_" + title));

    List<Map<String, Object>> child = remoteRows("user_" + title);
    assertEquals(1, child.size());
    assertEquals(REMOTE_COMPUTER, child.get(0).get("computer_reference"));
    assertEquals("instance", child.get(0).get("requested_by"));
    List<Map<String, Object>> root = remoteRows("instance");
    assertEquals(1, root.size());
    assertEquals(REMOTE_REQUESTER_COMPUTER, root.get(0).get("computer_reference"));
    assertEquals("slappart0", root.get(0).get("reference"));
    assertEquals("", root.get(0).get("requested_by"));
  }

  @Test
  public void destroyingAForwardedInstanceForgetsIt() throws Exception {
    String title = unique("MyInstance");
    asUser(InstanceRequest.builder(EXTERNAL_SR, title).build());
    assertEquals(1, bookkeeping("user_" + title).size());
    assertEquals("started", remoteInstance("user_" + title).getState());

    asUser(InstanceRequest.builder(EXTERNAL_SR, title).state("destroyed").build());

    assertEquals("destroyed", remoteInstance("user_" + title).getState());
    assertEquals(List.of(), bookkeeping("user_" + title));
  }

  @Test
  public void anSlaMasterUrlNamingThisProxyStaysLocal() throws Exception {
    String title = unique("MyFirstInstance");
    ComputerPartition answer = fromLocalPartition("slappart0", InstanceRequest.builder(NOT_LISTED_SR, title)
        .filter("master_url", proxy.url()).build());
    assertFalse(answer.getAttributes().containsKey("_master_url"));
    assertEquals(LocalProxy.DEFAULT_COMPUTER, answer.getComputerId());
    List<Map<String, Object>> local = localRows(title);
    assertEquals(1, local.size());
    assertEquals(NOT_LISTED_SR, local.get(0).get("software_release"));
    assertEquals(List.of(), bookkeeping("slappart0_" + title));
    assertEquals(List.of(), remoteRows("slappart0_" + title));
  }

  @Test
  public void aLocalRequestAfterAForwardIsAllocatedHere() throws Exception {
    String title = unique("MyInstance");
    assertEquals(remoteUrl, asUser(InstanceRequest.builder(EXTERNAL_SR, title).build())
        .getAttributes().get("_master_url"));

    ComputerPartition local = asUser(InstanceRequest.builder(NOT_LISTED_SR, title).build());

    assertFalse(local.getAttributes().containsKey("_master_url"));
    assertEquals(LocalProxy.DEFAULT_COMPUTER, local.getComputerId());
    assertEquals(NOT_LISTED_SR, proxy.partition(LocalProxy.DEFAULT_COMPUTER, local.getId()).getSoftwareRelease().getURI());
    assertEquals("the bookkeeping row stays", List.of(row("user_" + title, remoteUrl)), bookkeeping("user_" + title));
  }

  @Test
  public void eponymousInstancesAreNamedAfterTheirRequester() throws Exception {
    String title = unique("Eponymous Instance");
    fromLocalPartition("slappart0", InstanceRequest.builder(FORWARDED_SR, title).parameter("foo", "0").build());
    fromLocalPartition("slappart1", InstanceRequest.builder(FORWARDED_SR, title).parameter("foo", "1").build());
    asUser(InstanceRequest.builder(FORWARDED_SR, title).parameter("foo", "2").build());

    String[] requesters = {"slappart0", "slappart1", "user"};
    for (int i = 0; i < requesters.length; i++) {
      String reference = requesters[i] + "_" + title;
      List<Map<String, Object>> rows = remoteRows(reference);
      assertEquals(reference, 1, rows.size());
      assertEquals("instance", rows.get(0).get("requested_by"));
      assertTrue(String.valueOf(rows.get(0).get("xml")),
          String.valueOf(rows.get(0).get("xml")).contains("<parameter id=\"foo\">" + i + "</parameter>"));
      assertEquals(Integer.toString(i), remoteInstance(reference).getInstanceParameterDict().get("foo"));
      assertEquals(List.of(row(reference, remoteAlias)), bookkeeping(reference));
    }
    assertEquals(List.of(), localRows(title));
  }
}
