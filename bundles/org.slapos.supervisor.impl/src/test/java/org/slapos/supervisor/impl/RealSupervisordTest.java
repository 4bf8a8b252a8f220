package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/** The node supervisord with the real supervisord: files, launch, start/stop/remove of partitions, shutdown. */
class RealSupervisordTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LONG_RUNNING = "#!/bin/sh\necho started as $(id -un) in $(pwd) home=$HOME\nexec sleep 600\n";

  private RealSupervisor real;
  private NodeSupervisor supervisor;

  @BeforeEach
  void install() throws Exception {
    real = RealSupervisor.install();
    supervisor = real.service();
  }

  @AfterEach
  void shutDownEverySupervisord() throws Exception {
    real.close();
  }

  private Map<String, ProcessInfo> processes(SupervisorSettings settings) {
    try {
      return supervisor.processes(settings).stream().collect(Collectors.toMap(ProcessInfo::fullName, Function.identity()));
    } catch (SupervisorException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private void awaitState(SupervisorSettings settings, String process, String state) {
    RealSupervisor.await(process + " " + state, WAIT, () -> Optional.ofNullable(processes(settings).get(process))
        .map(info -> info.state().equals(state)).orElse(false));
  }

  @Test
  void nodeFilesAreWrittenWithTheirModesAndRewrittenOnlyWhenTheyDiffer() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    Path root = settings.instanceRoot();

    supervisor.writeNodeConfiguration(settings);

    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var"))));
    for (String directory : List.of("var/log", "var/run", "etc", "etc/supervisord.conf.d")) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(directory))),
          directory);
    }
    Path conf = settings.configurationFile();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
    assertEquals(SupervisorFilesTest.expectedNodeConfiguration(root, ""), Files.readString(conf));

    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setLastModifiedTime(conf, java.nio.file.attribute.FileTime.fromMillis(0));
    supervisor.writeNodeConfiguration(settings);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)), "mode forced");
    assertEquals(0, Files.getLastModifiedTime(conf).toMillis(), "same content: not rewritten");

    supervisor.writeNodeConfiguration(new SupervisorSettings(root, "/bin/true"));
    assertTrue(Files.readString(conf).contains("\ncommand=/bin/true\n"));
  }

  @Test
  void missingInstanceRootIsAClearError() throws Exception {
    SupervisorSettings settings = new SupervisorSettings(real.work.resolve("absent"), "");
    SupervisorException error = assertThrows(SupervisorException.class, () -> supervisor.writeNodeConfiguration(settings));
    assertEquals(settings.instanceRoot() + " does not exist.", error.getMessage());
  }

  @Test
  void launchWithoutConfigurationFailsWithSupervisordsOutput() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    SupervisorException error = assertThrows(SupervisorException.class, () -> supervisor.ensureRunning(settings));
    assertTrue(error.getMessage().startsWith("Failed to launch supervisord:\n"), error.getMessage());
    assertTrue(error.getMessage().contains("could not find config file"), error.getMessage());
  }

  @Test
  void partitionProgramsStartStopChangeAndGo() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    supervisor.ensureRunning(settings); // already running: nothing launched twice
    long supervisords = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(settings.configurationFile().toString())).count();
    assertEquals(1, supervisords, "one supervisord for the instance root");

    PartitionPrograms partition = real.partition(settings, "slappart0");
    real.program(partition.directory().resolve("etc/run/web"), LONG_RUNNING);
    real.program(partition.directory().resolve("etc/service/x"), LONG_RUNNING);

    List<String> started = supervisor.startPartition(settings, partition);

    assertEquals(List.of("slappart0:web", "slappart0:x-on-watch"), started);
    awaitState(settings, "slappart0:web", "RUNNING");
    awaitState(settings, "slappart0:x-on-watch", "RUNNING");
    Path programFile = settings.programDirectory().resolve("slappart0.conf");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(programFile)));
    assertTrue(Files.readString(programFile).startsWith("[group:slappart0]\nprograms=slappart0_web,slappart0_x\n"));
    Path log = partition.directory().resolve(".slappart0_web.log");
    RealSupervisor.await("the web program's output", WAIT, () -> readQuietly(log).contains("started as"));
    String output = readQuietly(log);
    String expectedUser = real.root ? RealSupervisor.UNPRIVILEGED_USER : System.getProperty("user.name");
    assertTrue(output.contains("started as " + expectedUser + " in " + partition.directory() + " home="
        + partition.directory()), output);

    // Starting again with the same programs restarts nothing that runs.
    int webPid = processes(settings).get("slappart0:web").pid();
    supervisor.startPartition(settings, partition);
    awaitState(settings, "slappart0:web", "RUNNING");
    assertEquals(webPid, processes(settings).get("slappart0:web").pid(), "unchanged group: not restarted");

    // A new program changes the group: stopped, removed, added, started again.
    real.program(partition.directory().resolve("etc/run/worker"), LONG_RUNNING);
    assertEquals(List.of("slappart0:web", "slappart0:worker", "slappart0:x-on-watch"),
        supervisor.startPartition(settings, partition));
    awaitState(settings, "slappart0:worker", "RUNNING");
    awaitState(settings, "slappart0:web", "RUNNING");
    assertNotEquals(webPid, processes(settings).get("slappart0:web").pid(), "the changed group was restarted");
    assertFalse(ProcessHandle.of(webPid).map(ProcessHandle::isAlive).orElse(false), "the old web process is gone");

    // Another partition is left alone by this one's changes.
    PartitionPrograms other = real.partition(settings, "slappart1");
    real.program(other.directory().resolve("etc/run/db"), LONG_RUNNING);
    supervisor.startPartition(settings, other);
    awaitState(settings, "slappart1:db", "RUNNING");
    int dbPid = processes(settings).get("slappart1:db").pid();

    supervisor.stopPartition(settings, "slappart0");
    RealSupervisor.await("slappart0's processes gone", WAIT,
        () -> processes(settings).keySet().stream().noneMatch(name -> name.startsWith("slappart0:")));
    assertFalse(Files.exists(programFile));
    assertEquals(dbPid, processes(settings).get("slappart1:db").pid(), "slappart1 untouched");

    // A manager's group file goes with removePartition, not with stopPartition.
    Files.writeString(settings.programDirectory().resolve("slappart1-prerm.conf"), "");
    supervisor.stopPartition(settings, "slappart1");
    assertTrue(Files.exists(settings.programDirectory().resolve("slappart1-prerm.conf")));
    supervisor.removePartition(settings, "slappart1");
    try (var files = Files.list(settings.programDirectory())) {
      assertEquals(List.of(), files.toList());
    }
    RealSupervisor.await("slappart1's processes gone", WAIT,
        () -> processes(settings).keySet().stream().noneMatch(name -> name.startsWith("slappart1:")));
  }

  @Test
  void aManagerGroupRunsItsProgramsOnceAndIsRemovedWithThePartition() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    PartitionPrograms partition = real.partition(settings, "slappart0");
    Path prerm = partition.directory().resolve("etc/prerm");
    real.program(prerm.resolve("cleanup"), "#!/bin/sh\necho cleaned >> cleanup.out\n");

    List<String> names = supervisor.startManagerGroup(settings, partition, "prerm", prerm);

    assertEquals(List.of("slappart0-prerm:cleanup"), names);
    assertTrue(Files.readString(settings.programDirectory().resolve("slappart0-prerm.conf"))
        .startsWith("[group:slappart0-prerm]\nprograms=slappart0-prerm_cleanup\n"));
    awaitState(settings, "slappart0-prerm:cleanup", "EXITED");
    Path out = partition.directory().resolve("cleanup.out");
    assertEquals("cleaned\n", readQuietly(out));

    // Asked again (the next report run): a program that already ran is not started again.
    supervisor.startManagerGroup(settings, partition, "prerm", prerm);
    assertEquals("EXITED", processes(settings).get("slappart0-prerm:cleanup").state());
    assertEquals("cleaned\n", readQuietly(out));

    supervisor.removePartition(settings, "slappart0");
    assertFalse(Files.exists(settings.programDirectory().resolve("slappart0-prerm.conf")));
    assertFalse(processes(settings).containsKey("slappart0-prerm:cleanup"));
  }

  @Test
  void partitionWithoutProgramsWritesNothingAndStartsNothing() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    PartitionPrograms partition = real.partition(settings, "slappart3");

    assertEquals(List.of(), supervisor.startPartition(settings, partition));

    try (var files = Files.list(settings.programDirectory())) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void startAllStartsStoppedProgramsAndShutdownLeavesNoSupervisord() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    PartitionPrograms partition = real.partition(settings, "slappart0");
    real.program(partition.directory().resolve("etc/run/web"), LONG_RUNNING);
    supervisor.startPartition(settings, partition);
    awaitState(settings, "slappart0:web", "RUNNING");
    SupervisorRpc rpc = new SupervisorRpc(settings.socket(), Duration.ofSeconds(30));
    rpc.stopProcess("slappart0:web");
    awaitState(settings, "slappart0:web", "STOPPED");

    supervisor.startAll(settings);
    awaitState(settings, "slappart0:web", "RUNNING");

    long daemon = Long.parseLong(Files.readString(settings.instanceRoot().resolve("var/run/supervisord.pid")).strip());
    int web = processes(settings).get("slappart0:web").pid();
    supervisor.shutdown(settings);
    assertFalse(ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false), "supervisord exited");
    RealSupervisor.await("the program stopped with supervisord", WAIT,
        () -> !ProcessHandle.of(web).map(ProcessHandle::isAlive).orElse(false));
    supervisor.shutdown(settings); // nothing answers any more: nothing to do
  }

  @Test
  void tailReadsAProgramsOutput() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    PartitionPrograms partition = real.partition(settings, "slappart0");
    real.program(partition.directory().resolve("etc/run/web"), LONG_RUNNING);
    supervisor.startPartition(settings, partition);
    awaitState(settings, "slappart0:web", "RUNNING");
    SupervisorRpc rpc = new SupervisorRpc(settings.socket(), Duration.ofSeconds(30));

    RealSupervisor.await("output in the log", WAIT, () -> {
      try {
        return rpc.readProcessStdoutLog("slappart0:web", 0, 0).contains("started as");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    List<Object> tail = rpc.tailProcessStdoutLog("slappart0:web", 0, 1000);
    assertTrue(String.valueOf(tail.get(0)).contains("started as"), tail.toString());
    XmlRpc.Fault missing = assertThrows(XmlRpc.Fault.class, () -> rpc.readProcessStdoutLog("slappart0:none", 0, 0));
    assertEquals(SupervisorRpc.BAD_NAME, missing.code());
  }

  @Test
  void aKilledSupervisordIsLaunchedAgainOnItsStaleSocket() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    long first = Long.parseLong(Files.readString(settings.instanceRoot().resolve("var/run/supervisord.pid")).strip());
    ProcessHandle daemon = ProcessHandle.of(first).orElseThrow();
    daemon.destroyForcibly();
    daemon.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(Files.exists(settings.socket()), "the killed supervisord left its socket");

    supervisor.ensureRunning(settings);

    long second = Long.parseLong(Files.readString(settings.instanceRoot().resolve("var/run/supervisord.pid")).strip());
    assertNotEquals(first, second);
    assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void aWatchdogThatGaveUpIsReloadedOnceItsCommandIsWritten() throws Exception {
    SupervisorSettings empty = real.instanceRoot("");
    supervisor.writeNodeConfiguration(empty);
    supervisor.ensureRunning(empty);
    // An empty command cannot start: supervisord retries, then gives up (FATAL).
    awaitState(empty, "watchdog:watchdog", "FATAL");
    Path listener = real.program(empty.instanceRoot().resolve("listener"), "#!/bin/sh\nprintf 'READY\\n'\nexec sleep 600\n");
    SupervisorSettings written = new SupervisorSettings(empty.instanceRoot(), listener.toString());
    supervisor.writeNodeConfiguration(written);

    supervisor.ensureRunning(written);

    awaitState(written, "watchdog:watchdog", "RUNNING");
  }

  @Test
  void partitionIdsThatCouldEscapeAreRefused() throws Exception {
    SupervisorSettings settings = real.instanceRoot("");
    for (String id : List.of("../x", "a/b", "", "..", "a]b", "a\nb")) {
      assertThrows(SupervisorException.class, () -> supervisor.stopPartition(settings, id), id);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
