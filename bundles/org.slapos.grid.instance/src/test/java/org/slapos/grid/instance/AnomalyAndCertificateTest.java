package org.slapos.grid.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.PartitionOutcome;
import org.slapos.grid.api.PartitionOutcome.Action;

/**
 * What happens to a deployed started partition on later runs: the anomaly check that only tells the
 * master about a change (node-behavior §5.10), the certificate rewritten only when the master's
 * changed, and the partition log rotated at 20 MiB.
 */
class AnomalyAndCertificateTest {
  private static RealBuildout buildout;
  private static Path eggs;
  private InstanceFixture node;
  private RecordedPartition partition;
  private Path directory;

  @BeforeAll
  static void installBuildout() throws Exception {
    buildout = RealBuildout.install();
    eggs = InstanceFixture.buildRecipeEgg(buildout);
  }

  @BeforeEach
  void deployOnce() throws Exception {
    node = new InstanceFixture(buildout, eggs);
    directory = node.partition("slappart0");
    partition = new RecordedPartition("slappart0", "started", node.servicesRelease(), "100");
    InstanceRun first = node.run(List.of(partition));
    assertEquals(List.of(Action.STARTED), first.outcomes().stream().map(PartitionOutcome::action).toList(),
        partition.errors::toString);
    partition.reports.clear();
  }

  private PartitionOutcome runAgain() throws Exception {
    InstanceRun run = node.run(List.of(partition));
    assertEquals(0, run.exitCode(), "an anomaly changes nothing to the exit code");
    assertEquals(1, node.buildoutRuns.size(), "up to date: buildout does not run again");
    return run.outcomes().get(0);
  }

  @Test
  void aNewAnomalyIsReportedOnceTheMasterBelievesAllIsWell() throws Exception {
    partition.accessStatus = "#access Instance correctly started";
    node.promises.failures.put("slappart0", "disk almost full");

    PartitionOutcome outcome = runAgain();

    assertEquals(Action.UP_TO_DATE, outcome.action());
    assertEquals("Promise 'check-service' failed with output: disk almost full", outcome.message());
    assertEquals(List.of("error"), partition.reports);
  }

  @Test
  void aKnownAnomalyIsNotReportedAgain() throws Exception {
    partition.accessStatus = "#error Promise 'check-service' failed";
    node.promises.failures.put("slappart0", "disk almost full");

    runAgain();

    assertEquals(List.of(), partition.reports);
  }

  @Test
  void aRecoveryIsReportedAsStarted() throws Exception {
    partition.accessStatus = "#error Promise 'check-service' failed";

    runAgain();

    assertEquals(List.of("started"), partition.reports);
  }

  @Test
  void withoutAnAccessStatusTheMasterIsToldTheResultEitherWay() throws Exception {
    partition.accessStatus = null;
    runAgain();
    assertEquals(List.of("started"), partition.reports);
  }

  @Test
  void theCertificateIsRewrittenOnlyWhenTheMasterChangedIt() throws Exception {
    Path certificate = node.certificates.resolve("slappart0.crt");
    FileTime written = FileTime.fromMillis(1_000_000_000L);
    Files.setLastModifiedTime(certificate, written);
    InstanceRun same = node.run(List.of(new RecordedPartition("slappart0", "started", partition.url, "101")));
    assertEquals(0, same.exitCode());
    assertEquals(written, Files.getLastModifiedTime(certificate), "same certificate: the file is left alone");

    RecordedPartition renewed = new RecordedPartition("slappart0", "started", partition.url, "102");
    renewed.certificate = "-----BEGIN CERTIFICATE-----\nRENEWED\n-----END CERTIFICATE-----\n";
    node.run(List.of(renewed));
    assertEquals(renewed.certificate, Files.readString(certificate));
  }

  @Test
  void thePartitionLogIsRotatedAtTwentyMebibytes() throws Exception {
    Path log = directory.resolve(".slapgrid/log/instance.log");
    try (var channel = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(PartitionDirectory.LOG_ROTATION_SIZE);
      channel.write(java.nio.ByteBuffer.wrap("x".getBytes()), PartitionDirectory.LOG_ROTATION_SIZE - 1);
    }
    node.run(List.of(new RecordedPartition("slappart0", "started", partition.url, "103")));

    assertEquals(PartitionDirectory.LOG_ROTATION_SIZE, Files.size(directory.resolve(".slapgrid/log/instance.log.1")));
    assertTrue(Files.readString(log).startsWith("["), "a new log starts with the rotation");
    assertTrue(Files.size(log) < PartitionDirectory.LOG_ROTATION_SIZE);
  }
}
