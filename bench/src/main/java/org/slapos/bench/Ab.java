package org.slapos.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs ApacheBench ({@code ab}, Debian package {@code apache2-utils}) for one fixed request. Without
 * {@code -k} ab opens a new connection per request, which is what slapgrid and the Python SLAP
 * client do, so the figures include connection set-up.
 */
final class Ab {
  private static final Pattern RATE = Pattern.compile("Requests per second:\\s+([0-9.]+)");
  private static final Pattern COMPLETE = Pattern.compile("Complete requests:\\s+(\\d+)");
  private static final Pattern FAILED = Pattern.compile("Failed requests:\\s+(\\d+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx responses:\\s+(\\d+)");

  /** One run: requests completed, requests per second, p50 and p99 in milliseconds, errors. */
  record Result(long requests, double perSecond, double p50, double p99, long errors) {
  }

  private Ab() {
  }

  static boolean available() {
    try {
      Process probe = new ProcessBuilder("ab", "-V").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * @param url the full URL
   * @param formBody a url-encoded POST body, or null for a GET
   * @param clients concurrent connections
   * @param requests number of requests, bounded by {@code seconds}
   */
  static Result run(String url, String formBody, int clients, int requests, int seconds)
      throws IOException, InterruptedException {
    Path body = formBody == null ? null : Files.createTempFile("ab-", ".form");
    try {
      List<String> command = new ArrayList<>(List.of("ab", "-q",
          // -t resets -n to 50000, so it comes first and -n bounds the count.
          "-t", String.valueOf(seconds), "-n", String.valueOf(requests), "-c", String.valueOf(clients), "-s", "30"));
      if (body != null) {
        Files.writeString(body, formBody, StandardCharsets.UTF_8);
        command.addAll(List.of("-p", body.toString(), "-T", "application/x-www-form-urlencoded"));
      }
      command.add(url);
      Process ab = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ab.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
        ab.destroyForcibly();
        throw new IOException("ab did not finish: " + url);
      }
      Matcher rate = RATE.matcher(output);
      if (!rate.find()) {
        throw new IOException("ab failed on " + url + ": " + output.strip());
      }
      return new Result(count(COMPLETE, output), Double.parseDouble(rate.group(1)), percentile(output, 50),
          percentile(output, 99), count(FAILED, output) + count(NON_2XX, output));
    } finally {
      if (body != null) {
        Files.deleteIfExists(body);
      }
    }
  }

  private static long count(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** ab prints "  50%      3" (whole milliseconds) in its percentage table. */
  private static double percentile(String output, int p) {
    Matcher m = Pattern.compile("(?m)^\\s*" + p + "%\\s+(\\d+)").matcher(output);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
