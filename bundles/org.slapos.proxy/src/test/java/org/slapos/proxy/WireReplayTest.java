package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays a cycle captured between the Python client and the Python slapproxy 1.24 (format, supply,
 * software, request, instance, request again, report) and compares every answer byte for byte.
 * Timestamps are compared by their role: the same captured timestamp must map to the same new one,
 * and the order between them is kept.
 */
class WireReplayTest {
  private static final Pattern TIMESTAMP = Pattern.compile("<string>timestamp</string><string>([^<]*)</string>");

  @TempDir
  Path dir;

  static String resource(String name) throws IOException {
    try (InputStream in = WireReplayTest.class.getResourceAsStream("/wire/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /wire/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void pythonClientCycleGetsTheSameAnswers() throws Exception {
    Map<String, String> timestamps = new HashMap<>();
    int compared = 0;
    try (ProxyFixture proxy = new ProxyFixture(dir, "local_computer")) {
      for (String line : resource("manifest.txt").split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(" ", 5);
        String number = f[0];
        String method = f[1];
        String path = f[2];
        int status = Integer.parseInt(f[3]);
        Reply reply = method.equals("GET")
            ? proxy.send("GET", path, f.length > 4 ? f[4] : "", new byte[0], null)
            : proxy.postRaw(path, resource(number + ".request"));
        String expected = resource(number + ".response");
        String context = number + " " + method + " " + path;
        assertEquals("text/html; charset=utf-8", reply.contentType(), context);
        if (path.equals("/getHateoasUrl")) {
          // Deviation: slapproxy 1.24 had no HATEOAS URL to give (404).
          assertEquals(200, reply.status(), context);
          assertEquals("http://127.0.0.1:5001/hateoas/", reply.bodyText(), context);
          continue;
        }
        if (path.equals("/updateComputerPartitionRelatedInstanceList")) {
          // Deviation: accepted and ignored, as the real master does, instead of 404.
          assertEquals(200, reply.status(), context);
          assertEquals("done", reply.bodyText(), context);
          continue;
        }
        assertEquals(status, reply.status(), context);
        assertEquals(normalise(expected, timestamps, null), normalise(reply.bodyText(), timestamps, expected), context);
        compared++;
      }
    }
    assertEquals(19, compared);
    assertEquals(2, timestamps.size(), "two distinct timestamps in the cycle: first request and destroy request");
    List<String> captured = new ArrayList<>(timestamps.keySet());
    captured.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
    assertTrue(Double.parseDouble(timestamps.get(captured.get(0))) < Double.parseDouble(timestamps.get(captured.get(1))));
  }

  /**
   * Replaces timestamps by {@code T(captured)}. For an actual answer, each new timestamp is mapped to
   * the captured one at the same place, and the mapping must stay consistent.
   */
  private static String normalise(String body, Map<String, String> mapping, String capturedBody) {
    Matcher m = TIMESTAMP.matcher(body);
    List<String> captured = new ArrayList<>();
    if (capturedBody != null) {
      Matcher c = TIMESTAMP.matcher(capturedBody);
      while (c.find()) {
        captured.add(c.group(1));
      }
    }
    StringBuilder out = new StringBuilder();
    int index = 0;
    while (m.find()) {
      String value = m.group(1);
      String role = value;
      if (capturedBody != null) {
        assertTrue(index < captured.size(), "unexpected timestamp in " + body);
        role = captured.get(index);
        String previous = mapping.putIfAbsent(role, value);
        assertEquals(previous == null ? value : previous, value, "timestamp of " + role + " changed");
        Double.parseDouble(value);
      }
      m.appendReplacement(out, Matcher.quoteReplacement("<string>timestamp</string><string>T(" + role + ")</string>"));
      index++;
    }
    m.appendTail(out);
    return out.toString();
  }
}
