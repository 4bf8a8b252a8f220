package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.assertFails;
import static org.slapos.itest.support.LocalProxy.compareTimestamps;
import static org.slapos.itest.support.LocalProxy.timestamp;
import static org.slapos.itest.support.LocalProxy.unique;

import java.net.http.HttpResponse;
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
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.OpenOrder;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.SlapObject;

/**
 * slap-protocol §7.4 (and §3.5–3.8): requests, scope, timestamps, states, parameters, connection
 * parameters, frontend bypass and the destroy flow, through our SLAP client over loopback HTTP.
 * Every test works on its own computer (SLA {@code computer_guid}) and instance names.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyRequestIT extends ProxyTestSupport {
  private static final String SR = "http://sr//";
  private static final String APACHE_FRONTEND =
      "http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD:/software/apache-frontend/software.cfg";
  private static final String KVM =
      "http://git.erp5.org/gitweb/slapos.git/blob_plain/refs/tags/slapos-0.92:/software/kvm/software.cfg";
  private static final String BACKEND_URL = "https://[::1]:123/my/path?my=query&string=value#myanchor";

  /** A request for {@code title} of {@link #SR}, to be allocated on {@code computer}. */
  private static InstanceRequest.Builder on(String computer, String title) {
    return InstanceRequest.builder(SR, title).filter("computer_guid", computer);
  }

  private static OpenOrder user() {
    return proxy.slap().registerOpenOrder();
  }

  @Test
  public void theFirstRequestIsStartedWithTheGuidOfItsPartition() throws Exception {
    String computer = proxy.newComputer(1);
    ComputerPartition instance = proxy.partition(computer, "slappart0").request(on(computer, unique("MyFirstInstance")).build());
    assertEquals("started", instance.getState());
    assertEquals(computer + "-slappart0", instance.getInstanceGuid());
    assertEquals("slappart0", instance.getId());
    assertEquals(computer, instance.getComputerId());
  }

  @Test
  public void theTimestampIsNotAfterTheAnswer() throws Exception {
    String computer = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    for (ComputerPartition requester : new ComputerPartition[] {null, proxy.partition(computer, "slappart0")}) {
      InstanceRequest request = on(computer, requester == null ? title : "child").build();
      ComputerPartition instance = requester == null ? user().request(request) : requester.request(request);
      double after = LocalProxy.now();
      double timestamp = Double.parseDouble(timestamp(instance));
      // 1 ms of slack for the float text of the timestamp.
      assertTrue(timestamp + " <= " + after, timestamp <= after + 1e-3);
    }
  }

  @Test
  public void theScopeIsTheRootSoAnotherTreeNeedsAnotherFreePartition() throws Exception {
    String computer = proxy.newComputer(3);
    ComputerPartition first = user().request(on(computer, unique("MyFirstInstance")).build());
    ComputerPartition second = user().request(on(computer, unique("MySecondInstance")).build());
    assertEquals("slappart0", first.getId());
    assertEquals("slappart1", second.getId());

    ComputerPartition foo = proxy.partition(computer, first.getId()).request(on(computer, "foo").build());
    assertEquals("slappart2", foo.getId());
    // "foo" of the second tree is another instance, and no partition is left for it.
    NotFoundError error = assertFails(NotFoundError.class,
        () -> proxy.partition(computer, second.getId()).request(on(computer, "foo").build()));
    assertTrue(error.getMessage(), error.getMessage().contains("requestComputerPartition"));
  }

  @Test
  public void anUnknownRequesterIsTheUser() throws Exception {
    String computer = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    ComputerPartition a = proxy.partition(computer, "slappart2").request(on(computer, title).build());
    ComputerPartition b = proxy.partition(computer, "slappart3").request(on(computer, title).build());
    assertEquals("slappart0", a.getId());
    assertEquals(a.getId(), b.getId());
    assertEquals("", proxy.partitionRow(computer, "slappart0").get("requested_by"));
    assertEquals("free", proxy.partitionRow(computer, "slappart1").get("slap_state"));
  }

  @Test
  public void treesAreFlatEveryDescendantBelongsToTheRoot() throws Exception {
    String computer = proxy.newComputer(4);
    String title = unique("MyFirstInstance");
    ComputerPartition root = user().request(on(computer, title).build());
    ComputerPartition child = proxy.partition(computer, root.getId()).request(on(computer, "child").build());
    ComputerPartition grandchild = proxy.partition(computer, child.getId()).request(on(computer, "grandchild").build());
    assertEquals("slappart2", grandchild.getId());
    assertEquals(title, proxy.partitionRow(computer, "slappart2").get("requested_by"));
    assertEquals(title, proxy.partition(computer, "slappart2").getInstanceParameterDict().get("root_instance_title"));
    // Another member of the same tree asking for that name gets the same instance.
    assertEquals(grandchild.getId(),
        proxy.partition(computer, root.getId()).request(on(computer, "grandchild").build()).getId());
    // A bang from the grandchild reaches the whole tree.
    String before = proxy.storedTimestamp(computer, root.getId());
    proxy.partition(computer, grandchild.getId()).bang("from below");
    String after = proxy.storedTimestamp(computer, root.getId());
    assertTrue(compareTimestamps(after, before) > 0);
    assertEquals(after, proxy.storedTimestamp(computer, child.getId()));
    assertEquals(after, proxy.storedTimestamp(computer, grandchild.getId()));
  }

  @Test
  public void theNodeSeesTheRequestedInstance() throws Exception {
    String computer = proxy.newComputer(1);
    String title = unique("MyFirstInstance");
    ComputerPartition instance = user().request(on(computer, title).softwareType("MyType").parameter("a", "b").build());
    ComputerPartition node = proxy.partitions(computer).get(0);
    Map<String, Object> parameters = LocalProxy.parameters(node);
    assertEquals("b", parameters.get("a"));
    assertEquals(List.of(), parameters.get("full_address_list"));
    assertEquals(List.of(List.of("tap0", "1.2.3.4"), List.of("tap0", "4.3.2.1")),
        parameters.get("ip_list"));
    assertEquals("MyType", parameters.get("slap_software_type"));
    assertEquals(title, parameters.get("instance_title"));
    assertEquals(title, parameters.get("root_instance_title"));
    assertEquals(computer, parameters.get("slap_computer_id"));
    assertEquals("slappart0", parameters.get("slap_computer_partition_id"));
    assertEquals(SR, parameters.get("slap_software_release_url"));
    assertEquals(List.of(), parameters.get("slave_instance_list"));
    assertEquals(timestamp(instance), parameters.get("timestamp"));
    assertEquals(1, ((Number) node.getAttributes().get("_need_modification")).intValue());
    assertEquals("started", node.getState());
    assertEquals(SR, node.getSoftwareRelease().getURI());
    assertEquals(computer + "-slappart0", node.getInstanceGuid());
  }

  @Test
  public void theNodeMayFreeAPartitionThatWasNotAskedToBeDestroyed() throws Exception {
    String computer = proxy.newComputer(1);
    user().request(on(computer, unique("MyFirstInstance")).build());
    // §3.7: slapproxy does not check the requested state.
    assertEquals("OK", proxy.partition(computer, "slappart0").destroyed());
    assertRow(computer, "slappart0", "free", "started", "");
  }

  @Test
  public void identicalRequestsGiveIdenticalAnswers() throws Exception {
    String computer = proxy.newComputer(1);
    InstanceRequest request = on(computer, unique("MyFirstInstance")).parameter("a", "b").build();
    ComputerPartition first = user().request(request);
    ComputerPartition second = user().request(request);
    assertEquals(new LinkedHashMap<>(first.getAttributes()), new LinkedHashMap<>(second.getAttributes()));
    assertEquals(timestamp(first), timestamp(second));
  }

  @Test
  public void bangGivesTheWholeTreeANewTimestamp() throws Exception {
    String computer = proxy.newComputer(3);
    ComputerPartition root = user().request(on(computer, unique("root")).build());
    ComputerPartition child = proxy.partition(computer, root.getId()).request(on(computer, "child").build());
    ComputerPartition other = user().request(on(computer, unique("other")).build());
    String root0 = proxy.storedTimestamp(computer, root.getId());
    String child0 = proxy.storedTimestamp(computer, child.getId());
    String other0 = proxy.storedTimestamp(computer, other.getId());

    proxy.partition(computer, root.getId()).bang("bang from the root");
    String root1 = proxy.storedTimestamp(computer, root.getId());
    assertEquals(root1, proxy.storedTimestamp(computer, child.getId()));
    assertTrue(compareTimestamps(root1, root0) > 0);
    assertTrue(compareTimestamps(root1, child0) > 0);
    assertEquals(other0, proxy.storedTimestamp(computer, other.getId()));

    proxy.partition(computer, child.getId()).bang("bang from the child");
    String root2 = proxy.storedTimestamp(computer, root.getId());
    assertEquals(root2, proxy.storedTimestamp(computer, child.getId()));
    assertTrue(compareTimestamps(root2, root1) > 0);
    assertEquals(other0, proxy.storedTimestamp(computer, other.getId()));
  }

  @Test
  public void theRootStatePropagatesToTheChildAtItsNextRequest() throws Exception {
    String computer = proxy.newComputer(2);
    String rootTitle = unique("MyFirstInstance");
    ComputerPartition root = user().request(on(computer, rootTitle).build());
    ComputerPartition child = proxy.partition(computer, root.getId()).request(on(computer, "MySubInstance").build());
    assertEquals("started", child.getState());

    assertEquals("stopped", user().request(on(computer, rootTitle).state("stopped").build()).getState());
    child = proxy.partition(computer, root.getId()).request(on(computer, "MySubInstance").build());
    assertEquals("stopped", child.getState());
    assertEquals("stopped", proxy.partition(computer, child.getId()).getState());

    assertEquals("started", user().request(on(computer, rootTitle).state("started").build()).getState());
    child = proxy.partition(computer, root.getId()).request(on(computer, "MySubInstance").build());
    assertEquals("started", child.getState());
  }

  @Test
  public void aChildMayBeStoppedUnderAStartedRoot() throws Exception {
    String computer = proxy.newComputer(2);
    ComputerPartition root = user().request(on(computer, unique("MyFirstInstance")).state("started").build());
    ComputerPartition child = proxy.partition(computer, root.getId())
        .request(on(computer, "MySubInstance").state("stopped").build());
    assertEquals("started", root.getState());
    assertEquals("stopped", child.getState());
    assertEquals("started", proxy.partition(computer, root.getId()).getState());
    assertEquals("stopped", proxy.partition(computer, child.getId()).getState());
  }

  @Test
  public void newParametersAndSoftwareTypeUpdateTheSameInstance() throws Exception {
    String computer = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    ComputerPartition first = user().request(on(computer, title).softwareType("default")
        .parameter("domain", "example.com").build());
    assertEquals(timestamp(first), proxy.storedTimestamp(computer, first.getId()));
    ComputerPartition second = user().request(on(computer, title).softwareType("other")
        .parameter("domain", "example.org").build());

    assertEquals(first.getId(), second.getId());
    assertEquals(first.getComputerId(), second.getComputerId());
    assertEquals("example.com", first.getInstanceParameterDict().get("domain"));
    assertEquals("example.org", second.getInstanceParameterDict().get("domain"));
    assertTrue(compareTimestamps(timestamp(first), timestamp(second)) < 0);
    assertEquals(timestamp(second), proxy.storedTimestamp(computer, second.getId()));
    assertEquals("other", proxy.partition(computer, second.getId()).getType());
  }

  @Test
  public void aNewSoftwareReleaseUpdatesTheSameInstance() throws Exception {
    String computer = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    String sr = "http://sr-" + title + "//";
    String sr1 = "http://sr1-" + title + "//";
    ComputerPartition first = user().request(InstanceRequest.builder(sr, title).filter("computer_guid", computer)
        .parameter("a", "1").build());
    assertEquals(sr, proxy.partition(computer, first.getId()).getSoftwareRelease().getURI());
    ComputerPartition second = user().request(InstanceRequest.builder(sr1, title).filter("computer_guid", computer)
        .parameter("a", "2").build());
    assertEquals(first.getId(), second.getId());
    assertEquals(sr1, proxy.partition(computer, first.getId()).getSoftwareRelease().getURI());
    assertEquals("2", proxy.partition(computer, first.getId()).getInstanceParameterDict().get("a"));
  }

  @Test
  public void nonAsciiParametersAreAccepted() throws Exception {
    String computer = proxy.newComputer(1);
    ComputerPartition instance = user().request(on(computer, unique("Привет"))
        .parameter("text", "Привет Мир!").build());
    assertEquals("Привет Мир!", instance.getInstanceParameterDict().get("text"));
    assertEquals("Привет Мир!", proxy.partition(computer, instance.getId()).getInstanceParameterDict().get("text"));
  }

  @Test
  public void intParametersAreStringified() throws Exception {
    String computer = proxy.newComputer(1);
    ComputerPartition instance = user().request(on(computer, unique("MyFirstInstance")).parameter("int", 1L).build());
    assertEquals("1", instance.getInstanceParameterDict().get("int"));
    assertEquals("1", proxy.partition(computer, instance.getId()).getInstanceParameterDict().get("int"));
  }

  @Test
  public void publishedConnectionParametersAreReadBackAsStrings() throws Exception {
    String computer = proxy.newComputer(1);
    InstanceRequest request = on(computer, unique("MyFirstInstance")).build();
    ComputerPartition instance = user().request(request);
    assertEquals(Map.of(), instance.getConnectionParameterDict());

    proxy.partition(computer, instance.getId()).setConnectionDict(Map.of("foo", 1L), null);

    ComputerPartition again = user().request(request);
    assertEquals("1", again.getConnectionParameter("foo"));
    assertEquals(Map.of("foo", "1"), proxy.partition(computer, instance.getId()).getConnectionParameterDict());
    // Publishing does not make the node reprocess the partition.
    assertEquals(timestamp(instance), timestamp(again));
  }

  @Test
  public void theApacheFrontendIsBypassedOverPlainHttp() throws Exception {
    String title = unique("frontend");
    ComputerPartition frontend = user().request(InstanceRequest.builder(APACHE_FRONTEND, title).shared(true)
        .parameter("url", BACKEND_URL).build());
    assertEquals(Map.of("secure_access", BACKEND_URL, "domain", "[::1]:123"), frontend.getConnectionParameterDict());
    assertEquals("Fake frontend for " + BACKEND_URL, frontend.getId());
    assertEquals("", frontend.getComputerId());
    // Nothing is stored.
    assertTrue(proxy.rows("SELECT * FROM slave17 WHERE reference LIKE ?", "%" + title).isEmpty());
  }

  @Test
  public void theApacheFrontendIsBypassedThroughTheHttpProxyOverHttps() throws Exception {
    HttpResponse<String> answer = proxy.post("requestComputerPartition", Map.of("X-Forwarded-Proto", "https"),
        "software_release", APACHE_FRONTEND, "software_type", "default", "partition_reference", unique("frontend"),
        "shared_xml", Marshal.dumps(true), "partition_parameter_xml", Marshal.dumps(Map.of("url", BACKEND_URL)),
        "filter_xml", Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
    assertEquals(answer.body(), 200, answer.statusCode());
    SlapObject frontend = (SlapObject) Marshal.loads(answer.body());
    String host = "127.0.0.1:" + context.getProperty(LocalProxy.PROXY_PORT_PROPERTY);
    assertEquals(Map.of("secure_access",
        "https://" + host + "/http_proxy/https/%5B::1%5D:123/my/path?my=query&string=value#myanchor",
        "domain", host), frontend.get("_connection_dict"));
  }

  @Test
  public void theKvmFrontendIsBypassed() throws Exception {
    ComputerPartition frontend = user().request(InstanceRequest.builder(KVM, unique("vnc")).softwareType("frontend")
        .shared(true).parameter("host", "::1").parameter("port", "123").build());
    assertEquals(Map.of("url", "https://[::1]:123/", "domainname", "[::1]", "port", "123", "path", "/"),
        frontend.getConnectionParameterDict());
  }

  @Test
  public void aDestroyedInstanceStaysBusyUntilTheNodeReportsIt() throws Exception {
    String computer = proxy.newComputer(1);
    String title = unique("MyFirstInstance");
    user().request(on(computer, title).build());
    ComputerPartition destroyed = user().request(on(computer, title).state("destroyed").build());
    assertEquals("destroyed", destroyed.getState());
    Map<String, Object> row = proxy.partitionRow(computer, "slappart0");
    assertEquals("busy", row.get("slap_state"));
    assertEquals("destroyed", row.get("requested_state"));
    assertEquals(SR, row.get("software_release"));
    assertEquals(title, row.get("partition_reference"));

    assertEquals("OK", proxy.partition(computer, "slappart0").destroyed());

    row = proxy.partitionRow(computer, "slappart0");
    assertEquals("started", row.get("requested_state"));
    assertEquals("free", row.get("slap_state"));
    assertNull(row.get("partition_reference"));
    assertNull(row.get("software_release"));
    assertEquals("", row.get("requested_by"));
    assertEquals("slappart0", user().request(on(computer, unique("next")).build()).getId());
  }

  @Test
  public void destroyingARootWaitsForItsChildren() throws Exception {
    String computer = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    ComputerPartition root = user().request(on(computer, title).build());
    ComputerPartition child = proxy.partition(computer, root.getId()).request(on(computer, "MySubInstance").build());
    assertEquals("slappart0", root.getId());
    assertEquals("slappart1", child.getId());

    user().request(on(computer, title).state("destroyed").build());
    assertRow(computer, "slappart0", "busy", "destroyed", "");
    assertRow(computer, "slappart1", "busy", "started", title);

    assertEquals("Not destroying yet because this partition has child partitions: MySubInstance",
        proxy.partition(computer, "slappart0").destroyed());
    assertRow(computer, "slappart0", "busy", "destroyed", "");
    assertRow(computer, "slappart1", "busy", "destroyed", title);
    assertEquals("destroyed", proxy.partition(computer, "slappart1").getState());

    assertEquals("Not destroying yet because this partition has child partitions: MySubInstance",
        proxy.partition(computer, "slappart0").destroyed());
    assertEquals("OK", proxy.partition(computer, "slappart1").destroyed());
    assertEquals("OK", proxy.partition(computer, "slappart0").destroyed());
    assertRow(computer, "slappart0", "free", "started", "");
    assertRow(computer, "slappart1", "free", "started", "");
  }

  private static void assertRow(String computer, String partition, String slapState, String requestedState,
      String requestedBy) throws Exception {
    Map<String, Object> row = proxy.partitionRow(computer, partition);
    assertEquals(row.toString(), slapState, row.get("slap_state"));
    assertEquals(row.toString(), requestedState, row.get("requested_state"));
    assertEquals(row.toString(), requestedBy, row.get("requested_by"));
  }

  @Test
  public void aRequestWithoutStateKeepsTheStoredStateButAnswersStarted() throws Exception {
    String computer = proxy.newComputer(1);
    String title = unique("MyFirstInstance");
    user().request(on(computer, title).state("stopped").build());
    // §3.5.1 quirk, kept for compatibility: the answer says started, the node still sees stopped.
    ComputerPartition again = user().request(on(computer, title).build());
    assertEquals("started", again.getState());
    assertEquals("stopped", proxy.partition(computer, again.getId()).getState());
  }

  @Test
  public void anEmptySoftwareTypeBecomesDefault() throws Exception {
    String computer = proxy.newComputer(1);
    ComputerPartition instance = user().request(on(computer, unique("MyFirstInstance")).softwareType("").build());
    assertEquals("default", proxy.partition(computer, instance.getId()).getType());
  }

  @Test
  public void anotherStateIsABadRequest() throws Exception {
    String computer = proxy.newComputer(1);
    String title = unique("MyFirstInstance");
    // Deviation (docs/proxy.md): slapproxy stored any state.
    HttpError error = assertFails(HttpError.class, () -> user().request(on(computer, title).state("running").build()));
    assertEquals(400, error.status());
    assertTrue(proxy.rows("SELECT * FROM partition17 WHERE partition_reference = ?", title).isEmpty());
  }

  @Test
  public void renamingARootTakesItsChildrenAlong() throws Exception {
    String computer = proxy.newComputer(2);
    String title = unique("MyFirstInstance");
    ComputerPartition root = user().request(on(computer, title).build());
    ComputerPartition child = proxy.partition(computer, root.getId()).request(on(computer, "MySubInstance").build());
    String renamed = unique("MyRenamedInstance");

    proxy.partition(computer, root.getId()).rename(renamed, null);

    Map<String, Object> childParameters = proxy.partition(computer, child.getId()).getInstanceParameterDict();
    assertEquals(renamed, childParameters.get("root_instance_title"));
    assertEquals(renamed, proxy.partition(computer, root.getId()).getInstanceParameterDict().get("instance_title"));
    // The tree keeps its members: the child is found again under its name.
    assertEquals(child.getId(), proxy.partition(computer, root.getId()).request(on(computer, "MySubInstance").build()).getId());
    assertEquals(root.getId(), user().request(on(computer, renamed).build()).getId());
  }

  @Test
  public void theHostingSubscriptionAddressesAreThoseOfTheTree() throws Exception {
    String computer = unique("COMP");
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    addresses.put("slappart0", List.of("tap0", "10.0.0.1"));
    addresses.put("slappart1", List.of("tap1", "10.0.0.2"));
    addresses.put("slappart2", List.of("tap2", "10.0.0.3"));
    proxy.computer(computer).updateConfiguration(LocalProxy.computerXml(computer, addresses));
    ComputerPartition root = user().request(on(computer, unique("root")).build());
    ComputerPartition child = proxy.partition(computer, root.getId()).request(on(computer, "child").build());
    user().request(on(computer, unique("other")).build());

    // Not in slapproxy 1.24 (404); as the real master (docs/proxy.md).
    List<List<Object>> expected = List.of(
        List.of("tap0", "10.0.0.1"), List.of("tap1", "10.0.0.2"));
    assertEquals(expected, proxy.partition(computer, child.getId()).getFullHostingIpAddressList());
    assertEquals(expected, proxy.partition(computer, root.getId()).getFullHostingIpAddressList());
    // Accepted and ignored, as the real master.
    proxy.partition(computer, child.getId()).setComputerPartitionRelatedInstanceList(List.of("a", "b"));
  }

  @Test
  public void unknownPartitionsAreNotFound() throws Exception {
    String computer = proxy.newComputer(1);
    // Deviation (docs/proxy.md): 404 where slapproxy answered 500.
    assertFails(NotFoundError.class, () -> proxy.partition(computer, "slappart9").getState());
    assertEquals("Unknown partition 'slappart9' on '" + computer + "'",
        proxy.partition(computer, "slappart9").destroyed());
    assertEquals("Unknown partition 'slappart9' on '" + computer + "'", proxy.post("softwareInstanceRename", Map.of(),
        "new_name", "x", "computer_id", computer, "computer_partition_id", "slappart9").body());
    // A bang of an unknown partition is ignored; without the partition it is a bad request.
    proxy.partition(computer, "slappart9").bang("nothing there");
    assertEquals(400, proxy.post("softwareInstanceBang", Map.of(), "computer_id", computer, "message", "m")
        .statusCode());
  }
}
