package org.slapos.itest.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.itest.node.ReplayedPythonProxy.Call;
import org.slapos.itest.support.SlaposRun;

/**
 * Issue 9: {@code bin/slapos node software}, {@code node instance} and {@code node promise}, as
 * processes, against a master that answers exactly as the Python slapproxy of slapos.core 1.24
 * answered the Python node in the captured exchanges (the wire samples: node-software 0005-0008,
 * node-instance 0011-0018, node-instance-noop 0021-0023, node-promise 0024-0025). The node's requests
 * are compared with the Python node's, parameter by parameter; the only difference allowed is the
 * Software Release URL, a path of the recording machine that the served answers replace with a release
 * made here. The real zc.buildout builds the release and deploys the partition; the node supervisord
 * that node instance starts is shut down at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonProxyReplayTest {
  /** The computer id of the capture (the Python proxy's default). */
  private static final String COMPUTER_ID = "local_computer";
  /** The partitions the captured getFullComputerInformation lists (slappart0 started, the others free). */
  private static final List<String> PARTITIONS = List.of("slappart0", "slappart1", "slappart2");
  /** The {@code timestamp} parameter of slappart0 in the captured answers. */
  private static final String RECORDED_TIMESTAMP = "1795346824.3131387";

  @TempDir
  static Path work;

  private static RealBuildout buildout;
  private static ReplayedPythonProxy master;
  private static String releaseUrl;
  private static Path softwareRoot;
  private static Path instanceRoot;
  private static Path cfg;

  @BeforeAll
  static void startReplayedProxy() throws Exception {
    buildout = RealBuildout.install();
    buildRecipeEgg();
    Path node = Files.createDirectories(buildout.work.resolve("python-replay-" + ProcessHandle.current().pid()));
    softwareRoot = Files.createDirectories(node.resolve("opt"));
    instanceRoot = Files.createDirectories(node.resolve("srv"));
    buildout.ownForRuns(node);
    buildout.ownForRuns(softwareRoot);
    node.resolve("srv").toFile().setReadable(true, false);
    node.resolve("srv").toFile().setExecutable(true, false);
    releaseUrl = release(node);
    master = ReplayedPythonProxy.start(releaseUrl);
    cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + COMPUTER_ID + "\nmaster_url = " + master.url()
        + "\ninstance_root = " + instanceRoot + "\nsoftware_root = " + softwareRoot
        + "\nroot_check = false\npidfile_software = " + work.resolve("slapgrid-sr.pid")
        + "\npidfile_instance = " + work.resolve("slapgrid-cp.pid")
        + "\nbuildout = " + buildout.launcher
        + "\nsoftware_min_free_space = 1M\ninstance_min_free_space = 1M\n");
  }

  @AfterAll
  static void stopSupervisordAndProxy() throws Exception {
    try {
      stopNodeSupervisord();
    } finally {
      if (master != null) {
        master.close();
      }
    }
  }

  @Test
  @Order(1)
  void nodeSoftwareInstallsTheReleaseAndReportsBuildingThenAvailableAsThePythonNode() throws Exception {
    master.serve("0005", "0006", "0007", "0008");

    SlaposRun run = SlaposRun.of(work, "node", "software", "--cfg", cfg.toString(), "--now");

    String output = run.stdout() + run.stderr();
    assertEquals(0, run.exitCode(), output);
    // getHateoasUrl (answered 404: the proxy has no HATEOAS API), the computer, building, available.
    assertEquals(master.expectedCalls("0005", "0006", "0007", "0008"), master.calls(), output);
    assertTrue(Files.isRegularFile(releaseDirectory().resolve(".completed")), output);
    assertTrue(Files.isDirectory(releaseDirectory().resolve("eggs")), output);
    try (Stream<Path> eggs = Files.list(releaseDirectory().resolve("eggs"))) {
      assertTrue(eggs.anyMatch(egg -> egg.getFileName().toString().startsWith("slaposreplayrecipe-")),
          "the release installed the recipe its instances use: " + output);
    }
  }

  @Test
  @Order(2)
  void nodeInstanceDeploysThePartitionAndReportsStartedAsThePythonNode() throws Exception {
    // What the release would ship: an instance profile whose one part does what the SLAP library
    // does in a release's recipe (an empty request-transaction file).
    Path profile = releaseDirectory().resolve("instance.cfg");
    Files.writeString(profile, "[buildout]\nparts = request-transaction\neggs-directory = "
        + releaseDirectory().resolve("eggs") + "\ndevelop-eggs-directory = " + releaseDirectory().resolve("develop-eggs")
        + "\n\n[request-transaction]\nrecipe = slaposreplayrecipe\npartition-id = ${slap-connection:partition-id}\n");
    profile.toFile().setReadable(true, false);
    for (String partition : PARTITIONS) {
      // What node format leaves: the partition's directory, 0750, owned by its user and group.
      Path directory = Files.createDirectories(instanceRoot.resolve(partition));
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
      if (buildout.root) {
        UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView attributes = Files.getFileAttributeView(directory, PosixFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS);
        attributes.setOwner(users.lookupPrincipalByName(RealBuildout.UNPRIVILEGED_USER));
        attributes.setGroup(users.lookupPrincipalByGroupName(primaryGroupOf(RealBuildout.UNPRIVILEGED_USER)));
      }
    }
    master.serve("0011", "0012", "0017", "0018");

    SlaposRun run = SlaposRun.of(work, "node", "instance", "--cfg", cfg.toString(), "--now");

    String output = run.stdout() + run.stderr();
    assertEquals(0, run.exitCode(), output);
    // The capture's 0013-0016 (registerComputerPartition, setComputerPartitionConnectionXml) were sent
    // by the SLAP library inside the recorded release's buildout, not by the node: a profile that
    // publishes nothing sends neither. The node's own calls are the same, in the same order; the 404
    // of updateComputerPartitionRelatedInstanceList (the proxy has no such route) is only a warning.
    assertEquals(master.expectedCalls("0011", "0012", "0017", "0018"), master.calls(), output);
    Path partition = instanceRoot.resolve("slappart0");
    assertEquals(RECORDED_TIMESTAMP, Files.readString(partition.resolve(".timestamp")), output);
    assertEquals(releaseDirectory().toRealPath(), partition.resolve("software_release").toRealPath());
    assertTrue(Files.isRegularFile(partition.resolve(".installed.cfg"), LinkOption.NOFOLLOW_LINKS),
        "buildout ran in the partition: " + output);
    assertTrue(Files.exists(partition.resolve(".slapos-request-transaction-slappart0")), output);
    assertTrue(output.contains("slappart0: started"), output);
    assertTrue(output.contains("Cannot send requested instance list to master"), output);
    for (String free : PARTITIONS.subList(1, PARTITIONS.size())) {
      assertTrue(Files.notExists(instanceRoot.resolve(free).resolve("buildout.cfg")), free + " is free: " + output);
    }
  }

  @Test
  @Order(3)
  void nodeInstanceAgainSkipsTheUpToDatePartitionAndReportsStartedOnceAsThePythonNode() throws Exception {
    Path timestamp = instanceRoot.resolve("slappart0/.timestamp");
    assertTrue(Files.isRegularFile(timestamp), "the previous run deployed slappart0");
    Path installed = instanceRoot.resolve("slappart0/.installed.cfg");
    long installedBefore = Files.getLastModifiedTime(installed).toMillis();
    master.serve("0021", "0022", "0023");

    SlaposRun run = SlaposRun.of(work, "node", "instance", "--cfg", cfg.toString(), "--now");

    String output = run.stdout() + run.stderr();
    assertEquals(0, run.exitCode(), output);
    // Same timestamp, period not elapsed: no buildout, promises in anomaly mode, and started is
    // reported because the proxy gives no access status; no transaction is sent on this path.
    assertEquals(master.expectedCalls("0021", "0022", "0023"), master.calls(), output);
    assertEquals(installedBefore, Files.getLastModifiedTime(installed).toMillis(), "buildout did not run again");
    assertEquals(RECORDED_TIMESTAMP, Files.readString(timestamp));
  }

  @Test
  @Order(4)
  void nodePromiseReadsTheComputerOnlyAsThePythonNode() throws Exception {
    master.serve("0024", "0025");

    SlaposRun run = SlaposRun.of(work, "node", "promise", "--cfg", cfg.toString(), "--now");

    String output = run.stdout() + run.stderr();
    // The partition has no promise: nothing fails, and nothing is reported to the master.
    assertEquals(0, run.exitCode(), output);
    assertEquals(master.expectedCalls("0024", "0025"), master.calls(), output);
  }

  @Test
  @Order(5)
  void theServedAnswersAreTheCapturedBytesButForTheReleaseUrl() throws Exception {
    // The replay is only as good as its fidelity: every byte but the release URL is the Python proxy's.
    for (String number : List.of("0006", "0012", "0022", "0025")) {
      ReplayedPythonProxy.Exchange exchange = master.exchange(number);
      String captured = new String(exchange.body(), StandardCharsets.UTF_8);
      assertTrue(captured.contains(ReplayedPythonProxy.RECORDED_RELEASE_URL), number);
      assertArrayEquals(captured.replace(ReplayedPythonProxy.RECORDED_RELEASE_URL, releaseUrl)
          .getBytes(StandardCharsets.UTF_8), master.servedBody(exchange), number);
    }
    assertEquals(207, master.exchange("0005").body().length, "Werkzeug's 404 page, as captured");
    assertEquals(List.of(new Call("POST", "/startedComputerPartition",
        java.util.Map.of("computer_id", COMPUTER_ID, "computer_partition_id", "slappart0"))),
        master.expectedCalls("0017"));
  }

  private static String primaryGroupOf(String user) throws Exception {
    RealBuildout.Output group = RealBuildout.run(List.of("id", "-gn", user), work, Duration.ofSeconds(30));
    assertEquals(0, group.exitCode(), group.text());
    return group.text().strip();
  }

  /** The release directory node software makes: {@code <software_root>/<md5 of the URL>}. */
  private static Path releaseDirectory() throws Exception {
    return softwareRoot.resolve(HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest(releaseUrl.getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * A Software Release whose only part installs the recipe egg its instance profile uses, offline
   * (the egg comes from the test's find-links directory).
   */
  private static String release(Path node) throws IOException {
    Path directory = Files.createDirectories(node.resolve("sr"));
    directory.toFile().setReadable(true, false);
    directory.toFile().setExecutable(true, false);
    Path profile = directory.resolve("software.cfg");
    Files.writeString(profile, "[buildout]\nparts = instance-recipe\nnewest = false\nfind-links = " + buildout.eggs
        + "\nindex = file://" + buildout.eggs + "\n\n[instance-recipe]\nrecipe = slaposreplayrecipe\n");
    profile.toFile().setReadable(true, false);
    return profile.toString();
  }

  /** Builds the {@code slaposreplayrecipe} egg (test resources {@code replay/recipe}) into the find-links directory. */
  private static void buildRecipeEgg() throws Exception {
    Path source = Files.createTempDirectory(work, "recipe-");
    for (String name : List.of("setup.py", "slaposreplayrecipe/__init__.py")) {
      Path target = source.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = PythonProxyReplayTest.class.getResourceAsStream("replay/recipe/" + name)) {
        if (in == null) {
          throw new IOException("missing test resource replay/recipe/" + name);
        }
        Files.copy(in, target);
      }
    }
    RealBuildout.Output egg = RealBuildout.run(List.of("/usr/bin/python3", "setup.py", "-q", "bdist_egg", "-d",
        buildout.eggs.toString()), source, Duration.ofMinutes(2));
    assertEquals(0, egg.exitCode(), "building the replay recipe egg failed:\n" + egg.text());
    try (Stream<Path> built = Files.walk(buildout.eggs)) {
      built.forEach(path -> path.toFile().setReadable(true, false));
    }
  }

  /**
   * node instance launched the node supervisord under the instance root; it outlives the command, so
   * it is stopped here (also after a failure): SIGTERM to the pid it wrote, then wait for its exit.
   */
  private static void stopNodeSupervisord() throws Exception {
    if (instanceRoot == null) {
      return;
    }
    Path pidFile = instanceRoot.resolve("var/run/supervisord.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    Optional<ProcessHandle> supervisord = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
    if (supervisord.isEmpty() || !supervisord.get().info().commandLine().orElse("").contains("supervisord")) {
      return; // already gone (the pid may name another process by now)
    }
    List<ProcessHandle> children = new ArrayList<>(supervisord.get().descendants().toList());
    supervisord.get().destroy();
    try {
      supervisord.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      supervisord.get().destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      throw new AssertionError("the node supervisord did not stop within 60 s of SIGTERM", e);
    }
  }
}
