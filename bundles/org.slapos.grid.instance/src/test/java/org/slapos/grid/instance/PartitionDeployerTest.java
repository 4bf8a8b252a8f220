package org.slapos.grid.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.InstanceRunRequest;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.PartitionOutcome;
import org.slapos.grid.api.PartitionOutcome.Action;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ServerError;

/**
 * The deployer with the real zc.buildout on instance profiles written by the test (the recipe egg
 * comes from a local directory); the master is a list of recorded partitions, the supervisor and
 * the promise checker record what they are asked.
 */
class PartitionDeployerTest {
  private static RealBuildout buildout;
  private static Path eggs;
  private InstanceFixture node;

  @BeforeAll
  static void installBuildout() throws Exception {
    buildout = RealBuildout.install();
    eggs = InstanceFixture.buildRecipeEgg(buildout);
  }

  @BeforeEach
  void newNode() throws Exception {
    node = new InstanceFixture(buildout, eggs);
  }

  private static List<Action> actions(InstanceRun run) {
    return run.outcomes().stream().map(PartitionOutcome::action).toList();
  }

  private static String details(InstanceRun run, RecordedPartition... partitions) {
    StringBuilder text = new StringBuilder(run.toString());
    for (RecordedPartition partition : partitions) {
      text.append('\n').append(partition.id).append(": ").append(partition.errors);
    }
    return text.toString();
  }

