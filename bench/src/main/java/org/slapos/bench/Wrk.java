package org.slapos.bench;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (HTTP load generator, Debian package {@code wrk}) for one fixed request. */
final class Wrk {
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private Wrk() {
  }

  static boolean available() {
    try {
      Process probe = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      probe.waitFor(10, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String run(String name, HttpRequest request, int connections, int seconds) throws Exception {
    Path script = Files.createTempFile("wrk-", ".lua");
    try {
      StringBuilder lua = new StringBuilder("wrk.method = \"").append(request.method()).append("\"\n");
      request.headers().map().forEach((key, values) -> lua.append("wrk.headers[\"").append(key).append("\"] = \"")
          .append(values.get(0)).append("\"\n"));
      String body = body(request);
      if (!body.isEmpty()) {
        lua.append("wrk.body = \"").append(body.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
      }
      Files.writeString(script, lua.toString());
      Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
          "-s", script.toString(), request.uri().toString()).redirectErrorStream(true).start();
      String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      wrk.waitFor(seconds + 30L, TimeUnit.SECONDS);
      return String.format(Locale.ROOT, "%-50s %7d %8s %10s %9s %9s %7d", name, connections,
          find(TOTAL, output), find(RATE, output), percentile(output, "50%"), percentile(output, "99%"),
          errors(output));
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static String find(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    return m.find() ? m.group(1) : "?";
  }

  private static long errors(String output) {
    long count = 0;
    Matcher non2xx = NON_2XX.matcher(output);
    if (non2xx.find()) {
      count += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = ERRORS.matcher(output);
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        count += Long.parseLong(socket.group(g));
      }
    }
    return count;
  }

  /** wrk prints e.g. "     50%  112.00us" or "99%    2.31ms": converted to milliseconds. */
  private static String percentile(String output, String label) {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)").matcher(output);
    if (!m.find()) {
      return "?";
    }
    double value = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
    return String.format(Locale.ROOT, "%.3f", millis);
  }

  /** The body of a request built with BodyPublishers.ofString. */
  private static String body(HttpRequest request) throws InterruptedException {
    if (request.bodyPublisher().isEmpty()) {
      return "";
    }
    List<ByteBuffer> chunks = new ArrayList<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    request.bodyPublisher().get().subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        chunks.add(item);
      }

      @Override
      public void onError(Throwable throwable) {
        done.countDown();
      }

      @Override
      public void onComplete() {
        done.countDown();
      }
    });
    done.await(10, TimeUnit.SECONDS);
    StringBuilder text = new StringBuilder();
    chunks.forEach(chunk -> text.append(StandardCharsets.UTF_8.decode(chunk)));
    return text.toString();
  }
}
