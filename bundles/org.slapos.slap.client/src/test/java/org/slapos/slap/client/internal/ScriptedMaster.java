package org.slapos.slap.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/** A master on loopback whose answers are scripted per path; it records every request it gets. */
final class ScriptedMaster implements AutoCloseable {

  /** One request as received. */
  record Recorded(String method, String path, String rawQuery, Headers headers, byte[] body,
      List<Certificate> peerCertificates) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** One answer. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply ok(String body) {
      return text(200, body);
    }

    static Reply text(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "text/html; charset=utf-8"), body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply json(String body) {
      return new Reply(200, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
      return new Reply(status, Map.of(), new byte[0]);
    }

    static Reply redirect(String location) {
      return new Reply(302, Map.of("Location", location), new byte[0]);
    }
  }

  interface Script {
    Reply answer(Recorded request) throws Exception;
  }

  static final String NOT_FOUND_PAGE = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
      + "<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually "
      + "please check your spelling and try again.</p>\n";

  /** 127.0.0.1 explicitly: getLoopbackAddress() may be ::1 on IPv6-first hosts. */
  static final InetAddress LOOPBACK = loopback();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
  private final String scheme;

  private ScriptedMaster(HttpServer server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static ScriptedMaster http() throws IOException {
    return new ScriptedMaster(HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0), "http");
  }

  /** An HTTPS master; with {@code needClientAuth} the handshake fails unless a trusted client certificate is sent. */
  static ScriptedMaster https(SSLContext context, boolean needClientAuth) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(parameters);
      }
    });
    return new ScriptedMaster(server, "https");
  }

  /** Scripts {@code path} (e.g. {@code /getFullComputerInformation}) for every method. */
  ScriptedMaster on(String path, Script script) {
    scripts.put(path, script);
    return this;
  }

  ScriptedMaster on(String path, Reply reply) {
    return on(path, request -> reply);
  }

  String url() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Recorded> requests() {
    synchronized (requests) {
      return new ArrayList<>(requests);
    }
  }

  List<Recorded> requests(String path) {
    List<Recorded> matching = new ArrayList<>();
    for (Recorded r : requests()) {
      if (r.path().equals(path)) {
        matching.add(r);
      }
    }
    return matching;
  }

  Recorded last(String path) {
    List<Recorded> matching = requests(path);
    if (matching.isEmpty()) {
      throw new AssertionError("no request to " + path + " among " + paths());
    }
    return matching.get(matching.size() - 1);
  }

  int count(String path) {
    return requests(path).size();
  }

  List<String> paths() {
    List<String> paths = new ArrayList<>();
    for (Recorded r : requests()) {
      paths.add(r.method() + " " + r.path());
    }
    return paths;
  }

  /** Paths other than the getHateoasUrl discovery every initializeConnection makes. */
  List<String> callsExceptDiscovery() {
    List<String> paths = paths();
    paths.removeIf(p -> p.endsWith("/getHateoasUrl"));
    return paths;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      List<Certificate> peer = List.of();
      if (exchange instanceof HttpsExchange https) {
        try {
          peer = List.of(https.getSSLSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
          peer = List.of();
        }
      }
      Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body, peer);
      requests.add(request);
      Script script = scripts.get(request.path());
      Reply reply;
      try {
        reply = script == null ? Reply.text(404, NOT_FOUND_PAGE) : script.answer(request);
      } catch (Exception e) {
        reply = Reply.text(500, "script failed: " + e);
      }
      Map<String, String> headers = new LinkedHashMap<>(reply.headers());
      headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
