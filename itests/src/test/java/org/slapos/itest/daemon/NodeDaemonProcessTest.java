package org.slapos.itest.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.NodeProcesses;
import org.slapos.itest.support.SlaposRun;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.itest.support.SshCommand;

/**
 * The node daemon as an operator runs it: a real {@code bin/slapos node daemon} process (after
 * {@code node boot}) beside a real {@code bin/slapos proxy start}, managed through its SSH remote
 * shell with the MINA client. Its loops deploy the demo Software Release with the real zc.buildout
 * and supervisord; a promise bundle installed over SSH runs on the next instance loop and is gone
 * after uninstall; a bundle dropped into the deploy folder starts and goes away with its file; a
 * manual {@code node software} works beside it; and every bundle but the framework is updated while
 * the demo's service keeps answering.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeDaemonProcessTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Pattern URL = Pattern.compile("\"url\": \"(http://127\\.0\\.0\\.1:(\\d+)/)\"");
  private static final Pattern BUNDLE_LINE = Pattern.compile("(?m)^\\s*(\\d+)\\|(\\w+)\\s*\\|\\s*\\d+\\|(\\S+)");

  @TempDir
  static Path work;

  private static ProxyProcess proxy;
  private static RealBuildout buildout;
  private static Path repository;
  private static Path cfg;
  private static Path clientCfg;
  private static Path instanceRoot;
  private static Path deploy;
  private static Path daemonOutput;
  private static Process daemon;
  private static int sshPort;
  private static SshCommand.Key operator;
  private static SshCommand ssh;
  private static String demoUrl;
  private static String serviceUrl;
  private static String partition;

  @BeforeAll
  static void startProxyAndDaemon() throws Exception {
    buildout = RealBuildout.install();
    repository = Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().getParent().getParent();
    Path demo = buildout.work.resolve("demo-daemon-" + ProcessHandle.current().pid());
    RealBuildout.Output built = RealBuildout.run(List.of(repository.resolve("bin/setup-demo").toString(), "--target",
        demo.toString()), repository, Duration.ofMinutes(5));
    assertEquals(0, built.exitCode(), built.text());
    String[] lines = built.text().strip().split("\n");
    demoUrl = lines[lines.length - 1].strip();
    proxy = ProxyProcess.start(work);
    Path node = Files.createDirectories(buildout.work.resolve("node-daemon-" + ProcessHandle.current().pid()));
    buildout.ownForRuns(node);
    Path softwareRoot = Files.createDirectories(node.resolve("opt"));
    buildout.ownForRuns(softwareRoot);
    instanceRoot = Files.createDirectories(node.resolve("srv"));
    instanceRoot.toFile().setReadable(true, false);
    instanceRoot.toFile().setExecutable(true, false);
    Path definition = work.resolve("slapformat-definition.cfg");
    StringBuilder partitions = new StringBuilder("[computer]\naddress = 127.0.0.1/255.0.0.0\n\n");
    for (int i = 0; i < 2; i++) {
      partitions.append("[partition_").append(i).append("]\naddress = 127.0.0.1/255.0.0.0\nuser = ")
          .append(System.getProperty("user.name")).append("\nnetwork_interface = lo\npathname = slappart")
          .append(i).append("\n\n");
    }
    Files.writeString(definition, partitions);
    ssh = new SshCommand(Files.createDirectories(work.resolve("ssh-client")));
    operator = ssh.newKey("operator");
    SshCommand.writeAuthorizedKeys(work.resolve("ssh/authorized_keys"), operator);
    sshPort = SlaposTestSupport.freePort();
    deploy = work.resolve("deploy");
    cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + ProxyProcess.COMPUTER_ID + "\nmaster_url = " + proxy.url()
        + "\ninstance_root = " + instanceRoot + "\nsoftware_root = " + softwareRoot
        + "\nroot_check = false\npidfile_software = " + work.resolve("sr.pid") + "\npidfile_instance = "
        + work.resolve("cp.pid") + "\npidfile_report = " + work.resolve("ur.pid") + "\nbuildout = "
        + buildout.launcher + "\nsoftware_min_free_space = 1M\ninstance_min_free_space = 1M\n\n[slapformat]\n"
        + "partition_amount = 2\npartition_base_name = slappart\nuser_base_name = slapuser\ntap_base_name = slaptap\n"
        + "interface_name = lo\ninput_definition_file = " + definition + "\ncomputer_xml = "
        + work.resolve("slapos.xml") + "\ncreate_tap = False\nalter_user = False\nalter_network = False\n\n"
        + "[daemon]\nboot = true\nsoftware_interval = 1\ninstance_interval = 1\nreport_interval = 2\n"
        + "collect_interval = 0\nlog_directory = log\ndeploy_directory = deploy\nssh_port = " + sshPort
        + "\npidfile = daemon.pid\n");
    clientCfg = work.resolve("slapos-client.cfg");
    Files.writeString(clientCfg, "[slapos]\nmaster_url = " + proxy.url() + "\nmaster_rest_url = " + proxy.url()
        + "hateoas\n");
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, format.exitCode(), format.stdout() + format.stderr());
    if (buildout.root) {
      NodeProcesses.giveTo(RealBuildout.UNPRIVILEGED_USER, instanceRoot, 2);
    }
    daemonOutput = work.resolve("daemon.out");
    daemon = new ProcessBuilder(System.getProperty("slapos.bin", "../bin/slapos"), "node", "daemon", "--cfg",
        cfg.toString()).redirectErrorStream(true).redirectOutput(daemonOutput.toFile()).start();
    daemon.getOutputStream().close();
    await("the daemon reports it runs", () -> daemonLog().contains("Node daemon running"));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (daemon != null) {
        daemon.destroy();
        if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
        }
      }
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

  private static String daemonLog() {
    try {
      return Files.readString(daemonOutput);
    } catch (IOException e) {
      return "";
    }
  }

  private static SshCommand.Result shell(String command) throws IOException, InterruptedException {
    return ssh.run(sshPort, operator, command);
  }

  /** The command's output once it succeeds; the shell may be restarting (a bundle update), so retry. */
  private static String shellOk(String command) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        SshCommand.Result result = shell(command);
        if (result.exitStatus() == 0) {
          return result.stdout();
        }
        last = "exit " + result.exitStatus() + ": " + result.output();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted");
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    return fail("'" + command + "' did not succeed within " + PATIENCE.toSeconds() + " s; last: " + last
        + "\ndaemon output:\n" + tail(daemonLog()));
  }

  private static String tail(String text) {
    return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Gave up waiting " + PATIENCE.toSeconds() + " s for: " + what + "\ndaemon output:\n" + tail(daemonLog()));
      }
      if (daemon != null && !daemon.isAlive()) {
        fail("The daemon stopped (exit " + daemon.exitValue() + ") while waiting for: " + what + "\n"
            + tail(daemonLog()));
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static int status(String url) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -2;
    }
  }

  /** Bundle id to {@code state|symbolic name}, from {@code lb -s}. */
  private static Map<Long, String[]> bundles() {
    Map<Long, String[]> bundles = new LinkedHashMap<>();
    Matcher line = BUNDLE_LINE.matcher(shellOk("lb -s"));
    while (line.find()) {
      bundles.put(Long.parseLong(line.group(1)), new String[] {line.group(2), line.group(3)});
    }
    return bundles;
  }

  private static boolean bundleActive(String symbolicName) {
    return bundles().values().stream().anyMatch(b -> b[1].startsWith(symbolicName) && b[0].equals("Active"));
  }

  private static boolean bundlePresent(String symbolicName) {
    return bundles().values().stream().anyMatch(b -> b[1].startsWith(symbolicName));
  }

  private static Path reactorJar(String symbolicName) throws IOException {
    Path target = repository.resolve("bundles").resolve(symbolicName).resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(path -> {
        String name = path.getFileName().toString();
        return name.startsWith(symbolicName + "-") && name.endsWith(".jar") && !name.endsWith("-tests.jar")
            && !name.endsWith("-sources.jar");
      }).findFirst().orElseThrow(() -> new IllegalStateException("No " + symbolicName + " jar in " + target));
    }
  }

  @Test
  @Order(1)
  void theRemoteShellRunsSlaposCommandsAndListsBundlesForAnAuthorizedKeyOnly() throws Exception {
    SshCommand.Result help = shell("slapos:help");
    assertEquals(0, help.exitStatus(), help.output());
    assertTrue(help.stdout().contains("node daemon"), help.stdout());
    assertTrue(help.stdout().contains("node instance"), help.stdout());
    await("the boot step is done", () -> daemonLog().contains("Loop boot done"));
    Map<Long, String[]> bundles = bundles();
    assertTrue(bundles.values().stream().anyMatch(b -> b[1].equals("org.slapos.node.daemon") && b[0].equals("Active")),
        "lb lists the daemon's bundle, active");
    assertTrue(bundles.values().stream().anyMatch(b -> b[1].equals("org.slapos.shell.ssh")));
    String loops = shellOk("daemon:loops");
    assertTrue(loops.matches("(?s).*\\bboot\\b.*\\bsoftware\\b.*\\binstance\\b.*\\breport\\b.*"), loops);
    SshCommand.Result stranger = ssh.run(sshPort, ssh.newKey("stranger"), "lb");
    assertEquals(255, stranger.exitStatus(), "an unknown key is refused: " + stranger.output());
    assertTrue(stranger.stderr().contains("Permission denied"), stranger.stderr());
    // The loops run in the daemon: the boot step ran once and succeeded.
    assertTrue(loops.matches("(?s).*\\bboot\\s+on demand\\s+idle\\s+1\\s.*"), loops);
  }

  @Test
  @Order(2)
  void theLoopsDeployTheDemoWithAGreenPromise() throws Exception {
    SlaposRun supply = slapos("supply", "--cfg", clientCfg.toString(), demoUrl, ProxyProcess.COMPUTER_ID);
    assertEquals(0, supply.exitCode(), supply.stderr());
    SlaposRun request = slapos("request", "--cfg", clientCfg.toString(), "daemon-demo", demoUrl);
    assertTrue(request.exitCode() == 0 || request.exitCode() == 2, request.stdout() + request.stderr());
    await("the demo's url is published", () -> {
      try {
        SlaposRun info = slapos("service", "info", "--cfg", clientCfg.toString(), "daemon-demo");
        Matcher url = URL.matcher(info.stdout());
        if (info.exitCode() == 0 && url.find()) {
          serviceUrl = url.group(1);
          return true;
        }
        return false;
      } catch (IOException | InterruptedException e) {
        return false;
      }
    });
    await("the demo answers", () -> status(serviceUrl) == 200);
    await("the demo's promise is green", () -> {
      try (Stream<Path> partitions = Files.list(instanceRoot)) {
        partition = partitions.filter(p -> {
          try {
            return Files.readString(p.resolve(".slapgrid/promise/result/demo-web.status.json"))
                .matches("(?s).*\"failed\": ?false.*");
          } catch (IOException e) {
            return false;
          }
        }).map(p -> p.getFileName().toString()).findFirst().orElse(null);
        return partition != null;
      } catch (IOException e) {
        return false;
      }
    });
    String state = shellOk("daemon:state");
    assertTrue(state.contains(partition + "  release "), state);
    assertTrue(state.contains("OK     demo-web"), state);
    assertTrue(state.matches("(?s).*" + partition + ":\\S+\\s+RUNNING.*"), state);
  }

  @Test
  @Order(3)
  void aPromiseBundleInstalledOverSshRunsOnTheNextInstanceLoopAndIsGoneAfterUninstall() throws Exception {
    Path result = instanceRoot.resolve(partition).resolve(".slapgrid/promise/result/check-disk-usage.status.json");
    assertFalse(Files.exists(result));
    String installed = shellOk("install " + reactorJar("org.slapos.promise.example").toUri());
    Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
    assertTrue(id.find(), installed);
    shellOk("start " + id.group(1));
    String run = shellOk("daemon:run instance");
    assertTrue(run.startsWith("instance: exit 0"), run);
    assertTrue(Files.exists(result), "the promise of the new bundle ran: " + run);
    shellOk("uninstall " + id.group(1));
    run = shellOk("daemon:run instance");
    assertTrue(run.startsWith("instance: exit 0"), run);
    assertFalse(Files.exists(result), "the uninstalled promise is gone with its result");
    assertFalse(bundlePresent("org.slapos.promise.example"));
  }

  @Test
  @Order(4)
  void aBundleDroppedIntoTheDeployFolderRunsAndGoesAwayWithItsFile() throws Exception {
    Path staging = Files.createDirectories(work.resolve("staging"));
    Path jar = Files.copy(reactorJar("org.slapos.tio.example"), staging.resolve("tio-example.jar"));
    long dropped = System.nanoTime();
    Files.move(jar, deploy.resolve("tio-example.jar"), StandardCopyOption.ATOMIC_MOVE);
    await("the dropped bundle is active", () -> bundleActive("org.slapos.tio.example"));
    long running = System.nanoTime();
    Files.delete(deploy.resolve("tio-example.jar"));
    await("the removed bundle is uninstalled", () -> !bundlePresent("org.slapos.tio.example"));
    long gone = System.nanoTime();
    // A figure, not an assertion: the benchmark and the docs own the speed (File Install polls every 500 ms).
    System.out.printf("deploy folder: running %d ms after the drop, gone %d ms after the removal%n",
        TimeUnit.NANOSECONDS.toMillis(running - dropped), TimeUnit.NANOSECONDS.toMillis(gone - running));
  }

  @Test
  @Order(5)
  void aManualNodeSoftwareWorksBesideTheDaemon() throws Exception {
    assertTrue(shellOk("daemon:pause software").contains("paused: software"));
    // The loop may be finishing its current run: the manual command then waits for the lock to be free.
    await("the software loop is idle", () -> shellOk("daemon:loops").matches("(?s).*\\bsoftware\\s+\\S+ s\\s+paused\\b.*"));
    SlaposRun manual = slapos("node", "software", "--cfg", cfg.toString(), "--now");
    assertEquals(0, manual.exitCode(), manual.stdout() + manual.stderr());
    assertTrue(shellOk("daemon:resume software").contains("resumed: software"));
    await("the software loop runs again", () -> !shellOk("daemon:loops").contains("paused"));
  }

  @Test
  @Order(6)
  void theDaemonSurvivesUpdatingEveryBundleButTheFrameworkAndItsServiceKeepsAnswering() throws Exception {
    Map<Long, String[]> before = bundles();
    List<String> updated = new ArrayList<>();
    for (Map.Entry<Long, String[]> bundle : before.entrySet()) {
      if (bundle.getKey() == 0) {
        continue;
      }
      // daemon:update refreshes in a thread of its own: updating the shell's own bundles (SCR, Gogo,
      // SSHD, ours) ends this session, and nobody could type refresh afterwards.
      String answer = shellOk("daemon:update " + bundle.getKey());
      assertTrue(answer.startsWith("updating " + bundle.getValue()[1]), answer);
      await("every bundle is back in its state after updating " + bundle.getValue()[1], () -> {
        Map<Long, String[]> now = bundles();
        // The same bundles; those that were active are active again; a lazily activated one (Starting)
        // may come back Starting, Resolved or Active; none is left unresolved.
        return now.keySet().equals(before.keySet()) && now.entrySet().stream().allMatch(entry -> {
          String was = before.get(entry.getKey())[0];
          String is = entry.getValue()[0];
          return was.equals("Active") ? is.equals("Active") : !is.equals("Installed");
        });
      });
      assertEquals(200, status(serviceUrl), "the demo answers after updating " + bundle.getValue()[1]);
      updated.add(bundle.getValue()[1]);
    }
    assertEquals(before.size() - 1, updated.size());
    assertEquals(before.keySet(), bundles().keySet(), "no bundle lost or added");
    // The loops resume with the new code (the first run may find a service still starting).
    await("an instance run succeeds", () -> shellOk("daemon:run instance").startsWith("instance: exit 0"));
    assertEquals(1, Pattern.compile("Loop boot done").matcher(daemonLog()).results().count(),
        "a bundle update is not a reboot: boot ran once");
    assertTrue(daemon.isAlive());
  }
}
