package org.slapos.cache.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servlets adapt the core: path info, status, content type and body pass through. */
class ServletAdapterTest {
  @TempDir
  Path root;

  private CacheServerConfig config(String directory) {
    return new CacheServerConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return CacheServerConfig.class;
      }

      @Override
      public String root_directory() {
        return directory;
      }

      @Override
      public long max_blob_mib() {
        return 1;
      }

      @Override
      public int max_entry_kib() {
        return 64;
      }
    };
  }

  private static HttpServletRequest request(String method, String pathInfo, byte[] body) {
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    ServletInputStream stream = new ServletInputStream() {
      @Override
      public int read() {
        return in.read();
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
        throw new UnsupportedOperationException();
      }
    };
    return (HttpServletRequest) Proxy.newProxyInstance(ServletAdapterTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
          case "getMethod" -> method;
          case "getPathInfo" -> pathInfo;
          case "getInputStream" -> stream;
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  private static HttpServletResponse response(Map<String, Object> seen, ByteArrayOutputStream out) {
    ServletOutputStream stream = new ServletOutputStream() {
      @Override
      public void write(int b) {
        out.write(b);
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(WriteListener listener) {
        throw new UnsupportedOperationException();
      }
    };
    return (HttpServletResponse) Proxy.newProxyInstance(ServletAdapterTest.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
          switch (m.getName()) {
            case "getOutputStream" -> {
              return stream;
            }
            case "setStatus", "setContentType", "setContentLength", "setContentLengthLong" -> {
              seen.put(m.getName(), a[0]);
              return null;
            }
            default -> throw new UnsupportedOperationException(m.getName());
          }
        });
  }

  @Test
  void shacacheAndShadirServeThroughServlets() throws Exception {
    ShacacheServlet shacache = new ShacacheServlet(config(root.toString()));
    Map<String, Object> seen = new HashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    shacache.service(request("POST", null, "blob".getBytes(StandardCharsets.UTF_8)), response(seen, out));
    assertEquals(201, seen.get("setStatus"));
    String sha512 = out.toString(StandardCharsets.UTF_8);

    seen.clear();
    out.reset();
    shacache.service(request("GET", "/" + sha512, new byte[0]), response(seen, out));
    assertEquals(200, seen.get("setStatus"));
    assertEquals("application/octet-stream", seen.get("setContentType"));
    assertEquals("blob", out.toString(StandardCharsets.UTF_8));

    ShadirServlet shadir = new ShadirServlet(config(root.toString()));
    seen.clear();
    out.reset();
    shadir.service(request("PUT", "/key", "[\"{}\", \"\"]".getBytes(StandardCharsets.UTF_8)), response(seen, out));
    assertEquals(201, seen.get("setStatus"));
    seen.clear();
    out.reset();
    shadir.service(request("GET", "/key", new byte[0]), response(seen, out));
    assertEquals("[[\"{}\",\"\"]]", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aMissingRootIsNamedAtActivation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShacacheServlet(config(" ")));
    assertTrue(e.getMessage().contains("root.directory"), e.getMessage());
  }
}
