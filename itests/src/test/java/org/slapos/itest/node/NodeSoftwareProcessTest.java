package org.slapos.itest.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.SlaposRun;

/**
 * {@code bin/slapos node software} as an operator runs it, against a real {@code bin/slapos proxy
 * start} process, with the real zc.buildout on offline Software Releases: supply, install, a broken
 * release beside a good one, a second run with nothing to do, removal of a release no longer supplied.
 */
class NodeSoftwareProcessTest {
  @TempDir
  static Path work;

  private static ProxyProcess proxy;
  private static RealBuildout buildout;
  private static Path cfg;
  private static Path clientCfg;
  private static Path softwareRoot;

  @BeforeAll
  static void startProxyAndFormat() throws Exception {
    buildout = RealBuildout.install();
    proxy = ProxyProcess.start(work);
    Path node = Files.createDirectories(buildout.work.resolve("node-software-" + ProcessHandle.current().pid()));
    softwareRoot = Files.createDirectories(node.resolve("opt"));
    buildout.ownForRuns(node);
    buildout.ownForRuns(softwareRoot);
    cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + ProxyProcess.COMPUTER_ID + "\nmaster_url = " + proxy.url()
        + "\ninstance_root = " + work.resolve("srv") + "\nsoftware_root = " + softwareRoot
        + "\nroot_check = false\npidfile_software = " + work.resolve("slapgrid-sr.pid")
        + "\nbuildout = " + buildout.launcher
        + "\nsoftware_min_free_space = 1M\n\n[slapformat]\npartition_amount = 1\npartition_base_name = slappart\n"
        + "user_base_name = slapuser\ntap_base_name = slaptap\ninterface_name = lo\n"
        + "ipv4_local_network = 10.0.0.0/16\ncomputer_xml = " + work.resolve("slapos.xml")
        + "\ncreate_tap = False\nalter_user = False\nalter_network = False\n");
    clientCfg = work.resolve("slapos-client.cfg");
    Files.writeString(clientCfg, "[slapos]\nmaster_url = " + proxy.url() + "\n");
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, format.exitCode(), format.stderr());
  }

  @AfterAll
  static void stopProxy() throws InterruptedException {
    if (proxy != null) {
      proxy.close();
    }
  }

  private static SlaposRun slapos(String... args) throws IOException, InterruptedException {
    return SlaposRun.of(work, args);
  }

  private static String release(String name, String extra) throws IOException {
    Path directory = Files.createDirectories(buildout.work.resolve("process-sr-" + ProcessHandle.current().pid() + "-" + name));
    directory.toFile().setReadable(true, false);
    directory.toFile().setExecutable(true, false);
    Path profile = directory.resolve("software.cfg");
    Files.writeString(profile, "[buildout]\nparts = hello\nnewest = false\nfind-links = " + buildout.eggs
        + "\nindex = file://" + buildout.eggs + "\n\n[hello]\nrecipe = slapostestrecipe\nmessage = " + name + "\n" + extra);
    profile.toFile().setReadable(true, false);
    return profile.toString();
  }

  private static Path directoryOf(String url) throws Exception {
    return softwareRoot.resolve(HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest(url.getBytes(StandardCharsets.UTF_8))));
  }

  private static List<String> suppliedUrls() throws Exception {
    List<String> urls = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + proxy.database() + "?mode=ro");
        PreparedStatement query = db.prepareStatement("SELECT url FROM software17 WHERE computer_reference = ? ORDER BY url")) {
      query.setString(1, ProxyProcess.COMPUTER_ID);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          urls.add(rows.getString(1));
        }
      }
    }
    return urls;
  }

  private static SlaposRun nodeSoftware(String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", "software", "--cfg", cfg.toString(), "--now"));
    args.addAll(List.of(more));
    return slapos(args.toArray(String[]::new));
  }

  @Test
  void suppliedReleasesAreInstalledABrokenOneFailsAloneAndARemovedOneIsDestroyed() throws Exception {
    String good = release("good", "");
    String broken = release("broken", "mode = 9z9\n");
    for (String url : List.of(broken, good)) {
      SlaposRun supply = slapos("supply", "--cfg", clientCfg.toString(), url, ProxyProcess.COMPUTER_ID);
      assertEquals(0, supply.exitCode(), supply.stderr());
    }

    SlaposRun first = nodeSoftware();
    String output = first.stdout() + first.stderr();
    assertEquals(1, first.exitCode(), output);
    assertTrue(Files.exists(directoryOf(good).resolve(".completed")), output);
    assertFalse(Files.exists(directoryOf(broken).resolve(".completed")), output);
    assertEquals("good", RealBuildout.run(List.of(directoryOf(good).resolve("bin/hello").toString()),
        directoryOf(good), Duration.ofSeconds(30)).text().strip());
    assertTrue(output.contains("mode '9z9' is not an octal number"), output);
    assertFalse(Files.exists(work.resolve("slapgrid-sr.pid")), "the lock is released");

    // Nothing left to do for the good one: only the broken one is tried again.
    SlaposRun second = nodeSoftware("--only-sr", good);
    String secondOutput = second.stdout() + second.stderr();
    assertEquals(0, second.exitCode(), secondOutput);
    assertFalse(secondOutput.contains("Installing software release"), secondOutput);

    SlaposRun remove = slapos("remove", "--cfg", clientCfg.toString(), broken, ProxyProcess.COMPUTER_ID);
    assertEquals(0, remove.exitCode(), remove.stderr());
    SlaposRun third = nodeSoftware();
    assertEquals(0, third.exitCode(), third.stdout() + third.stderr());
    assertFalse(Files.exists(directoryOf(broken)), "a release no longer supplied is removed");
    assertTrue(Files.exists(directoryOf(good).resolve(".completed")));
    assertEquals(List.of(good), suppliedUrls(), "the proxy forgets a destroyed release once the node reports it");
  }
}
