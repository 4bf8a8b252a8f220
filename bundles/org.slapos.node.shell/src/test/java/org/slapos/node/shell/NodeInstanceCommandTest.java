package org.slapos.node.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.testing.TestContext;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceDeployer;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.InstanceRunRequest;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.PartitionOutcome;
import org.slapos.grid.api.PartitionOutcome.Action;

class NodeInstanceCommandTest {
  @TempDir
  Path dir;
  TestContext context;
  Path pidFile;
  final RecordingDeployer deployer = new RecordingDeployer();
  final List<Process> children = new ArrayList<>();

  /** The service double: records requests, checks the lock while running, answers as told. */
  static final class RecordingDeployer implements InstanceDeployer {
    final List<InstanceRunRequest> requests = new ArrayList<>();
    InstanceRun answer = new InstanceRun(List.of(new PartitionOutcome("slappart0", "default", Action.STARTED, ""),
        new PartitionOutcome("slappart1", null, Action.UP_TO_DATE, "")), false, "", false, Duration.ofMillis(1500));
    GridException failure;
    Path expectedLock;
    String lockContentDuringRun;

    @Override
    public InstanceRun run(InstanceRunRequest request, Consumer<String> progress) throws GridException {
      requests.add(request);
      progress.accept("Processing computer partitions...");
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
    pidFile = dir.resolve("run/slapgrid-cp.pid");
    Files.createDirectories(dir.resolve("soft"));
    Files.createDirectories(dir.resolve("inst"));
    writeConfig("");
    context.environment.put("SLAPOS_CONFIGURATION", dir.resolve("slapos.cfg").toString());
    deployer.expectedLock = pidFile;
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
        + "software_root = soft\ninstance_root = inst\nroot_check = false\npidfile_instance = " + pidFile + "\n"
        + extra);
  }

  int run(String... args) throws Exception {
    return new NodeInstanceCommand(deployer, () -> true).run(context, List.of(args));
  }

  CommandFailure failure(String... args) {
    return assertThrows(CommandFailure.class, () -> run(args));
  }

  InstanceRunRequest request() {
    assertEquals(1, deployer.requests.size(), "one run");
    return deployer.requests.get(0);
  }

  @Test
  void theWatchdogCommandNamesTheLauncherAndTheNodeAsTheOriginalDoes() throws Exception {
    InstanceSettings base = InstanceSettings.defaults();
    org.slapos.grid.api.NodeSettings node = new org.slapos.grid.api.NodeSettings("COMP-1", "http://127.0.0.1:5000/",
        null, dir.resolve("opt"), Path.of("/srv/slapgrid"), null, List.of(), List.of(), 0, null, null);

    InstanceSettings withWatchdog = NodeInstanceCommand.withWatchdog(base, node, "/opt/slapos-java");

    assertEquals("'/opt/slapos-java/bin/slapos' node watchdog --master-url 'http://127.0.0.1:5000/'  "
        + "--computer-id 'COMP-1' --instance-root '/srv/slapgrid'", withWatchdog.watchdogCommand());
    assertEquals(base.promiseTimeout(), withWatchdog.promiseTimeout());
    assertEquals("", NodeInstanceCommand.withWatchdog(base, node, null).watchdogCommand(),
        "no launcher home: no listener");
  }

