package org.slapos.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.api.testing.TestContext;
import org.slapos.config.SlaposConfig;

/**
 * {@code standalone start} and {@code standalone stop} over a whiteboard of recording commands: the
 * steps, their order and arguments, the pid file, the refusal of a second node, a failed step, the
 * port, {@code --cfg}, and stopping a node process.
 */
class StandaloneCommandsTest {
  @TempDir
  Path work;

  private Path data;
  /** Every sub-command run, as "name arg arg...". */
  private final List<String> runs = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> exitCodes = new java.util.HashMap<>();

  @BeforeEach
  void openWork() throws IOException {
    // As root the data directory's parents must be traversable by the partitions' user.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    data = work.resolve("node");
    whiteboard = new CommandWhiteboard();
  }

  /** The commands the standalone commands find on the whiteboard (this test's recording doubles). */
  private CommandWhiteboard whiteboard;

  private void register(StandaloneStartCommand start, String... names) {
    for (String name : names) {
      whiteboard.addCommand(recording(name), Map.of(SlaposCommand.NAME, name));
    }
  }

  private ComponentServiceObjects<SlaposCommand> recording(String name) {
    SlaposCommand command = (context, args) -> {
      runs.add(name + " " + String.join(" ", args));
      return exitCodes.getOrDefault(name, 0);
    };
    return new ComponentServiceObjects<>() {
      @Override
      public SlaposCommand getService() {
        return command;
      }

      @Override
      public void ungetService(SlaposCommand service) {
      }

      @Override
      public ServiceReference<SlaposCommand> getServiceReference() {
        return null;
      }
    };
  }

  private StandaloneStartCommand start() {
    StandaloneStartCommand start = new StandaloneStartCommand(whiteboard);
    register(start, "proxy start", "node format", "node daemon");
    return start;
  }

  @Test
  void startPreparesTheDataDirectoryRunsTheThreeStepsAndKeepsTheRuntime() throws Exception {
    TestContext context = new TestContext(work);
    int port = freePort();
    assertEquals(0, start().run(context, List.of("--data-dir", data.toString(), "--port", Integer.toString(port),
        "--partitions", "3")));
    String cfg = data.resolve("etc/slapos.cfg").toString();
    assertEquals(List.of("proxy start --cfg " + cfg, "node format --cfg " + cfg + " --now",
        "node daemon --cfg " + cfg + " --no-boot"), runs);
    assertEquals(Long.toString(ProcessHandle.current().pid()),
        Files.readString(data.resolve("var/run/slapos-standalone.pid")).strip());
    assertEquals(1, context.keptRunning.get());
    String out = context.stdout();
    assertTrue(out.contains("Master: http://127.0.0.1:" + port + "\n"), out);
    assertTrue(out.contains("Client configuration: " + cfg), out);
    assertTrue(out.contains("Stop it with: slapos standalone stop --data-dir " + data + "\n"), out);
    SlaposConfig written = SlaposConfig.parse(data.resolve("etc/slapos.cfg"));
    assertEquals("3", written.get("slapformat", "partition_amount", ""));
    assertEquals(Integer.toString(port), written.get("slapproxy", "port", ""));
  }

  @Test
  void aSecondStartOnARunningNodeIsRefusedWithExit10AndRunsNothing() throws Exception {
    assertEquals(0, start().run(new TestContext(work), List.of("--data-dir", data.toString(), "--port",
        Integer.toString(freePort()))));
    runs.clear();
    CommandFailure refused = assertThrows(CommandFailure.class,
        () -> start().run(new TestContext(work), List.of("--data-dir", data.toString(), "--port", "1")));
    assertEquals(10, refused.exitCode());
    assertTrue(refused.getMessage().startsWith("A standalone node already runs on " + data + " (pid "), refused.getMessage());
    assertEquals(List.of(), runs);
    assertFalse(Files.readString(data.resolve("etc/slapos.cfg")).contains("port = 1\n"),
        "the running node's configuration is left alone");
  }

  @Test
  void aFailedStepEndsTheStartWithItsExitCodeAndNoPidFile() throws Exception {
    exitCodes.put("node format", 3);
    TestContext context = new TestContext(work);
    CommandFailure failed = assertThrows(CommandFailure.class, () -> start().run(context,
        List.of("--data-dir", data.toString(), "--port", Integer.toString(freePort()))));
    assertEquals(3, failed.exitCode());
    assertTrue(failed.getMessage().contains("slapos node format --cfg"), failed.getMessage());
    assertEquals(2, runs.size(), "the daemon is not started: " + runs);
    assertFalse(Files.exists(data.resolve("var/run/slapos-standalone.pid")));
    assertEquals(0, context.keptRunning.get());
  }

  @Test
  void startingAgainAfterAStopKeepsThePortAndRedeploysThePartitions() throws Exception {
    assertEquals(0, start().run(new TestContext(work), List.of("--data-dir", data.toString())));
    String port = SlaposConfig.parse(data.resolve("etc/slapos.cfg")).get("slapproxy", "port", "");
    // A stopped node: no live pid file, partitions deployed before (their timestamps).
    Files.delete(data.resolve("var/run/slapos-standalone.pid"));
    Path partition = Files.createDirectories(data.resolve("inst/slappart0"));
    Files.writeString(partition.resolve(".timestamp"), "1796532053");
    assertEquals(0, start().run(new TestContext(work), List.of("--data-dir", data.toString())));
    assertEquals(port, SlaposConfig.parse(data.resolve("etc/slapos.cfg")).get("slapproxy", "port", ""));
    assertFalse(Files.exists(partition.resolve(".timestamp")), "the next instance run deploys the partition again");
  }

