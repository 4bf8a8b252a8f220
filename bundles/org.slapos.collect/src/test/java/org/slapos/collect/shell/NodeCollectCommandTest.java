package org.slapos.collect.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.collect.api.CollectException;
import org.slapos.collect.api.CollectRequest;
import org.slapos.collect.api.CollectSummary;
import org.slapos.collect.api.PartitionUser;
import org.slapos.collect.api.UsageCollector;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.testing.TestContext;
import org.slapos.config.SlaposConfig;

class NodeCollectCommandTest {
  @TempDir
  Path directory;

  /** Records the requests it gets and answers with a fixed summary or failure. */
  private static final class RecordingCollector implements UsageCollector {
    final List<CollectRequest> requests = new ArrayList<>();
    CollectException failure;

    @Override
    public CollectSummary collect(CollectRequest request) throws CollectException {
      requests.add(request);
      if (failure != null) {
        throw failure;
      }
      return new CollectSummary("2026-01-10", "12:00:00", Map.of("slapuser0", 2, "slapuser1", 0),
          request.instanceRoot().resolve("var/data-log/collector.db"), List.of(), Duration.ofMillis(42));
    }
  }

  private Path config(String extra) throws Exception {
    return Files.writeString(directory.resolve("slapos.cfg"), """
        [slapos]
        instance_root = %s/srv
        computer_id = COMP-7
        [slapformat]
        partition_amount = 2
        user_base_name = slapuser
        partition_base_name = slappart
        """.formatted(directory) + extra);
  }

  @Test
  void refusesToRunWithoutRoot() throws Exception {
    RecordingCollector collector = new RecordingCollector();
    TestContext context = new TestContext(directory);
    int exit = new NodeCollectCommand(collector, () -> false).run(context, List.of("--cfg", config("").toString()));
    assertEquals(5, exit);
    assertEquals("This slapos command must be run as root.\n", context.stderr());
    assertEquals(List.of(), collector.requests);
  }

  @Test
  void runsOnePassOverThePartitionUsers() throws Exception {
    RecordingCollector collector = new RecordingCollector();
    TestContext context = new TestContext(directory);
    int exit = new NodeCollectCommand(collector, () -> true).run(context, List.of("--cfg", config("").toString()));
    assertEquals(0, exit);
    CollectRequest request = collector.requests.get(0);
    assertEquals(directory.resolve("srv"), request.instanceRoot());
    assertEquals("COMP-7", request.computerId());
    assertEquals(List.of(new PartitionUser("slapuser0", directory.resolve("srv/slappart0")),
        new PartitionUser("slapuser1", directory.resolve("srv/slappart1"))), request.users());
    assertEquals(15, request.cacheDays());
    assertTrue(request.disk().enabled());
    assertEquals(directory.resolve("srv/var/run"), request.disk().pidFolder());
    assertEquals(Duration.ofDays(1), request.disk().cycle());
    assertTrue(context.stderr().contains("Collected 2 processes of 2 partitions"), context.stderr());
  }

  @Test
  void readsTheCollectSectionAndTheCache() throws Exception {
    Path file = Files.writeString(directory.resolve("collect.cfg"), """
        [slapos]
        instance_root = /srv/slapgrid
        computer_id = COMP-7
        collect_cache = 3
        [slapformat]
        partition_amount = 1
        user_base_name = slapuser
        partition_base_name = slappart
        [collect]
        report_disk_usage = off
        disk_snapshot_process_pid_foder = /run/collect
        disk_snapshot_time_cycle = 3600
        """);
    CollectRequest request = NodeCollectCommand.request(SlaposConfig.parse(file));
    assertEquals(3, request.cacheDays());
    assertEquals(false, request.disk().enabled());
    assertEquals(Path.of("/run/collect"), request.disk().pidFolder());
    assertEquals(Duration.ofHours(1), request.disk().cycle());
  }

  @Test
  void aMissingKeyIsAOneLineErrorWithExitOne() throws Exception {
    Path config = Files.writeString(directory.resolve("slapos.cfg"), "[slapos]\ninstance_root = /srv\n");
    CommandFailure failure = assertThrows(CommandFailure.class, () -> new NodeCollectCommand(new RecordingCollector(),
        () -> true).run(new TestContext(directory), List.of("--cfg", config.toString())));
    assertEquals(1, failure.exitCode());
    assertTrue(failure.getMessage().contains("partition_amount"), failure.getMessage());
  }

  @Test
  void unreadableProcessesAreLoggedNotFatal() throws Exception {
    RecordingCollector collector = new RecordingCollector();
    collector.failure = new CollectException(CollectException.Code.ACCESS_DENIED, "denied", null);
    TestContext context = new TestContext(directory);
    assertEquals(0, new NodeCollectCommand(collector, () -> true).run(context, List.of("--cfg", config("").toString())));
    assertTrue(context.stderr().contains("You HAVE TO execute this script with root permission."));

    collector.failure = new CollectException(CollectException.Code.DATABASE, "Collector database x: locked", null);
    CommandFailure failure = assertThrows(CommandFailure.class, () -> new NodeCollectCommand(collector, () -> true)
        .run(new TestContext(directory), List.of("--cfg", config("").toString())));
    assertEquals(1, failure.exitCode());
  }
}
