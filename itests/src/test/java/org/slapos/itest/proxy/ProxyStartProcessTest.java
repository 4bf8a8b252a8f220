package org.slapos.itest.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.slap.marshal.Marshal;

/**
 * {@code slapos proxy start} as an operator runs it (bin/slapos, its own process): ready when it
 * listens, the same with global options before or after the command, and a clean stop.
 */
class ProxyStartProcessTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int ROUNDS = 5;

  @TempDir
  Path work;

  /** One {@code slapos ...} process, its output in a file. */
  private record Running(Process process, Path outputFile, int port) implements AutoCloseable {
    String output() throws IOException {
      return Files.exists(outputFile) ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
    }

    /** SIGTERM, as an init system stops it; returns the exit code. */
    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private Running slapos(Path directory, int port, String... args) throws IOException {
    Path cfg = directory.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = COMP-READY\nmaster_url = http://127.0.0.1:" + port
        + "/\n\n[slapproxy]\nhost = 127.0.0.1\nport = " + port + "\ndatabase_uri = " + directory.resolve("proxy.db")
        + "\n");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().toString());
    for (String arg : args) {
      command.add(arg.equals("CFG") ? cfg.toString() : arg);
    }
    Path output = directory.resolve("output.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    process.getOutputStream().close();
    return new Running(process, output, port);
  }

  /** Polls the port until it accepts a TCP connection (no HTTP), within the deadline. */
  private static void awaitPortAcceptsConnections(Running running) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!running.process().isAlive()) {
        throw new AssertionError("slapos exited with " + running.process().exitValue() + ":\n" + running.output());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", running.port()), 1000);
        return;
      } catch (IOException notYet) {
        // Not listening yet: poll again right after a very short wait on the process.
        running.process().waitFor(2, TimeUnit.MILLISECONDS);
      }
    }
    throw new AssertionError("port " + running.port() + " not open within " + START_TIMEOUT + ":\n" + running.output());
  }

  /**
   * Waits (with the start deadline) until the process has printed {@code text}: the command prints
   * its start line once its own readiness check has passed, which may come just after the first
   * client was served, so a test that stops the process must wait for it first.
   */
  private static void awaitOutput(Running running, String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!running.output().contains(text)) {
      if (System.nanoTime() > deadline || !running.process().isAlive()) {
        throw new AssertionError("no '" + text + "' in the output:\n" + running.output());
      }
      running.process().waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  /** What {@code slapos node format} sends first: a computer with two partitions. */
  private static HttpResponse<String> postComputer(int port) throws IOException, InterruptedException {
    String xml = Marshal.dumps(ProxyCrashTest.computer(2));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/loadComputerConfigurationFromXML"))
        .timeout(START_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("xml=" + URLEncoder.encode(xml, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertNoErrorLogged(String output) {
    for (String line : output.split("\n")) {
      assertFalse(line.contains(" ERROR ") || line.contains("Exception"), "logged: " + line + "\n" + output);
    }
  }

  @Test
  void servesAComputerPostTheMomentItsPortAcceptsConnectionsAndStopsCleanly() throws Exception {
    for (int round = 1; round <= ROUNDS; round++) {
      Path directory = Files.createDirectories(work.resolve("round-" + round));
      Running running = slapos(directory, SlaposTestSupport.freePort(), "proxy", "start", "--cfg", "CFG");
      try (running) {
        awaitPortAcceptsConnections(running);
        HttpResponse<String> answer = postComputer(running.port());
        assertEquals(200, answer.statusCode(), "round " + round + ": " + answer.body());
        awaitOutput(running, "Starting slapproxy on http://127.0.0.1:" + running.port() + "/");
        assertTrue(running.process().isAlive(), "proxy start keeps serving after the command returned");
      }
      String output = running.output();
      assertTrue(output.contains("Starting slapproxy on http://127.0.0.1:" + running.port() + "/"), output);
      assertNoErrorLogged(output);
    }
  }

  @Test
  void globalOptionsAfterTheCommandBehaveAsBeforeIt() throws Exception {
    Path after = Files.createDirectories(work.resolve("after"));
    Path log = after.resolve("proxy.log");
    Path before = Files.createDirectories(work.resolve("before"));
    // The usual form first, so that a failure of the other one is reported as such. One proxy at a
    // time: a port picked for one must not be taken meanwhile by the other's own listeners.
    List<List<String>> forms = List.of(List.of("--verbose", "proxy", "start", "--cfg", "CFG"),
        List.of("proxy", "start", "--cfg", "CFG", "--verbose", "--log-file", log.toString()));
    for (int i = 0; i < forms.size(); i++) {
      Running running = slapos(i == 0 ? before : after, SlaposTestSupport.freePort(), forms.get(i).toArray(String[]::new));
      try (running) {
        awaitPortAcceptsConnections(running);
        assertEquals(200, postComputer(running.port()).statusCode(), running.output());
        awaitOutput(running, "Starting slapproxy on http://127.0.0.1:" + running.port() + "/");
      }
      String output = running.output();
      assertTrue(output.contains("Starting slapproxy on http://127.0.0.1:" + running.port() + "/"), output);
      // --verbose: the INFO lines of the configuration appear on the console in both forms.
      assertTrue(output.contains("Configuration org.slapos.master.store updated"), output);
      assertNoErrorLogged(output);
    }
    assertTrue(Files.exists(log), "--log-file after the command writes the log");
    assertTrue(Files.readString(log).contains("Starting slapproxy on"), Files.readString(log));
  }
}
