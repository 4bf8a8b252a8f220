package org.slapos.itest.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A master on loopback that answers as the Python slapproxy of slapos.core 1.24 answered in the
 * captured exchanges (resources {@code replay/exchanges.tsv} and {@code replay/NNNN-*.body}, taken
 * from the wire samples): the same status, content type and body, byte for byte, except the
 * recording machine's Software Release URL, which is replaced by the test's own release. Every request
 * is recorded (method, path, decoded query or form parameters), so a test can compare what our node
 * sent with what the Python node sent.
 */
final class ReplayedPythonProxy implements AutoCloseable {
  /** The Software Release URL of the recording machine, found in the captured bodies and requests. */
  static final String RECORDED_RELEASE_URL = "/srv/peer/sr/software.cfg";
  private static final String RESOURCES = "replay/";
  /** What the Werkzeug server of the Python proxy answers for a route it does not have. */
  private static final String NOT_FOUND_SAMPLE = "0005";

  /** One captured exchange: the Python node's request and the Python proxy's answer. */
  record Exchange(String number, String method, String path, Map<String, String> requestParameters,
      int status, String contentType, byte[] body) {
    /** The request the Python node sent, with the recorded release URL replaced by {@code releaseUrl}. */
    Call expectedCall(String releaseUrl) {
      Map<String, String> parameters = new LinkedHashMap<>();
      requestParameters.forEach((name, value) -> parameters.put(name, value.replace(RECORDED_RELEASE_URL, releaseUrl)));
      return new Call(method, path, parameters);
    }
  }

  /** One request the node sent. */
  record Call(String method, String path, Map<String, String> parameters) {
  }

  private final Map<String, Exchange> exchanges;
  private final String releaseUrl;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final List<Call> calls = new ArrayList<>();
  private Map<String, Exchange> script = Map.of();

  private ReplayedPythonProxy(Map<String, Exchange> exchanges, String releaseUrl) throws IOException {
    this.exchanges = exchanges;
    this.releaseUrl = releaseUrl;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  /** Loads the captured exchanges and listens on a free loopback port; serves nothing until {@link #serve}. */
  static ReplayedPythonProxy start(String releaseUrl) throws IOException {
    ReplayedPythonProxy proxy = new ReplayedPythonProxy(loadExchanges(), releaseUrl);
    proxy.server.start();
    return proxy;
  }

  /** The master URL, as the Python node's slapos.cfg named it (no trailing slash). */
  String url() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  Exchange exchange(String number) {
    Exchange exchange = exchanges.get(number);
    if (exchange == null) {
      throw new IllegalArgumentException("no captured exchange " + number);
    }
    return exchange;
  }

  /**
   * From now on answers as in the given captured exchanges (one per method and path: one step of the
   * capture), and forgets the calls recorded so far.
   */
  synchronized void serve(String... numbers) {
    Map<String, Exchange> step = new LinkedHashMap<>();
    for (String number : numbers) {
      Exchange exchange = exchange(number);
      if (step.put(exchange.method() + " " + exchange.path(), exchange) != null) {
        throw new IllegalArgumentException("two exchanges of one step answer " + exchange.method() + " " + exchange.path());
      }
    }
    script = step;
    calls.clear();
  }

  /** The requests received since the last {@link #serve}, in order. */
  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The requests the Python node sent in the given captured exchanges, with this test's release URL. */
  List<Call> expectedCalls(String... numbers) {
    List<Call> expected = new ArrayList<>();
    for (String number : numbers) {
      expected.add(exchange(number).expectedCall(releaseUrl));
    }
    return expected;
  }

  /** The answer body served for {@code exchange}: the captured bytes with the release URL replaced. */
  byte[] servedBody(Exchange exchange) {
    String text = new String(exchange.body(), StandardCharsets.UTF_8);
    return text.replace(RECORDED_RELEASE_URL, releaseUrl).getBytes(StandardCharsets.UTF_8);
  }

  private void handle(HttpExchange http) throws IOException {
    try (http) {
      String query = http.getRequestURI().getRawQuery();
      byte[] requestBody = http.getRequestBody().readAllBytes();
      Map<String, String> parameters = decodeForm(query == null ? "" : query);
      parameters.putAll(decodeForm(new String(requestBody, StandardCharsets.US_ASCII)));
      String path = http.getRequestURI().getPath();
      Exchange answer;
      synchronized (this) {
        calls.add(new Call(http.getRequestMethod(), path, parameters));
        answer = script.get(http.getRequestMethod() + " " + path);
      }
      if (answer == null) {
        // Werkzeug's page for a route the proxy does not have; the test's call list shows the stray call.
        answer = exchange(NOT_FOUND_SAMPLE);
      }
      byte[] body = servedBody(answer);
      // The headers the Werkzeug server sent (Date and Content-Length are written by HttpServer).
      http.getResponseHeaders().set("Server", "Werkzeug/2.2.2 Python/3.11.2");
      http.getResponseHeaders().set("Content-Type", answer.contentType());
      http.getResponseHeaders().set("Connection", "close");
      http.sendResponseHeaders(answer.status(), body.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** {@code a=1&b=x+y} → ordered name/value pairs, decoded as Python's parse_qsl does. */
  static Map<String, String> decodeForm(String encoded) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (encoded.isEmpty()) {
      return parameters;
    }
    for (String pair : encoded.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      String decodedName = URLDecoder.decode(name, StandardCharsets.UTF_8);
      if (parameters.put(decodedName, URLDecoder.decode(value, StandardCharsets.UTF_8)) != null) {
        throw new IllegalArgumentException("parameter " + decodedName + " given twice in " + encoded);
      }
    }
    return parameters;
  }

  private static Map<String, Exchange> loadExchanges() throws IOException {
    Map<String, Exchange> loaded = new LinkedHashMap<>();
    for (String line : new String(resource("exchanges.tsv"), StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      if (fields.length != 7) {
        throw new IOException("exchanges.tsv: 7 tab-separated fields expected: " + line);
      }
      String request = fields[3].equals("-") ? "" : fields[3];
      loaded.put(fields[0], new Exchange(fields[0], fields[1], fields[2], decodeForm(request),
          Integer.parseInt(fields[4]), fields[5], resource(fields[6])));
    }
    return loaded;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ReplayedPythonProxy.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + RESOURCES + name);
      }
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the replay server's thread did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
