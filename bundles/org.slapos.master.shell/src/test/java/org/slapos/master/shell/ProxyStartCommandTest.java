package org.slapos.master.shell;

import org.slapos.command.api.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.RequestInfoDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;
import org.slapos.command.api.CommandFailure;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.master.store.sqlite.SqliteMasterStore;

/** {@code slapos proxy start}: what it reads from slapos.cfg and what it gives Configuration Admin. */
class ProxyStartCommandTest {
  @TempDir
  Path dir;
  final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
  }

  /** An in-memory Configuration Admin: configurations by PID, counting updates. */
  static final class FakeConfigurationAdmin {
    final Map<String, Dictionary<String, Object>> properties = new LinkedHashMap<>();
    final Map<String, Integer> updates = new LinkedHashMap<>();
    final Map<String, Integer> deletes = new LinkedHashMap<>();

    ConfigurationAdmin service() {
      return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ConfigurationAdmin.class}, (p, m, a) -> {
            if (!m.getName().equals("getConfiguration")) {
              throw new UnsupportedOperationException(m.getName());
            }
            String pid = (String) a[0];
            assertEquals("?", a[1]);
            return configuration(pid);
          });
    }

    private Configuration configuration(String pid) {
      return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
          (p, m, a) -> switch (m.getName()) {
            case "getProperties" -> properties.get(pid) == null ? null : new Hashtable<>(toMap(properties.get(pid)));
            case "getPid" -> pid;
            case "update" -> {
              @SuppressWarnings("unchecked")
              Dictionary<String, Object> d = (Dictionary<String, Object>) a[0];
              Hashtable<String, Object> stored = new Hashtable<>(toMap(d));
              stored.put("service.pid", pid);
              properties.put(pid, stored);
              updates.merge(pid, 1, Integer::sum);
              yield null;
            }
            case "delete" -> {
              properties.remove(pid);
              deletes.merge(pid, 1, Integer::sum);
              yield null;
            }
            default -> throw new UnsupportedOperationException(m.getName());
          });
    }

    static Map<String, Object> toMap(Dictionary<String, Object> d) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (var keys = d.keys(); keys.hasMoreElements();) {
        String k = keys.nextElement();
        map.put(k, d.get(k));
      }
      return map;
    }
  }

  Path config(String body) throws Exception {
    Path cfg = dir.resolve("slapos.cfg");
    Files.writeString(cfg, body);
    return cfg;
  }

  static ProxyStartCommand.Plan plan(TestContext context, String... args) throws Exception {
    return ProxyStartCommand.plan(context, ProxyStartCommand.OPTIONS.parse(List.of(args)));
  }

  @Test
  void passesTheTlsSettingsOfMultimasterSections() throws Exception {
    Path cfg = config("[slapos]\ncomputer_id = COMP-1\n[slapproxy]\ndatabase_uri = lib/proxy.db\n"
        + "[multimaster/https://other/]\nkey = /k.pem\ncert = /c.pem\nca_file = /ca.pem\n"
        + "[multimaster/https://test/]\nkey = /k.pem\ncert = /c.pem\ninsecure_skip_tls_verify = yes\n");
    ProxyStartCommand.Plan plan = plan(new TestContext(dir), "--cfg", cfg.toString());
    assertArrayEquals(new String[] {
        "{\"url\": \"https://other/\", \"key\": \"/k.pem\", \"cert\": \"/c.pem\", \"software_release_list\": [], "
            + "\"ca_file\": \"/ca.pem\"}",
        "{\"url\": \"https://test/\", \"key\": \"/k.pem\", \"cert\": \"/c.pem\", \"software_release_list\": [], "
            + "\"insecure_skip_tls_verify\": true}"},
        plan.multimaster());
  }

  @Test
  void readsSlaposAndSlapproxySections() throws Exception {
    Path cfg = config("[slapos]\ncomputer_id = COMP-1\nsoftware_root = /opt/slapgrid\n"
        + "[slapproxy]\nhost = ::1\nport = 8081\ndatabase_uri = lib/proxy.db\n"
        + "software_product_list =\n  kvm http://kvm/software.cfg\n  erp5 http://erp5/software.cfg\n"
        + "[multimaster/https://other/]\nkey = /k.pem\ncert = /c.pem\nsoftware_release_list =\n  http://a\n  http://b\n"
        + "[multimaster/http://third/]\ncomputer = C\npartition = P\n");
    TestContext context = new TestContext(dir);
    ProxyStartCommand.Plan plan = plan(context, "--cfg", cfg.toString());
    assertEquals(dir.resolve("lib/proxy.db"), plan.database());
    assertEquals("COMP-1", plan.computerId());
    assertEquals("::1", plan.host());
    assertEquals(8081, plan.port());
    assertEquals("/", plan.localSoftwareReleaseRoot());
    assertArrayEquals(new String[] {"kvm http://kvm/software.cfg", "erp5 http://erp5/software.cfg"},
        plan.softwareProducts());
    assertArrayEquals(new String[] {
        "{\"url\": \"https://other/\", \"key\": \"/k.pem\", \"cert\": \"/c.pem\", \"software_release_list\": "
            + "[\"http://a\", \"http://b\"]}",
        "{\"url\": \"http://third/\", \"software_release_list\": [], \"computer\": \"C\", \"partition\": \"P\"}"},
        plan.multimaster());
  }

  @Test
  void commandLineWinsThenTheFirstSection() throws Exception {
    Path cfg = config("[slapproxy]\nport = 9000\ndatabase_uri = a.db\ncomputer_id =\n"
        + "[slapos]\ncomputer_id = from-slapos\nport = 9001\nhost = 10.0.0.1\n");
    TestContext context = new TestContext(dir);
    context.environment.put("SLAPOS_CONFIGURATION", cfg.toString());
    ProxyStartCommand.Plan plan = plan(context, "--port=7000", "-u", "/abs/b.db", "--local-software-release-root", "/srv");
    assertEquals(7000, plan.port());
    assertEquals(Path.of("/abs/b.db"), plan.database());
    assertEquals("from-slapos", plan.computerId(), "an empty value does not count");
    assertEquals("10.0.0.1", plan.host());
    assertEquals("/srv", plan.localSoftwareReleaseRoot());
    Path minimal = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = x.db\n");
    ProxyStartCommand.Plan defaults = plan(new TestContext(dir), "--cfg", minimal.toString());
    assertEquals("127.0.0.1", defaults.host());
    assertEquals(8080, defaults.port());
  }

  @Test
  void errors() throws Exception {
    TestContext context = new TestContext(dir);
    Path noDb = config("[slapos]\ncomputer_id = c\n");
    assertEquals("database-uri is required.",
        assertThrows(CommandFailure.class, () -> plan(context, "--cfg", noDb.toString())).getMessage());
    Path noComputer = config("[slapproxy]\ndatabase_uri = x.db\n");
    assertTrue(assertThrows(CommandFailure.class, () -> plan(context, "--cfg", noComputer.toString())).getMessage()
        .startsWith("computer_id is required"));
    Path badPort = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = x.db\nport = http\n");
    assertEquals("port must be a number, got http",
        assertThrows(CommandFailure.class, () -> plan(context, "--cfg", badPort.toString())).getMessage());
    Path badProducts = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = x.db\nsoftware_product_list = a\n");
    assertThrows(CommandFailure.class, () -> plan(context, "--cfg", badProducts.toString()));
    assertEquals(2, new ProxyStartCommand(new FakeConfigurationAdmin().service()).run(context, List.of("--port")));
    assertTrue(context.stderr().endsWith("slapos proxy start: error: argument --port: expected one argument\n"),
        context.stderr());
    assertTrue(assertThrows(CommandFailure.class, () -> plan(context, "--cfg", dir.resolve("none.cfg").toString()))
        .getMessage().startsWith("Configuration file does not exist: "));
  }

  /**
   * A stand-in for the Servlet Whiteboard's runtime: {@code /shacache/...} and {@code /shadir/...}
   * go to the cache's servlets when {@code cacheMapped}, everything else to slapproxy.
   */
  static HttpServiceRuntime whiteboard(boolean cacheMapped) {
    return (HttpServiceRuntime) Proxy.newProxyInstance(ProxyStartCommandTest.class.getClassLoader(),
        new Class<?>[] {HttpServiceRuntime.class}, (p, m, a) -> {
          if (!m.getName().equals("calculateRequestInfoDTO")) {
            throw new UnsupportedOperationException(m.getName());
          }
          String path = (String) a[0];
          RequestInfoDTO info = new RequestInfoDTO();
          info.path = path;
          info.servletDTO = new ServletDTO();
          info.servletDTO.name = !cacheMapped ? "slapproxy"
              : path.startsWith("/shacache/") ? ProxyStartCommand.SHACACHE_SERVLET
              : path.startsWith("/shadir/") ? ProxyStartCommand.SHADIR_SERVLET : "slapproxy";
          return info;
        });
  }

  /** A stand-in for slapproxy's listener: answers GET /getRunId with {@code status}. */
  static HttpServer slapproxyAnswering(int status) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/getRunId", exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  @Test
  void configuresStoreProxyAndHttpWaitsUntilServingThenHandsOverToTheRuntime() throws Exception {
    HttpServer slapproxy = slapproxyAnswering(200);
    try {
      int port = slapproxy.getAddress().getPort();
      Path cfg = config("[slapos]\ncomputer_id = COMP-1\n[slapproxy]\ndatabase_uri = proxy.db\nport = " + port + "\n"
          + "software_product_list = kvm http://kvm/software.cfg\n");
      FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
      ProxyStartCommand command = new ProxyStartCommand(ca.service());
      command.httpRuntime = whiteboard(true);
      TestContext context = new TestContext(dir);
      // The port is "busy" with the stand-in, so configure once as if a first start had done it.
      command.configure(plan(context, "--cfg", cfg.toString()));
      assertEquals(0, command.run(context, List.of("--cfg", cfg.toString())));
      assertEquals("Starting slapproxy on http://127.0.0.1:" + port + "/\n"
          + "Network cache: http://127.0.0.1:" + port + "/shacache, http://127.0.0.1:" + port + "/shadir\n",
          context.stderr());
      assertEquals(1, context.keptRunning.get(), "the services are handed to the runtime");

      Map<String, Object> storeConfig = FakeConfigurationAdmin.toMap(ca.properties.get(MasterStore.PID));
      assertEquals(dir.resolve("proxy.db").toString(), storeConfig.get(MasterStore.CONFIG_DATABASE_URI));
      assertEquals("COMP-1", storeConfig.get(MasterStore.CONFIG_COMPUTER_ID));
      assertEquals("/", storeConfig.get(MasterStore.CONFIG_LOCAL_SOFTWARE_RELEASE_ROOT));
      Map<String, Object> proxyConfig = FakeConfigurationAdmin.toMap(ca.properties.get(ProxyConfiguration.PID));
      assertArrayEquals(new String[] {"kvm http://kvm/software.cfg"},
          (String[]) proxyConfig.get(ProxyConfiguration.SOFTWARE_PRODUCT_LIST));
      assertArrayEquals(new String[0], (String[]) proxyConfig.get(ProxyConfiguration.MULTIMASTER));
      assertEquals("127.0.0.1", proxyConfig.get(ProxyConfiguration.HTTP_HOST));
      assertEquals(port, proxyConfig.get(ProxyConfiguration.HTTP_PORT));
      Map<String, Object> http = FakeConfigurationAdmin.toMap(ca.properties.get("org.apache.felix.http"));
      assertEquals("0", http.get("org.osgi.service.http.port"), "Felix HTTP's own connector: ephemeral");
      assertEquals("127.0.0.1", http.get("org.apache.felix.http.host"));
      Map<String, Object> cache = FakeConfigurationAdmin.toMap(ca.properties.get(ProxyStartCommand.CACHE_SERVER_PID));
      assertEquals(dir.resolve("networkcache").toString(), cache.get("root.directory"), "next to the database");
      assertTrue(Files.isDirectory(dir.resolve("networkcache")), "created by proxy start");
      // The same configuration again changes nothing (no restart of the store, the cache or the server).
      assertEquals(Map.of(MasterStore.PID, 1, ProxyConfiguration.PID, 1, "org.apache.felix.http", 1,
          ProxyStartCommand.CACHE_SERVER_PID, 1), ca.updates);
    } finally {
      slapproxy.stop(0);
    }
  }

  @Test
  void failsWithOneLineWhenSlapproxyDoesNotServeInTime() throws Exception {
    HttpServer unavailable = slapproxyAnswering(503);
    try {
      int port = unavailable.getAddress().getPort();
      Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\nport = " + port + "\ndatabase_uri = proxy.db\n");
      FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
      ProxyStartCommand command = new ProxyStartCommand(ca.service(), java.time.Duration.ofSeconds(3));
      TestContext context = new TestContext(dir);
      command.configure(plan(context, "--cfg", cfg.toString()));
      CommandFailure failure = assertThrows(CommandFailure.class, () -> command.run(context, List.of("--cfg", cfg.toString())));
      assertEquals(1, failure.exitCode());
      assertTrue(failure.getMessage().startsWith("slapproxy is not serving on http://127.0.0.1:" + port + "/"),
          failure.getMessage());
      assertTrue(failure.getMessage().contains("HTTP 503"), failure.getMessage());
      assertEquals(0, context.keptRunning.get());
      assertEquals("", context.stderr(), "no start line when it does not serve");
    } finally {
      unavailable.stop(0);
    }
  }

  @Test
  void aStopDuringTheWaitEndsIt() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\nport = " + closedPort + "\ndatabase_uri = proxy.db\n");
    ProxyStartCommand command = new ProxyStartCommand(new FakeConfigurationAdmin().service());
    TestContext context = new TestContext(dir);
    Future<Integer> running = executor.submit(() -> command.run(context, List.of("--cfg", cfg.toString())));
    command.deactivate();
    java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> running.get(30, TimeUnit.SECONDS));
    assertTrue(failed.getCause() instanceof CommandFailure, failed.toString());
    assertTrue(failed.getCause().getMessage().startsWith("proxy start was stopped"), failed.getCause().getMessage());
  }

  @Test
  void aBusyPortFailsAtOnceWithOneLine() throws Exception {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\nhost = 127.0.0.1\nport = " + busy.getLocalPort()
          + "\ndatabase_uri = proxy.db\n");
      FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
      CommandFailure failure = assertThrows(CommandFailure.class, () -> new ProxyStartCommand(ca.service())
          .run(new TestContext(dir), List.of("--cfg", cfg.toString())));
      assertEquals(1, failure.exitCode());
      assertTrue(failure.getMessage().startsWith("Cannot listen on 127.0.0.1:" + busy.getLocalPort()),
          failure.getMessage());
      assertNull(ca.properties.get(MasterStore.PID), "nothing is configured when the port is busy");
    }
  }

  @Test
  void helpIsPrinted() throws Exception {
    TestContext context = new TestContext(dir);
    assertEquals(0, new ProxyStartCommand(new FakeConfigurationAdmin().service()).run(context, List.of("--help")));
    assertTrue(context.stdout().startsWith("usage: slapos proxy start"));
  }

  @Test
  void theNetworkCacheIsNextToTheDatabaseByDefault() throws Exception {
    Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = lib/proxy.db\n");
    assertEquals(dir.resolve("lib/networkcache"), plan(new TestContext(dir), "--cfg", cfg.toString()).networkCache());
    Path absolute = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = /srv/slapos/proxy.db\n"
        + "networkcache = yes\n");
    assertEquals(Path.of("/srv/slapos/networkcache"), plan(new TestContext(dir), "--cfg", absolute.toString())
        .networkCache());
  }

  @Test
  void networkcacheDirectoryNamesTheCacheRelativeToTheWorkingDirectory() throws Exception {
    Path relative = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\n"
        + "networkcache_directory = var/cache\n");
    assertEquals(dir.resolve("var/cache"), plan(new TestContext(dir), "--cfg", relative.toString()).networkCache());
    Path absolute = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\n"
        + "networkcache_directory = /srv/cache\n");
    assertEquals(Path.of("/srv/cache"), plan(new TestContext(dir), "--cfg", absolute.toString()).networkCache());
  }

  @Test
  void anInMemoryDatabaseHasNoCacheUnlessADirectoryIsNamed() throws Exception {
    Path memory = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = :memory:\n");
    assertNull(plan(new TestContext(dir), "--cfg", memory.toString()).networkCache());
    Path named = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = :memory:\n"
        + "networkcache_directory = cache\n");
    assertEquals(dir.resolve("cache"), plan(new TestContext(dir), "--cfg", named.toString()).networkCache());
  }

  @Test
  void networkcacheFalseTurnsTheServerOffAndDeletesItsConfiguration() throws Exception {
    Path on = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\n");
    FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
    ProxyStartCommand command = new ProxyStartCommand(ca.service());
    TestContext context = new TestContext(dir);
    command.configure(plan(context, "--cfg", on.toString()));
    assertEquals(dir.resolve("networkcache").toString(),
        ca.properties.get(ProxyStartCommand.CACHE_SERVER_PID).get("root.directory"));

    for (String off : List.of("false", "no", "0", "Off")) {
      Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\nnetworkcache = " + off
          + "\nnetworkcache_directory = ignored\n");
      ProxyStartCommand.Plan plan = plan(context, "--cfg", cfg.toString());
      assertNull(plan.networkCache(), off);
      command.configure(plan);
      assertNull(ca.properties.get(ProxyStartCommand.CACHE_SERVER_PID), off);
    }
    assertEquals(1, ca.deletes.get(ProxyStartCommand.CACHE_SERVER_PID), "deleted once, then nothing to delete");
    assertTrue(Files.notExists(dir.resolve("ignored")));

    Path bad = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\nnetworkcache = maybe\n");
    assertEquals("networkcache must be true or false, got maybe",
        assertThrows(CommandFailure.class, () -> plan(context, "--cfg", bad.toString())).getMessage());
  }

  @Test
  void withTheCacheOffNoCacheLineIsPrinted() throws Exception {
    HttpServer slapproxy = slapproxyAnswering(200);
    try {
      int port = slapproxy.getAddress().getPort();
      Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\nport = " + port
          + "\nnetworkcache = false\n");
      FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
      ProxyStartCommand command = new ProxyStartCommand(ca.service());
      TestContext context = new TestContext(dir);
      command.configure(plan(context, "--cfg", cfg.toString()));
      assertEquals(0, command.run(context, List.of("--cfg", cfg.toString())));
      assertEquals("Starting slapproxy on http://127.0.0.1:" + port + "/\n", context.stderr());
      assertNull(ca.properties.get(ProxyStartCommand.CACHE_SERVER_PID));
    } finally {
      slapproxy.stop(0);
    }
  }

  @Test
  void aCacheDirectoryThatCannotBeCreatedFailsWithOneLine() throws Exception {
    Files.writeString(dir.resolve("a-file"), "not a directory");
    Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\n"
        + "networkcache_directory = a-file/cache\n");
    FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
    TestContext context = new TestContext(dir);
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> new ProxyStartCommand(ca.service()).configure(plan(context, "--cfg", cfg.toString())));
    assertTrue(failure.getMessage().startsWith("Cannot create the network cache directory " + dir.resolve("a-file/cache")),
        failure.getMessage());
    assertNull(ca.properties.get(ProxyStartCommand.CACHE_SERVER_PID));
  }

  @Test
  void failsWithOneLineWhenTheCacheIsNotMappedInTime() throws Exception {
    HttpServer slapproxy = slapproxyAnswering(200);
    try {
      int port = slapproxy.getAddress().getPort();
      Path cfg = config("[slapos]\ncomputer_id = c\n[slapproxy]\ndatabase_uri = proxy.db\nport = " + port + "\n");
      FakeConfigurationAdmin ca = new FakeConfigurationAdmin();
      ProxyStartCommand command = new ProxyStartCommand(ca.service(), java.time.Duration.ofSeconds(1));
      command.httpRuntime = whiteboard(false);
      TestContext context = new TestContext(dir);
      command.configure(plan(context, "--cfg", cfg.toString()));
      CommandFailure failure = assertThrows(CommandFailure.class, () -> command.run(context, List.of("--cfg", cfg.toString())));
      assertEquals("the network cache is not served on http://127.0.0.1:" + port + "/shacache after 1 s; see the log "
          + "(directory " + dir.resolve("networkcache") + ")", failure.getMessage());
      assertEquals(0, context.keptRunning.get());
      assertEquals("", context.stderr());
    } finally {
      slapproxy.stop(0);
    }
  }
}
