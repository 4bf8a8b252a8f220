package org.slapos.itest.support;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.math.BigDecimal;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.marshal.Marshal;
import org.sqlite.SQLiteConfig;

/**
 * The slapproxy of the master runtime, inside the Pax Exam framework, configured the way
 * {@code slapos proxy start} configures it (Config Admin: store, proxy; Felix HTTP on a loopback
 * port given as framework properties), and driven over real HTTP with our SLAP client.
 *
 * <p>Driver side: {@link #newWorkDirectory} makes a work directory (removed when the test JVM exits:
 * Pax Exam's runner does not run {@code @AfterClass} in the driver, and runs it in the container after
 * every test) and {@link #options} picks the port; both reach the framework as properties. Container
 * side: {@link #start} pushes the configurations and waits until the endpoints answer;
 * {@link #whenFrameworkStops} is the container's "after class". Each IT class has
 * its own framework, hence its own database; the tests of a class share it and keep apart through
 * {@link #unique} names and computers.
 */
public final class LocalProxy {
  /** Framework property: the work directory of the class (database, second proxy...). */
  public static final String WORK_PROPERTY = "slapos.itest.work";
  /** Framework property: the port slapproxy listens on (its own connector). */
  public static final String PROXY_PORT_PROPERTY = "slapos.itest.proxy.port";
  public static final String HTTP_PORT = "org.osgi.service.http.port";
  public static final String HTTP_HOST = "org.apache.felix.http.host";
  /** The store's default computer (slapos.cfg computer_id). */
  public static final String DEFAULT_COMPUTER = "computer";
  public static final long TIMEOUT_MILLIS = SlaposTestSupport.SERVICE_TIMEOUT_MILLIS;
  /** Pause between two polls of a port that is not open yet. */
  private static final long POLL_PAUSE_MILLIS = 20;

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String url;
  private final Path database;
  private final SlapConnector connector;
  private final Slap slap;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LocalProxy(String url, Path database, SlapConnector connector) throws SlapException {
    this.url = url;
    this.database = database;
    this.connector = connector;
    this.slap = connector.initializeConnection(url);
  }

  // ---------------------------------------------------------------------------------------------
  // Driver side

