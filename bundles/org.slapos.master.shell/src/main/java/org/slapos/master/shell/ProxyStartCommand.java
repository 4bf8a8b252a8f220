package org.slapos.master.shell;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.marshal.PyJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos proxy start}: configures the master store, the slapproxy endpoints and the HTTP
 * server through Configuration Admin from slapos.cfg and the command line, waits until slapproxy
 * serves, prints {@code Starting slapproxy on URL} and hands the services to the runtime
 * ({@link CommandContext#keepRuntimeRunning()}): they live until the process stops, not as long as
 * this component.
 */
@Component(property = {
    SlaposCommand.NAME + "=proxy start",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=minimalist, stand-alone SlapOS Master"})
public final class ProxyStartCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyStartCommand.class);

  /** Felix HTTP's configuration PID and keys. */
  static final String HTTP_PID = "org.apache.felix.http";
  static final String HTTP_PORT = "org.osgi.service.http.port";
  static final String HTTP_HOST = "org.apache.felix.http.host";
  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8080;
  /** Felix HTTP's own connector: "0" asks it for an ephemeral port. */
  static final String INTERNAL_HTTP_PORT = "0";
  /** How long to wait for the store, the endpoints and the listener (a large migration takes a while). */
  static final long READY_TIMEOUT_SECONDS = 120;
  /** Pause between two readiness probes that found the port closed (the listener is being created). */
  private static final long PROBE_PAUSE_MILLIS = 20;

  private static final String USAGE = """
      usage: slapos proxy start [-h] [--cfg CFG] [-u DATABASE_URI] [--port PORT]
                                [--host HOST]
                                [--local-software-release-root LOCAL_SOFTWARE_RELEASE_ROOT]
      """;
  private static final String HELP = USAGE + """

      minimalist, stand-alone SlapOS Master

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)
        -u DATABASE_URI, --database-uri DATABASE_URI
                              URI for sqlite database
        --port PORT           Port to use
        --host HOST           Host to use
        --local-software-release-root LOCAL_SOFTWARE_RELEASE_ROOT
                              Root path for local Software Releases
      """;
  static final ArgumentSyntax OPTIONS = ArgumentSyntax.builder("slapos proxy start", USAGE, HELP)
      .option(Arity.ONE, "--cfg")
      .option(Arity.ONE, "-u", "--database-uri")
      .option(Arity.ONE, "--port")
      .option(Arity.ONE, "--host")
      .option(Arity.ONE, "--local-software-release-root")
      .build();

  private final ConfigurationAdmin configurationAdmin;
  /** Counted down when the framework deactivates this command: a start-up wait then gives up. */
  private final CountDownLatch deactivated = new CountDownLatch(1);
  /** How long {@code proxy start} waits for slapproxy to serve before it fails. */
  private final Duration readyTimeout;

  @Activate
  public ProxyStartCommand(@Reference ConfigurationAdmin configurationAdmin) {
    this(configurationAdmin, Duration.ofSeconds(READY_TIMEOUT_SECONDS));
  }

  ProxyStartCommand(ConfigurationAdmin configurationAdmin, Duration readyTimeout) {
    this.configurationAdmin = configurationAdmin;
    this.readyTimeout = readyTimeout;
  }

  @Deactivate
  void deactivate() {
    deactivated.countDown();
  }

  /** What {@code proxy start} configures, resolved from slapos.cfg and the command line. */
  record Plan(Path database, String computerId, String localSoftwareReleaseRoot, String host, int port,
      String[] softwareProducts, String[] multimaster) {
  }

  static Plan plan(CommandContext context, Arguments arguments) throws CommandFailure {
    Map<String, String> commandLine = new LinkedHashMap<>();
    for (String key : List.of("database_uri", "port", "host", "local_software_release_root")) {
      commandLine.put(key, arguments.value(key));
    }
    ProxyConfigFile file = ProxyConfigFile.load(context, arguments.value("cfg"), commandLine);
    Path database = file.database(context);
    String computerId = file.get("computer_id");
    if (computerId == null) {
      throw new CommandFailure(1, "computer_id is required (in [slapos] or [slapproxy] of " + file.source + ").");
    }
    String host = file.get("host") == null ? DEFAULT_HOST : file.get("host");
    int port = DEFAULT_PORT;
    if (file.get("port") != null) {
      try {
        port = Integer.parseInt(file.get("port").strip());
      } catch (NumberFormatException e) {
        throw new CommandFailure(1, "port must be a number, got " + file.get("port"));
      }
      if (port < 1 || port > 65535) {
        throw new CommandFailure(1, "port must be between 1 and 65535, got " + port);
      }
    }
    String root = file.get("local_software_release_root") == null ? "/" : file.get("local_software_release_root");
    List<String> products = new ArrayList<>();
    String productList = file.get("software_product_list");
    if (productList != null) {
      for (String line : productList.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        if (line.strip().split("\\s+").length != 2) {
          throw new CommandFailure(1, "software_product_list: expected \"<product> <url>\" lines, got " + line);
        }
        products.add(line.strip());
      }
    }
    List<String> masters = new ArrayList<>();
    for (ProxyConfigFile.Master m : file.masters) {
      masters.add(PyJson.dumps(multimasterEntry(m)));
    }
    return new Plan(database, computerId, root, host, port, products.toArray(String[]::new),
        masters.toArray(String[]::new));
  }

  /** One entry of ProxyConfiguration.MULTIMASTER: the section's settings, absent ones left out. */
  private static Map<String, Object> multimasterEntry(ProxyConfigFile.Master master) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("url", master.url());
    if (master.key() != null) {
      entry.put("key", master.key());
    }
    if (master.cert() != null) {
      entry.put("cert", master.cert());
    }
    entry.put("software_release_list", master.softwareReleaseList());
    if (master.computer() != null) {
      entry.put("computer", master.computer());
    }
    if (master.partition() != null) {
      entry.put("partition", master.partition());
    }
    if (master.caFile() != null && !master.caFile().isEmpty()) {
      entry.put("ca_file", master.caFile());
    }
    if (master.insecureSkipTlsVerify() != null) {
      entry.put("insecure_skip_tls_verify", master.insecureSkipTlsVerify());
    }
    return entry;
  }

  @Override
  public java.util.Set<String> optionNames() {
    return OPTIONS.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = OPTIONS.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    Plan plan = plan(context, arguments);
    if (!currentlyConfigured(ProxyConfiguration.PID, proxyProperties(plan))) {
      ensureCanListen(plan.host(), plan.port());
    }
    configure(plan);
    String url = "http://" + (plan.host().contains(":") ? "[" + plan.host() + "]" : plan.host()) + ":" + plan.port() + "/";
    awaitServing(plan, url);
    LOG.info("Starting slapproxy on {} (database {})", url, plan.database());
    context.err().println("Starting slapproxy on " + url);
    context.err().flush();
    // The services now belong to the runtime: this command returns, they keep serving until the
    // process is stopped, whatever bundle (this one included) is updated meanwhile.
    context.keepRuntimeRunning();
    return 0;
  }

  /**
   * Waits until slapproxy answers {@code GET /getRunId} with 200 on its own address. Its listener
   * holds connections until the endpoints are dispatched, so one request that connects is answered
   * once slapproxy is ready; the only retries are for the moments before the listener exists.
   */
  void awaitServing(Plan plan, String url) throws CommandFailure, InterruptedException {
    String probeHost = isWildcard(plan.host()) ? "127.0.0.1" : plan.host();
    URI probe = URI.create("http://" + (probeHost.contains(":") ? "[" + probeHost + "]" : probeHost) + ":"
        + plan.port() + "/getRunId");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    // An answer (HTTP 503...) says more than the error of a last probe cut short by the deadline.
    String lastAnswer = null;
    String lastError = "no answer";
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new CommandFailure(1, "slapproxy is not serving on " + url + " after " + readyTimeout.toSeconds()
            + " s (" + (lastAnswer != null ? lastAnswer : lastError) + "); see the log (database "
            + plan.database() + ")");
      }
      try {
        HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(probe).timeout(Duration.ofNanos(left)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
        lastAnswer = "HTTP " + answer.statusCode();
      } catch (IOException notListeningYet) {
        lastError = notListeningYet.toString();
      }
      // Wait for the next probe on the deactivation latch: a stop of this command ends the wait.
      if (deactivated.await(PROBE_PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
        throw new CommandFailure(1, "proxy start was stopped before slapproxy served on " + url);
      }
    }
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** Pushes the three configurations; unchanged ones are left alone (no restart). */
  void configure(Plan plan) throws IOException {
    Hashtable<String, Object> storeProperties = new Hashtable<>();
    storeProperties.put(MasterStore.CONFIG_DATABASE_URI, plan.database().toString());
    storeProperties.put(MasterStore.CONFIG_COMPUTER_ID, plan.computerId());
    storeProperties.put(MasterStore.CONFIG_LOCAL_SOFTWARE_RELEASE_ROOT, plan.localSoftwareReleaseRoot());
    update(MasterStore.PID, storeProperties);

    update(ProxyConfiguration.PID, proxyProperties(plan));

    update(HTTP_PID, internalHttpProperties());
  }

  /** The endpoints' configuration, with slapproxy's own address (its listener, see docs/proxy.md). */
  private static Hashtable<String, Object> proxyProperties(Plan plan) {
    Hashtable<String, Object> proxyProperties = new Hashtable<>();
    proxyProperties.put(ProxyConfiguration.SOFTWARE_PRODUCT_LIST, plan.softwareProducts());
    proxyProperties.put(ProxyConfiguration.MULTIMASTER, plan.multimaster());
    proxyProperties.put(ProxyConfiguration.HTTP_HOST, plan.host());
    proxyProperties.put(ProxyConfiguration.HTTP_PORT, plan.port());
    return proxyProperties;
  }

  /**
   * Felix HTTP needs a connector of its own to start its whiteboard, and opens it before the
   * whiteboard dispatches: it gets an ephemeral loopback port that nobody is told about, while
   * slapproxy serves on the connector it adds itself once ready.
   */
  static Hashtable<String, Object> internalHttpProperties() {
    Hashtable<String, Object> httpProperties = new Hashtable<>();
    httpProperties.put(HTTP_PORT, INTERNAL_HTTP_PORT);
    httpProperties.put(HTTP_HOST, DEFAULT_HOST);
    return httpProperties;
  }

  private boolean currentlyConfigured(String pid, Hashtable<String, Object> properties) throws IOException {
    Dictionary<String, Object> current = configurationAdmin.getConfiguration(pid, "?").getProperties();
    return current != null && same(current, properties);
  }

  /**
   * The HTTP server reports a busy port only in its log and keeps running without a listener:
   * check first, so that the command fails at once with one clear line instead.
   */
  static void ensureCanListen(String host, int port) throws CommandFailure {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(host, port));
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      throw new CommandFailure(1, "Cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
  }

  private void update(String pid, Hashtable<String, Object> properties) throws IOException {
    Configuration configuration = configurationAdmin.getConfiguration(pid, "?");
    Dictionary<String, Object> current = configuration.getProperties();
    if (current != null && same(current, properties)) {
      LOG.debug("Configuration {} unchanged", pid);
      return;
    }
    configuration.update(properties);
    LOG.info("Configuration {} updated", pid);
  }

  private static boolean same(Dictionary<String, Object> current, Map<String, Object> wanted) {
    int count = 0;
    for (java.util.Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
      String key = keys.nextElement();
      if (key.equals("service.pid") || key.equals("service.factoryPid") || key.startsWith("felix.")) {
        continue;
      }
      count++;
      Object a = current.get(key);
      Object b = wanted.get(key);
      if (a instanceof Object[] x && b instanceof Object[] y) {
        if (!java.util.Arrays.equals(x, y)) {
          return false;
        }
      } else if (!Objects.equals(a, b)) {
        return false;
      }
    }
    return count == wanted.size();
  }
}
