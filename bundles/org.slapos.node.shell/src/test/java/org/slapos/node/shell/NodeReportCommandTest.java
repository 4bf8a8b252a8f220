package org.slapos.node.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.testing.TestContext;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.PartitionReporter;
import org.slapos.grid.api.ReportRun;
import org.slapos.grid.api.ReportRunRequest;

class NodeReportCommandTest {
  @TempDir
  Path dir;
  TestContext context;
  Path pidFile;
  final RecordingReporter reporter = new RecordingReporter();
  final List<Process> children = new ArrayList<>();

  /** The service double: records requests, reads the lock while running, answers as told. */
  static final class RecordingReporter implements PartitionReporter {
    final List<ReportRunRequest> requests = new ArrayList<>();
    ReportRun answer = new ReportRun(List.of("slappart1"), List.of("slappart2"), List.of(), List.of(), 2, List.of(),
        Duration.ofMillis(250));
    GridException failure;
    Path expectedLock;
    String lockContentDuringRun;

    @Override
    public ReportRun run(ReportRunRequest request, Consumer<String> progress) throws GridException {
      requests.add(request);
      if (expectedLock != null) {
        try {
          lockContentDuringRun = Files.readString(expectedLock);
        } catch (java.io.IOException e) {
          lockContentDuringRun = "unreadable: " + e;
        }
      }
      if (failure != null) {
        throw failure;
      }
      return answer;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    context = new TestContext(dir);
    pidFile = dir.resolve("run/slapgrid-ur.pid");
    Files.createDirectories(dir.resolve("soft"));
    Files.createDirectories(dir.resolve("inst"));
    writeConfig("");
    context.environment.put("SLAPOS_CONFIGURATION", dir.resolve("slapos.cfg").toString());
    reporter.expectedLock = pidFile;
  }

  @AfterEach
  void killChildren() throws Exception {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  void writeConfig(String extra) throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-7\nmaster_url = http://127.0.0.1:5001\n"
        + "software_root = soft\ninstance_root = inst\nroot_check = false\npidfile_report = " + pidFile + "\n"
        + extra);
  }

  int run(String... args) throws Exception {
    return new NodeReportCommand(reporter, () -> true).run(context, List.of(args));
  }

  @Test
  void plainRunTakesTheReportLockAndPrintsWhatHappened() throws Exception {
    Files.createDirectories(dir.resolve("certs"));
    writeConfig("certificate_repository_path = certs\ninstance_storage_home = /srv/data\n");
    assertEquals(0, run("--now"));
    assertEquals(1, reporter.requests.size());
    ReportRunRequest request = reporter.requests.get(0);
    assertEquals("COMP-7", request.settings().computerId());
    assertEquals(dir.resolve("inst"), request.settings().instanceRoot());
    assertEquals(dir.resolve("certs"), request.instance().certificateRepositoryPath());
    assertEquals("/srv/data", request.instance().instanceStorageHome());
    assertEquals(Long.toString(ProcessHandle.current().pid()), reporter.lockContentDuringRun);
    assertFalse(Files.exists(pidFile), "the lock is released");
    assertEquals("slappart1: destroyed\nslappart2: kept by its retention lock\n"
        + "Sent 2 usage document(s), destroyed 1 partition(s) in 0.250 s\n", context.stdout());
  }

  @Test
  void aFailureIsExitOne() throws Exception {
    reporter.answer = new ReportRun(List.of(), List.of(), List.of("slappart3"), List.of("slappart0: Script 'x' failed."),
        0, List.of(dir.resolve("inst/slappart0/var/xml_report/bad.xml")), Duration.ZERO);
    assertEquals(1, run("--now"));
    assertTrue(context.stdout().contains("slappart3: waiting for its processes to finish\n"), context.stdout());
    assertTrue(context.stdout().contains("failed: slappart0: Script 'x' failed.\n"), context.stdout());
    assertTrue(context.stdout().contains("invalid usage report, not sent: " + dir.resolve("inst/slappart0/var/xml_report/bad.xml")),
        context.stdout());
  }

  @Test
  void gridExceptionIsOneLineExitOneAndReleasesTheLock() throws Exception {
    reporter.failure = new GridException("Cannot get the partitions of COMP-7 from http://127.0.0.1:5001/: refused");
    CommandFailure e = assertThrows(CommandFailure.class, () -> run("--now"));
    assertEquals(1, e.exitCode());
    assertEquals("Cannot get the partitions of COMP-7 from http://127.0.0.1:5001/: refused", e.getMessage());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void lockHeldByALiveSlaposProcessIsExitTen() throws Exception {
    Process holder = new ProcessBuilder("bash", "-c", "exec -a slapos-test sleep 60").start();
    children.add(holder);
    Files.createDirectories(pidFile.getParent());
    Files.writeString(pidFile, Long.toString(holder.pid()));
    CommandFailure e = assertThrows(CommandFailure.class, () -> run("--now"));
    assertEquals(10, e.exitCode());
    assertTrue(reporter.requests.isEmpty());
  }

  @Test
  void notRootIsExitFive() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = false", "root_check = true"));
    NodeReportCommand unprivileged = new NodeReportCommand(reporter, () -> false);
    CommandFailure e = assertThrows(CommandFailure.class, () -> unprivileged.run(context, List.of("--now")));
    assertEquals(5, e.exitCode());
    assertTrue(reporter.requests.isEmpty());
  }

  @Test
  void withoutTheEngineTheCommandSaysSoInOneLine() throws Exception {
    NodeReportCommand alone = new NodeReportCommand(null, () -> true);
    CommandFailure e = assertThrows(CommandFailure.class, () -> alone.run(context, List.of("--now")));
    assertEquals(1, e.exitCode());
    assertEquals(NodeReportCommand.NO_REPORTER, e.getMessage());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void helpAndUsageErrors() throws Exception {
    assertEquals(0, run("--help"));
    assertTrue(context.stdout().startsWith(NodeReportCommand.USAGE + "\nrun instance reports and garbage collection\n"));
    assertTrue(context.stdout().contains("`pidfile_report` in slapos section, otherwise\n"
        + "                        defaults to /opt/slapos/slapgrid-ur.pid"), context.stdout());
    assertEquals(2, run("--now", "--force"), "node report has no --force");
    assertTrue(reporter.requests.isEmpty());
  }
}