  @Test
  void plainRunBuildsTheSettingsTakesTheInstanceLockAndPrintsTheSummary() throws Exception {
    assertEquals(0, run("--now"));
    InstanceRunRequest request = request();
    assertEquals("COMP-7", request.settings().computerId());
    assertEquals(dir.resolve("inst"), request.settings().instanceRoot());
    InstanceSettings instance = request.instance();
    assertNull(instance.certificateRepositoryPath());
    assertEquals(86400, instance.maximumPeriodicity());
    assertEquals(Duration.ofSeconds(20), instance.promiseTimeout());
    assertNull(instance.partitionTimeout());
    assertEquals(1000L << 20, instance.instanceMinFreeSpace());
    assertFalse(instance.forbidSupervisordAutomaticLaunch());
    assertEquals("", instance.instanceStorageHome());
    assertFalse(request.force());
    assertFalse(request.forceStop());
    assertEquals(List.of(), request.only());
    assertEquals("slappart0: started\nslappart1: up to date\nFinished computer partitions.\n" + "=".repeat(80) + "\n"
        + "Processed 2 computer partitions in 1.500 s\n", context.stdout());
    assertEquals(Long.toString(ProcessHandle.current().pid()), deployer.lockContentDuringRun);
    assertFalse(Files.exists(pidFile), "the lock is released");
  }

  @Test
  void instanceKeysOfTheFileAndTheCommandLine() throws Exception {
    Files.createDirectories(dir.resolve("certs"));
    writeConfig("certificate_repository_path = certs\ninstance_storage_home = /srv/data\n"
        + "ipv4_global_network = 10.0.0.0/8\nmaximum_periodicity = 3600\npartition-timeout = 600\n"
        + "instance_min_free_space = 2G\nforbid_supervisord_automatic_launch = True\npromise_timeout = 99\n");
    assertEquals(0, run("--now"));
    InstanceSettings instance = request().instance();
    assertEquals(dir.resolve("certs"), instance.certificateRepositoryPath());
    assertEquals("/srv/data", instance.instanceStorageHome());
    assertEquals("10.0.0.0/8", instance.ipv4GlobalNetwork());
    assertEquals(3600, instance.maximumPeriodicity());
    assertEquals(Duration.ofSeconds(600), instance.partitionTimeout());
    assertEquals(2L << 30, instance.instanceMinFreeSpace());
    assertTrue(instance.forbidSupervisordAutomaticLaunch());
    assertEquals(Duration.ofSeconds(20), instance.promiseTimeout(),
        "as the original, --promise-timeout always has a value and hides the file's");

    deployer.requests.clear();
    assertEquals(0, run("--now", "--maximum-periodicity", "60", "--promise-timeout", "5", "--partition-timeout", "7",
        "--force-stop", "--buildout-debug", "--only-cp", "slappart1, slappart2"));
    InstanceRunRequest request = request();
    assertEquals(60, request.instance().maximumPeriodicity());
    assertEquals(Duration.ofSeconds(5), request.instance().promiseTimeout());
    assertEquals(Duration.ofSeconds(7), request.instance().partitionTimeout());
    assertTrue(request.forceStop());
    assertTrue(request.buildoutDebug());
    assertEquals(List.of("slappart1", "slappart2"), request.only());
  }

  @Test
  void badInstanceValuesAreOneLineErrors() throws Exception {
    writeConfig("forbid_supervisord_automatic_launch = yes\n");
    CommandFailure e = failure("--now");
    assertEquals(1, e.exitCode());
    assertEquals("forbid_supervisord_automatic_launch: yes is neither True nor False.", e.getMessage());
    writeConfig("instance_min_free_space = plenty\n");
    assertEquals("instance_min_free_space: can't interpret 'plenty' as a size", failure("--now").getMessage());
    writeConfig("maximum_periodicity = daily\n");
    assertEquals("maximum_periodicity: invalid literal for int(): 'daily'", failure("--now").getMessage());
    assertEquals(2, run("--now", "--partition-timeout", "soon"));
    assertTrue(deployer.requests.isEmpty());
  }

  @Test
  void forceAliasesAndOnlyAreExclusiveWithAll() throws Exception {
    for (String alias : List.of("--force", "--all")) {
      deployer.requests.clear();
      assertEquals(0, run("--now", alias));
      assertTrue(request().force(), alias);
    }
    assertEquals(2, run("--now", "--all", "--only", "slappart0"));
    assertTrue(context.stderr().endsWith(
        "slapos node instance: error: argument --only-cp/--only: not allowed with argument --all\n"), context.stderr());
    deployer.requests.clear();
    assertEquals(0, run("--now", "--force", "--only", "slappart0"));
    assertEquals(List.of("slappart0"), request().only());
  }

