package org.slapos.itest.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.standalone.StandaloneLayout;

/**
 * The requests the Python {@code slapos supply} and {@code slapos request} (slapos.core 1.24) sent
 * to the Python slapproxy, replayed byte for byte against a running master process, with the node
 * side's calls they depend on (the computer posted by format, the connection parameters and state
 * published by the instance run). Each answer must match the captured one: status, content type
 * and body, timestamps compared by role. The unit-level {@code WireReplayTest} replays the whole
 * cycle in-process; this one checks a real runtime over HTTP.
 * <p>The master is {@code bin/slapos proxy start} on a standalone layout's configuration (computer
 * {@code local_computer}, as captured), or, with {@code -Dslapos.replay.url=http://HOST:PORT/},
 * any running master whose computer {@code local_computer} has free partitions.
 */
class PythonClientReplayTest {
  private static final String RESOURCES = "/org/slapos/itest/standalone/replay/";
  private static final Pattern TIMESTAMP = Pattern.compile("<string>timestamp</string><string>([^<]*)</string>");

  @TempDir
  Path work;

  @Test
  void pythonClientRequestsGetTheCapturedAnswers() throws Exception {
    String configured = System.getProperty("slapos.replay.url");
    if (configured != null && !configured.isBlank()) {
      replay(configured.endsWith("/") ? configured : configured + "/");
      return;
    }
    StandaloneLayout layout = StandaloneLayout.prepare(work.resolve("node"),
        new StandaloneLayout.Settings("127.0.0.1", SlaposTestSupport.freePort(), 3, "local_computer", null));
    try (ProxyProcess proxy = ProxyProcess.start(work, layout.configurationFile(), layout.databaseFile(),
        layout.masterUrl() + "/")) {
      replay(proxy.url());
    }
  }

  /**
   * The same exchanges against a whole standalone node ({@code bin/slapos standalone start}: proxy
   * and node loops in one process), as a Python client would talk to it.
   */
  @Test
  void pythonClientRequestsGetTheCapturedAnswersFromAStandaloneNode() throws Exception {
    Path data = work.resolve("standalone");
    if ("root".equals(System.getProperty("user.name"))) {
      // As root the partitions run as nobody, who must traverse the data directory's parents.
      work.toFile().setExecutable(true, false);
      work.toFile().setReadable(true, false);
    }
    int port = SlaposTestSupport.freePort();
    Path slapos = Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath();
    Path log = work.resolve("standalone.log");
    Process node = new ProcessBuilder(slapos.toString(), "standalone", "start", "--data-dir", data.toString(),
        "--port", Integer.toString(port), "--partitions", "3", "--computer-id", "local_computer")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    node.getOutputStream().close();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!Files.readString(log).contains("standalone stop")) {
        assertTrue(node.isAlive(), "standalone start ended: " + Files.readString(log));
        assertTrue(System.nanoTime() < deadline, "standalone start did not finish: " + Files.readString(log));
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
      replay("http://127.0.0.1:" + port + "/");
    } finally {
      Process stop = new ProcessBuilder(slapos.toString(), "standalone", "stop", "--data-dir", data.toString())
          .redirectErrorStream(true).redirectOutput(work.resolve("stop.log").toFile()).start();
      stop.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
      if (!node.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  private void replay(String base) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    Map<String, String> timestamps = new HashMap<>();
    int compared = 0;
    for (String line : resource("manifest.txt").split("\n")) {
      String[] f = line.split(" ", 5);
      String number = f[0];
      String method = f[1];
      String path = f[2];
      String where = number + " " + method + " " + path;
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
          .timeout(Duration.ofSeconds(30))
          .header("User-Agent", "slapos.core/1.24.0")
          .header("Accept", "*/*");
      if (method.equals("POST")) {
        request.header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(resource(number + ".request"), StandardCharsets.UTF_8));
      }
      HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (path.equals("/getHateoasUrl")) {
        // Deviation (proxy.md): the Python slapproxy had no HATEOAS API (404, so the client went on
        // without it); ours gives its URL, which the client then uses for its reads.
        assertEquals(200, answer.statusCode(), where);
        assertEquals(base + "hateoas/", answer.body(), where);
        continue;
      }
      assertEquals(Integer.parseInt(f[3]), answer.statusCode(), where + ": " + answer.body());
      // Compared as media type and parameters: Jetty writes "text/html;charset=utf-8" where
      // Werkzeug wrote "text/html; charset=utf-8"; HTTP gives the space no meaning.
      assertEquals(mediaType(f[4]), mediaType(answer.headers().firstValue("Content-Type").orElse("")), where);
      String expected = resource(number + ".response");
      assertEquals(byRole(expected, timestamps, null), byRole(answer.body(), timestamps, expected), where);
      compared++;
    }
    assertEquals(7, compared, "answers compared");
    assertEquals(2, timestamps.size(), "the first request's timestamp and the destroy request's");
    List<String> captured = new ArrayList<>(timestamps.keySet());
    captured.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
    assertTrue(Double.parseDouble(timestamps.get(captured.get(0))) < Double.parseDouble(timestamps.get(captured.get(1))),
        "a later change has a later timestamp: " + timestamps);
  }

  /**
   * Replaces each timestamp by {@code T(captured value)}. For an actual answer, the timestamp at
   * the same place in the captured answer names its role, and one role keeps one value.
   */
  private static String byRole(String body, Map<String, String> roles, String capturedBody) {
    List<String> captured = new ArrayList<>();
    if (capturedBody != null) {
      for (Matcher c = TIMESTAMP.matcher(capturedBody); c.find();) {
        captured.add(c.group(1));
      }
    }
    StringBuilder out = new StringBuilder();
    Matcher m = TIMESTAMP.matcher(body);
    int index = 0;
    while (m.find()) {
      String role = m.group(1);
      if (capturedBody != null) {
        assertTrue(index < captured.size(), "unexpected timestamp in " + body);
        role = captured.get(index);
        String value = m.group(1);
        Double.parseDouble(value);
        String previous = roles.putIfAbsent(role, value);
        assertEquals(previous == null ? value : previous, value, "the timestamp of " + role + " changed");
      }
      m.appendReplacement(out, Matcher.quoteReplacement("<string>timestamp</string><string>T(" + role + ")</string>"));
      index++;
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String mediaType(String contentType) {
    return contentType.replaceAll("\\s*;\\s*", ";").strip().toLowerCase(java.util.Locale.ROOT);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PythonClientReplayTest.class.getResourceAsStream(RESOURCES + name)) {
      assertNotNull(in, "test resource " + RESOURCES + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
