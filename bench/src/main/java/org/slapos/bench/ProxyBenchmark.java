package org.slapos.bench;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slapos.slap.marshal.Marshal;

/**
 * Requests per second and p50/p99 latency of slapproxy's endpoints at 1 and 8 concurrent clients
 * on loopback, against a real {@code bin/slapos proxy start} process with its own SQLite database.
 * Usage: {@code bench/proxy-bench.sh [requests-per-run]}. Each run is bounded in count and in time.
 */
public final class ProxyBenchmark {
  private static final String COMPUTER = "COMP-BENCH";
  private static final int PARTITIONS = 1000;
  private static final Duration RUN_LIMIT = Duration.ofSeconds(20);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String url;

  private ProxyBenchmark(String url) {
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    Path slapos = Path.of(args[0]).toAbsolutePath();
    Path work = Files.createTempDirectory("slapos-bench-");
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Files.writeString(work.resolve("slapos.cfg"), "[slapos]\ncomputer_id = " + COMPUTER
        + "\n\n[slapproxy]\nhost = 127.0.0.1\nport = " + port + "\ndatabase_uri = " + work.resolve("proxy.db") + "\n");
    Process proxy = new ProcessBuilder(slapos.toString(), "proxy", "start", "--cfg", work.resolve("slapos.cfg").toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("proxy.log").toFile()).start();
    try {
      ProxyBenchmark bench = new ProxyBenchmark("http://127.0.0.1:" + port + "/");
      bench.awaitReady(proxy);
      bench.run(requests);
    } finally {
      proxy.destroy();
      proxy.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void run(int requests) throws Exception {
    System.out.printf("Setting up: computer %s with %d partitions, all allocated%n", COMPUTER, PARTITIONS);
    check(post("loadComputerConfigurationFromXML", Map.of("xml", Marshal.dumps(computer(COMPUTER, PARTITIONS)))));
    check(post("supplySupply", form("url", "http://sr.example/software.cfg", "computer_id", COMPUTER, "state", "available")));
    for (int i = 0; i < PARTITIONS; i++) {
      check(post("requestComputerPartition", request("instance-" + i, Map.of("n", String.valueOf(i)))));
    }
    check(post("loadComputerConfigurationFromXML", Map.of("xml", Marshal.dumps(computer("COMP-LOAD", 10)))));
    String loadXml = Marshal.dumps(computer("COMP-LOAD", 10));
    String connection = Marshal.dumps(Map.of("url", "http://instance/", "port", "8080"));

    Map<String, IntFunction<HttpRequest>> endpoints = new LinkedHashMap<>();
    endpoints.put("getFullComputerInformation (1000 partitions)", i -> get("getFullComputerInformation?computer_id=" + COMPUTER));
    endpoints.put("registerComputerPartition", i -> get("registerComputerPartition?computer_reference=" + COMPUTER
        + "&computer_partition_reference=slappart" + (i % PARTITIONS)));
    endpoints.put("requestComputerPartition (existing)", i -> postRequest("requestComputerPartition",
        request("instance-" + (i % PARTITIONS), Map.of("n", String.valueOf(i % PARTITIONS)))));
    endpoints.put("supplySupply", i -> postRequest("supplySupply",
        form("url", "http://sr.example/" + (i % 50) + "/software.cfg", "computer_id", COMPUTER, "state", "available")));
    endpoints.put("setComputerPartitionConnectionXml", i -> postRequest("setComputerPartitionConnectionXml",
        form("computer_id", COMPUTER, "computer_partition_id", "slappart" + (i % PARTITIONS),
            "connection_xml", connection, "slave_reference", "None")));
    endpoints.put("startedComputerPartition", i -> postRequest("startedComputerPartition",
        form("computer_id", COMPUTER, "computer_partition_id", "slappart" + (i % PARTITIONS))));
    endpoints.put("loadComputerConfigurationFromXML (10 partitions)",
        i -> postRequest("loadComputerConfigurationFromXML", Map.of("xml", loadXml)));

    System.out.printf("%-50s %7s %8s %10s %9s %9s %7s%n", "endpoint", "clients", "requests", "req/s", "p50 ms",
        "p99 ms", "errors");
    if (Wrk.available()) {
      // wrk (C, event loop) loads the proxy far harder than a Java client sharing the same 2 cores.
      System.out.println("(load generator: wrk, 3 s per run)");
      for (Map.Entry<String, IntFunction<HttpRequest>> endpoint : endpoints.entrySet()) {
        for (int clients : new int[] {1, 8}) {
          System.out.println(Wrk.run(endpoint.getKey(), endpoint.getValue().apply(7), clients, 3));
        }
      }
      return;
    }
    System.out.println("(load generator: java.net.http; install wrk for higher figures)");
    for (Map.Entry<String, IntFunction<HttpRequest>> endpoint : endpoints.entrySet()) {
      for (int clients : new int[] {1, 8}) {
        int count = endpoint.getKey().startsWith("getFull") ? Math.max(100, requests / 10) : requests;
        measure(endpoint.getKey(), endpoint.getValue(), clients, count);
      }
    }
  }

  private void measure(String name, IntFunction<HttpRequest> requestFor, int clients, int count) throws Exception {
    for (int i = 0; i < Math.min(50, count); i++) {
      http.send(requestFor.apply(i), HttpResponse.BodyHandlers.discarding());
    }
    long[] latencies = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<Integer>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Callable<Integer> worker = () -> {
        int i;
        while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          HttpResponse<Void> answer = http.send(requestFor.apply(i), HttpResponse.BodyHandlers.discarding());
          latencies[i] = System.nanoTime() - t0;
          if (answer.statusCode() != 200) {
            errors.incrementAndGet();
          }
        }
        return 0;
      };
      done.add(pool.submit(worker));
    }
    for (Future<Integer> f : done) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    int completed = Math.min(count, next.get());
    long[] measured = Arrays.stream(latencies, 0, completed).filter(l -> l > 0).sorted().toArray();
    System.out.printf(Locale.ROOT, "%-50s %7d %8d %10.0f %9.2f %9.2f %7d%n", name, clients, measured.length,
        measured.length / (elapsed / 1e9), percentile(measured, 50), percentile(measured, 99), errors.get());
  }

  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private void awaitReady(Process proxy) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!proxy.isAlive()) {
        throw new IllegalStateException("slapos proxy start exited with " + proxy.exitValue());
      }
      try {
        if (http.send(get("getRunId"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      proxy.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("slapos proxy start did not answer within 60 s");
  }

  private Map<String, String> request(String name, Map<String, String> parameters) {
    return form("software_release", "http://sr.example/software.cfg", "partition_reference", name,
        "partition_parameter_xml", Marshal.dumps(parameters), "filter_xml", Marshal.dumps(Map.of()),
        "software_type", "default", "state", Marshal.dumps(null), "shared_xml", Marshal.dumps(false));
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).build();
  }

  private HttpRequest postRequest(String path, Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
  }

  private HttpResponse<String> post(String path, Map<String, String> fields) throws IOException, InterruptedException {
    return http.send(postRequest(path, fields), HttpResponse.BodyHandlers.ofString());
  }

  private static void check(HttpResponse<String> answer) {
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(answer.uri() + " answered " + answer.statusCode() + ": " + answer.body());
    }
  }

  private static Map<String, String> form(String... keyValues) {
    Map<String, String> form = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      form.put(keyValues[i], keyValues[i + 1]);
    }
    return form;
  }

  private static Map<String, Object> computer(String reference, int partitions) {
    List<Object> list = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      list.add(Map.of("reference", "slappart" + p,
          "address_list", List.of(Map.of("addr", "10." + (p / 62500) + "." + (p / 250 % 250) + "." + (p % 250 + 1),
              "netmask", "255.255.255.0")),
          "tap", Map.of("name", "slaptap" + p)));
    }
    return Map.of("reference", reference, "address", "127.0.0.1", "netmask", "255.0.0.0", "partition_list", list);
  }
}
