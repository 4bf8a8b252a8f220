package org.slapos.proxy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Serves {@link SlapEndpoints} over real HTTP on a loopback port with the JDK's small HTTP server,
 * the way the servlet adapter does inside Felix HTTP (used by the multimaster tests).
 */
final class HttpHarness implements AutoCloseable {
  private final HttpServer server;
  private final String scheme;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);

  HttpHarness(SlapEndpoints endpoints) throws IOException {
    this(endpoints, null);
  }

  /** Over https with {@code tls}'s server certificate when it is not null. */
  HttpHarness(SlapEndpoints endpoints, SSLContext tls) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(address, 0);
      scheme = "http";
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
      scheme = "https";
    }
    server.setExecutor(executor);
    server.createContext("/", http -> {
      try (InputStream in = http.getRequestBody()) {
        byte[] body = SlapProxyServlet.readBounded(in, 8 * 1024 * 1024);
        Map<String, List<String>> headers = new LinkedHashMap<>(http.getRequestHeaders());
        String path = http.getRequestURI().getRawPath();
        Exchange exchange = new Exchange(http.getRequestMethod(), UrlText.decode(path, false),
            http.getRequestURI().getRawQuery(), body == null ? new byte[0] : body, headers, scheme,
            "127.0.0.1", http.getLocalAddress().getPort());
        Reply reply = endpoints.handle(exchange);
        http.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((k, v) -> http.getResponseHeaders().set(k, v));
        boolean head = http.getRequestMethod().equals("HEAD");
        http.sendResponseHeaders(reply.status(), head ? -1 : (reply.body().length == 0 ? -1 : reply.body().length));
        if (!head && reply.body().length > 0) {
          try (OutputStream out = http.getResponseBody()) {
            out.write(reply.body());
          }
        }
      } finally {
        http.close();
      }
    });
    server.start();
  }

  /** {@code http://127.0.0.1:<port>/} (or https) */
  String url() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }
}
