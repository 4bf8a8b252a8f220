package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.store.sqlite.SqliteMasterStore;

/** The servlet adapter: request bounds, HEAD, path decoding and configuration checks. */
class ServletAdapterTest {
  @TempDir
  Path dir;
  SqliteMasterStore store;

  @BeforeEach
  void open() throws Exception {
    store = SqliteMasterStore.open(new SqliteMasterStore.Settings(dir.resolve("proxy.db"), "computer", "/", 2, 10_000));
  }

  @AfterEach
  void close() {
    store.close();
  }

  static ProxyConfig config(int maxBytes, String[] products, String[] masters) {
    return new ProxyConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return ProxyConfig.class;
      }

      @Override
      public String[] software_product_list() {
        return products;
      }

      @Override
      public String[] multimaster() {
        return masters;
      }

      @Override
      public int max_request_bytes() {
        return maxBytes;
      }

      @Override
      public int forward_timeout() {
        return 60;
      }

      @Override
      public String http_host() {
        return "127.0.0.1";
      }

      @Override
      public int http_port() {
        return 0;
      }
    };
  }

  /** A recorded response. */
  static final class Recorded {
    int status = 200;
    String contentType;
    int contentLength = -1;
    final Map<String, String> headers = new LinkedHashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  static Recorded call(SlapProxyServlet servlet, String method, String uri, String query, byte[] body,
      long declaredLength, Map<String, String> headers) throws Exception {
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(), v));
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    ServletInputStream stream = new ServletInputStream() {
      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return in.read(b, off, len);
      }

      @Override
      public boolean isFinished() {
        return in.available() == 0;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
      }
    };
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(ServletAdapterTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
          case "getMethod" -> method;
          case "getRequestURI" -> uri;
          case "getContextPath" -> "";
          case "getQueryString" -> query;
          case "getContentLengthLong" -> declaredLength;
          case "getInputStream" -> stream;
          case "getHeaderNames" -> Collections.enumeration(headers.keySet());
          case "getHeaders" -> Collections.enumeration(lower.containsKey(((String) a[0]).toLowerCase())
              ? List.of(lower.get(((String) a[0]).toLowerCase())) : List.of());
          case "getScheme" -> "http";
          case "getServerName" -> "127.0.0.1";
          case "getServerPort" -> 8080;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    Recorded recorded = new Recorded();
    ServletOutputStream out = new ServletOutputStream() {
      @Override
      public void write(int b) {
        recorded.body.write(b);
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(WriteListener listener) {
      }
    };
    HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
        ServletAdapterTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
          switch (m.getName()) {
            case "setStatus" -> recorded.status = (Integer) a[0];
            case "setContentType" -> recorded.contentType = (String) a[0];
            case "setContentLength" -> recorded.contentLength = (Integer) a[0];
            case "setHeader" -> recorded.headers.put((String) a[0], (String) a[1]);
            case "getOutputStream" -> {
              return out;
            }
            default -> throw new UnsupportedOperationException(m.getName());
          }
          return null;
        });
    servlet.service(request, response);
    return recorded;
  }

  @Test
  void servesTheEndpoints() throws Exception {
    SlapProxyServlet servlet = new SlapProxyServlet(store, config(1024, new String[] {"kvm http://kvm/software.cfg"},
        new String[0]));
    Recorded r = call(servlet, "GET", "/getFullComputerInformation", "computer_id=computer", new byte[0], -1,
        Map.of("Host", "127.0.0.1:8080"));
    assertEquals(200, r.status);
    assertEquals("text/html; charset=utf-8", r.contentType);
    assertTrue(r.text().startsWith("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"Computer\">"));
    assertEquals(r.body.size(), r.contentLength);
    Recorded product = call(servlet, "GET", "/getSoftwareReleaseListFromSoftwareProduct",
        "software_product_reference=kvm", new byte[0], -1, Map.of());
    assertEquals("<marshal><list id=\"i2\"><string>http://kvm/software.cfg</string></list></marshal>", product.text());
  }

  @Test
  void headHasNoBody() throws Exception {
    SlapProxyServlet servlet = new SlapProxyServlet(store, config(1024, new String[0], new String[0]));
    Recorded r = call(servlet, "HEAD", "/getFullComputerInformation", "computer_id=computer", new byte[0], -1, Map.of());
    assertEquals(200, r.status);
    assertEquals(0, r.body.size());
    assertTrue(r.contentLength > 100);
  }

  @Test
  void largeBodiesAre413() throws Exception {
    SlapProxyServlet servlet = new SlapProxyServlet(store, config(100, new String[0], new String[0]));
    byte[] big = ("xml=" + "a".repeat(200)).getBytes(StandardCharsets.US_ASCII);
    Recorded declared = call(servlet, "POST", "/loadComputerConfigurationFromXML", null, big, big.length,
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertEquals(413, declared.status);
    assertEquals(EndpointsTest.page(413, "Request Entity Too Large",
        "The data value transmitted exceeds the capacity limit."), declared.text());
    Recorded chunked = call(servlet, "POST", "/loadComputerConfigurationFromXML", null, big, -1,
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertEquals(413, chunked.status);
  }

  @Test
  void pathsArePercentDecoded() throws Exception {
    SlapProxyServlet servlet = new SlapProxyServlet(store, config(1024, new String[0], new String[0]));
    Recorded r = call(servlet, "GET", "/getRun%49d", null, new byte[0], -1, Map.of());
    assertEquals(200, r.status);
    assertEquals(32, r.text().length());
  }

  @Test
  void invalidConfigurationIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new SlapProxyServlet(store, config(1024, new String[] {"only-a-name"}, new String[0])));
    assertThrows(IllegalArgumentException.class,
        () -> new SlapProxyServlet(store, config(1024, new String[0], new String[] {"{\"key\": \"k\"}"})));
    assertThrows(IllegalArgumentException.class, () -> new SlapProxyServlet(store, config(0, new String[0], new String[0])));
  }

  @Test
  void productsAndMastersAreParsed() {
    assertEquals(Map.of("a", "http://a", "b", "http://b"),
        SlapProxyServlet.softwareProducts(new String[] {"a http://a\n\n  b   http://b  "}));
    Map<String, Multimaster.Entry> masters = Multimaster.parse(new String[] {
        "{\"url\": \"https://m/\", \"key\": \"/k\", \"cert\": \"/c\", \"software_release_list\": [\"sr1\", \" sr2 \"],"
            + " \"computer\": \"C\", \"partition\": \"P\"}",
        "{\"url\": \"http://n/\", \"software_release_list\": \"sr3\\nsr4\"}"});
    assertEquals(new Multimaster.Entry("https://m/", "/k", "/c", List.of("sr1", "sr2"), "C", "P"), masters.get("https://m/"));
    assertEquals(new Multimaster.Entry("http://n/", null, null, List.of("sr3", "sr4"), null, null), masters.get("http://n/"));
    assertNull(masters.get("other"));
  }
}
