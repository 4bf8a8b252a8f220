package org.slapos.client.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A SLAP master on loopback that answers like slapproxy 1.24: scripted answers per endpoint, the
 * {@code /hateoas/} subset of slap-protocol.md §3.13 over a small in-memory model, and static
 * files (Software Release JSON schemas). It records every request it receives.
 */
final class ScriptedMaster implements AutoCloseable {

  /** One request as the master saw it. */
  record Received(String method, String path, Map<String, String> query, Map<String, String> form) {
  }

  /** An answer: status, content type, body. */
  record Answer(int status, String contentType, String body, Map<String, String> headers) {
    static Answer html(int status, String body) {
      return new Answer(status, "text/html; charset=utf-8", body, Map.of());
    }

    static Answer json(Object document) {
      try {
        return new Answer(200, "application/json", new ObjectMapper().writeValueAsString(document), Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final String PROXY_SERVICE_LIST = "portal_type:\"Instance Tree\" AND validation_state:validated";
  private static final String PROXY_SERVICE_INFO = PROXY_SERVICE_LIST + " AND title:=";
  private static final String PROXY_COMPUTER_LIST = "portal_type:\"Compute Node\" AND validation_state:validated";
  private static final String PROXY_COMPUTER_INFO = PROXY_COMPUTER_LIST + " AND reference:=";
  /** The proxy's {@code is_valid}: one double-quoted string, inner quotes backslash-escaped. */
  private static final Pattern QUOTED = Pattern.compile("\"((\\\\.|[^\\\\\"])*)\"");

  private final HttpServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Function<Received, Answer>> routes = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> instances = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, String> computers = Collections.synchronizedMap(new LinkedHashMap<>());

  ScriptedMaster() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    // What slapproxy answers when nothing else is scripted.
    answer("GET", "/getHateoasUrl", Answer.html(404, resource("not-found.html")));
    routes.put("POST /supplySupply", r -> Answer.html(200,
        "Supplied " + PythonRepr.str(r.form().get("url")) + " to be " + r.form().get("state")));
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The HATEOAS entry point to configure as {@code master_rest_url}. */
  String hateoasUrl() {
    return url() + "/hateoas";
  }

  ScriptedMaster answer(String method, String path, Answer answer) {
    routes.put(method + " " + path, r -> answer);
    return this;
  }

  ScriptedMaster answer(String method, String path, Function<Received, Answer> answer) {
    routes.put(method + " " + path, answer);
    return this;
  }

  /** Serves a static file, e.g. {@code /sr/software.cfg.json}. */
  ScriptedMaster file(String path, String body) {
    return answer("GET", path, new Answer(200, "application/json", body, Map.of()));
  }

  /** {@code software_product_list} of the proxy: product name to release URL. */
  ScriptedMaster product(String name, String url) {
    return answer("GET", "/getSoftwareReleaseListFromSoftwareProduct", r -> Answer.html(200,
        name.equals(r.query().get("software_product_reference"))
            ? "<marshal><list id=\"i2\"><string>" + url + "</string></list></marshal>"
            : "<marshal><list id=\"i2\"/></marshal>"));
  }

  /** A root instance (or, with shared, a root shared instance) as the proxy's HATEOAS shows it. */
  ScriptedMaster instance(String title, String softwareUrl, String softwareType, String requestedState,
      String parameterXml, String connectionXml, boolean shared) {
    Map<String, Object> instance = new LinkedHashMap<>();
    instance.put("title", title);
    instance.put("url", softwareUrl);
    instance.put("type", softwareType);
    instance.put("state", requestedState);
    instance.put("xml", parameterXml);
    instance.put("connection_xml", connectionXml);
    instance.put("shared", shared ? 1 : 0);
    instances.put(title, instance);
    return this;
  }

  /** A news document for an instance, as the real Master's form shows it (slapproxy has none). */
  ScriptedMaster news(String title, Object news) {
    instances.get(title).put("news", news);
    return this;
  }

  ScriptedMaster computer(String reference) {
    computers.put(reference, reference);
    return this;
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The requests to one path, in order. */
  List<Received> received(String path) {
    return received().stream().filter(r -> r.path().equals(path)).toList();
  }

  static String resource(String name) {
    try (InputStream in = ScriptedMaster.class.getResourceAsStream("/client/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource client/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = decodeForm(exchange.getRequestURI().getRawQuery());
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> form = "POST".equals(exchange.getRequestMethod())
          ? decodeForm(new String(body, StandardCharsets.UTF_8)) : Map.of();
      Received request = new Received(exchange.getRequestMethod(), path, query, form);
      received.add(request);
      Answer answer = route(request);
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("Content-Type", answer.contentType());
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private Answer route(Received request) {
    Function<Received, Answer> scripted = routes.get(request.method() + " " + request.path());
    if (scripted != null) {
      return scripted.apply(request);
    }
    if ("GET".equals(request.method()) && request.path().startsWith("/hateoas")) {
      return hateoas(request);
    }
    return Answer.html(404, resource("not-found.html"));
  }

  /** The proxy's hateoas blueprint (slapos/proxy/hateoas.py). */
  private Answer hateoas(Received request) {
    String path = request.path();
    if (path.equals("/hateoas") || path.equals("/hateoas/")) {
      String mode = request.query().get("mode");
      if (mode == null) {
        return Answer.json(Map.of("_links", Map.of(
            "raw_search", Map.of("href", url() + "/hateoas/?mode=search&query={query}&select_list={select_list}"),
            "traverse", Map.of("href", url() + "/hateoas/?mode=traverse&relative_url={relative_url}&view={view}"))));
      }
      if (mode.equals("traverse")) {
        return new Answer(302, "text/html; charset=utf-8", "", Map.of("Location", request.query().get("relative_url")));
      }
      if (mode.equals("search")) {
        List<Map<String, Object>> contents = search(request.query().get("query"));
        if (contents == null) {
          return Answer.html(400, "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n"
              + "<h1>Bad Request</h1>\n<p>Unhandled query: " + request.query().get("query") + "</p>\n");
        }
        return Answer.json(Map.of("_embedded", Map.of("contents", contents)));
      }
      return Answer.html(400, "Unhandled mode: " + mode);
    }
    if (path.startsWith("/hateoas/partitions/") || path.startsWith("/hateoas/shared/")) {
      Map<String, Object> instance = instances.get(path.substring(path.indexOf('/', "/hateoas/".length()) + 1));
      if (instance == null) {
        return Answer.html(404, resource("not-found.html"));
      }
      return Answer.json(serviceDocument(instance));
    }
    if (path.startsWith("/hateoas/computers/")) {
      String reference = computers.get(path.substring("/hateoas/computers/".length()));
      if (reference == null) {
        return Answer.html(404, resource("not-found.html"));
      }
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("form_id", field("StringField", "computer", reference));
      view.put("my_reference", field("StringField", "reference", reference));
      view.put("my_title", field("StringField", "reference", reference));
      return Answer.json(Map.of("_embedded", Map.of("_view", view), "_links", Map.of("type", Map.of("name", "Computer"))));
    }
    return Answer.html(404, resource("not-found.html"));
  }

  private List<Map<String, Object>> search(String query) {
    if (query == null) {
      return null;
    }
    if (query.equals(PROXY_SERVICE_LIST)) {
      return instanceRows(null);
    }
    if (query.startsWith(PROXY_SERVICE_INFO)) {
      String title = query.substring(PROXY_SERVICE_INFO.length());
      return QUOTED.matcher(title).matches() ? instanceRows(strip(title)) : null;
    }
    if (query.equals(PROXY_COMPUTER_LIST)) {
      return computerRows(null);
    }
    if (query.startsWith(PROXY_COMPUTER_INFO)) {
      String reference = query.substring(PROXY_COMPUTER_INFO.length());
      return QUOTED.matcher(reference).matches() ? computerRows(strip(reference)) : null;
    }
    return null;
  }

  /** Python's {@code str.strip('"')}. */
  private static String strip(String quoted) {
    int start = 0;
    int end = quoted.length();
    while (start < end && quoted.charAt(start) == '"') {
      start++;
    }
    while (end > start && quoted.charAt(end - 1) == '"') {
      end--;
    }
    return quoted.substring(start, end);
  }

  private List<Map<String, Object>> instanceRows(String title) {
    List<Map<String, Object>> rows = new ArrayList<>();
    synchronized (instances) {
      for (Map<String, Object> instance : instances.values()) {
        if (title != null && !title.equals(instance.get("title"))) {
          continue;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("url_string", instance.get("url"));
        row.put("title", instance.get("title"));
        String kind = ((Integer) instance.get("shared")) == 1 ? "shared" : "partitions";
        row.put("relative_url", "/hateoas/" + kind + "/" + quote((String) instance.get("title")));
        rows.add(row);
      }
    }
    return rows;
  }

  private List<Map<String, Object>> computerRows(String reference) {
    List<Map<String, Object>> rows = new ArrayList<>();
    synchronized (computers) {
      for (String computer : computers.keySet()) {
        if (reference != null && !reference.equals(computer)) {
          continue;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("reference", computer);
        row.put("address", "127.0.0.1");
        row.put("netmask", "255.255.255.255");
        row.put("title", computer);
        row.put("relative_url", "/hateoas/computers/" + quote(computer));
        rows.add(row);
      }
    }
    return rows;
  }

  /** {@code hateoas_service_document} of the proxy. */
  private static Map<String, Object> serviceDocument(Map<String, Object> instance) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("form_id", field("StringField", "form_id", "InstanceTree_viewAsHateoas"));
    view.put("my_reference", field("StringField", "field_my_reference", instance.get("title")));
    view.put("my_slap_state", field("StringField", "field_my_slap_state", instance.get("state")));
    view.put("my_text_content", field("StringField", "field_my_text_content", instance.get("xml")));
    view.put("my_connection_parameter_list",
        field("StringField", "field_my_connection_parameter_list", instance.get("connection_xml")));
    view.put("my_url_string", field("StringField", "field_my_url_string", instance.get("url")));
    view.put("my_source_reference", field("StringField", "field_my_source_reference", instance.get("type")));
    view.put("my_root_slave", field("IntegerField", "field_my_root_slave", instance.get("shared")));
    if (instance.containsKey("news")) {
      view.put("my_news", field("StringField", "field_my_news", instance.get("news")));
    }
    return Map.of("_embedded", Map.of("_view", view), "_links", Map.of("type", Map.of("name", "Instance Tree")));
  }

  private static Map<String, Object> field(String type, String key, Object value) {
    Map<String, Object> field = new LinkedHashMap<>();
    field.put("type", type);
    field.put("key", key);
    field.put("default", value);
    return field;
  }

  private static String quote(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static Map<String, String> decodeForm(String encoded) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      fields.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return fields;
  }
}
