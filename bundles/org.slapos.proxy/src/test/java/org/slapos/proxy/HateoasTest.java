package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.NetworkAddress;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.Slap;
import org.slapos.slap.client.internal.HttpSlapConnector;

/** slap-protocol §3.13 and §7.6: the /hateoas/ subset, directly and through the real client. */
class HateoasTest {
  static final String SR = "http://sr//";

  @TempDir
  Path dir;
  ProxyFixture proxy;

  @BeforeEach
  void open() throws Exception {
    proxy = new ProxyFixture(dir, "computer");
    for (String computer : List.of("computer", "COMP-1")) {
      proxy.store.formatComputer(new ComputerFormat(computer, "10.0.0.1", "255.255.255.0", List.of(
          new ComputerFormat.PartitionFormat("slappart0", List.of(new NetworkAddress("tap0", "10.0.0.2", null))),
          new ComputerFormat.PartitionFormat("slappart1", List.of()),
          new ComputerFormat.PartitionFormat("slappart2", List.of()))));
    }
    proxy.store.request(new InstanceRequestSpec(null, null, SR, "MyType1", "MyInstance", false,
        Map.of("p", "v"), null, null, null));
    proxy.store.request(new InstanceRequestSpec("computer", "slappart0", SR, "default", "MyInstance2", false,
        Map.of(), null, null, null));
    proxy.store.request(new InstanceRequestSpec(null, null, SR, "", "MyShared", true, Map.of("url", "http://x/"),
        null, null, null));
    proxy.store.setConnectionParameters("computer", "slappart0", Map.of("c", "d"), null);
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  private String search(String query) {
    Reply reply = proxy.get("/hateoas/", "mode", "search", "query", query);
    assertEquals(200, reply.status(), reply.bodyText());
    assertEquals("application/json", reply.contentType());
    return reply.bodyText();
  }

  @Test
  void rootDocumentHasTheTwoTemplates() {
    Reply reply = proxy.get("/hateoas/");
    assertEquals("{\"_links\":{\"raw_search\":{\"href\":\"http://127.0.0.1:5001/hateoas/?mode=search&query={query}"
        + "&select_list={select_list}\"},\"traverse\":{\"href\":\"http://127.0.0.1:5001/hateoas/?mode=traverse"
        + "&relative_url={relative_url}&view={view}\"}}}\n", reply.bodyText());
    Reply slashless = proxy.get("/hateoas");
    assertEquals(308, slashless.status());
    assertEquals("http://127.0.0.1:5001/hateoas/", slashless.headers().get("Location"));
  }

  @Test
  void serviceListHasRootInstancesAndRootSharedInstances() {
    String body = search("portal_type:\"Instance Tree\" AND validation_state:validated");
    assertTrue(body.startsWith("{\"_embedded\":{\"contents\":[{\"computer_reference\":\"computer\","
        + "\"connection_xml\":\"<?xml version='1.0' encoding='utf-8'?>\\n<instance>\\n  <parameter id=\\\"c\\\">d"
        + "</parameter>\\n</instance>\\n\",\"partition_reference\":\"MyInstance\",\"reference\":\"slappart0\","
        + "\"relative_url\":\"/hateoas/partitions/MyInstance\",\"requested_by\":\"\",\"requested_state\":\"started\","
        + "\"slap_state\":\"busy\",\"slave_instance_list\":\"<marshal><list id=\\\"i2\\\"><dictionary id=\\\"i3\\\">"), body);
    assertTrue(body.endsWith("{\"relative_url\":\"/hateoas/shared/MyShared\",\"title\":\"MyShared\","
        + "\"url_string\":\"http://sr//\"}]}}\n"), body);
    assertFalse(body.contains("MyInstance2"), "children are not listed");
    assertTrue(body.matches("(?s).*\"timestamp\":[0-9]+\\.[0-9]+,.*"), "timestamps are numbers: " + body);
  }

  @Test
  void serviceInfoSearchesOneTitle() {
    String prefix = "portal_type:\"Instance Tree\" AND validation_state:validated AND title:=";
    assertTrue(search(prefix + "\"MyInstance\"").contains("\"title\":\"MyInstance\""));
    assertEquals("{\"_embedded\":{\"contents\":[{\"relative_url\":\"/hateoas/shared/MyShared\",\"title\":\"MyShared\","
        + "\"url_string\":\"http://sr//\"}]}}\n", search(prefix + "\"MyShared\""));
    assertEquals("{\"_embedded\":{\"contents\":[]}}\n", search(prefix + "\"MyInstance2\""));
    for (String bad : List.of("\"a\"b\"", "MyInstance", "\"unterminated", "title:=\"x\"")) {
      Reply reply = proxy.get("/hateoas/", "mode", "search", "query", prefix + bad);
      assertEquals(400, reply.status(), bad);
      assertTrue(reply.bodyText().contains("Unhandled query: "), reply.bodyText());
    }
  }

  @Test
  void computers() {
    assertEquals("{\"_embedded\":{\"contents\":[{\"address\":\"10.0.0.1\",\"netmask\":\"255.255.255.0\","
        + "\"reference\":\"computer\",\"relative_url\":\"/hateoas/computers/computer\",\"title\":\"computer\"},"
        + "{\"address\":\"10.0.0.1\",\"netmask\":\"255.255.255.0\",\"reference\":\"COMP-1\","
        + "\"relative_url\":\"/hateoas/computers/COMP-1\",\"title\":\"COMP-1\"}]}}\n",
        search("portal_type:\"Compute Node\" AND validation_state:validated"));
    assertTrue(search("portal_type:\"Compute Node\" AND validation_state:validated AND reference:=\"COMP-1\"")
        .contains("\"title\":\"COMP-1\""));
    assertEquals(400, proxy.get("/hateoas/", "mode", "search", "query",
        "portal_type:\"Compute Node\" AND validation_state:validated AND reference:=\"a\"\"").status());
    assertEquals("{\"_embedded\":{\"_view\":{\"form_id\":{\"default\":\"COMP-1\",\"key\":\"computer\",\"type\":"
        + "\"StringField\"},\"my_reference\":{\"default\":\"COMP-1\",\"key\":\"reference\",\"type\":\"StringField\"},"
        + "\"my_title\":{\"default\":\"COMP-1\",\"key\":\"reference\",\"type\":\"StringField\"}}},\"_links\":{\"type\":"
        + "{\"name\":\"Computer\"}}}\n", proxy.get("/hateoas/computers/COMP-1").bodyText());
    assertEquals(404, proxy.get("/hateoas/computers/COMP-9").status());
  }

  @Test
  void modes() {
    Reply unknown = proxy.get("/hateoas/", "mode", "other");
    assertEquals(400, unknown.status());
    assertEquals(EndpointsTest.page(400, "Bad Request", "Unhandled mode: other"), unknown.bodyText());
    assertEquals(400, proxy.get("/hateoas/", "mode", "search").status(), "query is required");
    Reply traverse = proxy.get("/hateoas/", "mode", "traverse", "relative_url", "/hateoas/partitions/MyInstance",
        "view", "view");
    assertEquals(302, traverse.status());
    assertEquals("/hateoas/partitions/MyInstance", traverse.headers().get("Location"));
    assertEquals(405, proxy.post("/hateoas/").status());
  }

  @Test
  void serviceDocuments() {
    String partition = proxy.get("/hateoas/partitions/MyInstance").bodyText();
    assertTrue(partition.startsWith("{\"_embedded\":{\"_view\":{\"form_id\":{\"default\":\"InstanceTree_viewAsHateoas\","
        + "\"key\":\"form_id\",\"type\":\"StringField\"},\"my_connection_parameter_list\":{\"default\":"), partition);
    assertTrue(partition.contains("\"my_root_slave\":{\"default\":0,\"key\":\"field_my_root_slave\",\"type\":"
        + "\"IntegerField\"}"), partition);
    assertTrue(partition.contains("\"my_source_reference\":{\"default\":\"MyType1\""), partition);
    assertTrue(partition.endsWith("\"_links\":{\"type\":{\"name\":\"Instance Tree\"}}}\n"), partition);
    String shared = proxy.get("/hateoas/shared/MyShared").bodyText();
    assertTrue(shared.contains("\"my_slap_state\":{\"default\":\"unused\""), shared);
    assertTrue(shared.contains("\"my_text_content\":{\"default\":\"<?xml version='1.0' encoding='utf-8'?>\\n<instance>"
        + "\\n  <parameter id=\\\"url\\\">http://x/</parameter>\\n</instance>\\n\""), shared);
    assertTrue(shared.contains("\"my_root_slave\":{\"default\":1,"), shared);
    assertEquals(404, proxy.get("/hateoas/partitions/Nope").status());
    assertEquals(404, proxy.get("/hateoas/shared/Nope").status());
    assertEquals(404, proxy.get("/hateoas/partitions/a/b").status());
  }

  @Test
  void nonAsciiIsEscapedLikePython() throws Exception {
    proxy.store.request(new InstanceRequestSpec(null, null, SR, "", "Привет😀", false, Map.of(), null, null, null));
    String body = search("portal_type:\"Instance Tree\" AND validation_state:validated AND title:=\"Привет😀\"");
    assertTrue(body.contains("\"title\":\"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442\\ud83d\\ude00\""), body);
    assertTrue(body.contains("\"relative_url\":\"/hateoas/partitions/%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%F0%9F%98%80\""),
        body);
  }

  @Test
  void theJavaClientReadsServicesAndComputers() throws Exception {
    try (HttpHarness http = new HttpHarness(proxy.endpoints)) {
      // No master_rest_url: the client discovers /hateoas/ through getHateoasUrl.
      Slap slap = new HttpSlapConnector().initializeConnection(http.url());
      assertTrue(slap.hasHateoas());
      assertEquals(Set.of("MyInstance", "MyShared"), slap.getOpenOrderDict().keySet());
      ServiceInformation info = slap.registerOpenOrder().getInformation("MyInstance");
      assertEquals(SR, info.softwareReleaseUrl());
      assertEquals("MyType1", info.softwareType());
      assertEquals("started", info.requestedState());
      assertFalse(info.shared());
      assertEquals(Map.of("p", "v"), info.parameters());
      ServiceInformation shared = slap.registerOpenOrder().getInformation("MyShared");
      assertTrue(shared.shared());
      assertEquals("unused", shared.requestedState());
      assertEquals(Set.of("computer", "COMP-1"), slap.getComputerDict().keySet());
    }
  }
}
