package org.slapos.proxy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.store.sqlite.SqliteMasterStore;
import org.slapos.slap.api.SlapConnector;

/** A proxy front-end on a real SQLite store in a temporary directory, driven without a servlet container. */
final class ProxyFixture implements AutoCloseable {
  final SqliteMasterStore store;
  final SlapEndpoints endpoints;
  final String runId;
  String host = "127.0.0.1:5001";
  final Map<String, String> extraHeaders = new LinkedHashMap<>();

  ProxyFixture(Path dir, String computerId) throws MasterStoreException {
    this(dir, computerId, Map.of(), Map.of(), () -> null);
  }

  ProxyFixture(Path dir, String computerId, Map<String, String> products, Map<String, Multimaster.Entry> masters,
      Supplier<SlapConnector> connector) throws MasterStoreException {
    this.store = SqliteMasterStore.open(new SqliteMasterStore.Settings(dir.resolve("proxy.db"), computerId, "/", 4, 10_000));
    this.runId = SlapEndpoints.newRunId();
    this.endpoints = new SlapEndpoints(store, new Multimaster(masters, runId, Duration.ofSeconds(5), connector),
        new SlapEndpoints.Settings(products, runId, 8 * 1024 * 1024));
  }

  Reply get(String path, String... keyValues) {
    return send("GET", path, form(keyValues), new byte[0], null);
  }

  Reply post(String path, String... keyValues) {
    return postRaw(path, form(keyValues));
  }

  Reply postRaw(String path, String body) {
    return send("POST", path, null, body.getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
  }

  Reply send(String method, String path, String query, byte[] body, String contentType) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of(host));
    headers.put("User-agent", List.of("slapos.core/1.24.0"));
    if (contentType != null) {
      headers.put("Content-type", List.of(contentType));
    }
    extraHeaders.forEach((k, v) -> headers.put(k, List.of(v)));
    return endpoints.handle(new Exchange(method, path, query, body, headers, "http", "127.0.0.1", 5001));
  }

  /** {@code k1, v1, k2, v2...} url-encoded as the Python client does. */
  static String form(String... keyValues) {
    StringJoiner joiner = new StringJoiner("&");
    for (int i = 0; i < keyValues.length; i += 2) {
      joiner.add(encode(keyValues[i]) + "=" + encode(keyValues[i + 1]));
    }
    return joiner.toString();
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    store.close();
  }
}
