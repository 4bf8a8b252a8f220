package org.slapos.supervisor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.api.testing.TestContext;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorConsole;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slapos.supervisor.impl.RealSupervisor;

/** node supervisord, supervisorctl and its aliases, on the real supervisord and supervisorctl. */
class SupervisorCommandsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LONG_RUNNING = "#!/bin/sh\necho started as $(id -un)\nexec sleep 600\n";

  private RealSupervisor real;
  private NodeSupervisor supervisor;
  private SupervisorConsole console;
  private SupervisorSettings settings;
  private Path cfg;

  @BeforeEach
  void setUp() throws Exception {
    real = RealSupervisor.install();
    supervisor = real.service();
    console = real.console();
    settings = real.instanceRoot("");
    cfg = writeConfig("");
  }

  @AfterEach
  void shutDown() throws Exception {
    real.close();
  }

  /** A slapos.cfg for the instance root; root_check off so that the tests also run unprivileged. */
  private Path writeConfig(String extra) throws Exception {
    Path file = real.work.resolve("slapos-" + System.nanoTime() + ".cfg");
    Files.writeString(file, "[slapos]\ninstance_root = " + settings.instanceRoot() + "\nroot_check = false\n" + extra);
    return file;
  }

  private TestContext context() {
    return new TestContext(real.work);
  }

  private int run(SlaposCommand command, TestContext context, String... args) throws Exception {
    return command.run(context, List.of(args));
  }

  private String state(String process) throws SupervisorException {
    return supervisor.processes(settings).stream().filter(p -> p.fullName().equals(process))
        .map(ProcessInfo::state).findFirst().orElse("ABSENT");
  }

  private void awaitState(String process, String state) {
    RealSupervisor.await(process + " " + state, WAIT, () -> {
      try {
        return state(process).equals(state);
      } catch (SupervisorException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void supervisordWritesTheConfigurationAndLaunchesOnce() throws Exception {
    NodeSupervisordCommand command = new NodeSupervisordCommand(supervisor, console);

    assertEquals(0, run(command, context(), "--cfg", cfg.toString()));
    assertTrue(Files.readString(settings.configurationFile()).contains("\ncommand=\n"), "empty watchdog command");
    assertEquals(0, run(command, context(), "--cfg", cfg.toString()));
    assertEquals(1, ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(settings.configurationFile().toString())).count());

    TestContext help = context();
    assertEquals(0, run(command, help, "-h"));
    assertTrue(help.stdout().contains("-n, --nodaemon  Do not daemonize supervisord"), help.stdout());
  }

  @Test
  void supervisordInTheForegroundReturnsAtOnceWhenOneRuns() throws Exception {
    NodeSupervisordCommand command = new NodeSupervisordCommand(supervisor, console);
    assertEquals(0, run(command, context(), "--cfg", cfg.toString()));
    assertEquals(0, run(command, context(), "--cfg", cfg.toString(), "--nodaemon"));
  }

  @Test
  void aliasesDriveThePartitionsPrograms() throws Exception {
    PartitionPrograms partition = real.partition(settings, "slappart0");
    real.program(partition.directory().resolve("etc/run/web"), LONG_RUNNING);
    real.program(partition.directory().resolve("etc/service/x"), LONG_RUNNING);
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    supervisor.startPartition(settings, partition);
    awaitState("slappart0:web", "RUNNING");
    awaitState("slappart0:x-on-watch", "RUNNING");

    TestContext status = context();
    assertEquals(0, run(new NodeStatusCommand(supervisor, console), status, "--cfg", cfg.toString()));
    assertTrue(status.stdout().matches("(?s).*slappart0:web +RUNNING.*"), status.stdout());
    assertTrue(status.stdout().matches("(?s).*slappart0:x-on-watch +RUNNING.*"), status.stdout());

    TestContext stop = context();
    assertEquals(0, run(new NodeStopCommand(supervisor, console), stop, "--cfg", cfg.toString(), "slappart0:web"));
    assertTrue(stop.stdout().contains("slappart0:web: stopped"), stop.stdout());
    assertEquals("STOPPED", state("slappart0:web"));
    assertEquals("RUNNING", state("slappart0:x-on-watch"));

    TestContext start = context();
    assertEquals(0, run(new NodeStartCommand(supervisor, console), start, "--cfg", cfg.toString(), "slappart0:"));
    awaitState("slappart0:web", "RUNNING");

    int before = supervisor.processes(settings).stream().filter(p -> p.fullName().equals("slappart0:web"))
        .findFirst().orElseThrow().pid();
    TestContext restart = context();
    assertEquals(0, run(new NodeRestartCommand(supervisor, console), restart, "--cfg", cfg.toString(), "slappart0:web"));
    awaitState("slappart0:web", "RUNNING");
    assertNotEquals(before, supervisor.processes(settings).stream().filter(p -> p.fullName().equals("slappart0:web"))
        .findFirst().orElseThrow().pid());

    TestContext tail = context();
    assertEquals(0, run(new NodeTailCommand(supervisor, console), tail, "--cfg", cfg.toString(), "slappart0:web"));
    assertTrue(tail.stdout().contains("started as"), tail.stdout());

    TestContext ctl = context();
    assertEquals(0, run(new NodeSupervisorctlCommand(supervisor, console), ctl, "--cfg", cfg.toString(),
        "status", "slappart0:x-on-watch"));
    assertTrue(ctl.stdout().contains("slappart0:x-on-watch"), ctl.stdout());
    assertFalse(ctl.stdout().contains("slappart0:web"), ctl.stdout());
  }

  @Test
  void supervisorctlLaunchesSupervisordUnlessForbidden() throws Exception {
    supervisor.writeNodeConfiguration(settings);
    Path forbidding = writeConfig("forbid_supervisord_automatic_launch = true\n");

    TestContext refused = context();
    int code = run(new NodeStatusCommand(supervisor, console), refused, "--cfg", forbidding.toString());
    assertNotEquals(0, code, refused.stdout() + refused.stderr());
    assertFalse(Files.exists(settings.socket()), "no supervisord launched");

    TestContext launched = context();
    assertEquals(0, run(new NodeSupervisorctlCommand(supervisor, console), launched, "--cfg", cfg.toString(), "pid"));
    String pid = Files.readString(settings.instanceRoot().resolve("var/run/supervisord.pid")).strip();
    assertEquals(pid, launched.stdout().strip());
  }

  @Test
  void rootCheckAndConfigurationErrors() throws Exception {
    Path checking = real.work.resolve("checking.cfg");
    Files.writeString(checking, "[slapos]\ninstance_root = " + settings.instanceRoot() + "\n");
    Supervisorctl unprivileged = new Supervisorctl(supervisor, console, () -> false);

    CommandFailure notRoot = assertThrows(CommandFailure.class, () -> unprivileged.run(context(), "node status",
        "", "status", List.of("--cfg", checking.toString())));
    assertEquals(5, notRoot.exitCode());
    assertEquals("This slapos command must be run as root.", notRoot.getMessage());

    CommandFailure missing = assertThrows(CommandFailure.class, () -> unprivileged.run(context(), "node status",
        "", "status", List.of("--cfg", real.work.resolve("absent.cfg").toString())));
    assertEquals(1, missing.exitCode());
    assertTrue(missing.getMessage().contains("Configuration file does not exist"), missing.getMessage());

    TestContext usage = context();
    assertEquals(2, unprivileged.run(usage, "node status", "", "status", List.of("--cfg")));
    assertTrue(usage.stderr().contains("slapos node status: error: argument --cfg: expected one argument"),
        usage.stderr());

    TestContext help = context();
    assertEquals(0, run(new NodeTailCommand(supervisor, console), help, "--help"));
    assertTrue(help.stdout().startsWith("usage: slapos node tail [-h] [--cfg CFG] ...\n\nalias for 'node supervisorctl tail'\n"),
        help.stdout());
  }
}