  @Test
  void aStartedPartitionIsBuiltStartedCheckedAndReportedThenSkippedWhileItsTimestampHolds() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    RecordedPartition partition = new RecordedPartition("slappart0", "started", url, "1700000000.1");
    partition.attributes.put("_filter_dict", Map.of("retention_delay", "2.5"));

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.STARTED), actions(run), () -> details(run, partition));
    assertEquals(0, run.exitCode());
    assertEquals(List.of("started"), partition.reports);
    assertEquals(List.of("writeNodeConfiguration", "ensureRunning", "start slappart0"), node.supervisor.calls);
    assertEquals(List.of("hello"), List.of(directory.resolve("etc/run").toFile().list()));
    assertTrue(Files.isRegularFile(directory.resolve("etc/service/watched")));
    Path softwareDirectory = PartitionDirectory.softwareDirectory(node.softwareRoot, url);
    assertEquals(softwareDirectory, Files.readSymbolicLink(directory.resolve("software_release")));
    assertEquals("1700000000.1", Files.readString(directory.resolve(".timestamp")));
    assertEquals("2.5", Files.readString(directory.resolve(".slapos-retention-lock-delay")));
    assertEquals(partition.certificate, Files.readString(node.certificates.resolve("slappart0.crt")));
    assertEquals(partition.key, Files.readString(node.certificates.resolve("slappart0.key")));
    assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        node.certificates.resolve("slappart0.key"))));
    assertTrue(Files.readString(directory.resolve(".slapgrid/log/instance.log"))
        .contains("INFO     slapos Processing Computer Partition slappart0."));

    PromiseRequest promises = node.promises.requests.get(0);
    assertEquals(PromiseMode.TEST, promises.mode());
    assertTrue(promises.force());
    assertEquals(directory, promises.partition().directory());
    assertEquals(List.of("10.0.0.2"), promises.partition().addresses());
    assertEquals(node.certificates.resolve("slappart0.key").toAbsolutePath(), promises.keyFile());

    String ownerName = Files.getOwner(directory).getName();
    assertEquals(ownerName, node.supervisor.started.get(0).user());
    if (buildout.root) {
      assertEquals(RealBuildout.UNPRIVILEGED_USER, Files.getOwner(directory.resolve("etc/run/hello")).getName());
    }

    // Same timestamp, period not over: no buildout; the anomaly check tells the master nothing new.
    partition.accessStatus = "#access Instance correctly started";
    InstanceRun again = node.run(List.of(partition));
    assertEquals(List.of(Action.UP_TO_DATE), actions(again));
    assertEquals(1, node.buildoutRuns.size(), "an up-to-date partition must not run buildout");
    assertEquals(List.of("started"), partition.reports);
    PromiseRequest anomaly = node.promises.requests.get(node.promises.requests.size() - 1);
    assertEquals(PromiseMode.ANOMALY, anomaly.mode());
    assertFalse(anomaly.force());
  }

  @Test
  void thePartitionProfileIsTheInstanceProfileFollowedByTheExactTail() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart3");
    RecordedPartition partition = new RecordedPartition("slappart3", "started", url, "1");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.STARTED), actions(run), () -> details(run, partition));
    String template = Files.readString(PartitionDirectory.softwareDirectory(node.softwareRoot, url).resolve("instance.cfg"));
    Path certificates = node.certificates.toAbsolutePath();
    String expected = template + "\n\n"
        + "# This is beginning of zc.buildout profile's tail added by slapgrid\n"
        + "[buildout]\n"
        + "# put buildout generated binaries in specific directory\n"
        + "bin-directory = ${buildout:directory}/sbin\n"
        + "\n"
        + "# protect software and run parts offline\n"
        + "offline = true\n"
        + "\n"
        + "[slap-connection]\n"
        + "computer-id = COMP-TEST\n"
        + "partition-id = slappart3\n"
        + "server-url = http://127.0.0.1:1/\n"
        + "software-release-url = " + url + "\n"
        + "key-file = " + certificates + "/slappart3.key\n"
        + "cert-file = " + certificates + "/slappart3.crt\n"
        + "shared-part-list =\n"
        + "  /opt/shared/a\n"
        + "  /opt/shared/b\n"
        + "build-time-part-list =\n"
        + "  \n"
        + "requested-state = started\n"
        + "\n"
        + "[slap_connection]\n"
        + "# Kept for backward compatiblity\n"
        + "computer_id = COMP-TEST\n"
        + "partition_id = slappart3\n"
        + "server_url = http://127.0.0.1:1/\n"
        + "software_release_url = " + url + "\n"
        + "key_file = " + certificates + "/slappart3.key\n"
        + "cert_file = " + certificates + "/slappart3.crt\n"
        + "\n"
        + "[storage-configuration]\n"
        + "storage-home = /srv/storage\n"
        + "\n"
        + "[network-information]\n"
        + "global-ipv4-network = 10.0.0.0/16\n"
        + "# This is end of zc.buildout profile's tail added by slapgrid\n";
    assertEquals(expected, Files.readString(directory.resolve("buildout.cfg")));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("buildout.cfg"))));
    assertEquals(Files.readAttributes(directory, java.nio.file.attribute.PosixFileAttributes.class).group(),
        Files.readAttributes(directory.resolve("buildout.cfg"), java.nio.file.attribute.PosixFileAttributes.class).group());
    assertEquals(Map.of("SLAPGRID_INSTANCE_ROOT", node.instanceRoot.toAbsolutePath().toString()),
        node.buildoutRuns.get(0).environment());
  }

  @Test
  void aPartitionIsProcessedAgainOnceItsPeriodIsOverUnlessTheReleaseSaysNever() throws Exception {
    String url = node.servicesRelease();
    node.partition("slappart0");
    RecordedPartition partition = new RecordedPartition("slappart0", "started", url, "42");
    node.run(List.of(partition));
    assertEquals(1, node.buildoutRuns.size());
    Clock twoDaysLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));

    InstanceRun later = node.run(List.of(partition), node.request(), twoDaysLater);
    assertEquals(List.of(Action.STARTED), actions(later));
    assertEquals(2, node.buildoutRuns.size(), "the one-day period is over: processed again");

    Files.writeString(PartitionDirectory.softwareDirectory(node.softwareRoot, url).resolve("periodicity"), "-1\n");
    InstanceRun never = node.run(List.of(partition), node.request(), twoDaysLater);
    assertEquals(List.of(Action.UP_TO_DATE), actions(never));
    assertEquals(2, node.buildoutRuns.size(), "a negative periodicity never reprocesses an unchanged partition");
  }

  @Test
  void aNewTimestampOrForceProcessesThePartitionAgain() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    node.run(List.of(new RecordedPartition("slappart0", "started", url, "1")));

    InstanceRun changed = node.run(List.of(new RecordedPartition("slappart0", "started", url, "2")));
    assertEquals(List.of(Action.STARTED), actions(changed));
    assertEquals("2", Files.readString(directory.resolve(".timestamp")));

    InstanceRunRequest force = new InstanceRunRequest(node.settings(), node.instanceSettings(), true, false,
        List.of(), false);
    InstanceRun forced = node.run(List.of(new RecordedPartition("slappart0", "started", url, "2")), force);
    assertEquals(List.of(Action.STARTED), actions(forced));
    assertEquals(3, node.buildoutRuns.size());
  }

  @Test
  void onlyCpProcessesTheListedPartitionsAndRefusesUnknownOnes() throws Exception {
    String url = node.servicesRelease();
    node.partition("slappart0");
    node.partition("slappart1");
    List<RecordedPartition> partitions = List.of(new RecordedPartition("slappart0", "started", url, "1"),
        new RecordedPartition("slappart1", "started", url, "1"));

    InstanceRun run = node.run(partitions, new InstanceRunRequest(node.settings(), node.instanceSettings(), false,
        false, List.of("slappart1"), false));
    assertEquals(List.of(Action.SKIPPED, Action.STARTED), actions(run));
    assertEquals(List.of(), partitions.get(0).reports);

    GridException one = assertThrows(GridException.class, () -> node.run(partitions, new InstanceRunRequest(
        node.settings(), node.instanceSettings(), false, false, List.of("slappart1", "slappart9"), false)));
    assertEquals("Unknown partition: slappart9", one.getMessage());
    GridException two = assertThrows(GridException.class, () -> node.run(partitions, new InstanceRunRequest(
        node.settings(), node.instanceSettings(), false, false, List.of("zz", "aa"), false)));
    assertEquals("Unknown partitions: aa, zz", two.getMessage());
  }

  @Test
  void aFailingBuildoutIsReportedAndTheNextPartitionStillDeploys() throws Exception {
    String broken = node.release(Map.of("broken", "path = etc/run/never\nfail = true"));
    String good = node.servicesRelease();
    Path brokenDirectory = node.partition("slappart0");
    node.partition("slappart1");
    RecordedPartition first = new RecordedPartition("slappart0", "started", broken, "1");
    RecordedPartition second = new RecordedPartition("slappart1", "started", good, "1");

    InstanceRun run = node.run(List.of(first, second));

    assertEquals(List.of(Action.FAILED, Action.STARTED), actions(run), () -> details(run, first, second));
    assertEquals(1, run.exitCode());
    assertEquals(List.of("error"), first.reports);
    String error = first.errors.get(0);
    assertTrue(error.startsWith("Failed to run buildout profile in directory '" + brokenDirectory + "':\n"), error);
    assertTrue(error.contains("part broken was asked to fail"), error);
    assertEquals(error, Files.readString(brokenDirectory.resolve(".slapgrid-slappart0-error.log")));
    assertFalse(Files.exists(brokenDirectory.resolve(".timestamp")));
    assertEquals(List.of("started"), second.reports);
    assertTrue(node.promises.requests.stream().anyMatch(r -> r.partition().partitionId().equals("slappart0")),
        "the promises of a failed started partition are still run to refresh their results");
    assertTrue(run.summary().contains("Error while processing the following partitions:\n  slappart0[default]: "
        + "Failed to run buildout profile"), run.summary());

    // The error log of the previous run goes away once the partition deploys.
    Files.writeString(PartitionDirectory.softwareDirectory(node.softwareRoot, broken).resolve("instance.cfg"),
        Files.readString(PartitionDirectory.softwareDirectory(node.softwareRoot, good).resolve("instance.cfg")));
    InstanceRun repaired = node.run(List.of(first, second));
    assertEquals(List.of(Action.STARTED, Action.UP_TO_DATE), actions(repaired), () -> details(repaired, first));
    assertFalse(Files.exists(brokenDirectory.resolve(".slapgrid-slappart0-error.log")));
  }

  @Test
  void aFailedPromiseIsReportedInsteadOfStartedLeavesNoTimestampAndExitsWithTwo() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    RecordedPartition partition = new RecordedPartition("slappart0", "started", url, "7");
    node.promises.failures.put("slappart0", "port 8080 is closed");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.PROMISE_FAILED), actions(run));
    assertEquals(2, run.exitCode());
    assertEquals(List.of("error"), partition.reports);
    assertEquals("Promise 'check-service' failed with output: port 8080 is closed", partition.errors.get(0));
    assertFalse(Files.exists(directory.resolve(".timestamp")));
    assertTrue(run.summary().endsWith("Error with promises for the following partitions:\n"
        + "  slappart0[default]: Promise 'check-service' failed with output: port 8080 is closed\n"), run.summary());
  }

  @Test
  void aStoppedPartitionIsBuiltStoppedReportedAndSendsTheInstancesItRequested() throws Exception {
    String url = node.release(Map.of("transaction", "path = .slapos-request-transaction-slappart2\n"
        + "content =\n    child-a\n    child-b"));
    Path directory = node.partition("slappart2");
    RecordedPartition partition = new RecordedPartition("slappart2", "stopped", url, "3");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.STOPPED), actions(run), () -> details(run, partition));
    assertEquals(List.of("writeNodeConfiguration", "ensureRunning", "stop slappart2"), node.supervisor.calls);
    assertEquals(List.of("stopped", "related"), partition.reports);
    assertEquals(List.of(List.of("child-a", "child-b")), partition.relatedInstanceLists);
    assertEquals(List.of(), node.promises.requests, "no promise runs for a stopped partition");
    assertEquals("3", Files.readString(directory.resolve(".timestamp")));
  }

  @Test
  void aStaleRequestTransactionFileIsDeletedBeforeProcessing() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    Files.writeString(directory.resolve(".slapos-request-transaction-slappart0"), "old-child\n");
    RecordedPartition partition = new RecordedPartition("slappart0", "started", url, "1");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.STARTED), actions(run));
    assertFalse(Files.exists(directory.resolve(".slapos-request-transaction-slappart0")));
    assertEquals(List.of("started"), partition.reports);
  }

  @Test
  void linksThePartitionPlantsNeverMakeTheNodeWriteOrSendFilesOutsideIt() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    Path outside = Files.createDirectories(node.instanceRoot.resolveSibling("outside"));
    Path secret = Files.writeString(outside.resolve("secret"), "do-not-send\n");
    Files.createDirectories(directory.resolve(".slapgrid"));
    Files.createSymbolicLink(directory.resolve(".slapgrid/log"), outside);
    // A link planted where the transaction file is expected after buildout.
    String linking = node.release(Map.of("runner", "path = etc/run/hello\nmessage = hello"));
    RecordedPartition partition = new RecordedPartition("slappart0", "started", linking, "1");
    Files.createSymbolicLink(directory.resolve(".timestamp"), secret);

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.STARTED), actions(run), () -> details(run, partition));
    assertFalse(Files.exists(outside.resolve("instance.log")), "the log must not follow the planted link");
    assertTrue(Files.isRegularFile(directory.resolve(".slapgrid/log/instance.log"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("do-not-send\n", Files.readString(secret), "the timestamp replaces the link, not its target");
    assertEquals("1", Files.readString(directory.resolve(".timestamp")));

    Files.createSymbolicLink(directory.resolve(".slapos-request-transaction-slappart0"), secret);
    RecordedPartition stopped = new RecordedPartition("slappart0", "stopped", url, "2");
    node.run(List.of(stopped));
    assertEquals(List.of("stopped"), stopped.reports, "a deleted link sends nothing");
  }

  @Test
  void aDestroyedPartitionHasItsServicesRemovedAndIsReportedStoppedWithoutBuildout() throws Exception {
    String url = node.servicesRelease();
    node.partition("slappart4");
    RecordedPartition partition = new RecordedPartition("slappart4", "destroyed", url, "9");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.DESTRUCTION_PREPARED), actions(run));
    assertEquals(List.of("writeNodeConfiguration", "ensureRunning", "remove slappart4"), node.supervisor.calls);
    assertEquals(List.of("stopped"), partition.reports);
    assertEquals(0, node.buildoutRuns.size());
    assertEquals(0, run.exitCode());
  }

  @Test
  void aFreePartitionLosesItsGridFilesAndIsNotReported() throws Exception {
    Path directory = node.partition("slappart5");
    Files.createDirectories(directory.resolve(".slapgrid/log"));
    Files.writeString(directory.resolve(".slapgrid/log/instance.log"), "old\n");
    Files.writeString(directory.resolve(".timestamp"), "12");
    Files.writeString(directory.resolve(".slapos-resource"), "{}");
    Files.writeString(directory.resolve("leftover"), "x");
    RecordedPartition partition = new RecordedPartition("slappart5", "destroyed", null, null);

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.FREE), actions(run));
    assertFalse(Files.exists(directory.resolve(".slapgrid")));
    assertFalse(Files.exists(directory.resolve(".timestamp")));
    assertTrue(Files.exists(directory.resolve(".slapos-resource")));
    assertTrue(node.progress.contains("Free partition slappart5 contains file(s) in " + directory + "."),
        node.progress::toString);
    assertEquals(List.of(), partition.reports);
  }

  @Test
  void aMissingPartitionDirectoryIsReportedWithoutFailingTheRun() throws Exception {
    String url = node.servicesRelease();
    RecordedPartition partition = new RecordedPartition("slappart6", "started", url, "1");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.MISSING), actions(run));
    assertEquals(List.of("Partition directory " + node.instanceRoot.toAbsolutePath().resolve("slappart6")
        + " does not exist."), partition.errors);
    assertEquals(0, run.exitCode());
  }

  @Test
  void aPartitionWithWrongPermissionsIsRefused() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    RecordedPartition partition = new RecordedPartition("slappart0", "started", url, "1");
    partition.parameters.remove("slap_software_type");

    InstanceRun run = node.run(List.of(partition));

    assertEquals(List.of(Action.FAILED), actions(run));
    assertEquals("(not ready)", run.outcomes().get(0).softwareType(), "no type received: the summary says so");
    assertEquals("Wrong permissions in " + directory.toAbsolutePath() + ": actual permissions are: 0755, wanted are 0750",
        partition.errors.get(0));
    assertEquals(0, node.buildoutRuns.size());
  }

  @Test
  void forceStopBuildsAStartedPartitionButStopsItAndReportsNothing() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    Files.writeString(directory.resolve(".timestamp"), "5");
    RecordedPartition partition = new RecordedPartition("slappart0", "started", url, "5");

    InstanceRun run = node.run(List.of(partition), new InstanceRunRequest(node.settings(), node.instanceSettings(),
        false, true, List.of(), false));

    assertEquals(List.of(Action.FORCE_STOPPED), actions(run), () -> details(run, partition));
    assertEquals(1, node.buildoutRuns.size(), "the timestamp is ignored with --force-stop");
    assertEquals(List.of("writeNodeConfiguration", "ensureRunning", "stop slappart0"), node.supervisor.calls);
    assertEquals(List.of(), partition.reports);
    assertEquals(List.of(), node.promises.requests);
  }

  @Test
  void anUnreachableMasterRunsOfflineStartingEverySupervisedProcess() throws Exception {
    Path legacy = node.partition("slappart7");
    Files.writeString(legacy.resolve(".requested_state"), "stopped");

    InstanceRun run = node.deployer(settings -> {
      throw new ConnectionError("Connection refused: 127.0.0.1:1");
    }, Clock.systemUTC()).run(node.request(), node.progress::add);

    assertTrue(run.offline());
    assertEquals(3, run.exitCode());
    assertEquals(List.of("writeNodeConfiguration", "ensureRunning", "stop slappart7", "startAll"),
        node.supervisor.calls);
    assertFalse(Files.exists(legacy.resolve(".requested_state")));

    node.supervisor.failStartAll = true;
    InstanceRun failed = node.deployer(settings -> {
      throw new ConnectionError("Connection refused: 127.0.0.1:1");
    }, Clock.systemUTC()).run(node.request(), node.progress::add);
    assertEquals(1, failed.exitCode());
  }

  @Test
  void aMasterFailingDuringTheRunSwitchesToOfflineMode() throws Exception {
    String url = node.servicesRelease();
    node.partition("slappart0");
    node.partition("slappart1");
    RecordedPartition first = new RecordedPartition("slappart0", "started", url, "1");
    first.startedFailure = new ServerError(500, "Internal Server Error", "");
    RecordedPartition second = new RecordedPartition("slappart1", "started", url, "1");

    InstanceRun run = node.run(List.of(first, second));

    assertTrue(run.offline());
    assertEquals(3, run.exitCode());
    assertEquals(List.of(), actions(run));
    assertEquals(List.of(), second.reports, "no partition is processed after the master is lost");
    assertTrue(node.supervisor.calls.contains("startAll"));
  }

  @Test
  void valuesThatCouldAddLinesToTheProfileAndIdsLeavingTheInstanceRootAreRefused() throws Exception {
    String url = node.servicesRelease();
    Path directory = node.partition("slappart0");
    String evilUrl = url + "\n[buildout]\nparts = evil";
    RecordedPartition evil = new RecordedPartition("slappart0", "started", evilUrl, "1");
    RecordedPartition escaping = new RecordedPartition("../outside", "started", url, "1");
    RecordedPartition evilState = new RecordedPartition("slappart0", "started\nextra", url, "1");

    InstanceRun run = node.run(List.of(evil, escaping, evilState));

    assertEquals(List.of(Action.FAILED, Action.FAILED, Action.FAILED), actions(run), () -> details(run, evil));
    assertTrue(evil.errors.get(0).contains("Software Release URL contains a control character"), evil.errors::toString);
    assertTrue(escaping.errors.get(0).startsWith("Refusing partition id ../outside"), escaping.errors::toString);
    assertTrue(evilState.errors.get(0).contains("control character"), evilState.errors::toString);
    assertFalse(Files.exists(directory.resolve("buildout.cfg")));
    assertEquals(0, node.buildoutRuns.size());
  }

  @Test
  void aMissingReleaseOrInstanceProfileFailsWithTheOriginalMessages() throws Exception {
    node.partition("slappart0");
    node.partition("slappart1");
    String absent = "http://sr.example.invalid/absent/software.cfg";
    String empty = node.release(Map.of("x", "path = y"));
    Path emptyDirectory = PartitionDirectory.softwareDirectory(node.softwareRoot, empty);
    Files.delete(emptyDirectory.resolve("instance.cfg"));
    RecordedPartition noRelease = new RecordedPartition("slappart0", "started", absent, "1");
    RecordedPartition noProfile = new RecordedPartition("slappart1", "started", empty, "1");

    InstanceRun run = node.run(List.of(noRelease, noProfile));

    assertEquals(List.of(Action.FAILED, Action.FAILED), actions(run));
    assertEquals("Software Release " + absent + " is not present on system.\nCannot deploy instance.",
        noRelease.errors.get(0));
    assertEquals("Software Release " + empty + " is not correctly installed.\nMissing file: "
        + emptyDirectory.resolve("instance.cfg"), noProfile.errors.get(0));
  }

  @Test
  void missingRootsStopTheRunWithOneLine() {
    InstanceRunRequest request = new InstanceRunRequest(new org.slapos.grid.api.NodeSettings("COMP-TEST",
        "http://127.0.0.1:1/", null, node.softwareRoot, node.instanceRoot.resolve("absent"), null, List.of(),
        List.of(), 0, null, Map.of()), InstanceSettings.defaults(), false, false, List.of(), false);
    GridException e = assertThrows(GridException.class, () -> node.run(List.of(), request));
    assertTrue(e.getMessage().startsWith("Instance root does not exist"), e.getMessage());
    assertEquals(List.of(), node.supervisor.calls);
  }
}
