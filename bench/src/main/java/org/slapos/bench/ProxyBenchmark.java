package org.slapos.bench;

import java.io.IOException;
import java.net.InetAddress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slapos.slap.marshal.Marshal;

/**
 * Requests per second and p50/p99 latency of slapproxy's endpoints at 1 and 8 concurrent clients
 * on loopback, a new connection per request (ApacheBench without keep-alive, as slapgrid and the
 * Python SLAP client connect), against a real {@code bin/slapos proxy start} process with its own
 * SQLite database, and side by side against the Python slapproxy when one is installed.
 *
 * <p>Usage: {@code ProxyBenchmark BIN_SLAPOS REQUESTS_PER_RUN [PYTHON_SLAPOS]}; {@code bench/proxy-bench.sh}
 * finds the arguments.
 */
public final class ProxyBenchmark {
  private static final String COMPUTER = "COMP-BENCH";
  /** slapos node format's default partition amount. */
  private static final int PARTITIONS = 10;
  private static final int BIG_PARTITIONS = 1000;
  private static final String BIG_COMPUTER = "COMP-BIG";
  private static final int SECONDS_PER_RUN = 30;
  private static final int[] CLIENTS = {1, 8};

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One endpoint under load: a GET path with query, or a POST path with a form. */
  private record Endpoint(String name, String path, Map<String, String> form) {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ProxyBenchmark BIN_SLAPOS REQUESTS_PER_RUN [PYTHON_SLAPOS]");
      System.exit(2);
    }
    if (!Ab.available()) {
      System.err.println("ab (Debian package apache2-utils) is required: apt-get install apache2-utils");
      System.exit(2);
    }
    Path javaSlapos = Path.of(args[0]).toAbsolutePath();
    int requests = Integer.parseInt(args[1]);
    Path pythonSlapos = args.length > 2 && !args[2].isBlank() ? Path.of(args[2]).toAbsolutePath() : null;
    new ProxyBenchmark().run(javaSlapos, pythonSlapos, requests);
  }

  private void run(Path javaSlapos, Path pythonSlapos, int requests) throws Exception {
    List<Endpoint> endpoints = endpoints();
    System.out.printf("Load: ab, new connection per request, %d requests or %d s per run; computer %s with %d"
        + " allocated partitions, %s with %d%n", requests, SECONDS_PER_RUN, COMPUTER, PARTITIONS, BIG_COMPUTER,
        BIG_PARTITIONS);
    Map<String, Ab.Result> ours = measure("Java", javaSlapos, endpoints, requests);
    Map<String, Ab.Result> python = null;
    if (pythonSlapos == null) {
      System.out.println("Python slapproxy: not installed (set PYTHON_SLAPOS to its `slapos` entry point to compare)");
    } else {
      python = measure("Python", pythonSlapos, endpoints, requests);
    }
    System.out.println();
    System.out.printf("%-48s %7s %9s %7s %7s %6s %10s %7s%n", "endpoint", "clients", "req/s", "p50 ms", "p99 ms",
        "errors", "Python", "ratio");
    for (Endpoint endpoint : endpoints) {
      for (int clients : CLIENTS) {
        String key = endpoint.name() + "/" + clients;
        Ab.Result r = ours.get(key);
        Ab.Result p = python == null ? null : python.get(key);
        System.out.printf(Locale.ROOT, "%-48s %7d %9.0f %7.0f %7.0f %6d %10s %7s%n", endpoint.name(), clients,
            r.perSecond(), r.p50(), r.p99(), r.errors(),
            p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.perSecond()),
            p == null || p.perSecond() == 0 ? "-" : String.format(Locale.ROOT, "%.1fx", r.perSecond() / p.perSecond()));
      }
    }
  }

  private Map<String, Ab.Result> measure(String label, Path slapos, List<Endpoint> endpoints, int requests)
      throws Exception {
    Path work = Files.createTempDirectory("slapos-bench-" + label.toLowerCase(Locale.ROOT) + "-");
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Files.writeString(work.resolve("slapos.cfg"), "[slapos]\ncomputer_id = " + COMPUTER
        + "\n\n[slapproxy]\nhost = 127.0.0.1\nport = " + port + "\ndatabase_uri = " + work.resolve("proxy.db") + "\n");
    Process proxy = new ProcessBuilder(slapos.toString(), "proxy", "start", "--cfg", work.resolve("slapos.cfg").toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("proxy.log").toFile()).start();
    String url = "http://127.0.0.1:" + port + "/";
    Map<String, Ab.Result> results = new LinkedHashMap<>();
    try {
      awaitReady(proxy, url);
      System.out.printf("%s slapproxy (%s) on %s: setting up%n", label, slapos, url);
      setUp(url);
      for (Endpoint endpoint : endpoints) {
        for (int clients : CLIENTS) {
          String target = url + endpoint.path();
          String body = endpoint.form() == null ? null : encode(endpoint.form());
          Ab.run(target, body, clients, Math.min(2000, requests), SECONDS_PER_RUN); // warm-up (JIT)
          long cpuBefore = cpuMillis(proxy);
          Ab.Result result = Ab.run(target, body, clients, requests, SECONDS_PER_RUN);
          long cpu = cpuMillis(proxy) - cpuBefore;
          System.out.printf(Locale.ROOT, "  %-48s %d clients: %.0f req/s, proxy CPU %s us/request%n", endpoint.name(),
              clients, result.perSecond(), cpu < 0 || result.requests() == 0 ? "?"
                  : String.format(Locale.ROOT, "%.0f", cpu * 1000.0 / result.requests()));
          results.put(endpoint.name() + "/" + clients, result);
        }
      }
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(30, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
    }
    return results;
  }

  /**
   * CPU time (user + system) used so far by the proxy process, or -1 where /proc is missing: on a
   * shared machine it says more about the cost of a request than the rate does.
   */
  private static long cpuMillis(Process proxy) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(proxy.pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Every endpoint, or those whose name contains the system property {@code bench.only} (for profiling). */
  private static List<Endpoint> endpoints() {
    String only = System.getProperty("bench.only", "");
    return allEndpoints().stream().filter(e -> e.name().contains(only)).toList();
  }

  private static List<Endpoint> allEndpoints() {
    String connection = Marshal.dumps(Map.of("url", "http://instance/", "port", "8080"));
    return List.of(
        new Endpoint("getFullComputerInformation (" + PARTITIONS + " partitions)",
            "getFullComputerInformation?computer_id=" + COMPUTER, null),
        new Endpoint("getFullComputerInformation (" + BIG_PARTITIONS + " partitions)",
            "getFullComputerInformation?computer_id=" + BIG_COMPUTER, null),
        new Endpoint("requestComputerPartition (existing instance)", "requestComputerPartition",
            request("instance-0", COMPUTER, Map.of("n", "0"))),
        new Endpoint("supplySupply", "supplySupply",
            form("url", "http://sr.example/software.cfg", "computer_id", COMPUTER, "state", "available")),
        new Endpoint("registerComputerPartition", "registerComputerPartition?computer_reference=" + COMPUTER
            + "&computer_partition_reference=slappart0", null),
        new Endpoint("setComputerPartitionConnectionXml", "setComputerPartitionConnectionXml",
            form("computer_id", COMPUTER, "computer_partition_id", "slappart0", "connection_xml", connection,
                "slave_reference", "None")));
  }

  private void setUp(String url) throws IOException, InterruptedException {
    for (Map.Entry<String, Integer> computer : Map.of(COMPUTER, PARTITIONS, BIG_COMPUTER, BIG_PARTITIONS).entrySet()) {
      check(post(url, "loadComputerConfigurationFromXML",
          Map.of("xml", Marshal.dumps(computer(computer.getKey(), computer.getValue())))));
      check(post(url, "supplySupply", form("url", "http://sr.example/software.cfg", "computer_id", computer.getKey(),
          "state", "available")));
      for (int i = 0; i < computer.getValue(); i++) {
        String name = computer.getKey().equals(COMPUTER) ? "instance-" + i : "big-" + i;
        check(post(url, "requestComputerPartition", request(name, computer.getKey(), Map.of("n", String.valueOf(i)))));
      }
    }
  }

  private void awaitReady(Process proxy, String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!proxy.isAlive()) {
        throw new IllegalStateException("slapos proxy start exited with " + proxy.exitValue());
      }
      try {
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "getComputerPartitionCertificate"))
            .timeout(Duration.ofSeconds(5)).build();
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet: ask again on the next turn, until the deadline
      }
      proxy.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("slapos proxy start did not answer within 60 s");
  }

  private static Map<String, String> request(String name, String computer, Map<String, String> parameters) {
    return form("software_release", "http://sr.example/software.cfg", "partition_reference", name,
        "partition_parameter_xml", Marshal.dumps(parameters),
        "filter_xml", Marshal.dumps(Map.of("computer_guid", computer)),
        "software_type", "default", "state", Marshal.dumps(null), "shared_xml", Marshal.dumps(false));
  }

  private HttpResponse<String> post(String url, String path, Map<String, String> fields)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(fields))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
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
