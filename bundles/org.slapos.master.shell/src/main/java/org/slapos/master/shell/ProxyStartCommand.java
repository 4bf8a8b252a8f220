package org.slapos.master.shell;

import java.io.IOException;
import java.nio.file.Path;
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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.marshal.PyJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos proxy start}: configures the master store, the slapproxy endpoints and the HTTP
 * server through Configuration Admin from slapos.cfg and the command line, then serves until the
 * framework stops or the command is interrupted.
 */
@Component(property = {
    SlaposCommand.NAME + "=proxy start",
    SlaposCommand.GROUP + "=proxy",
    SlaposCommand.SUMMARY + "=minimalist, stand-alone SlapOS Master"})
public final class ProxyStartCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyStartCommand.class);

  /** Felix HTTP's configuration PID and keys. */
  static final String HTTP_PID = "org.apache.felix.http";
  static final String HTTP_PORT = "org.osgi.service.http.port";
  static final String HTTP_HOST = "org.apache.felix.http.host";
  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8080;
  /** How long to wait for the store to come up before warning (it keeps trying afterwards). */
  private static final long STORE_WAIT_SECONDS = 30;

  private static final List<Arguments.Option> OPTIONS = List.of(
      new Arguments.Option("cfg", true, "--cfg"),
      new Arguments.Option("database_uri", true, "-u", "--database-uri"),
      new Arguments.Option("port", true, "--port"),
      new Arguments.Option("host", true, "--host"),
      new Arguments.Option("local_software_release_root", true, "--local-software-release-root"));

  private final ConfigurationAdmin configurationAdmin;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object storeMonitor = new Object();
  private volatile MasterStore store;

  @Activate
  public ProxyStartCommand(@Reference ConfigurationAdmin configurationAdmin) {
    this.configurationAdmin = configurationAdmin;
  }

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindStore(MasterStore store) {
    synchronized (storeMonitor) {
      this.store = store;
      storeMonitor.notifyAll();
    }
  }

  void unbindStore(MasterStore store) {
    synchronized (storeMonitor) {
      if (this.store == store) {
        this.store = null;
      }
    }
  }

  @Deactivate
  void deactivate() {
    stopped.countDown();
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
      if (port < 0 || port > 65535) {
        throw new CommandFailure(1, "port must be between 0 and 65535, got " + port);
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
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments = Arguments.parse("proxy start", OPTIONS, args);
    if (arguments.help()) {
      context.out().println("usage: slapos proxy start [-h] [--cfg CFG] [-u DATABASE_URI] [--port PORT] [--host HOST]\n"
          + "                          [--local-software-release-root LOCAL_SOFTWARE_RELEASE_ROOT]\n\n"
          + "minimalist, stand-alone SlapOS Master");
      return 0;
    }
    Plan plan = plan(context, arguments);
    if (!currentlyConfigured(HTTP_PID, httpProperties(plan))) {
      ensureCanListen(plan.host(), plan.port());
    }
    configure(plan);
    String url = "http://" + (plan.host().contains(":") ? "[" + plan.host() + "]" : plan.host()) + ":" + plan.port() + "/";
    LOG.info("Starting slapproxy on {} (database {})", url, plan.database());
    context.err().println("Starting slapproxy on " + url);
    context.err().flush();
    try {
      if (!awaitStore(STORE_WAIT_SECONDS)) {
        context.err().println("WARNING: the master store is not running yet; check the log (database "
            + plan.database() + ")");
      }
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("slapproxy command ends");
    return 0;
  }

  private boolean awaitStore(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    synchronized (storeMonitor) {
      while (store == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || stopped.getCount() == 0) {
          return store != null;
        }
        TimeUnit.NANOSECONDS.timedWait(storeMonitor, left);
      }
      return true;
    }
  }

  /** Pushes the three configurations; unchanged ones are left alone (no restart). */
  void configure(Plan plan) throws IOException {
    Hashtable<String, Object> storeProperties = new Hashtable<>();
    storeProperties.put(MasterStore.CONFIG_DATABASE_URI, plan.database().toString());
    storeProperties.put(MasterStore.CONFIG_COMPUTER_ID, plan.computerId());
    storeProperties.put(MasterStore.CONFIG_LOCAL_SOFTWARE_RELEASE_ROOT, plan.localSoftwareReleaseRoot());
    update(MasterStore.PID, storeProperties);

    Hashtable<String, Object> proxyProperties = new Hashtable<>();
    proxyProperties.put(ProxyConfiguration.SOFTWARE_PRODUCT_LIST, plan.softwareProducts());
    proxyProperties.put(ProxyConfiguration.MULTIMASTER, plan.multimaster());
    update(ProxyConfiguration.PID, proxyProperties);

    update(HTTP_PID, httpProperties(plan));
  }

  private static Hashtable<String, Object> httpProperties(Plan plan) {
    Hashtable<String, Object> httpProperties = new Hashtable<>();
    httpProperties.put(HTTP_PORT, plan.port());
    httpProperties.put(HTTP_HOST, plan.host());
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
