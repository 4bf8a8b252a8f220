package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Pure functions: the IPv6 bracket rule, path joining and URI template expansion. */
class UrlFunctionsTest {

  @Test
  void bracketsAreAddedAroundBareIpv6Hosts() {
    assertEquals("http://[fe80:1234:1234:1234:1:1:1:1]:5000/foo/",
        MasterUrls.addIpv6Brackets("http://fe80:1234:1234:1234:1:1:1:1:5000/foo/"));
    // The whole netloc is tried first: the trailing group is part of the address, not a port.
    assertEquals("http://[fe80::1:5000]/", MasterUrls.addIpv6Brackets("http://fe80::1:5000/"));
    assertEquals("https://[2001:db8::1]/erp5?x=1#f", MasterUrls.addIpv6Brackets("https://2001:DB8:0:0:0:0:0:1/erp5?x=1#f"));
    assertEquals("http://[::1]", MasterUrls.addIpv6Brackets("http://::1"));
    assertEquals("http://[::ffff:1.2.3.4]:80/", MasterUrls.addIpv6Brackets("http://::ffff:1.2.3.4:80/"));
    assertEquals("http://[fe80::1]/", MasterUrls.addIpv6Brackets("http://fe80::1:/"), "an empty port is dropped");
  }

  @Test
  void otherUrlsAreLeftAlone() {
    for (String url : List.of("http://[::1]:5000/", "http://127.0.0.1:5000/", "http://localhost/x",
        "https://user@fe80::1/", "http://host:80", "not a url", "http://1:2:3/")) {
      assertEquals(url, MasterUrls.addIpv6Brackets(url));
    }
  }

  @Test
  void ipv6CanonicalForm() {
    assertEquals("::", Ipv6.canonical("0:0:0:0:0:0:0:0"));
    assertEquals("1::", Ipv6.canonical("1:0:0:0:0:0:0:0"));
    assertEquals("2001:db8:0:1:1:1:1:1", Ipv6.canonical("2001:db8:0:1:1:1:1:1"), "a single zero group is not compressed");
    assertEquals("2001:0:0:1::1", Ipv6.canonical("2001:0:0:1:0:0:0:1"), "the longest run is compressed");
    assertEquals("1::1:0:0:1", Ipv6.canonical("1:0:0:0:1:0:0:1"));
    assertEquals("::1.2.3.4", Ipv6.canonical("::1.2.3.4"));
    assertNull(Ipv6.canonical("1::2::3"));
    assertNull(Ipv6.canonical("12345::"));
    assertNull(Ipv6.canonical("1:2:3:4:5:6:7"));
    assertNull(Ipv6.canonical("1:2:3:4:5:6:7:8:9"));
    assertNull(Ipv6.canonical("127.0.0.1"));
    assertNull(Ipv6.canonical("g::1"));
  }

  @Test
  void baseUrlAndJoining() {
    assertEquals("https://host/erp5/portal_slap/", MasterUrls.baseUrl("https://host/erp5/portal_slap"));
    assertEquals("https://host/erp5/portal_slap/getFullComputerInformation",
        MasterUrls.resolve(MasterUrls.baseUrl("https://host/erp5/portal_slap"), "getFullComputerInformation").toString());
    assertEquals("http://[fe80::1:5000]/foo/bar",
        MasterUrls.resolve(MasterUrls.baseUrl("http://fe80::1:5000/foo"), "bar").toString());
    assertEquals("http://h:1/getRunId", MasterUrls.resolve("http://h:1/a/b/", "/getRunId").toString());
  }

  @Test
  void levelOneTemplatesAsSlapproxyLinks() {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("query", "portal_type:\"Instance Tree\" AND title:=\"é/x\"");
    variables.put("select_list", List.of("title", "url_string"));
    variables.put("limit", 40L);
    assertEquals("http://h/hateoas/?mode=search&query=portal_type%3A%22Instance%20Tree%22%20AND%20title%3A%3D%22%C3%A9%2Fx%22"
        + "&select_list=title,url_string",
        UriTemplate.expand("http://h/hateoas/?mode=search&query={query}&select_list={select_list}", variables));
    assertEquals("a--b", UriTemplate.expand("a-{missing}-b", variables));
    assertEquals("40", UriTemplate.expand("{limit}", variables));
  }

  @Test
  void operatorTemplatesAsErp5Links() {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("query", "a b");
    variables.put("select_list", List.of("title", "relative_url"));
    variables.put("limit", 40L);
    variables.put("empty", List.of());
    variables.put("path", "a/b c");
    variables.put("map", Map.of("y", "2", "x", "1"));
    assertEquals("u?mode=search&query=a%20b&select_list=title&select_list=relative_url&limit=40",
        UriTemplate.expand("u?mode=search{&query,select_list*,limit*,empty*,missing}", variables));
    assertEquals("u?query=a%20b&select_list=title,relative_url", UriTemplate.expand("u{?query,select_list}", variables));
    assertEquals("a/b%20c", UriTemplate.expand("{+path}", variables));
    assertEquals("#a/b%20c", UriTemplate.expand("{#path}", variables));
    assertEquals("/a%2Fb%20c/title/relative_url", UriTemplate.expand("{/path,select_list*}", variables));
    assertEquals(".title,relative_url", UriTemplate.expand("{.select_list}", variables));
    assertEquals(";query=a%20b;empty=", UriTemplate.expand("{;query,empty}", variables));
    assertEquals("x,1,y,2", UriTemplate.expand("{map}", variables));
    assertEquals("x=1,y=2", UriTemplate.expand("{map*}", variables));
    assertEquals("&x=1&y=2", UriTemplate.expand("{&map*}", variables));
    assertEquals("a%2F", UriTemplate.expand("{path:2}", variables));
  }
}