  @Test
  void exitCodesFollowTheRun() throws Exception {
    deployer.answer = new InstanceRun(List.of(new PartitionOutcome("slappart0", "default", Action.PROMISE_FAILED,
        "Promise 'p' failed with output: down")), false, "", false, Duration.ZERO);
    assertEquals(2, run("--now"));
    assertTrue(context.stdout().contains("Error with promises for the following partitions:\n"
        + "  slappart0[default]: Promise 'p' failed with output: down\n"), context.stdout());

    deployer.answer = new InstanceRun(List.of(new PartitionOutcome("slappart0", "default", Action.FAILED,
        "Failed to run buildout profile in directory 'x':\nline")), false, "", false, Duration.ZERO);
    assertEquals(1, run("--now"));
    assertTrue(context.stdout().contains("slappart0: failed: Failed to run buildout profile in directory 'x': ...\n"),
        context.stdout());

    deployer.answer = new InstanceRun(List.of(), true, "Connection refused", false, Duration.ZERO);
    assertEquals(3, run("--now"));
    assertTrue(context.stdout().contains("Master unreachable, processes started in offline mode: Connection refused\n"),
        context.stdout());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void gridExceptionIsOneLineExitOneAndReleasesTheLock() throws Exception {
    deployer.failure = new GridException("Unknown partition: slappart9");
    CommandFailure e = failure("--now", "--only-cp", "slappart9");
    assertEquals(1, e.exitCode());
    assertEquals("Unknown partition: slappart9", e.getMessage());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void lockHeldByALiveSlaposProcessIsExitTen() throws Exception {
    Process holder = new ProcessBuilder("bash", "-c", "exec -a slapos-test sleep 60").start();
    children.add(holder);
    Files.createDirectories(pidFile.getParent());
    Files.writeString(pidFile, Long.toString(holder.pid()));
    CommandFailure e = failure("--now");
    assertEquals(10, e.exitCode());
    assertTrue(deployer.requests.isEmpty());
  }

  @Test
  void notRootIsExitFive() throws Exception {
    writeConfig("");
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = false", "root_check = true"));
    NodeInstanceCommand unprivileged = new NodeInstanceCommand(deployer, () -> false);
    CommandFailure e = assertThrows(CommandFailure.class, () -> unprivileged.run(context, List.of("--now")));
    assertEquals(5, e.exitCode());
    assertTrue(deployer.requests.isEmpty());
  }

  @Test
  void withoutTheEngineInTheRuntimeTheCommandSaysSoInOneLine() throws Exception {
    NodeInstanceCommand alone = new NodeInstanceCommand(null, () -> true);
    CommandFailure e = assertThrows(CommandFailure.class, () -> alone.run(context, List.of("--now")));
    assertEquals(1, e.exitCode());
    assertEquals(NodeInstanceCommand.NO_DEPLOYER, e.getMessage());
    assertFalse(Files.exists(pidFile));
    assertEquals(0, alone.run(context, List.of("--help")), "help needs no engine");
  }

  @Test
  void helpAndOptionNames() throws Exception {
    assertEquals(0, run("--help"));
    assertTrue(context.stdout().startsWith(NodeInstanceCommand.USAGE + "\nrun instance deployment\n"));
    assertTrue(context.stdout().contains("`pidfile_instance` in slapos section, otherwise\n"
        + "                        defaults to /opt/slapos/slapgrid-cp.pid"), context.stdout());
    Set<String> names = new NodeInstanceCommand().optionNames();
    for (String name : List.of("--cfg", "--now", "--buildout-debug", "--force-stop", "--force", "--all", "--only-cp",
        "--only", "--promise-timeout", "--partition-timeout", "--maximum-periodicity")) {
      assertTrue(names.contains(name), name);
    }
  }
}
