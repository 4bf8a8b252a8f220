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
 * A whole SlapOS cycle with real components: {@code bin/slapos proxy start}, {@code node format},
 * {@code supply}, {@code request}, {@code node software} and {@code node instance} with the real
 * zc.buildout and the real supervisord. The test's releases deploy an HTTP service (supervised, in
 * {@code etc/service}), a promise that checks it and a part that publishes the service's URL as a
 * connection parameter; one release's instance fails to build, another's service keeps crashing.
 */
class NodeInstanceProcessTest {
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
    Path node = Files.createDirectories(buildout.work.resolve("node-instance-" + ProcessHandle.current().pid()));
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
        + work.resolve("cp.pid") + "\nbuildout = " + buildout.launcher
        + "\nsoftware_min_free_space = 1M\ninstance_min_free_space = 1M\n\n[slapformat]\npartition_amount = 3\n"
        + "partition_base_name = slappart\nuser_base_name = slapuser\ntap_base_name = slaptap\ninterface_name = lo\n"
        + "ipv4_local_network = 10.0.0.0/16\ncomputer_xml = " + work.resolve("slapos.xml")
        + "\ncreate_tap = False\nalter_user = False\nalter_network = False\n");
    clientCfg = work.resolve("slapos-client.cfg");
    Files.writeString(clientCfg, "[slapos]\nmaster_url = " + proxy.url() + "\nmaster_rest_url = " + proxy.url()
        + "hateoas\n");
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, format.exitCode(), format.stderr());
    if (buildout.root) {
      NodeProcesses.giveTo(RealBuildout.UNPRIVILEGED_USER, instanceRoot, 3);
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

  /** The test recipe egg (copies files, publishes connection parameters), built from test resources. */
  private static Path buildRecipeEgg() throws Exception {
    Path source = Files.createTempDirectory(buildout.work, "e2e-recipe-");
    for (String name : List.of("setup.py", "slapose2erecipe/__init__.py")) {
      Path target = source.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = NodeInstanceProcessTest.class.getResourceAsStream("e2e-recipe/" + name)) {
        Files.copy(in, target);
      }
    }
    Path eggs = Files.createTempDirectory(buildout.work, "e2e-eggs-");
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

  /**
   * A release: {@code software.cfg} installs the recipe egg and renders {@code instance.cfg} from
   * {@code instanceParts} (sections after {@code [buildout]}); {@code files} are templates next to it.
   */
  private static String release(String name, String parts, String instanceParts, String... files) throws Exception {
    Path source = Files.createDirectories(buildout.work.resolve("e2e-sr-" + ProcessHandle.current().pid() + "-" + name));
    String url = source.resolve("software.cfg").toString();
    Path releaseDirectory = softwareRoot.resolve(md5(url));
    for (int i = 0; i < files.length; i += 2) {
      Files.writeString(source.resolve(files[i]), files[i + 1].replace("@@SOURCE@@", source.toString())
          .replace("@@PORT@@", Integer.toString(port)));
    }
    Files.writeString(source.resolve("instance.cfg.in"), "[buildout]\nparts = " + parts + "\neggs-directory = "
        + releaseDirectory.resolve("eggs") + "\ndevelop-eggs-directory = " + releaseDirectory.resolve("develop-eggs")
        + "\nnewest = false\n\n" + instanceParts.replace("@@SOURCE@@", source.toString())
        .replace("@@PORT@@", Integer.toString(port)));
    Files.writeString(source.resolve("software.cfg"), "[buildout]\nparts = instance\nnewest = false\nfind-links = "
        + recipeEggs + "\nindex = file://" + recipeEggs + "\n\n[instance]\nrecipe = slapose2erecipe\nsource = "
        + source.resolve("instance.cfg.in") + "\npath = instance.cfg\n");
    openForAll(source);
    return url;
  }

  private static String partitionOf(String reference) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + proxy.database() + "?mode=ro");
        PreparedStatement query = db.prepareStatement("SELECT reference FROM partition17 WHERE partition_reference = ?")) {
      query.setString(1, reference);
      try (ResultSet rows = query.executeQuery()) {
        assertTrue(rows.next(), "no partition for " + reference);
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

  @Test
  void servicesPromisesConnectionParametersStopAndWatchdogWithRealBuildoutAndSupervisord() throws Exception {
    String good = release("good", "web promise publish",
        "[web]\nrecipe = slapose2erecipe\nsource = @@SOURCE@@/web\npath = etc/service/web\nmode = 755\n\n"
            + "[promise]\nrecipe = slapose2erecipe\nsource = @@SOURCE@@/check-web\npath = etc/promise/check-web\n"
            + "mode = 755\n\n[publish]\nrecipe = slapose2erecipe:publish\nurl = http://127.0.0.1:@@PORT@@/\n",
        "web", "#!/bin/sh\nexec /usr/bin/python3 @@SOURCE@@/web.py @@PORT@@\n",
        "web.py", "import http.server, os, signal, sys\n"
            + "# With a 'disabled' file in the partition, the service runs but serves nothing.\n"
            + "if os.path.exists('disabled'):\n    signal.pause()\n"
            + "http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])),"
            + " http.server.SimpleHTTPRequestHandler).serve_forever()\n",
        "check-web", "#!/usr/bin/python3\nimport sys, time, urllib.request\ndeadline = time.monotonic() + 15\n"
            + "while True:\n    try:\n        urllib.request.urlopen('http://127.0.0.1:@@PORT@@/', timeout=2).read()\n"
            + "        sys.exit(0)\n    except Exception as e:\n        if time.monotonic() > deadline:\n"
            + "            print('web does not answer: %s' % e)\n            sys.exit(1)\n        time.sleep(0.2)\n");
    String broken = release("broken", "fail",
        "[fail]\nrecipe = slapose2erecipe\nsource = /dev/null\npath = never\nfail = true\n");
    String crashing = release("crashing", "crash",
        "[crash]\nrecipe = slapose2erecipe\nsource = @@SOURCE@@/crash\npath = etc/service/crash\nmode = 755\n",
        "crash", "#!/bin/sh\necho crashing\nexit 1\n");
    for (String url : List.of(good, broken, crashing)) {
      SlaposRun supply = slapos("supply", "--cfg", clientCfg.toString(), url, ProxyProcess.COMPUTER_ID);
      assertEquals(0, supply.exitCode(), supply.stderr());
    }
    SlaposRun software = slapos("node", "software", "--cfg", cfg.toString(), "--now");
    assertEquals(0, software.exitCode(), output(software));
    for (String[] request : List.of(new String[] {"web-instance", good}, new String[] {"broken-instance", broken},
        new String[] {"crashing-instance", crashing})) {
      SlaposRun requested = slapos("request", "--cfg", clientCfg.toString(), request[0], request[1]);
      assertEquals(0, requested.exitCode(), output(requested));
    }
    String web = partitionOf("web-instance");
    String brokenPartition = partitionOf("broken-instance");
    String crash = partitionOf("crashing-instance");

    // One run: the broken partition is reported, its neighbours deploy; the service runs, its promise
    // passes and its URL reaches the requester through the proxy.
    SlaposRun first = slapos("node", "instance", "--cfg", cfg.toString(), "--now");
    assertEquals(1, first.exitCode(), output(first));
    assertTrue(output(first).contains("Error while processing the following partitions:"), output(first));
    assertTrue(output(first).contains("  " + brokenPartition + "["), output(first));
    assertFalse(output(first).contains("  " + web + "["), output(first));
    await("the web service answers", () -> httpStatus() == 200);
    String result = Files.readString(instanceRoot.resolve(web).resolve(".slapgrid/promise/result/check-web.status.json"));
    assertTrue(result.contains("\"failed\": false") || result.contains("\"failed\":false"), result);
    assertTrue(Files.exists(instanceRoot.resolve(web).resolve(".timestamp")));
    SlaposRun info = slapos("service", "info", "--cfg", clientCfg.toString(), "web-instance");
    assertEquals(0, info.exitCode(), output(info));
    assertTrue(info.stdout().contains("\"url\": \"http://127.0.0.1:" + port + "/\""), info.stdout());
    SlaposRun status = slapos("node", "status", "--cfg", cfg.toString());
    assertTrue(status.stdout().matches("(?s).*" + web + ":web-on-watch\\s+RUNNING.*"), output(status));

    // The crashing service is reported to the master by the watchdog (bang), once.
    Path bang = instanceRoot.resolve(crash).resolve(".slapos_latest_bang_timestamp");
    await("the watchdog bangs for the crashing service", () -> Files.exists(bang));

    // A service that does not serve any more: the next deployment of its partition exits 2.
    Files.writeString(instanceRoot.resolve(web).resolve("disabled"), "");
    SlaposRun stopped = slapos("node", "stop", "--cfg", cfg.toString(), web + ":web-on-watch");
    assertEquals(0, stopped.exitCode(), output(stopped));
    await("the web service is down", () -> httpStatus() < 0);
    SlaposRun failing = slapos("node", "instance", "--cfg", cfg.toString(), "--now", "--force", "--only-cp", web);
    assertEquals(2, failing.exitCode(), output(failing));
    assertTrue(output(failing).contains("Error with promises for the following partitions:"), output(failing));
    assertTrue(output(failing).contains("web does not answer"), output(failing));

    // The requester stops the instance: its processes stop.
    Files.delete(instanceRoot.resolve(web).resolve("disabled"));
    SlaposRun stop = slapos("request", "--cfg", clientCfg.toString(), "web-instance", good, "--state", "stopped");
    assertEquals(0, stop.exitCode(), output(stop));
    SlaposRun third = slapos("node", "instance", "--cfg", cfg.toString(), "--now", "--only-cp", web);
    assertEquals(0, third.exitCode(), output(third));
    SlaposRun after = slapos("node", "status", "--cfg", cfg.toString());
    assertFalse(after.stdout().contains(web + ":"), output(after));
    assertTrue(httpStatus() < 0, "the stopped service must not answer");
  }
}
