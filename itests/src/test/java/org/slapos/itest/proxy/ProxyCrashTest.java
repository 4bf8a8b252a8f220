package org.slapos.itest.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.slap.marshal.Marshal;

/**
 * SIGKILL during write load: every request the proxy acknowledged (HTTP 200) is in the database
 * afterwards, the database passes SQLite's integrity check, and a proxy restarted on the same file
 * serves every acknowledged write and takes new ones. Concurrent writers share group commits, so
 * this also checks that no write is acknowledged before its batch is on disk.
 */
class ProxyCrashTest {
  private static final int PARTITIONS = 200;
  private static final int CLIENTS = 8;
  private static final int ACKNOWLEDGED_BEFORE_KILL = 60;

  @TempDir
  Path work;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void killDuringLoadLosesNoAcknowledgedRequest() throws Exception {
    Queue<String> acknowledgedInstances = new ConcurrentLinkedQueue<>();
    Queue<String> acknowledgedSoftware = new ConcurrentLinkedQueue<>();
    Path database;
    try (ProxyProcess proxy = ProxyProcess.start(work)) {
      database = proxy.database();
      assertEquals(200, post(proxy.url() + "loadComputerConfigurationFromXML",
          Map.of("xml", Marshal.dumps(computer(PARTITIONS)))).statusCode(), proxy.log());

      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch enoughAcknowledged = new CountDownLatch(ACKNOWLEDGED_BEFORE_KILL);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.submit(() -> load(proxy.url(), client, stop, enoughAcknowledged, acknowledgedInstances,
            acknowledgedSoftware));
      }
      assertTrue(enoughAcknowledged.await(120, TimeUnit.SECONDS), "the proxy acknowledged too few requests");
      proxy.kill();
      stop.set(true);
      clients.shutdown();
      assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
    }

    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database)) {
      try (Statement check = db.createStatement(); ResultSet result = check.executeQuery("PRAGMA integrity_check")) {
        assertTrue(result.next());
        assertEquals("ok", result.getString(1));
      }
      for (String instance : acknowledgedInstances) {
        assertEquals(1, count(db, "SELECT COUNT(*) FROM partition17 WHERE partition_reference = ? "
            + "AND slap_state = 'busy'", instance), "instance " + instance + " was acknowledged but is lost");
      }
      for (String url : acknowledgedSoftware) {
        assertEquals(1, count(db, "SELECT COUNT(*) FROM software17 WHERE url = ?", url),
            "software " + url + " was acknowledged but is lost");
      }
      // Every allocated partition holds exactly one instance: no double allocation under load.
      assertEquals(0, count(db, "SELECT COUNT(*) FROM (SELECT partition_reference FROM partition17 "
          + "WHERE slap_state = 'busy' GROUP BY partition_reference HAVING COUNT(*) > 1)", null));
    }
    assertTrue(acknowledgedInstances.size() + acknowledgedSoftware.size() >= ACKNOWLEDGED_BEFORE_KILL);

    try (ProxyProcess restarted = ProxyProcess.start(work)) {
      assertEquals(database, restarted.database());
      for (String instance : acknowledgedInstances) {
        HttpResponse<String> answer = get(restarted.url() + "hateoas/partitions/" + instance);
        assertEquals(200, answer.statusCode(), "instance " + instance + " is not served after the restart");
      }
      HttpResponse<String> computer = get(restarted.url() + "getFullComputerInformation?computer_id="
          + ProxyProcess.COMPUTER_ID);
      assertEquals(200, computer.statusCode(), restarted.log());
      for (String url : acknowledgedSoftware) {
        assertTrue(computer.body().contains(url), "software " + url + " is not served after the restart");
      }
      String sr = "http://sr.example/after-restart/software.cfg";
      assertEquals(200, post(restarted.url() + "supplySupply",
          form("url", sr, "computer_id", ProxyProcess.COMPUTER_ID, "state", "available")).statusCode());
      assertEquals(200, post(restarted.url() + "requestComputerPartition", form("software_release", sr,
          "partition_reference", "after-restart", "partition_parameter_xml", Marshal.dumps(Map.of()),
          "filter_xml", Marshal.dumps(Map.of()), "software_type", "default", "state", Marshal.dumps(null),
          "shared_xml", Marshal.dumps(false))).statusCode(), restarted.log());
    }
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void load(String url, int client, AtomicBoolean stop, CountDownLatch enough,
      Queue<String> instances, Queue<String> software) {
    for (int i = 0; !stop.get() && i < PARTITIONS / CLIENTS; i++) {
      try {
        String sr = "http://sr.example/" + client + "/" + i + "/software.cfg";
        if (post(url + "supplySupply", form("url", sr, "computer_id", ProxyProcess.COMPUTER_ID, "state", "available"))
            .statusCode() == 200) {
          software.add(sr);
          enough.countDown();
        }
        String name = "instance-" + client + "-" + i;
        Map<String, String> request = form("software_release", sr, "partition_reference", name,
            "partition_parameter_xml", Marshal.dumps(Map.of("n", (long) i)),
            "filter_xml", Marshal.dumps(Map.of()), "software_type", "default",
            "state", Marshal.dumps(null), "shared_xml", Marshal.dumps(false));
        if (post(url + "requestComputerPartition", request).statusCode() == 200) {
          instances.add(name);
          enough.countDown();
        }
      } catch (IOException killed) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private HttpResponse<String> post(String url, Map<String, String> fields) throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> form(String... keyValues) {
    Map<String, String> form = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      form.put(keyValues[i], keyValues[i + 1]);
    }
    return form;
  }

  /** What slapformat sends for a computer with {@code partitions} partitions. */
  static Map<String, Object> computer(int partitions) {
    List<Object> list = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      list.add(Map.of("reference", "slappart" + p,
          "address_list", List.of(Map.of("addr", "10.0." + (p / 250) + "." + (p % 250 + 1), "netmask", "255.255.255.0")),
          "tap", Map.of("name", "slaptap" + p)));
    }
    return Map.of("reference", ProxyProcess.COMPUTER_ID, "address", "127.0.0.1", "netmask", "255.0.0.0",
        "partition_list", list);
  }

  private static long count(Connection db, String sql, String parameter) throws Exception {
    try (PreparedStatement statement = db.prepareStatement(sql)) {
      if (parameter != null) {
        statement.setString(1, parameter);
      }
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }
}
