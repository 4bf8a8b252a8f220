package org.slapos.cache.impl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slapos.cache.server.CacheEndpoints;
import org.slapos.cache.server.CacheReply;

/**
 * The real cache server core ({@link CacheEndpoints}) on a loopback port, served by the JDK's HTTP
 * server the way the servlets serve it inside Felix HTTP: {@code /shacache/*} and {@code /shadir/*};
 * over http, or over https requiring a client certificate ({@link #https}).
 */
public final class CacheServerHarness implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  public final Path root;
  private final String scheme;

  public CacheServerHarness(Path root) throws IOException {
    this(root, HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
  }

  /** Over https with {@code tls}; the handshake fails unless the client sends a certificate it trusts. */
  public static CacheServerHarness https(Path root, SSLContext tls) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters parameters) {
        SSLParameters ssl = tls.getDefaultSSLParameters();
        ssl.setNeedClientAuth(true);
        parameters.setSSLParameters(ssl);
      }
    });
    return new CacheServerHarness(root, server, "https");
  }

  private CacheServerHarness(Path root, HttpServer server, String scheme) throws IOException {
    this.root = root;
    this.server = server;
    this.scheme = scheme;
    CacheEndpoints endpoints = new CacheEndpoints(root, 64L * 1024 * 1024, 64 * 1024);
    server.setExecutor(executor);
    server.createContext("/shacache", http -> serve(http, "/shacache",
        (method, path, body) -> endpoints.shacache(method, path, body)));
    server.createContext("/shadir", http -> serve(http, "/shadir",
        (method, path, body) -> endpoints.shadir(method, path, body)));
    server.start();
  }

  public URI shacache() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/shacache");
  }

  public URI shadir() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/shadir");
  }

  public Path blob(String sha512) {
    return root.resolve("shacache").resolve(sha512);
  }

  private interface Handler {
    CacheReply answer(String method, String path, InputStream body) throws IOException;
  }

  private static void serve(HttpExchange http, String prefix, Handler handler) throws IOException {
    try (http) {
      String raw = http.getRequestURI().getRawPath().substring(prefix.length());
      String path = URLDecoder.decode(raw.startsWith("/") ? raw.substring(1) : raw, StandardCharsets.UTF_8);
      CacheReply reply;
      try (InputStream body = http.getRequestBody()) {
        reply = handler.answer(http.getRequestMethod(), path, body);
      }
      http.getResponseHeaders().set("Content-Type", reply.contentType());
      long length = reply.file() != null ? Files.size(reply.file()) : reply.body().length;
      http.sendResponseHeaders(reply.status(), length == 0 ? -1 : length);
      if (length > 0) {
        try (OutputStream out = http.getResponseBody()) {
          if (reply.file() != null) {
            Files.copy(reply.file(), out);
          } else {
            out.write(reply.body());
          }
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }
}
