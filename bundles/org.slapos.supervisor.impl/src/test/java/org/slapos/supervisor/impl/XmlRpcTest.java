package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The XML-RPC subset supervisord speaks, and the parser's refusals. */
class XmlRpcTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void callEncodesEveryParameterType() {
    Map<String, Object> struct = new LinkedHashMap<>();
    struct.put("a&b", 1);
    struct.put("list", List.of("x<y", true));
    String xml = new String(XmlRpc.call("supervisor.startProcessGroup", "slappart0", false, 42, struct),
        StandardCharsets.UTF_8);

    assertEquals("""
        <?xml version="1.0"?>
        <methodCall>
        <methodName>supervisor.startProcessGroup</methodName>
        <params>
        <param>
        <value><string>slappart0</string></value>
        </param>
        <param>
        <value><boolean>0</boolean></value>
        </param>
        <param>
        <value><int>42</int></value>
        </param>
        <param>
        <value><struct>
        <member><name>a&amp;b</name><value><int>1</int></value>
        </member>
        <member><name>list</name><value><array><data>
        <value><string>x&lt;y</string></value>
        <value><boolean>1</boolean></value>
        </data></array></value>
        </member>
        </struct></value>
        </param>
        </params>
        </methodCall>
        """, xml);
  }

  @Test
  void callRefusesWhatXmlCannotCarry() {
    assertThrows(IllegalArgumentException.class, () -> XmlRpc.call("m", "a\u0001b"));
    assertThrows(IllegalArgumentException.class, () -> XmlRpc.call("m", 1.5f));
  }

  @Test
  void callAndResponseRoundTrip() throws Exception {
    Object value = List.of("text &amp; <more>", 7, true, false, Map.of("k", List.of()));
    String call = new String(XmlRpc.call("m", value), StandardCharsets.UTF_8);
    String param = call.substring(call.indexOf("<param>") + 7, call.indexOf("</param>"));
    String response = "<?xml version='1.0'?>\n<methodResponse><params><param>" + param + "</param></params></methodResponse>";
    assertEquals(value, XmlRpc.response(bytes(response)));
  }

  @Test
  void responseAsSupervisordWritesIt() throws Exception {
    // getAllProcessInfo, as supervisor 4.2.5 (Python's xmlrpc.client.dumps) answers it.
    String body = """
        <?xml version='1.0'?>
        <methodResponse>
        <params>
        <param>
        <value><array><data>
        <value><struct>
        <member>
        <name>name</name>
        <value><string>web</string></value>
        </member>
        <member>
        <name>group</name>
        <value><string>slappart0</string></value>
        </member>
        <member>
        <name>pid</name>
        <value><int>1234</int></value>
        </member>
        <member>
        <name>description</name>
        <value><string>pid 1234, uptime 0:00:02</string></value>
        </member>
        <member>
        <name>untyped</name>
        <value>plain text</value>
        </member>
        <member>
        <name>ratio</name>
        <value><double>0.5</double></value>
        </member>
        </struct></value>
        </data></array></value>
        </param>
        </params>
        </methodResponse>
        """;
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> infos = (List<Map<String, Object>>) XmlRpc.response(bytes(body));
    assertEquals(1, infos.size());
    Map<String, Object> web = infos.get(0);
    assertEquals(Arrays.asList("name", "group", "pid", "description", "untyped", "ratio"), List.copyOf(web.keySet()));
    assertEquals("web", web.get("name"));
    assertEquals(1234, web.get("pid"));
    assertEquals("plain text", web.get("untyped"));
    assertEquals(0.5, web.get("ratio"));
  }

  @Test
  void faultBecomesAnExceptionWithCodeAndText() {
    String body = """
        <?xml version='1.0'?>
        <methodResponse>
        <fault>
        <value><struct>
        <member>
        <name>faultCode</name>
        <value><int>10</int></value>
        </member>
        <member>
        <name>faultString</name>
        <value><string>BAD_NAME: slappart9</string></value>
        </member>
        </struct></value>
        </fault>
        </methodResponse>
        """;
    XmlRpc.Fault fault = assertThrows(XmlRpc.Fault.class, () -> XmlRpc.response(bytes(body)));
    assertEquals(10, fault.code());
    assertEquals("BAD_NAME: slappart9", fault.text());
  }

  @Test
  void dtdAndExternalEntitiesAreRefused() {
    String external = """
        <?xml version="1.0"?>
        <!DOCTYPE methodResponse [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <methodResponse><params><param><value><string>&secret;</string></value></param></params></methodResponse>
        """;
    XmlRpc.MalformedResponse error = assertThrows(XmlRpc.MalformedResponse.class, () -> XmlRpc.response(bytes(external)));
    assertTrue(!error.getMessage().contains("root:"), error.getMessage());
    String expansion = """
        <?xml version="1.0"?>
        <!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
        <methodResponse><params><param><value><string>&b;</string></value></param></params></methodResponse>
        """;
    assertThrows(XmlRpc.MalformedResponse.class, () -> XmlRpc.response(bytes(expansion)));
  }

  @Test
  void malformedAnswersAreRefusedWithAMessage() {
    for (String body : List.of("", "not xml", "<methodResponse/>", "<methodResponse><params></params></methodResponse>",
        "<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
        "<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>",
        "<methodResponse><params><param><value><base64>AA==</base64></value></param></params></methodResponse>",
        "<methodCall><params/></methodCall>")) {
      assertThrows(XmlRpc.MalformedResponse.class, () -> XmlRpc.response(bytes(body)), body);
    }
  }

  @Test
  void nestingIsBounded() {
    String deep = "<value><array><data>".repeat(XmlRpc.MAX_DEPTH + 2) + "<value>x</value>"
        + "</data></array></value>".repeat(XmlRpc.MAX_DEPTH + 2);
    String body = "<methodResponse><params><param>" + deep + "</param></params></methodResponse>";
    XmlRpc.MalformedResponse error = assertThrows(XmlRpc.MalformedResponse.class, () -> XmlRpc.response(bytes(body)));
    assertTrue(error.getMessage().contains("deeper"), error.getMessage());
  }
}
