package org.slapos.itest.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.NodeProcesses;
import org.slapos.itest.support.SlaposRun;
import org.slapos.itest.support.SlaposTestSupport;

/**
 * {@code slapos node report} in a whole SlapOS cycle with real components: the proxy, {@code node
 * format}, {@code supply}, {@code request}, {@code node software} and {@code node instance} with the
 * real zc.buildout and supervisord. The partition's report script writes a usage report that reaches
 * the proxy's {@code useComputer}, an invalid report stays in place; once the instance is requested
 * destroyed, {@code node instance} then {@code node report} stop its processes, run its
 * {@code sbin/destroy}, empty its directory and free it at the proxy, which gives it to the next request.
 */
class NodeReportProcessTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir
  static Path work;

  private static ProxyProcess proxy;
  private static RealBuildout buildout;
  private static Path cfg;
  private static Path clientCfg;
  private static Path softwareRoot;
  private static Path instanceRoot;
  private static Path recipeEggs;
  private static int port;

  @BeforeAll
  static void startProxyAndFormat() throws Exception {
    buildout = RealBuildout.install();
    recipeEggs = buildRecipeEgg();
    proxy = ProxyProcess.start(work);
    port = SlaposTestSupport.freePort();
    Path node = Files.createDirectories(buildout.work.resolve("node-report-" + ProcessHandle.current().pid()));
    buildout.ownForRuns(node);
    softwareRoot = Files.createDirectories(node.resolve("opt"));
    buildout.ownForRuns(softwareRoot);
    instanceRoot = Files.createDirectories(node.resolve("srv"));
    instanceRoot.toFile().setReadable(true, false);
    instanceRoot.toFile().setExecutable(true, false);
    cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + ProxyProcess.COMPUTER_ID + "\nmaster_url = " + proxy.url()
        + "\ninstance_root = " + instanceRoot + "\nsoftware_root = " + softwareRoot
        + "\nroot_check = false\npidfile_software = " + work.resolve("sr.pid") + "\npidfile_instance = "
        + work.resolve("cp.pid") + "\npidfile_report = " + work.resolve("ur.pid") + "\nbuildout = "
        + buildout.launcher + "\nsoftware_min_free_space = 1M\ninstance_min_free_space = 1M\n\n[slapformat]\n"
        + "partition_amount = 2\npartition_base_name = slappart\nuser_base_name = slapuser\ntap_base_name = slaptap\n"
        + "interface_name = lo\nipv4_local_network = 10.0.0.0/16\ncomputer_xml = " + work.resolve("slapos.xml")
        + "\ncreate_tap = False\nalter_user = False\nalter_network = False\n");
    clientCfg = work.resolve("slapos-client.cfg");
    Files.writeString(clientCfg, "[slapos]\nmaster_url = " + proxy.url() + "\nmaster_rest_url = " + proxy.url()
        + "hateoas\n");
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, format.exitCode(), format.stderr());
    if (buildout.root) {
      NodeProcesses.giveTo(RealBuildout.UNPRIVILEGED_USER, instanceRoot, 2);
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      NodeProcesses.stopSupervisord(work, cfg, instanceRoot);
    } finally {
      if (proxy != null) {
        proxy.close();
      }
    }
  }

  private static SlaposRun slapos(String... args) throws IOException, InterruptedException {
    return SlaposRun.of(work, args);
  }

  private static Path buildRecipeEgg() throws Exception {
    Path source = Files.createTempDirectory(buildout.work, "report-recipe-");
    for (String name : List.of("setup.py", "slapose2erecipe/__init__.py")) {
      Path target = source.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = NodeReportProcessTest.class.getResourceAsStream("e2e-recipe/" + name)) {
        Files.copy(in, target);
      }
    }
    Path eggs = Files.createTempDirectory(buildout.work, "report-eggs-");
    RealBuildout.Output built = RealBuildout.run(List.of("/usr/bin/python3", "setup.py", "-q", "bdist_egg", "-d",
        eggs.toString()), source, Duration.ofMinutes(2));
    assertEquals(0, built.exitCode(), built.text());
    openForAll(eggs);
    return eggs;
  }

  private static void openForAll(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.forEach(path -> {
        path.toFile().setReadable(true, false);
        if (Files.isDirectory(path)) {
          path.toFile().setExecutable(true, false);
        }
      });
    }
  }

  private static String md5(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The release: a supervised web service, a usage report script and a destroy script. */
  private static String release() throws Exception {
    Path source = Files.createDirectories(buildout.work.resolve("report-sr-" + ProcessHandle.current().pid()));
    String url = source.resolve("software.cfg").toString();
    Path releaseDirectory = softwareRoot.resolve(md5(url));
    Files.writeString(source.resolve("web"), "#!/bin/sh\nexec /usr/bin/python3 -m http.server --bind 127.0.0.1 "
        + port + "\n");
    Files.writeString(source.resolve("usage"), "#!/bin/sh\nset -e\nmkdir -p \"$(dirname \"$1\")\"\n"
        + "cat > \"$1\" <<'XML'\n<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<consumption><movement>"
        + "<resource>CPU Consumption</resource><title>CPU consumption of the partition</title>"
        + "<reference>slappart0</reference><quantity>42.1</quantity><price>0.00</price><VAT>None</VAT>"
        + "<category>CPU</category></movement></consumption>\nXML\n");
    Files.writeString(source.resolve("destroy"), "#!/bin/sh\ntest -x etc/service/web\n");
    Files.writeString(source.resolve("instance.cfg.in"), "[buildout]\nparts = web usage destroy\neggs-directory = "
        + releaseDirectory.resolve("eggs") + "\ndevelop-eggs-directory = " + releaseDirectory.resolve("develop-eggs")
        + "\nnewest = false\n\n"
        + "[web]\nrecipe = slapose2erecipe\nsource = " + source.resolve("web") + "\npath = etc/service/web\nmode = 755\n\n"
        + "[usage]\nrecipe = slapose2erecipe\nsource = " + source.resolve("usage") + "\npath = etc/report/usage\n"
        + "mode = 755\n\n"
        + "[destroy]\nrecipe = slapose2erecipe\nsource = " + source.resolve("destroy") + "\npath = sbin/destroy\n"
        + "mode = 755\n");
    Files.writeString(source.resolve("software.cfg"), "[buildout]\nparts = instance\nnewest = false\nfind-links = "
        + recipeEggs + "\nindex = file://" + recipeEggs + "\n\n[instance]\nrecipe = slapose2erecipe\nsource = "
        + source.resolve("instance.cfg.in") + "\npath = instance.cfg\n");
    openForAll(source);
    return url;
  }

  /** A column of the proxy's partition row {@code where = ?}. */
  private static String partitionColumn(String column, String where, String value) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + proxy.database() + "?mode=ro");
        PreparedStatement query = db.prepareStatement("SELECT " + column + " FROM partition17 WHERE " + where
            + " = ?")) {
      query.setString(1, value);
      try (ResultSet rows = query.executeQuery()) {
        assertTrue(rows.next(), "no partition with " + where + " = " + value);
        return rows.getString(1);
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Gave up waiting " + PATIENCE.toSeconds() + " s for: " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static int httpStatus() {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (ConnectException e) {
      return -1;
    } catch (IOException e) {
      return -2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -3;
    }
  }

  private static String output(SlaposRun run) {
    return run.stdout() + run.stderr();
  }

  private static List<String> entries(Path directory) throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void usageReachesTheProxyAndADestroyedInstanceFreesItsPartition() throws Exception {
    String url = release();
    SlaposRun supply = slapos("supply", "--cfg", clientCfg.toString(), url, ProxyProcess.COMPUTER_ID);
    assertEquals(0, supply.exitCode(), output(supply));
    SlaposRun software = slapos("node", "software", "--cfg", cfg.toString(), "--now");
    assertEquals(0, software.exitCode(), output(software));
    SlaposRun requested = slapos("request", "--cfg", clientCfg.toString(), "report-instance", url);
    assertEquals(0, requested.exitCode(), output(requested));
    String partitionId = partitionColumn("reference", "partition_reference", "report-instance");
    Path partition = instanceRoot.resolve(partitionId);
    SlaposRun instance = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(0, instance.exitCode(), output(instance));
    await("the web service answers", () -> httpStatus() == 200);

    // The report script's usage reaches useComputer; an invalid report is left in place, not sent.
    Path reports = partition.resolve("var/xml_report");
    Files.createDirectories(reports);
    // The report script writes there as the partition's user: give it what the test (maybe root) created.
    for (Path created : List.of(partition.resolve("var"), reports)) {
      Files.setOwner(created, Files.getOwner(partition));
    }
    Path invalid = Files.writeString(reports.resolve("broken.xml"), "<consumption><movement>");
    int usageLines = proxy.log().split("useComputer from", -1).length - 1;
    SlaposRun report = slapos("node", "report", "--cfg", cfg.toString(), "--now");
    assertEquals(0, report.exitCode(), output(report));
    assertTrue(output(report).contains("invalid usage report, not sent: " + invalid), output(report));
    assertTrue(Files.exists(invalid), "the invalid report stays in place");
    assertEquals(List.of("broken.xml"), entries(reports), "the sent report is deleted");
    String log = proxy.log();
    assertEquals(usageLines + 1, log.split("useComputer from", -1).length - 1, log);
    assertTrue(log.contains("useComputer from " + ProxyProcess.COMPUTER_ID + ":"), log);

    // Requested destroyed: node instance stops the processes, node report destroys and frees the partition.
    SlaposRun destroyed = slapos("request", "--cfg", clientCfg.toString(), "report-instance", url, "--state",
        "destroyed");
    assertEquals(0, destroyed.exitCode(), output(destroyed));
    SlaposRun prepare = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(0, prepare.exitCode(), output(prepare));
    SlaposRun collect = slapos("node", "report", "--cfg", cfg.toString(), "--now");
    assertEquals(0, collect.exitCode(), output(collect));
    assertTrue(collect.stdout().contains(partitionId + ": destroyed"), output(collect));
    await("the web service is gone", () -> httpStatus() < 0);
    SlaposRun status = slapos("node", "status", "--cfg", cfg.toString());
    assertFalse(status.stdout().contains(partitionId + ":"), output(status));
    assertTrue(Files.isDirectory(partition), "the partition directory stays");
    assertEquals(List.of(), entries(partition), "the partition directory is emptied");
    try (Stream<Path> programs = Files.list(instanceRoot.resolve("etc/supervisord.conf.d"))) {
      assertTrue(programs.noneMatch(file -> file.getFileName().toString().startsWith(partitionId)),
          "the partition's supervisor files are removed");
    }
    assertEquals("free", partitionColumn("slap_state", "reference", partitionId));

    SlaposRun again = slapos("request", "--cfg", clientCfg.toString(), "next-instance", url);
    assertEquals(0, again.exitCode(), output(again));
    assertEquals(partitionId, partitionColumn("reference", "partition_reference", "next-instance"),
        "the freed partition is allocated again");
  }
}