  /** A fresh work directory for one IT class (driver side), deleted when the test JVM exits. */
  public static Path newWorkDirectory(String name) {
    Path work;
    try {
      work = Files.createTempDirectory("slapos-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        deleteWorkDirectory(work);
      } catch (IOException e) {
        System.err.println("Cannot delete " + work + ": " + e);
      }
    }, "delete " + work));
    return work;
  }

  /**
   * The master runtime, the work directory, and two ports on 127.0.0.1: Felix HTTP's own connector
   * (as {@code slapos proxy start} configures it, nobody talks to it) and slapproxy's listener.
   */
  public static Option[] options(Path work, Option... extra) {
    List<Option> options = new ArrayList<>();
    options.add(frameworkProperty(HTTP_HOST).value("127.0.0.1"));
    options.add(frameworkProperty(HTTP_PORT).value("0"));
    options.add(frameworkProperty(PROXY_PORT_PROPERTY).value(Integer.toString(SlaposTestSupport.freePort())));
    options.add(frameworkProperty(WORK_PROPERTY).value(work.toAbsolutePath().toString()));
    options.addAll(List.of(extra));
    return SlaposTestSupport.runtime("master", options.toArray(new Option[0]));
  }

  public static void deleteWorkDirectory(Path work) throws IOException {
    if (work == null || !Files.exists(work)) {
      return;
    }
    try (Stream<Path> files = Files.walk(work)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Container side

  public static Path workDirectory(BundleContext context) {
    String work = context.getProperty(WORK_PROPERTY);
    if (work == null) {
      throw new IllegalStateException("No framework property " + WORK_PROPERTY);
    }
    return Path.of(work);
  }

  /** Configures store and proxy on {@code <work>/proxy.db}, and waits until the proxy answers. */
  public static LocalProxy start(BundleContext context, Map<String, Object> proxyProperties) throws Exception {
    return start(context, workDirectory(context).resolve("proxy.db"), proxyProperties);
  }

  public static LocalProxy start(BundleContext context, Path database, Map<String, Object> proxyProperties)
      throws Exception {
    ConfigurationAdmin admin = SlaposTestSupport.awaitService(context, ConfigurationAdmin.class, null, TIMEOUT_MILLIS);
    Hashtable<String, Object> store = new Hashtable<>();
    store.put(MasterStore.CONFIG_DATABASE_URI, database.toString());
    store.put(MasterStore.CONFIG_COMPUTER_ID, DEFAULT_COMPUTER);
    store.put(MasterStore.CONFIG_LOCAL_SOFTWARE_RELEASE_ROOT, "/");
    admin.getConfiguration(MasterStore.PID, "?").update(store);
    Hashtable<String, Object> proxy = new Hashtable<>();
    proxy.put(ProxyConfiguration.SOFTWARE_PRODUCT_LIST, new String[0]);
    proxy.put(ProxyConfiguration.MULTIMASTER, new String[0]);
    proxy.put(ProxyConfiguration.HTTP_HOST, "127.0.0.1");
    proxy.put(ProxyConfiguration.HTTP_PORT, Integer.parseInt(context.getProperty(PROXY_PORT_PROPERTY)));
    proxy.putAll(proxyProperties);
    admin.getConfiguration(ProxyConfiguration.PID, "?").update(proxy);

    SlaposTestSupport.awaitService(context, MasterStore.class, null, TIMEOUT_MILLIS);
    SlapConnector connector = SlaposTestSupport.awaitService(context, SlapConnector.class, null, TIMEOUT_MILLIS);
    String url = "http://127.0.0.1:" + context.getProperty(PROXY_PORT_PROPERTY) + "/";
    awaitAnswer(url);
    return new LocalProxy(url, database, connector);
  }

  /**
   * Waits until slapproxy answers {@code GET /getRunId} with 200, within the deadline. Its listener
   * holds a connection until the endpoints are dispatched, so a request that connects simply waits
   * for them; the poll only covers the time before the listener exists (connection refused).
   */
  public static void awaitAnswer(String url) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofMillis(TIMEOUT_MILLIS).toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      long left = deadline - System.nanoTime();
      try {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url + "getRunId"))
            .timeout(Duration.ofNanos(Math.max(left, 1))).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return;
        }
        last = answer.statusCode() + " " + answer.body();
      } catch (IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_PAUSE_MILLIS));
      if (Thread.interrupted()) {
        throw new InterruptedException("waiting for slapproxy at " + url);
      }
    }
    throw new AssertionError("slapproxy did not answer at " + url + " within " + TIMEOUT_MILLIS + " ms: " + last);
  }

  /**
   * Runs {@code action} when the test probe stops, i.e. when Pax Exam stops the framework of the
   * class (container side).
   */
  public static void whenFrameworkStops(BundleContext context, AutoCloseable action) {
    long probe = context.getBundle().getBundleId();
    context.addBundleListener((SynchronousBundleListener) event -> {
      if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == probe) {
        try {
          action.close();
        } catch (Exception e) {
          System.err.println("Clean-up at framework stop failed: " + e);
        }
      }
    });
  }

  public String url() {
    return url;
  }

  public Path database() {
    return database;
  }

  public Slap slap() {
    return slap;
  }

  /** A new connection (a new client), e.g. one per thread. */
  public Slap newConnection() throws SlapException {
    return connector.initializeConnection(url);
  }

  /** A connection of our client to another master (e.g. a second proxy). */
  public Slap connect(String masterUrl) throws SlapException {
    return connector.initializeConnection(masterUrl);
  }

  /** {@code base-N}, unique in this framework: the tests of a class share the database. */
  public static String unique(String base) {
    return base + "-" + COUNTER.incrementAndGet();
  }

  /** A new computer, formatted with {@code partitions} partitions slappart0..n-1. */
  public String newComputer(int partitions) throws SlapException {
    String computer = unique("COMP");
    format(slap, computer, partitions);
    return computer;
  }

  /**
   * fmt(n, C) of slap-protocol §7: loadComputerConfigurationFromXML with the dict slapformat
   * sends, each partition with addresses 1.2.3.4 and 4.3.2.1 on tap0.
   */
  public static void format(Slap slap, String computer, int partitions) throws SlapException {
    List<String> references = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      references.add("slappart" + i);
    }
    format(slap, computer, references);
  }

  public static void format(Slap slap, String computer, List<String> partitionReferences) throws SlapException {
    assertEquals("done", slap.registerComputer(computer).updateConfiguration(computerXml(computer, partitionReferences)));
  }

  public static String computerXml(String computer, List<String> partitionReferences) {
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    for (String reference : partitionReferences) {
      addresses.put(reference, List.of("tap0", "1.2.3.4", "4.3.2.1"));
    }
    return computerXml(computer, addresses);
  }

  /** Partition reference → [tap name, address...]. */
  public static String computerXml(String computer, Map<String, List<String>> partitionAddresses) {
    List<Object> partitions = new ArrayList<>();
    partitionAddresses.forEach((reference, tapAndAddresses) -> {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("reference", reference);
      List<Object> addressList = new ArrayList<>();
      for (String addr : tapAndAddresses.subList(1, tapAndAddresses.size())) {
        addressList.add(address(addr));
      }
      p.put("address_list", addressList);
      p.put("tap", Map.of("name", tapAndAddresses.get(0)));
      partitions.add(p);
    });
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("reference", computer);
    dict.put("address", "123.456.789");
    dict.put("netmask", "fffffffff");
    dict.put("partition_list", partitions);
    return Marshal.dumps(dict);
  }

  private static Map<String, Object> address(String addr) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("addr", addr);
    a.put("netmask", "255.255.255.255");
    return a;
  }

  /** A fresh view of a computer (the client caches what it fetched per Computer object). */
  public Computer computer(String computer) {
    return slap.registerComputer(computer);
  }

  /** The partitions of a computer, freshly fetched with getFullComputerInformation. */
  public List<ComputerPartition> partitions(String computer) throws SlapException {
    return computer(computer).getComputerPartitionList();
  }

  /** The partition of {@code computer} with that instance title (fresh). */
  public static ComputerPartition byTitle(Slap slap, String computer, String title) throws SlapException {
    for (ComputerPartition p : slap.registerComputer(computer).getComputerPartitionList()) {
      if (title.equals(parameters(p).get("instance_title"))) {
        return p;
      }
    }
    throw new AssertionError("No instance " + title + " on " + computer);
  }

  /** A fresh registerComputerPartition of (computer, partition). */
  public ComputerPartition partition(String computer, String partition) throws SlapException {
    return slap.registerComputerPartition(computer, partition);
  }

  /** The {@code _parameter_dict} a partition carries (no fetch). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parameters(ComputerPartition partition) {
    Object parameters = partition.getAttributes().get("_parameter_dict");
    return parameters instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  /** The {@code timestamp} of a partition's parameters (a str(float), as slapproxy sends it). */
  public static String timestamp(ComputerPartition partition) {
    Object timestamp = parameters(partition).get("timestamp");
    if (timestamp == null) {
      throw new AssertionError("no timestamp in " + parameters(partition));
    }
    return timestamp.toString();
  }

  /** The stored timestamp of (computer, partition), as the node sees it. */
  public String storedTimestamp(String computer, String partition) throws SlapException {
    ComputerPartition fresh = partition(computer, partition);
    fresh.getInstanceParameterDict();
    return timestamp(fresh);
  }

  public static int compareTimestamps(String a, String b) {
    return new BigDecimal(a).compareTo(new BigDecimal(b));
  }

  /** Now, as a time.time() float, with microseconds. */
  public static double now() {
    Instant now = Instant.now();
    return now.getEpochSecond() + now.getNano() / 1e9;
  }

  /** {@code request} as the user (OpenOrder) on {@code computer} (SLA computer_guid). */
  public ComputerPartition requestOn(String computer, String softwareRelease, String title) throws SlapException {
    return slap.registerOpenOrder().request(InstanceRequest.builder(softwareRelease, title)
        .filter("computer_guid", computer).build());
  }

  /** A call that may fail (the JUnit bundle of Pax Exam is 4.12: no assertThrows). */
  @FunctionalInterface
  public interface Call {
    void run() throws Exception;
  }

  /** Asserts that {@code call} throws a {@code type}, and returns it. */
  public static <T extends Throwable> T assertFails(Class<T> type, Call call) {
    try {
      call.run();
    } catch (Throwable e) {
      if (type.isInstance(e)) {
        return type.cast(e);
      }
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + e, e);
    }
    throw new AssertionError("expected " + type.getSimpleName() + ", but nothing was thrown");
  }

  // ---------------------------------------------------------------------------------------------
  // Database (read-only, as an operator would look at it)

  /** Rows of a query on the proxy database, read-only, each row as column name → value. */
  public List<Map<String, Object>> rows(String sql, Object... arguments) throws SQLException {
    return rows(database, sql, arguments);
  }

  public static List<Map<String, Object>> rows(Path database, String sql, Object... arguments) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c = config.createConnection("jdbc:sqlite:" + database);
        PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < arguments.length; i++) {
        statement.setObject(i + 1, arguments[i]);
      }
      try (ResultSet result = statement.executeQuery()) {
        int width = result.getMetaData().getColumnCount();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (result.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= width; i++) {
            row.put(result.getMetaData().getColumnLabel(i), result.getObject(i));
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  /** The partition17 row of (computer, reference). */
  public Map<String, Object> partitionRow(String computer, String reference) throws SQLException {
    List<Map<String, Object>> rows = rows("SELECT * FROM partition17 WHERE computer_reference = ? AND reference = ?",
        computer, reference);
    assertEquals(rows.toString(), 1, rows.size());
    return rows.get(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Raw HTTP, for what our client never sends (extra headers, malformed calls)

  public HttpResponse<String> get(String path, String... fields) throws IOException, InterruptedException {
    String query = form(fields);
    return http.send(HttpRequest.newBuilder(URI.create(url + path + (query.isEmpty() ? "" : "?" + query)))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  public HttpResponse<String> post(String path, Map<String, String> headers, String... fields)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(fields), StandardCharsets.UTF_8));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String form(String... fields) {
    StringBuilder form = new StringBuilder();
    for (int i = 0; i < fields.length; i += 2) {
      if (form.length() > 0) {
        form.append('&');
      }
      form.append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
    }
    return form.toString();
  }
}
