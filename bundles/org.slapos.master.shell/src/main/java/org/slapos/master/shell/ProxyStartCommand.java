package org.slapos.master.shell;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.RequestInfoDTO;
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
 * {@code slapos proxy start}: configures the master store, the slapproxy endpoints, the network
 * cache server and the HTTP server through Configuration Admin from slapos.cfg and the command line,
 * waits until slapproxy (and the cache) serve, prints {@code Starting slapproxy on URL} and hands the
 * services to the runtime ({@link CommandContext#keepRuntimeRunning()}): they live until the process
 * stops, not as long as this component.
 *
 * <p>The network cache (bundle {@code org.slapos.cache.server}) is served by the same Jetty and
 * Servlet Whiteboard as the SLAP endpoints, so it answers on slapproxy's own port at
 * {@code /shacache} and {@code /shadir}; its servlets' patterns are more specific than the
 * endpoints' {@code /}, and no SLAP endpoint lives under those two paths.
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

  /** The cache server's configuration PID and key (bundle org.slapos.cache.server, CacheServerConfig). */
  static final String CACHE_SERVER_PID = "org.slapos.cache.server";
  static final String CACHE_ROOT_DIRECTORY = "root.directory";
  /** The names the cache server's servlets carry on the whiteboard (ShacacheServlet, ShadirServlet). */
  static final String SHACACHE_SERVLET = "slapos-shacache";
  static final String SHADIR_SERVLET = "slapos-shadir";
  /** The {@code [slapproxy]} keys of ours: the switch and the directory of the network cache. */
  static final String NETWORKCACHE_KEY = "networkcache";
  static final String NETWORKCACHE_DIRECTORY_KEY = "networkcache_directory";
  /** The default cache directory's name, next to the database file. */
  static final String DEFAULT_NETWORKCACHE_DIRECTORY = "networkcache";

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
  /**
   * The Servlet Whiteboard's runtime, which tells when the cache's paths are mapped. Optional: Felix
   * HTTP registers it only once its server runs, which this command itself brings about.
   */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile HttpServiceRuntime httpRuntime;

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

  /**
   * What {@code proxy start} configures, resolved from slapos.cfg and the command line;
   * {@code networkCache} is the cache server's root directory, or null when it is off.
   */
  record Plan(Path database, String computerId, String localSoftwareReleaseRoot, String host, int port,
      String[] softwareProducts, String[] multimaster, Path networkCache) {
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
        masters.toArray(String[]::new), networkCacheDirectory(context, file, database));
  }

  /**
   * The network cache's root directory, or null when it is off: {@code networkcache = false} turns
   * it off; {@code networkcache_directory} names it (relative to the working directory, as
   * {@code database_uri}); by default it is {@code networkcache} next to the database file. SQLite's
   * in-memory name {@code :memory:} has no "next to": there the cache is off unless a directory is
   * named.
   */
  static Path networkCacheDirectory(CommandContext context, ProxyConfigFile file, Path database)
      throws CommandFailure {
    String enabled = file.get(NETWORKCACHE_KEY);
    if (enabled != null && !parseBoolean(NETWORKCACHE_KEY, enabled)) {
      return null;
    }
    String directory = file.get(NETWORKCACHE_DIRECTORY_KEY);
    if (directory != null) {
      return context.workingDirectory().resolve(directory.strip()).normalize();
    }
    if (isInMemory(file.get("database_uri"))) {
      return null;
    }
    return database.resolveSibling(DEFAULT_NETWORKCACHE_DIRECTORY);
  }

  private static boolean isInMemory(String databaseUri) {
    return databaseUri != null && (databaseUri.strip().equals(":memory:") || databaseUri.strip().startsWith("file::memory:"));
  }

  /** configparser's booleans. */
  private static boolean parseBoolean(String key, String value) throws CommandFailure {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "1", "yes", "true", "on" -> true;
      case "0", "no", "false", "off" -> false;
      default -> throw new CommandFailure(1, key + " must be true or false, got " + value.strip());
    };
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
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    awaitServing(plan, url);
    if (plan.networkCache() != null) {
      awaitNetworkCache(plan, url, deadline);
    }
    LOG.info("Starting slapproxy on {} (database {})", url, plan.database());
    context.err().println("Starting slapproxy on " + url);
    if (plan.networkCache() != null) {
      LOG.info("Network cache on {}shacache and {}shadir (directory {})", url, url, plan.networkCache());
      context.err().println("Network cache: " + url + "shacache, " + url + "shadir");
    }
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

  /**
   * Waits until the Servlet Whiteboard maps {@code /shacache/} and {@code /shadir/} to the cache
   * server's servlets. slapproxy already serves at this point, so the whiteboard dispatches on its
   * port; the servlets join it once their configuration has reached them.
   */
  void awaitNetworkCache(Plan plan, String url, long deadline) throws CommandFailure, InterruptedException {
    while (true) {
      HttpServiceRuntime runtime = httpRuntime;
      if (runtime != null && maps(runtime, "/shacache/", SHACACHE_SERVLET) && maps(runtime, "/shadir/", SHADIR_SERVLET)) {
        return;
      }
      if (deadline - System.nanoTime() <= 0) {
        throw new CommandFailure(1, "the network cache is not served on " + url + "shacache after "
            + readyTimeout.toSeconds() + " s; see the log (directory " + plan.networkCache() + ")");
      }
      // Wait on the deactivation latch: a stop of this command ends the wait.
      if (deactivated.await(PROBE_PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
        throw new CommandFailure(1, "proxy start was stopped before the network cache served on " + url);
      }
    }
  }

  /** Whether the whiteboard sends requests for {@code path} to the servlet named {@code servletName}. */
  private static boolean maps(HttpServiceRuntime runtime, String path, String servletName) {
    RequestInfoDTO info = runtime.calculateRequestInfoDTO(path);
    return info != null && info.servletDTO != null && servletName.equals(info.servletDTO.name);
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /**
   * Pushes the configurations; unchanged ones are left alone (no restart). With the network cache
   * off, its configuration is deleted (its servlets go away).
   */
  void configure(Plan plan) throws IOException, CommandFailure {
    Hashtable<String, Object> storeProperties = new Hashtable<>();
    storeProperties.put(MasterStore.CONFIG_DATABASE_URI, plan.database().toString());
    storeProperties.put(MasterStore.CONFIG_COMPUTER_ID, plan.computerId());
    storeProperties.put(MasterStore.CONFIG_LOCAL_SOFTWARE_RELEASE_ROOT, plan.localSoftwareReleaseRoot());
    update(MasterStore.PID, storeProperties);

    update(ProxyConfiguration.PID, proxyProperties(plan));

    Path cache = plan.networkCache();
    if (cache != null) {
      try {
        Files.createDirectories(cache);
      } catch (IOException | SecurityException e) {
        throw new CommandFailure(1, "Cannot create the network cache directory " + cache + ": " + e.getMessage(), e);
      }
      Hashtable<String, Object> cacheProperties = new Hashtable<>();
      cacheProperties.put(CACHE_ROOT_DIRECTORY, cache.toString());
      update(CACHE_SERVER_PID, cacheProperties);
    } else {
      delete(CACHE_SERVER_PID);
    }

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

  private void delete(String pid) throws IOException {
    Configuration configuration = configurationAdmin.getConfiguration(pid, "?");
    if (configuration.getProperties() != null) {
      configuration.delete();
      LOG.info("Configuration {} deleted", pid);
    }
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
