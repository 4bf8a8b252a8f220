package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.client.internal.ScriptedMaster.Recorded;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;

/** The HATEOAS flow against a scripted {@code /hateoas/} (slapproxy style) and an ERP5-style root. */
class HateoasTest extends MasterTestSupport {

  private static final String TREE_QUERY = "portal_type:\"Instance Tree\" AND validation_state:validated";
  private static final String NODE_QUERY = "portal_type:\"Compute Node\" AND validation_state:validated";
  private static final String INSTANCE_XML = "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
      + "  <parameter id=\"_\">{\n  \"a\": 1,\n  \"b\": [true, \"x\"]\n}</parameter>\n</instance>\n";
  private static final String CONNECTION_XML = "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
      + "  <parameter id=\"url\">http://127.0.1.106:8080/</parameter>\n</instance>\n";

  private String host;

  @BeforeEach
  void scriptProxyHateoas() {
    host = master.url().substring(0, master.url().length() - 1);
    master.on("/getHateoasUrl", new Reply(200, Map.of("Content-Type", "text; charset=utf-8"),
        (host + "/hateoas/").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    master.on("/hateoas/", this::proxyHateoas);
    master.on("/hateoas/partitions/peer-http", request -> Reply.json(serviceDocument("\"" + json(CONNECTION_XML) + "\"")));
    master.on("/hateoas/computers/COMP-1", request -> Reply.json("{\"_embedded\":{\"_view\":{"
        + "\"form_id\":{\"key\":\"form_id\",\"default\":\"Computer_view\",\"type\":\"StringField\"},"
        + "\"my_reference\":{\"key\":\"field_my_reference\",\"default\":\"COMP-1\",\"type\":\"StringField\"},"
        + "\"my_title\":{\"key\":\"field_my_title\",\"default\":\"My node\",\"type\":\"StringField\"}}},"
        + "\"_links\":{\"type\":{\"name\":\"Computer\"}}}"));
    master.on("/hateoas/computer_module/Base_getComputerToken", Reply.json("{\"access_token\":\"TOKEN-1\"}"));
  }

  private static String json(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String serviceDocument(String connectionJson) {
    return "{\"_embedded\":{\"_view\":{"
        + "\"form_id\":{\"key\":\"form_id\",\"default\":\"InstanceTree_viewAsHateoas\",\"type\":\"StringField\"},"
        + "\"my_reference\":{\"key\":\"field_my_reference\",\"default\":\"peer-http\",\"type\":\"StringField\"},"
        + "\"my_slap_state\":{\"key\":\"field_my_slap_state\",\"default\":\"started\",\"type\":\"StringField\"},"
        + "\"my_text_content\":{\"key\":\"field_my_text_content\",\"default\":\"" + json(INSTANCE_XML) + "\",\"type\":\"TextAreaField\"},"
        + "\"my_connection_parameter_list\":{\"key\":\"k\",\"default\":" + connectionJson + ",\"type\":\"StringField\"},"
        + "\"my_url_string\":{\"key\":\"field_my_url_string\",\"default\":\"/srv/peer/sr/software.cfg\",\"type\":\"StringField\"},"
        + "\"my_source_reference\":{\"key\":\"field_my_source_reference\",\"default\":\"default\",\"type\":\"StringField\"},"
        + "\"my_root_slave\":{\"key\":\"field_my_root_slave\",\"default\":0,\"type\":\"IntegerField\"},"
        + "\"my_hidden\":{\"key\":\"h\",\"default\":\"not extracted\",\"type\":\"ListField\"},"
        + "\"your_note\":{\"key\":\"n\",\"default\":\"extracted\",\"type\":\"StringField\"}}},"
        + "\"_links\":{\"type\":{\"name\":\"Instance Tree\"},\"parent\":{\"href\":\"urn:jio:get:instance_tree_module\"}}}";
  }

  private Reply proxyHateoas(Recorded request) {
    Map<String, String> query = fields(request.rawQuery());
    String mode = query.get("mode");
    if (mode == null) {
      return Reply.json("{\"_links\":{"
          + "\"raw_search\":{\"href\":\"" + host + "/hateoas/?mode=search&query={query}&select_list={select_list}\"},"
          + "\"traverse\":{\"href\":\"" + host + "/hateoas/?mode=traverse&relative_url={relative_url}&view={view}\"},"
          + "\"self\":{\"href\":\"" + host + "/hateoas\"}}}");
    }
    if (mode.equals("traverse")) {
      return Reply.redirect(query.get("relative_url"));
    }
    String q = query.get("query");
    if (q.equals(TREE_QUERY + " AND title:=\"peer-http\"")) {
      return Reply.json("{\"_embedded\":{\"contents\":[{\"title\":\"peer-http\",\"relative_url\":"
          + "\"/hateoas/partitions/peer-http\",\"url_string\":\"/srv/peer/sr/software.cfg\"}]}}");
    }
    if (q.equals(TREE_QUERY)) {
      return Reply.json("{\"_embedded\":{\"contents\":["
          + "{\"title\":\"peer-http\",\"relative_url\":\"/hateoas/partitions/peer-http\",\"url_string\":\"/srv/sr.cfg\","
          + "\"requested_state\":\"started\",\"_links\":{\"self\":{\"href\":\"x\"}}},"
          + "{\"title\":\"front\",\"relative_url\":\"/hateoas/shared/front\",\"url_string\":\"/srv/front.cfg\"}]}}");
    }
    if (q.equals(NODE_QUERY + " AND reference:=\"COMP-1\"")) {
      return Reply.json("{\"_embedded\":{\"contents\":[{\"reference\":\"COMP-1\",\"title\":\"COMP-1\","
          + "\"relative_url\":\"/hateoas/computers/COMP-1\"}]}}");
    }
    if (q.equals(NODE_QUERY)) {
      return Reply.json("{\"_embedded\":{\"contents\":[{\"reference\":\"COMP-1\",\"title\":\"COMP-1\","
          + "\"address\":\"10.0.0.1\",\"relative_url\":\"/hateoas/computers/COMP-1\"}]}}");
    }
    if (q.startsWith(TREE_QUERY + " AND title:=") || q.startsWith(NODE_QUERY + " AND reference:=")) {
      return Reply.json("{\"_embedded\":{\"contents\":[]}}");
    }
    return Reply.text(400, "Unhandled query: " + q);
  }

  @Test
  void openOrderInformationFollowsSearchTraverseAndForm() throws Exception {
    Slap slap = connect();
    assertTrue(slap.hasHateoas());
    ServiceInformation info = slap.registerOpenOrder().getInformation("peer-http");
    assertEquals("peer-http", info.title());
    assertEquals("/srv/peer/sr/software.cfg", info.softwareReleaseUrl());
    assertEquals("default", info.softwareType());
    assertEquals("started", info.requestedState());
    assertFalse(info.shared());
    assertEquals(Map.of("_", Map.of("a", 1L, "b", List.of(true, "x"))), info.parameters());
    assertEquals(Map.of("url", "http://127.0.1.106:8080/"), info.connectionParameters());
    assertNull(info.news());
    Map<String, Object> attributes = info.attributes();
    assertEquals("Instance Tree", attributes.get("_portal_type"));
    assertEquals("urn:jio:get:instance_tree_module", attributes.get("_parent_relative_url"));
    assertEquals("peer-http", attributes.get("_reference"));
    assertEquals("extracted", attributes.get("_note"));
    assertFalse(attributes.containsKey("_hidden"));
    assertEquals(CONNECTION_XML, attributes.get("_connection_dict"));
    assertEquals("started", attributes.get("_requested_state"));
    assertEquals("/srv/peer/sr/software.cfg", attributes.get("_software_release_url"));
    assertEquals(info.parameters(), attributes.get("_parameter_dict"));

    List<Recorded> calls = master.requests("/hateoas/");
    assertEquals("no-cache", calls.get(0).header("Cache-Control"));
    assertNull(calls.get(0).rawQuery());
    assertEquals("mode=search&query=portal_type%3A%22Instance%20Tree%22%20AND%20validation_state%3Avalidated"
        + "%20AND%20title%3A%3D%22peer-http%22&select_list=title,relative_url", calls.get(1).rawQuery());
    assertEquals("mode=traverse&relative_url=%2Fhateoas%2Fpartitions%2Fpeer-http&view=slaposjs_view",
        calls.get(2).rawQuery());
    assertEquals(1, master.count("/hateoas/partitions/peer-http"));

    // The root document is fetched once per connection.
    slap.registerOpenOrder().getInformation("peer-http");
    assertEquals(5, master.count("/hateoas/"));
  }

  @Test
  void masterStyleConnectionListAndSharedFlag() throws Exception {
    master.on("/hateoas/partitions/peer-http", request -> Reply.json(serviceDocument(
        "[{\"connection_key\":\"url\",\"connection_value\":\"https://x/\"},"
            + "{\"connection_key\":\"_\",\"connection_value\":\"{}\"}]").replace("\"default\":0", "\"default\":1")));
    ServiceInformation info = connect().registerOpenOrder().getInformation("peer-http");
    assertEquals(Map.of("url", "https://x/", "_", "{}"), info.connectionParameters());
    assertTrue(info.shared());
  }

  @Test
  void unknownInstanceIsNotFound() throws Exception {
    NotFoundError error = assertThrows(NotFoundError.class, () -> connect().registerOpenOrder().getInformation("ghost"));
    assertEquals("Instance ghost does not exist", error.getMessage());
  }

  @Test
  void partitionInformationUsesTheSameLookup() throws Exception {
    ServiceInformation info = connect().registerComputerPartition("c", "p").getInformation("peer-http");
    assertEquals("/srv/peer/sr/software.cfg", info.softwareReleaseUrl());
  }

  @Test
  void openOrderDict() throws Exception {
    Map<String, ServiceInformation> trees = connect().getOpenOrderDict();
    assertEquals(List.of("peer-http", "front"), List.copyOf(trees.keySet()));
    ServiceInformation tree = trees.get("peer-http");
    assertEquals("/srv/sr.cfg", tree.softwareReleaseUrl());
    assertEquals("/srv/sr.cfg", tree.attributes().get("_software_release_url"));
    assertEquals("started", tree.attributes().get("_requested_state"));
    assertFalse(tree.attributes().containsKey("_url_string"));
    assertFalse(tree.attributes().containsKey("__links"));
    assertEquals("mode=search&query=portal_type%3A%22Instance%20Tree%22%20AND%20validation_state%3Avalidated"
        + "&select_list=title,url_string", master.last("/hateoas/").rawQuery());
  }

  @Test
  void computerDictAndInformation() throws Exception {
    Slap slap = connect();
    Map<String, ComputerInformation> computers = slap.getComputerDict();
    assertEquals(List.of("COMP-1"), List.copyOf(computers.keySet()));
    assertEquals("COMP-1", computers.get("COMP-1").reference());
    assertEquals("10.0.0.1", computers.get("COMP-1").attributes().get("_address"));
    assertEquals("mode=search&query=portal_type%3A%22Compute%20Node%22%20AND%20validation_state%3Avalidated"
        + "&select_list=title,reference", master.last("/hateoas/").rawQuery());

    ComputerInformation info = slap.registerComputer("COMP-1").getInformation();
    assertEquals("COMP-1", info.reference());
    assertEquals("My node", info.title());
    assertEquals("Computer", info.attributes().get("_portal_type"));
    assertEquals("COMP-1", info.attributes().get("_reference"));
    assertTrue(master.requests("/hateoas/").stream().anyMatch(r -> ("mode=search&query=portal_type%3A%22Compute"
        + "%20Node%22%20AND%20validation_state%3Avalidated%20AND%20reference%3A%3D%22COMP-1%22"
        + "&select_list=reference,relative_url").equals(r.rawQuery())));
    assertThrows(NotFoundError.class, () -> slap.registerComputer("COMP-2").getInformation());
  }

  @Test
  void token() throws Exception {
    assertEquals("TOKEN-1", connect().registerToken().request());
  }

  @Test
  void erp5StyleTemplatesWithQueryOperators() throws Exception {
    String base = host + "/erp5/web_site_module/hateoas";
    master.on("/erp5/web_site_module/hateoas/", Reply.json("{\"_links\":{"
        + "\"raw_search\":{\"href\":\"" + base + "/ERP5Document_getHateoas?mode=search{&query,select_list*,limit*,sort_on*}\"},"
        + "\"traverse\":{\"href\":\"" + base + "/ERP5Document_getHateoas?mode=traverse{&relative_url,view}\"}}}"));
    master.on("/erp5/web_site_module/hateoas/ERP5Document_getHateoas", request -> {
      Map<String, String> query = fields(request.rawQuery());
      if ("traverse".equals(query.get("mode"))) {
        return Reply.redirect("/hateoas/partitions/peer-http");
      }
      return Reply.json("{\"_embedded\":{\"contents\":[{\"title\":\"peer-http\",\"relative_url\":\"instance_tree_module/1\"}]}}");
    });
    Slap slap = connector.initializeConnection(master.url(), ConnectionOptions.builder().restUrl(base + "/").build());
    assertEquals(0, master.count("/getHateoasUrl"), "a configured REST URL needs no discovery");
    ServiceInformation info = slap.registerOpenOrder().getInformation("peer-http");
    assertEquals("started", info.requestedState());
    List<Recorded> calls = master.requests("/erp5/web_site_module/hateoas/ERP5Document_getHateoas");
    assertEquals("mode=search&query=portal_type%3A%22Instance%20Tree%22%20AND%20validation_state%3Avalidated"
        + "%20AND%20title%3A%3D%22peer-http%22&select_list=title&select_list=relative_url&limit=40",
        calls.get(0).rawQuery());
    assertEquals("mode=traverse&relative_url=instance_tree_module%2F1&view=slaposjs_view", calls.get(1).rawQuery());
  }

  @Test
  void discoveredUrlIsCachedOnlyOnSuccess() throws Exception {
    connect();
    connect();
    assertEquals(1, master.count("/getHateoasUrl"));
    // A different key (timeout) is another cache entry.
    connector.initializeConnection(master.url(),
        ConnectionOptions.builder().timeout(java.time.Duration.ofSeconds(5)).build());
    assertEquals(2, master.count("/getHateoasUrl"));

    master.on("/getHateoasUrl", Reply.text(404, ScriptedMaster.NOT_FOUND_PAGE));
    HttpSlapConnector fresh = new HttpSlapConnector(Map.of());
    assertFalse(fresh.initializeConnection(master.url(), ConnectionOptions.defaults()).hasHateoas());
    assertFalse(fresh.initializeConnection(master.url(), ConnectionOptions.defaults()).hasHateoas());
    assertEquals(4, master.count("/getHateoasUrl"));
  }

  @Test
  void withoutNavigatorHateoasCallsFail() throws Exception {
    master.on("/getHateoasUrl", Reply.text(404, ScriptedMaster.NOT_FOUND_PAGE));
    Slap slap = connect();
    assertFalse(slap.hasHateoas());
    String expected = "SlapOS Master Hateoas API required for this operation is not available.";
    assertEquals(expected, assertThrows(SlapException.class, () -> slap.registerOpenOrder().getInformation("x")).getMessage());
    assertEquals(expected, assertThrows(SlapException.class, slap::getOpenOrderDict).getMessage());
    assertEquals(expected, assertThrows(SlapException.class, slap::getComputerDict).getMessage());
    assertEquals(expected, assertThrows(SlapException.class, slap::registerToken).getMessage());
    assertEquals(expected, assertThrows(SlapException.class, () -> slap.registerComputer("c").getInformation()).getMessage());
    assertEquals(expected, assertThrows(SlapException.class,
        () -> slap.registerComputerPartition("c", "p").getInformation("x")).getMessage());
  }
}