  @Test
  void thePreferredPortWhenFreeElseAnother() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      try {
        taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), StandaloneStartCommand.PREFERRED_PORT));
      } catch (IOException alreadyTaken) {
        // Someone else holds it: the same situation.
      }
      assertNotEquals(StandaloneStartCommand.PREFERRED_PORT, StandaloneStartCommand.choosePort("127.0.0.1"));
    }
  }

  @Test
  void cfgTakesNoLayoutOptionAndMustExist() throws Exception {
    CommandFailure mixed = assertThrows(CommandFailure.class, () -> start().run(new TestContext(work),
        List.of("--cfg", "x.cfg", "--port", "4000")));
    assertEquals(2, mixed.exitCode());
    CommandFailure missing = assertThrows(CommandFailure.class, () -> start().run(new TestContext(work),
        List.of("--cfg", "x.cfg")));
    assertEquals(1, missing.exitCode());
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void cfgRunsTheStepsOnThatFileWithThePidFileUnderTheInstanceRoot() throws Exception {
    Path cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\nmaster_url = http://127.0.0.1:8080\ninstance_root = " + work.resolve("srv")
        + "\n");
    TestContext context = new TestContext(work);
    assertEquals(0, start().run(context, List.of("--cfg", cfg.toString())));
    assertEquals(List.of("proxy start --cfg " + cfg, "node format --cfg " + cfg + " --now",
        "node daemon --cfg " + cfg + " --no-boot"), runs);
    assertTrue(Files.exists(work.resolve("srv/var/run/slapos-standalone.pid")));
    assertTrue(context.stdout().contains("Stop it with: slapos standalone stop --cfg " + cfg), context.stdout());
  }

  @Test
  void stopWithNothingRunningSaysSoAndSucceeds() throws Exception {
    TestContext context = new TestContext(work);
    assertEquals(0, new StandaloneStopCommand(whiteboard).run(context, List.of("--data-dir", data.toString())));
    assertEquals("No standalone node runs on " + data + ".\n", context.stdout());
  }

  @Test
  void statusSaysWhetherTheNodeRuns() throws Exception {
    TestContext stopped = new TestContext(work);
    assertEquals(StandaloneStatusCommand.EXIT_NOT_RUNNING,
        new StandaloneStatusCommand().run(stopped, List.of("--data-dir", data.toString())));
    assertTrue(stopped.stdout().startsWith("No standalone node runs on " + data + ".\n"), stopped.stdout());
    assertEquals(0, start().run(new TestContext(work), List.of("--data-dir", data.toString(), "--port",
        Integer.toString(freePort()))));
    TestContext running = new TestContext(work);
    assertEquals(0, new StandaloneStatusCommand().run(running, List.of("--data-dir", data.toString())));
    assertTrue(running.stdout().startsWith("Standalone node running (pid " + ProcessHandle.current().pid() + ") in "
        + data + "\n"), running.stdout());
    assertTrue(running.stdout().contains("Partitions' services: stopped"), running.stdout());
  }

  @Test
  void stopTerminatesTheProcessThePidFileNamesAndWaitsForIt() throws Exception {
    // A stand-in for the node's JVM: a live process whose command line names slapos.
    Process node = new ProcessBuilder("sh", "-c", "sleep 60; :", "slapos-standalone-test").start();
    try {
      Files.createDirectories(data.resolve("var/run"));
      Files.writeString(data.resolve("var/run/slapos-standalone.pid"), node.pid() + "\n");
      TestContext context = new TestContext(work);
      assertEquals(0, new StandaloneStopCommand(whiteboard).run(context, List.of("--data-dir", data.toString())));
      assertTrue(node.waitFor(5, TimeUnit.SECONDS), "the node process is gone");
      assertTrue(context.stdout().contains("Standalone node stopped (pid " + node.pid() + ")."), context.stdout());
      assertFalse(Files.exists(data.resolve("var/run/slapos-standalone.pid")));
    } finally {
      node.descendants().forEach(ProcessHandle::destroy);
      node.destroyForcibly();
    }
  }

  @Test
  void theDataDirectoryDefaultsToTheEnvironmentThenTheHome() {
    TestContext context = new TestContext(work);
    context.environment.put(StandaloneNode.DIRECTORY_VARIABLE, "relative/dir");
    assertEquals(work.resolve("relative/dir"), StandaloneNode.dataDirectory(context, null));
    assertEquals(work.resolve("given"), StandaloneNode.dataDirectory(context, "given"));
    context.environment.clear();
    Path expected = StandaloneNode.runningAsRoot() ? StandaloneNode.ROOT_DEFAULT_DIRECTORY
        : work.resolve(".slapos/standalone");
    assertEquals(expected, StandaloneNode.dataDirectory(context, null));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
