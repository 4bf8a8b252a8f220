package org.slapos.itest.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slapos.itest.support.SlaposTestSupport;

/**
 * A real {@code bin/slapos proxy start} process on loopback, on its own SQLite database, as an
 * operator runs it. Used by tests that need a separate process (e.g. to kill it).
 */
public final class ProxyProcess implements AutoCloseable {
  public static final String COMPUTER_ID = "COMP-ITEST";

  private final Process process;
  private final Path database;
  private final Path log;
  private final String url;

  private ProxyProcess(Process process, Path database, Path log, String url) {
    this.process = process;
    this.database = database;
    this.log = log;
    this.url = url;
  }

  public static ProxyProcess start(Path workDirectory) throws IOException, InterruptedException {
    int port = SlaposTestSupport.freePort();
    Path database = workDirectory.resolve("proxy.db");
    Path cfg = workDirectory.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + COMPUTER_ID + "\nmaster_url = http://127.0.0.1:" + port
        + "/\n\n[slapproxy]\nhost = 127.0.0.1\nport = " + port + "\ndatabase_uri = " + database + "\n");
    return start(workDirectory, cfg, database, "http://127.0.0.1:" + port + "/");
  }

  /**
   * {@code bin/slapos proxy start --cfg CFG} on a configuration written elsewhere (e.g. a standalone
   * node's {@code etc/slapos.cfg}); returns once it answers at {@code url} (with a trailing slash).
   */
  public static ProxyProcess start(Path workDirectory, Path cfg, Path database, String url)
      throws IOException, InterruptedException {
    Path log = workDirectory.resolve("proxy.log");
    Path slapos = Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath();
    Process process = new ProcessBuilder(slapos.toString(), "proxy", "start", "--cfg", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ProxyProcess proxy = new ProxyProcess(process, database, log, url);
    try {
      proxy.awaitReady(Duration.ofSeconds(60));
    } catch (IOException | InterruptedException | RuntimeException e) {
      proxy.close();
      throw e;
    }
    return proxy;
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("slapos proxy start exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(url + "getRunId"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // The server is not listening yet: ask again on the next turn, until the deadline.
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("slapos proxy start did not answer within " + timeout + ":\n" + log());
  }

  public String url() {
    return url;
  }

  public Path database() {
    return database;
  }

  Process process() {
    return process;
  }

  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** SIGKILL: no shutdown hook, no flush, like a power cut of the process. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
