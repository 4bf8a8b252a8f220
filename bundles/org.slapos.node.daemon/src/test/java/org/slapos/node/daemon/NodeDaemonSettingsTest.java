package org.slapos.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.config.SlaposConfig;

class NodeDaemonSettingsTest {
  @TempDir
  Path dir;

  NodeDaemonCommand.DaemonSettings settings(String daemonSection, boolean noBoot) throws Exception {
    Path cfg = dir.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ninstance_root = " + dir.resolve("srv") + "\n\n[daemon]\n" + daemonSection);
    return NodeDaemonCommand.DaemonSettings.of(SlaposConfig.parse(cfg), cfg, noBoot);
  }

  @Test
  void defaultsAreTheOriginalLoopsAndFilesNextToTheConfiguration() throws Exception {
    NodeDaemonCommand.DaemonSettings settings = settings("", false);
    assertEquals(Map.of("software", 60L, "instance", 60L, "report", 3600L, "collect", 60L), settings.intervals());
    assertTrue(settings.boot());
    assertEquals(dir.resolve("deploy"), settings.deployDirectory());
    assertEquals(dir.resolve("ssh/authorized_keys"), settings.authorizedKeys());
    assertEquals(dir.resolve("ssh/host_key"), settings.hostKey());
    assertEquals("127.0.0.1", settings.sshHost());
    assertEquals(2222, settings.sshPort());
    assertEquals(dir.resolve("srv/var/run/slapos-node-daemon.pid"), settings.pidFile());
    assertEquals(Optional.empty(), settings.logDirectory());
  }

  @Test
  void theSectionOverridesEverything() throws Exception {
    NodeDaemonCommand.DaemonSettings settings = settings("boot = false\nsoftware_interval = 2\ninstance_interval = 3\n"
        + "report_interval = 10\ncollect_interval = 0\nlog_directory = var/log\ndeploy_directory = /opt/deploy\n"
        + "ssh_host = ::1\nssh_port = 0\nssh_authorized_keys = keys\npidfile = run/daemon.pid\n", false);
    assertEquals(Map.of("software", 2L, "instance", 3L, "report", 10L, "collect", 0L), settings.intervals());
    assertTrue(!settings.boot());
    assertEquals(Optional.of(dir.resolve("var/log")), settings.logDirectory());
    assertEquals(Path.of("/opt/deploy"), settings.deployDirectory());
    assertEquals(dir.resolve("keys"), settings.authorizedKeys());
    assertEquals("::1", settings.sshHost());
    assertEquals(0, settings.sshPort());
    assertEquals(dir.resolve("run/daemon.pid"), settings.pidFile());
    assertTrue(!settings("", true).boot(), "--no-boot wins");
  }

  @Test
  void badValuesAreOneLineErrors() {
    CommandFailure notNumber = assertThrows(CommandFailure.class, () -> settings("instance_interval = soon\n", false));
    assertTrue(notNumber.getMessage().contains("instance_interval"), notNumber.getMessage());
    assertEquals(1, notNumber.exitCode());
    assertThrows(CommandFailure.class, () -> settings("report_interval = -1\n", false));
    assertThrows(CommandFailure.class, () -> settings("ssh_port = 70000\n", false));
  }

  @Test
  void thePidFileRefusesASecondLiveDaemonAndTakesOverStaleFiles() throws Exception {
    Path pidFile = dir.resolve("run/daemon.pid");
    NodeDaemonCommand.claimPidFile(pidFile);
    assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(pidFile).strip());
    NodeDaemonCommand.claimPidFile(pidFile);
    Files.writeString(pidFile, "not a pid");
    NodeDaemonCommand.claimPidFile(pidFile);
    Process other = new ProcessBuilder("bash", "-c", "sleep 60; true", "slapos-node-daemon-test").start();
    try {
      Files.writeString(pidFile, Long.toString(other.pid()));
      // The child must have exec'ed into its slapos-named command line before it is looked at.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!other.info().commandLine().map(line -> line.contains("slapos")).orElse(false)) {
        assertTrue(System.nanoTime() < deadline);
        Thread.onSpinWait();
      }
      CommandFailure failure = assertThrows(CommandFailure.class, () -> NodeDaemonCommand.claimPidFile(pidFile));
      assertEquals(10, failure.exitCode());
    } finally {
      other.destroyForcibly();
      other.waitFor(10, TimeUnit.SECONDS);
    }
    NodeDaemonCommand.claimPidFile(pidFile);
  }

  @Test
  void loopArgumentsAndIntervals() {
    assertEquals(List.of("--cfg", "/etc/slapos.cfg", "--now"), LoopScheduler.arguments("instance", "/etc/slapos.cfg"));
    assertEquals(List.of("--cfg", "/etc/slapos.cfg"), LoopScheduler.arguments("collect", "/etc/slapos.cfg"));
    assertEquals(List.of("--cfg", "/etc/slapos.cfg"), LoopScheduler.arguments("boot", "/etc/slapos.cfg"));
    Map<String, Duration> intervals = LoopScheduler.intervals(Map.of("software.interval", "5", "collect.interval", 0));
    assertEquals(Duration.ofSeconds(5), intervals.get("software"));
    assertEquals(Duration.ofSeconds(3600), intervals.get("report"));
    assertEquals(Duration.ZERO, intervals.get("collect"));
    assertThrows(IllegalArgumentException.class, () -> LoopScheduler.intervals(Map.of("report.interval", "x")));
  }
}
