package org.slapos.itest.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code bin/demo}, as a user runs it, on a data directory of its own
 * ({@code SLAPOS_STANDALONE_DIRECTORY}): it ends with exit 0, the URL it prints answers HTTP 200, a second
 * run reuses the running node, and the stop line it prints stops everything: the standalone JVM and the
 * node supervisord are gone and the URL no longer answers.
 */
class DemoCommandProcessTest {
  private static final Pattern UP = Pattern.compile("Instance '([^']+)' is up: (http://\\S+) \\(HTTP 200\\)");
  private static final Pattern STOP = Pattern.compile("(?m)^Stop everything with: (.+)$");
  private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(10);

  @TempDir
  Path work;

  private Path data;

  @AfterEach
  void stopWhateverIsLeft() throws Exception {
    // A failed assertion must not leave a node running: stop it the way the demo says.
    if (data != null && Files.exists(data.resolve("etc/slapos.cfg"))) {
      run(List.of(repository().resolve("bin/slapos").toString(), "standalone", "stop", "--data-dir", data.toString()),
          Duration.ofMinutes(2));
    }
  }

  @Test
  void demoDeploysTheDemoAndItsStopLineStopsEverything() throws Exception {
    data = work.resolve("standalone");
    if (isRoot()) {
      // As root the partitions run as nobody, who must traverse the data directory's parents.
      work.toFile().setExecutable(true, false);
      work.toFile().setReadable(true, false);
    }
    Output first = run(List.of(repository().resolve("bin/demo").toString()), DEMO_TIMEOUT);
    assertEquals(0, first.exitCode(), first.text());
    Matcher up = UP.matcher(first.text());
    assertTrue(up.find(), first.text());
    String url = up.group(2);
    assertEquals(200, status(url).orElse(-1), "the printed URL " + url + " must answer");
    for (String step : List.of("Standalone node started", "Node formatted", "Supplied the demo", "Requested instance",
        "Software installed", "Promise green")) {
      assertTrue(first.text().contains(step), "no '" + step + "' line in:\n" + first.text());
    }
    long runtimePid = Long.parseLong(Files.readString(data.resolve("var/run/slapos-standalone.pid")).strip());
    long supervisordPid = Long.parseLong(Files.readString(data.resolve("inst/var/run/supervisord.pid")).strip());
    assertTrue(ProcessHandle.of(runtimePid).map(ProcessHandle::isAlive).orElse(false));

    Output second = run(List.of(repository().resolve("bin/demo").toString()), DEMO_TIMEOUT);
    assertEquals(0, second.exitCode(), second.text());
    assertTrue(second.text().contains("Standalone node already running (pid " + runtimePid + ")"), second.text());
    Matcher upAgain = UP.matcher(second.text());
    assertTrue(upAgain.find(), second.text());
    assertEquals(url, upAgain.group(2), "the same instance, reused");

    Matcher stop = STOP.matcher(second.text());
    assertTrue(stop.find(), second.text());
    List<String> stopCommand = List.of(stop.group(1).strip().split(" +"));
    Output stopped = run(stopCommand, Duration.ofMinutes(2));
    assertEquals(0, stopped.exitCode(), stopped.text());
    assertFalse(ProcessHandle.of(runtimePid).map(ProcessHandle::isAlive).orElse(false), "the standalone JVM is gone");
    assertFalse(ProcessHandle.of(supervisordPid).map(ProcessHandle::isAlive).orElse(false), "supervisord is gone");
    assertTrue(status(url).isEmpty(), url + " must no longer answer");
    Output again = run(stopCommand, Duration.ofMinutes(2));
    assertEquals(0, again.exitCode(), again.text());
    assertTrue(again.text().contains("No standalone node runs on " + data), again.text());
  }

  private static Path repository() {
    return Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().normalize().getParent().getParent();
  }

  private static boolean isRoot() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
  }

  /** The URL's HTTP status, or empty when nothing answers. */
  private static Optional<Integer> status(String url) throws InterruptedException {
    try {
      return Optional.of(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    } catch (IOException nothingListens) {
      return Optional.empty();
    }
  }

  record Output(int exitCode, String text) {
  }

  /** Runs a command with the test's data directory in its environment; standard output and error together. */
  private Output run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "run", ".txt");
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(repository().toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SLAPOS_STANDALONE_DIRECTORY", data.toString());
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not end within " + timeout.toSeconds() + " s:\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Output(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
