package org.slapos.promise.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.Promise;
import org.slapos.promise.api.PromiseException;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseOutcome;
import org.slapos.promise.api.PromiseOutcome.Kind;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.promise.api.PromiseResult;

/** The checker on real partition directories, real scripts and the real plugin runner. */
class PromiseCheckerComponentTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final ObjectMapper json = new ObjectMapper();

  @TempDir
  Path temporary;
  private Path partition;
  private PromiseCheckerComponent checker;

  @BeforeEach
  void setUp() throws IOException {
    partition = Files.createDirectories(temporary.resolve("slappart0"));
    checker = new PromiseCheckerComponent(config(4), false, temporary.toString());
  }

  @AfterEach
  void tearDown() {
    checker.deactivate();
  }

  static PromiseCheckerConfig config(int parallelism) {
    return new PromiseCheckerConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return PromiseCheckerConfig.class;
      }

      @Override
      public int parallelism() {
        return parallelism;
      }

      @Override
      public String path() {
        return "/usr/local/bin:/usr/bin:/bin";
      }
    };
  }

  private PromiseRequest request(PromiseMode mode, boolean force, Duration timeout) {
    return new PromiseRequest(new PartitionContext("slappart0", partition, "COMP-1", "http://sr/software.cfg",
        "default", List.of(), Map.of()), mode, force, timeout, "http://master", null, null);
  }

  private PromiseReport test() throws PromiseException {
    return checker.check(request(PromiseMode.TEST, true, TIMEOUT));
  }

  private Path script(String folder, String name, String body) throws IOException {
    Path file = Files.createDirectories(partition.resolve("etc").resolve(folder)).resolve(name);
    Files.writeString(file, body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private JsonNode resultFile(String title) throws IOException {
    return json.readTree(partition.resolve(".slapgrid/promise/result/" + title + ".status.json").toFile());
  }

  private static PromiseOutcome only(PromiseReport report) {
    assertEquals(1, report.outcomes().size(), report.toString());
    return report.outcomes().get(0);
  }

  private void register(String title, Promise promise) {
    checker.bindPromise(promise, Map.of(Promise.NAME, title, "service.id", (long) title.hashCode()));
  }

  @Test
  void legacyPromiseThatSucceedsWritesTheOriginalsResultFile() throws Exception {
    Path file = script("promise", "check-ok.sh", "#!/bin/sh\necho \"fine in $(pwd)\"\n");
    PromiseOutcome outcome = only(test());
    assertEquals("check-ok", outcome.title());
    assertEquals(Kind.LEGACY, outcome.kind());
    assertTrue(outcome.ran());
    assertFalse(outcome.result().failed());
    assertEquals("fine in " + partition.toRealPath(), outcome.result().message());

    JsonNode stored = resultFile("check-ok");
    List<String> keys = new ArrayList<>();
    stored.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("title", "name", "path", "execution-time", "result"), keys);
    assertEquals("check-ok", stored.get("title").asText());
    assertEquals("check-ok.sh", stored.get("name").asText());
    assertEquals(file.toString(), stored.get("path").asText());
    assertTrue(stored.get("execution-time").isNumber());
    List<String> resultKeys = new ArrayList<>();
    stored.get("result").fieldNames().forEachRemaining(resultKeys::add);
    assertEquals(List.of("type", "failed", "date", "message"), resultKeys);
    assertEquals("Test Result", stored.at("/result/type").asText());
    assertFalse(stored.at("/result/failed").asBoolean());
    assertTrue(stored.at("/result/date").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+0000"));
    assertEquals("fine in " + partition.toRealPath(), stored.at("/result/message").asText());
    JsonNode cache = json.readTree(partition.resolve(".slapgrid/promise/cache/check-ok").toFile());
    assertEquals(2.0, cache.get("periodicity").asDouble());
    assertEquals(cache.get("timestamp").asDouble() + 120, cache.get("next_run_after").asDouble(), 0.001);
    String log = Files.readString(partition.resolve(".slapgrid/promise/log/check-ok.log"));
    assertTrue(log.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d - INFO - \\d+-\\d{3} - fine in .*\n"), log);
  }

  @Test
  void scriptsGetACleanEnvironment() throws Exception {
    script("promise", "environment", "#!/bin/sh\nenv | sort\n");
    assertEquals(List.of("HOME=" + temporary, "PATH=/usr/local/bin:/usr/bin:/bin"),
        only(test()).result().message().lines().filter(line -> !line.startsWith("PWD=") && !line.startsWith("SHLVL=")
            && !line.startsWith("_=")).toList());
  }

  @Test
  void legacyPromiseThatFailsIsAFailureWithItsOutput() throws Exception {
    script("promise", "broken", "#!/bin/sh\necho 'port 80 closed' >&2\nexit 3\n");
    PromiseReport report = test();
    assertTrue(report.failed());
    assertEquals("port 80 closed", only(report).result().message());
    assertEquals("Promise 'broken' failed with output: port 80 closed", report.firstFailure().orElseThrow());
    assertTrue(resultFile("broken").at("/result/failed").asBoolean());
  }

  @Test
  void entriesThatAreNotExecutableFilesAreIgnored() throws Exception {
    Path notExecutable = script("promise", "plain.sh", "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(partition.resolve("etc/promise/a-directory"));
    assertEquals(List.of(), test().outcomes());
  }

  @Test
  void aLegacyPromiseThatOverrunsIsKilledWithItsChildren() throws Exception {
    Path pidFile = partition.resolve("child.pid");
    script("promise", "hang.sh", "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nwait\n");
    PromiseReport report = checker.check(request(PromiseMode.TEST, true, Duration.ofSeconds(1)));
    PromiseOutcome outcome = only(report);
    assertTrue(outcome.result().failed());
    assertEquals("Error: Promise timed out after 1 seconds", outcome.result().message());
    long child = Long.parseLong(Files.readString(pidFile).strip());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)) {
      assertTrue(System.nanoTime() < deadline, "the script's child " + child + " survived the timeout");
      Thread.onSpinWait();
    }
  }

  @Test
  void aTimeoutFailsAnAnomalyCheckOnlyTheSecondTime() throws Exception {
    script("promise", "slow.sh", "#!/bin/sh\nexec sleep 300\n");
    PromiseRequest anomaly = request(PromiseMode.ANOMALY, true, Duration.ofMillis(500));
    PromiseOutcome first = only(checker.check(anomaly));
    assertEquals("Error: Promise timed out after 0.5 seconds", first.result().message());
    assertFalse(first.result().failed());
    assertTrue(only(checker.check(anomaly)).result().failed());
  }

  @Test
  void promisesRunInParallel() throws Exception {
    // Each script waits until all three have started: run one after the other, they would time out.
    for (String name : List.of("a", "b", "c")) {
      script("promise", name, "#!/bin/sh\ntouch started-" + name + "\n"
          + "while [ \"$(ls started-* | wc -l)\" -lt 3 ]; do sleep 0.05; done\necho " + name + " done\n");
    }
    CyclicBarrier barrier = new CyclicBarrier(2);
    for (String title : List.of("java-1", "java-2")) {
      register(title, (partition, mode) -> {
        barrier.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return PromiseResult.success(title + " done");
      });
    }
    PromiseReport report = test();
    assertEquals(List.of("a done", "b done", "c done", "java-1 done", "java-2 done"),
        report.outcomes().stream().map(outcome -> outcome.result().message()).toList());
    assertFalse(report.failed(), report.toString());
  }

  @Test
  void periodicitySkipsARecentPromiseUnlessForced() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    register("counted", new Promise() {
      @Override
      public PromiseResult check(PartitionContext partition, PromiseMode mode) {
        return PromiseResult.failure("run " + runs.incrementAndGet());
      }

      @Override
      public Duration periodicity() {
        return Duration.ofMinutes(5);
      }
    });
    PromiseRequest anomaly = request(PromiseMode.ANOMALY, false, TIMEOUT);
    PromiseOutcome first = only(checker.check(anomaly));
    assertTrue(first.ran());
    assertEquals("run 1", first.result().message());
    assertEquals("Anomaly Result", resultFile("counted").at("/result/type").asText());

    PromiseOutcome skipped = only(checker.check(anomaly));
    assertFalse(skipped.ran());
    assertTrue(skipped.result().failed(), "a skipped promise keeps its previous failure");
    assertEquals("run 1", skipped.result().message());
    assertEquals(1, runs.get());

    PromiseOutcome forced = only(checker.check(request(PromiseMode.ANOMALY, true, TIMEOUT)));
    assertTrue(forced.ran());
    assertEquals("run 2", forced.result().message());
  }

  @Test
  void javaPromiseFailuresExceptionsAndTimeoutsAreFailedResults() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    register("a-failure", (partition, mode) -> PromiseResult.failure("disk full"));
    register("b-exception", (partition, mode) -> {
      throw new IllegalStateException("cannot reach the service");
    });
    register("c-hangs", (partition, mode) -> {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return PromiseResult.success("too late");
    });
    register("d-null", (partition, mode) -> null);
    PromiseReport report = checker.check(request(PromiseMode.TEST, true, Duration.ofSeconds(1)));
    Iterator<PromiseOutcome> outcomes = report.outcomes().iterator();
    assertEquals(new PromiseResult(true, "disk full"), outcomes.next().result());
    assertEquals(new PromiseResult(true, "cannot reach the service"), outcomes.next().result());
    assertEquals(new PromiseResult(true, "Error: Promise timed out after 1 seconds"), outcomes.next().result());
    assertEquals(new PromiseResult(true, "Error: No output returned by the promise"), outcomes.next().result());
    assertTrue(interrupted.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the hanging promise was interrupted");
  }

  @Test
  void aPromiseThatDoesNotApplyDoesNotRunAndARemovedOneLeavesNoResult() throws Exception {
    Promise elsewhere = new Promise() {
      @Override
      public boolean appliesTo(PartitionContext partition) {
        return !partition.partitionId().equals("slappart0");
      }

      @Override
      public PromiseResult check(PartitionContext partition, PromiseMode mode) {
        return PromiseResult.success("ran");
      }
    };
    register("elsewhere", elsewhere);
    Promise here = (partition, mode) -> PromiseResult.success("here");
    register("here", here);
    assertEquals(List.of("here"), test().outcomes().stream().map(PromiseOutcome::title).toList());
    assertTrue(Files.exists(partition.resolve(".slapgrid/promise/result/here.status.json")));

    checker.unbindPromise(here);
    assertEquals(List.of(), test().outcomes());
    assertFalse(Files.exists(partition.resolve(".slapgrid/promise/result/here.status.json")));
    assertFalse(Files.exists(partition.resolve(".slapgrid/promise/cache/here")));
  }

  @Test
  void longMessagesKeepTheirLast5000Characters() throws Exception {
    String message = "x".repeat(100) + "y".repeat(5000);
    register("verbose", (partition, mode) -> PromiseResult.failure(message));
    String stored = only(test()).result().message();
    assertEquals("..." + "y".repeat(5000), stored);
    assertEquals(stored, resultFile("verbose").at("/result/message").asText());
  }

  @Test
  void leftoversOfOlderVersionsAreDeleted() throws Exception {
    Path root = Files.createDirectories(partition.resolve(".slapgrid/promise"));
    for (String name : List.of("promise_status.json", "global.json", "x.timestamp", "x.periodicity")) {
      Files.writeString(root.resolve(name), "{}");
    }
    Files.createDirectories(root.resolve("history/old"));
    Files.writeString(root.resolve("history/old/result.json"), "{}");
    test();
    try (var entries = Files.list(root)) {
      assertEquals(List.of("cache", "log", "result"),
          entries.map(path -> path.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aMissingPartitionIsAnError() {
    partition = temporary.resolve("missing");
    PromiseException error = assertThrows(PromiseException.class, this::test);
    assertTrue(error.getMessage().startsWith("Partition directory does not exist: "), error.getMessage());
  }

  @Test
  void invalidServiceNamesAreIgnored() throws Exception {
    checker.bindPromise((partition, mode) -> PromiseResult.success(""), Map.of());
    checker.bindPromise((partition, mode) -> PromiseResult.success(""), Map.of(Promise.NAME, "../escape"));
    assertEquals(List.of(), test().outcomes());
  }

  // --- plugins, through plugin_runner.py and the release's Python -------------------------------

  /** A release whose bin/buildout names the machine's Python, linked from the partition. */
  private void release() throws IOException {
    Path bin = Files.createDirectories(temporary.resolve("software/abc/bin"));
    Files.writeString(bin.resolve("buildout"), "#!/usr/bin/python3\nimport sys\n");
    Files.createSymbolicLink(partition.resolve("software_release"), bin.getParent());
  }

  private static Path standIn() throws URISyntaxException {
    return Path.of(PromiseCheckerComponentTest.class.getResource("standin/slapos/grid/promise/generic.py").toURI())
        .getParent().getParent().getParent().getParent();
  }

  private Path plugin(String name, String body) throws Exception {
    return script("plugin", name, "import sys\nsys.path[0:0] = [" + "'" + standIn() + "']\n"
        + "from slapos.grid.promise.generic import GenericPromise\n" + body);
  }

  @Test
  void pluginPromisesRunWithTheReleasesPythonThroughTheGenericPromiseContract() throws Exception {
    release();
    Path good = plugin("check_good.py", """
        class RunPromise(GenericPromise):
          def __init__(self, config):
            super(RunPromise, self).__init__(config)
            self.setPeriodicity(minute=3)
          def sense(self):
            print('noise on stdout')
            self.logger.info('listening on %s as partition %s' % (self.getPartitionFolder(), self.getConfig('partition-id')))
        """);
    plugin("check_bad.py", """
        class RunPromise(GenericPromise):
          def sense(self):
            self.logger.error('backend down')
        """);
    plugin("only_anomaly.py", """
        class RunPromise(GenericPromise):
          def __init__(self, config):
            super(RunPromise, self).__init__(config)
            self.setTestLess()
          def sense(self):
            self.logger.info('checked')
        """);
    Files.writeString(partition.resolve("etc/plugin/__init__.py"), "");
    // The runner runs in the partition: a module there must not replace the runner's own imports.
    Files.writeString(partition.resolve("json.py"), "raise ImportError('the partition shadowed json')\n");
    Files.writeString(partition.resolve("etc/plugin/stale.pyc"), "");

    PromiseReport report = test();
    assertEquals(List.of("check_bad", "check_good"), report.outcomes().stream().map(PromiseOutcome::title).toList());
    PromiseOutcome bad = report.outcomes().get(0);
    assertEquals(Kind.PLUGIN, bad.kind());
    assertEquals(new PromiseResult(true, "backend down"), bad.result());
    assertEquals(new PromiseResult(false, "listening on " + partition + " as partition slappart0"),
        report.outcomes().get(1).result());
    assertEquals("Promise 'check_bad' failed with output: backend down", report.firstFailure().orElseThrow());
    assertFalse(Files.exists(partition.resolve("etc/plugin/stale.pyc")));
    assertEquals(good.toString(), resultFile("check_good").get("path").asText());
    assertEquals("check_good.py", resultFile("check_good").get("name").asText());
    JsonNode cache = json.readTree(partition.resolve(".slapgrid/promise/cache/check_good").toFile());
    assertEquals(3.0, cache.get("periodicity").asDouble());
    assertEquals(good.toString(), cache.get("module_file").asText());
    JsonNode testless = json.readTree(partition.resolve(".slapgrid/promise/cache/only_anomaly").toFile());
    assertFalse(testless.get("is_tested").asBoolean());
    assertFalse(Files.exists(partition.resolve(".slapgrid/promise/result/only_anomaly.status.json")));
    assertTrue(Files.readString(partition.resolve(".slapgrid/promise/log/check_bad.log")).contains(" - ERROR - "));

    PromiseReport anomaly = checker.check(request(PromiseMode.ANOMALY, true, TIMEOUT));
    PromiseOutcome onlyAnomaly = anomaly.outcomes().stream().filter(o -> o.title().equals("only_anomaly"))
        .findFirst().orElseThrow();
    assertEquals(new PromiseResult(false, "checked"), onlyAnomaly.result());
    assertEquals("Anomaly Result", resultFile("only_anomaly").at("/result/type").asText());
  }

  @Test
  void aPluginNamedLikeALibraryModuleIsStillItself() throws Exception {
    release();
    plugin("json.py", """
        class RunPromise(GenericPromise):
          def sense(self):
            self.logger.info('the plugin ran')
        """);
    assertEquals(new PromiseResult(false, "the plugin ran"), only(test()).result());
  }

  @Test
  void aPluginWhoseReleaseHasNoSlaposCoreFailsClearly() throws Exception {
    release();
    script("plugin", "orphan.py", "from slapos.grid.promise.generic import GenericPromise\n");
    PromiseOutcome outcome = only(test());
    assertTrue(outcome.result().failed());
    assertTrue(outcome.result().message().startsWith("The Software Release's Python cannot import slapos.grid.promise"),
        outcome.result().message());
  }

  @Test
  void aBrokenPluginIsAFailureWithItsTraceback() throws Exception {
    release();
    plugin("no_class.py", "x = 1\n");
    plugin("crash.py", "raise RuntimeError('syntax of the day')\n");
    PromiseReport report = test();
    assertTrue(report.outcomes().get(0).result().message().contains("RuntimeError: syntax of the day"));
    assertEquals("Class RunPromise not found in promise no_class.py", report.outcomes().get(1).result().message());
  }

  @Test
  void aPluginThatOverrunsTimesOut() throws Exception {
    release();
    plugin("sleepy.py", """
        import time
        class RunPromise(GenericPromise):
          def sense(self):
            time.sleep(300)
        """);
    PromiseOutcome outcome = only(checker.check(request(PromiseMode.TEST, true, Duration.ofSeconds(1))));
    assertEquals(new PromiseResult(true, "Error: Promise timed out after 1 seconds"), outcome.result());
  }

  @Test
  void aPluginWithoutARelease() throws Exception {
    script("plugin", "lonely.py", "");
    PromiseOutcome outcome = only(test());
    assertTrue(outcome.result().failed());
    assertTrue(outcome.result().message().startsWith("Cannot run plugin promise lonely.py: No software_release link"),
        outcome.result().message());
  }
}
