package org.slapos.itest.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The demo Software Release the project ships ({@code software/demo}, built offline by
 * {@code bin/setup-demo}) in a whole cycle with real components: {@code bin/slapos proxy start},
 * {@code node format} (every partition on 127.0.0.1, as the standalone node formats them),
 * {@code supply}, {@code node software} with the real zc.buildout, {@code request}, {@code node
 * instance} with the real supervisord, {@code service info}, then destruction and {@code node report}.
 */
class DemoSoftwareReleaseProcessTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** The title demo-one requests, as its page shows it (escaped for HTML). */
  private static final String TITLE_IN_PAGE = "My &lt;first&gt; ${page} &amp; &quot;more&quot;";
  private static final Pattern URL = Pattern.compile("\"url\": \"(http://127\\.0\\.0\\.1:(\\d+)/)\"");

  @TempDir
  static Path work;

  private static ProxyProcess proxy;
  private static RealBuildout buildout;
  private static Path repository;
  private static Path cfg;
  private static Path clientCfg;
  private static Path softwareRoot;
  private static Path instanceRoot;
  private static Path demoDirectory;

  @BeforeAll
  static void startProxyAndFormat() throws Exception {
    buildout = RealBuildout.install();
    repository = Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().getParent().getParent();
    proxy = ProxyProcess.start(work);
    // A release of the test's own, in a directory the software user reaches when the tests run as root.
    demoDirectory = buildout.work.resolve("demo-release-" + ProcessHandle.current().pid());
    Path node = Files.createDirectories(buildout.work.resolve("node-demo-" + ProcessHandle.current().pid()));
    buildout.ownForRuns(node);
    softwareRoot = Files.createDirectories(node.resolve("opt"));
    buildout.ownForRuns(softwareRoot);
    instanceRoot = Files.createDirectories(node.resolve("srv"));
    instanceRoot.toFile().setReadable(true, false);
    instanceRoot.toFile().setExecutable(true, false);
    Path definition = work.resolve("slapformat-definition.cfg");
    StringBuilder partitions = new StringBuilder("[computer]\naddress = 127.0.0.1/255.0.0.0\n\n");
    // The second partition's address is not on this machine (TEST-NET-1, as unprivileged format
    // computes addresses it does not configure): the demo then serves on 127.0.0.1.
    List<String> addresses = List.of("127.0.0.1/255.0.0.0", "192.0.2.1/255.255.255.255");
    for (int i = 0; i < 2; i++) {
      partitions.append("[partition_").append(i).append("]\naddress = ").append(addresses.get(i)).append("\nuser = ")
          .append(System.getProperty("user.name")).append("\nnetwork_interface = lo\npathname = slappart")
          .append(i).append("\n\n");
    }
    Files.writeString(definition, partitions);
    cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + ProxyProcess.COMPUTER_ID + "\nmaster_url = " + proxy.url()
        + "\ninstance_root = " + instanceRoot + "\nsoftware_root = " + softwareRoot
        + "\nroot_check = false\npidfile_software = " + work.resolve("sr.pid") + "\npidfile_instance = "
        + work.resolve("cp.pid") + "\npidfile_report = " + work.resolve("ur.pid") + "\nbuildout = "
        + buildout.launcher + "\nsoftware_min_free_space = 1M\ninstance_min_free_space = 1M\n\n[slapformat]\n"
        + "partition_amount = 2\npartition_base_name = slappart\nuser_base_name = slapuser\ntap_base_name = slaptap\n"
        + "interface_name = lo\ninput_definition_file = " + definition + "\ncomputer_xml = "
        + work.resolve("slapos.xml") + "\ncreate_tap = False\nalter_user = False\nalter_network = False\n");
    clientCfg = work.resolve("slapos-client.cfg");
    Files.writeString(clientCfg, "[slapos]\nmaster_url = " + proxy.url() + "\nmaster_rest_url = " + proxy.url()
        + "hateoas\n");
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, format.exitCode(), output(format));
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

  private static String output(SlaposRun run) {
    return run.stdout() + run.stderr();
  }

  private static RealBuildout.Output setupDemo(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(repository.resolve("bin/setup-demo").toString()));
    command.addAll(List.of(args));
    return RealBuildout.run(command, repository, Duration.ofMinutes(5));
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private static String md5(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
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

  /** The page at {@code url}: its status and body, or a negative status when nothing answers. */
  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean answers(String url) {
    try {
      get(url);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static boolean pageContains(String url, String text) {
    try {
      HttpResponse<String> page = get(url);
      return page.statusCode() == 200 && page.body().contains(text);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The instance's published {@code url}, read with {@code slapos service info}. */
  private static String publishedUrl(String reference) throws Exception {
    SlaposRun info = slapos("service", "info", "--cfg", clientCfg.toString(), reference);
    assertEquals(0, info.exitCode(), output(info));
    Matcher url = URL.matcher(info.stdout());
    assertTrue(url.find(), "no url connection parameter in: " + info.stdout());
    return url.group(1);
  }

  private static void assertDemoPage(String url, String partitionId, String title) throws Exception {
    HttpResponse<String> page = get(url);
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("Hello from SlapOS"), page.body());
    assertTrue(page.body().contains("<title>" + title + "</title>"), page.body());
    assertTrue(page.body().contains(partitionId), page.body());
  }

  private static void assertPromiseGreen(String partitionId) throws IOException {
    Path result = instanceRoot.resolve(partitionId).resolve(".slapgrid/promise/result/demo-web.status.json");
    assertTrue(Files.exists(result), "no promise result " + result);
    String json = Files.readString(result);
    assertTrue(json.contains("\"failed\": false") || json.contains("\"failed\":false"), json);
  }

  private static List<String> entries(Path directory) throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  /** The recipes' own unit tests (software/demo/recipe/tests), on the zc.buildout the node uses. */
  @Test
  void recipeUnitTestsPass() throws Exception {
    Path recipe = repository.resolve("software/demo/recipe");
    ProcessBuilder unittest = new ProcessBuilder("/usr/bin/python3", "-m", "unittest", "discover", "-s", "tests")
        .directory(recipe.toFile()).redirectErrorStream(true);
    unittest.environment().put("PYTHONPATH", buildout.launcher.getParent().getParent()
        .resolve("zc.buildout/site-packages") + ":" + recipe);
    // No __pycache__ in the source tree.
    unittest.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process process = unittest.start();
    process.getOutputStream().close();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the recipe's unit tests did not end");
    assertEquals(0, process.exitValue(), text);
    Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(text);
    assertTrue(ran.find() && Integer.parseInt(ran.group(1)) > 0, text);
  }

  @Test
  void setupBuildsOnceAndPrintsTheUrl() throws Exception {
    Path directory = buildout.work.resolve("demo-setup-" + ProcessHandle.current().pid());
    RealBuildout.Output first = setupDemo("--target", directory.toString());
    assertEquals(0, first.exitCode(), first.text());
    String url = directory.resolve("software.cfg").toString();
    assertEquals(url, lastLine(first.text()));
    assertTrue(first.text().contains("Demo Software Release built"), first.text());
    assertEquals(url, Files.readString(directory.resolve("software-url")).strip());
    try (Stream<Path> eggs = Files.list(directory.resolve("eggs"))) {
      assertTrue(eggs.anyMatch(egg -> egg.getFileName().toString().startsWith("slapos_demo_recipe-")));
    }
    String profile = Files.readString(directory.resolve("software.cfg"));
    assertTrue(profile.contains("find-links = " + directory.resolve("eggs")), profile);
    assertFalse(profile.contains("@@"), profile);

    RealBuildout.Output again = setupDemo("--target", directory.toString());
    assertEquals(0, again.exitCode(), again.text());
    assertEquals(url, lastLine(again.text()));
    assertTrue(again.text().contains("up to date"), again.text());
    RealBuildout.Output printed = setupDemo("--print-url", "--target", directory.toString());
    assertEquals(0, printed.exitCode(), printed.text());
    assertEquals(url, printed.text().strip());
    RealBuildout.Output missing = setupDemo("--print-url", "--target", directory.resolve("none").toString());
    assertEquals(1, missing.exitCode(), missing.text());
    assertTrue(missing.text().contains("no demo release in"), missing.text());
  }

  @Test
  void demoInstancesServeTheirPagePublishTheirUrlAndAreDestroyed() throws Exception {
    RealBuildout.Output setup = setupDemo("--target", demoDirectory.toString());
    assertEquals(0, setup.exitCode(), setup.text());
    String url = lastLine(setup.text());
    SlaposRun supply = slapos("supply", "--cfg", clientCfg.toString(), url, ProxyProcess.COMPUTER_ID);
    assertEquals(0, supply.exitCode(), output(supply));
    SlaposRun software = slapos("node", "software", "--cfg", cfg.toString(), "--now");
    assertEquals(0, software.exitCode(), output(software));
    assertTrue(Files.exists(softwareRoot.resolve(md5(url)).resolve("instance.cfg")), output(software));

    SlaposRun one = slapos("request", "--cfg", clientCfg.toString(), "demo-one", url, "--parameters",
        "title=My <first> ${page} & \"more\"");
    assertEquals(0, one.exitCode(), output(one));
    SlaposRun two = slapos("request", "--cfg", clientCfg.toString(), "demo-two", url);
    assertEquals(0, two.exitCode(), output(two));
    String partitionOne = partitionColumn("reference", "partition_reference", "demo-one");
    String partitionTwo = partitionColumn("reference", "partition_reference", "demo-two");
    SlaposRun instance = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(0, instance.exitCode(), output(instance));

    // Each instance publishes its own URL; its page answers and its promise is green.
    String urlOne = publishedUrl("demo-one");
    String urlTwo = publishedUrl("demo-two");
    assertNotEquals(urlOne, urlTwo, "two instances of the demo must not share a port");
    assertDemoPage(urlOne, partitionOne, TITLE_IN_PAGE);
    assertDemoPage(urlTwo, partitionTwo, "SlapOS demo");
    assertPromiseGreen(partitionOne);
    assertPromiseGreen(partitionTwo);
    String log = Files.readString(instanceRoot.resolve(partitionTwo).resolve(".slapgrid/log/instance.log"));
    assertTrue(log.contains("The partition address 192.0.2.1 is not on this machine: serving on 127.0.0.1"), log);
    SlaposRun info = slapos("service", "info", "--cfg", clientCfg.toString(), "demo-one");
    assertTrue(info.stdout().contains("\"title\": \"My <first> ${page} & \\\"more\\\"\""), output(info));

    // A re-deployment keeps the port the partition chose.
    SlaposRun redeploy = slapos("node", "instance", "--cfg", cfg.toString(), "--now", "--force", "--only-cp",
        partitionTwo);
    assertEquals(0, redeploy.exitCode(), output(redeploy));
    assertEquals(urlTwo, publishedUrl("demo-two"));
    assertDemoPage(urlTwo, partitionTwo, "SlapOS demo");

    // A new title: the server restarts with it (its program's name follows the settings), same port.
    SlaposRun retitle = slapos("request", "--cfg", clientCfg.toString(), "demo-one", url, "--parameters",
        "title=Second title");
    assertEquals(0, retitle.exitCode(), output(retitle));
    SlaposRun retitled = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(0, retitled.exitCode(), output(retitled));
    await("the page shows the new title", () -> pageContains(urlOne, "<title>Second title</title>"));
    assertEquals(urlOne, publishedUrl("demo-one"));
    assertPromiseGreen(partitionOne);

    // Destroyed: node instance stops the service, node report empties and frees the partition.
    SlaposRun destroy = slapos("request", "--cfg", clientCfg.toString(), "demo-two", url, "--state", "destroyed");
    assertEquals(0, destroy.exitCode(), output(destroy));
    SlaposRun prepare = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(0, prepare.exitCode(), output(prepare));
    SlaposRun report = slapos("node", "report", "--cfg", cfg.toString(), "--now");
    assertEquals(0, report.exitCode(), output(report));
    assertTrue(report.stdout().contains(partitionTwo + ": destroyed"), output(report));
    await("the destroyed instance's page is gone", () -> !answers(urlTwo));
    assertEquals("free", partitionColumn("slap_state", "reference", partitionTwo));
    assertEquals(List.of(), entries(instanceRoot.resolve(partitionTwo)), "the partition directory is emptied");
    assertDemoPage(urlOne, partitionOne, "Second title");

    // The freed partition serves the next instance, on the port its request asks for.
    int requestedPort = SlaposTestSupport.freePort();
    SlaposRun three = slapos("request", "--cfg", clientCfg.toString(), "demo-three", url, "--parameters",
        "port=" + requestedPort);
    assertEquals(0, three.exitCode(), output(three));
    assertEquals(partitionTwo, partitionColumn("reference", "partition_reference", "demo-three"));
    SlaposRun deploy = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(0, deploy.exitCode(), output(deploy));
    String urlThree = publishedUrl("demo-three");
    assertEquals("http://127.0.0.1:" + requestedPort + "/", urlThree);
    assertDemoPage(urlThree, partitionTwo, "SlapOS demo");
    assertPromiseGreen(partitionTwo);
  }
}
