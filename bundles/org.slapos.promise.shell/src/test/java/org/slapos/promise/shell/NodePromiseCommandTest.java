package org.slapos.promise.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.testing.TestContext;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.promise.api.PromiseException;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseOutcome;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.promise.api.PromiseResult;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SoftwareRelease;

/**
 * {@code slapos node promise} against a scripted master (the SLAP API answered in memory) and a
 * checker that records its requests: which partitions are checked, how, and what the command says.
 */
class NodePromiseCommandTest {
  @TempDir
  Path temporary;
  private Path cfg;
  private Path instanceRoot;
  private Path pidfile;
  private final List<PromiseRequest> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<ComputerPartition> partitions = new ArrayList<>();
  private final List<String> connections = new ArrayList<>();

  /** Fails the promises of slappart1; throws for slappart3. */
  private final PromiseChecker checker = request -> {
    requests.add(request);
    String id = request.partition().partitionId();
    if (id.equals("slappart3")) {
      throw new PromiseException("Cannot prepare the promise folders of " + request.partition().directory());
    }
    PromiseResult result = id.equals("slappart1") ? PromiseResult.failure("port 8080 closed")
        : PromiseResult.success("fine");
    return new PromiseReport(List.of(new PromiseOutcome("check-port", PromiseOutcome.Kind.LEGACY, null, true, result,
        Duration.ZERO)));
  };

  private final SlapConnector connector = new SlapConnector() {
    @Override
    public Slap initializeConnection(String masterUrl, ConnectionOptions options) {
      connections.add(masterUrl);
      Computer computer = fake(Computer.class, Map.of("getComputerPartitionList", partitions));
      return fake(Slap.class, Map.of("registerComputer", computer));
    }
  };

  @SuppressWarnings("unchecked")
  static <T> T fake(Class<T> type, Map<String, Object> answers) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals("toString")) {
        return type.getSimpleName() + answers;
      }
      if (!answers.containsKey(method.getName())) {
        throw new UnsupportedOperationException(method.getName());
      }
      return answers.get(method.getName());
    });
  }

  private void partition(String id, String state, String type, boolean withDirectory) throws IOException {
    SoftwareRelease release = fake(SoftwareRelease.class, Map.of("getURI", "http://sr/software.cfg"));
    partitions.add(fake(ComputerPartition.class, Map.of("getId", id, "getState", state, "getType", type,
        "getSoftwareRelease", release, "getConnectionParameterDict", Map.of("url", "http://[::1]:8080"))));
    if (withDirectory) {
      Files.createDirectories(instanceRoot.resolve(id));
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    instanceRoot = Files.createDirectories(temporary.resolve("srv/slapgrid"));
    Files.createDirectories(temporary.resolve("opt/slapgrid"));
    Files.createDirectories(temporary.resolve("certificates"));
    pidfile = temporary.resolve("run/slapgrid-cp.pid");
    cfg = temporary.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = COMP-42\nmaster_url = http://127.0.0.1:1/\n"
        + "software_root = " + temporary.resolve("opt/slapgrid") + "\ninstance_root = " + instanceRoot + "\n"
        + "certificate_repository_path = " + temporary.resolve("certificates") + "\n"
        + "pidfile_instance = " + pidfile + "\nroot_check = false\npromise_timeout = 99\n");
  }

  private TestContext context() {
    TestContext context = new TestContext(temporary);
    context.environment.put("SLAPOS_CONFIGURATION", cfg.toString());
    return context;
  }

  private int run(TestContext context, String... args) throws Exception {
    return new NodePromiseCommand(checker, connector).run(context, List.of(args));
  }

  @Test
  void checksTheStartedPartitionsAndListsTheFailures() throws Exception {
    partition("slappart0", "started", "default", true);
    partition("slappart1", "started", "kvm", true);
    partition("slappart2", "stopped", "default", true);
    partition("slappart3", "started", "frontend", true);
    partition("slappart4", "started", "default", false);
    TestContext context = context();

    assertEquals(2, run(context, "--now"));

    assertEquals(List.of("http://127.0.0.1:1/"), connections);
    assertEquals(List.of("slappart0", "slappart1", "slappart3"),
        requests.stream().map(request -> request.partition().partitionId()).toList());
    PromiseRequest first = requests.get(0);
    assertEquals(PromiseMode.TEST, first.mode());
    assertTrue(first.force());
    assertEquals(Duration.ofSeconds(20), first.timeout(), "promise_timeout of the file is ignored, as the original");
    assertEquals(instanceRoot.resolve("slappart0"), first.partition().directory());
    assertEquals("COMP-42", first.partition().computerId());
    assertEquals("http://sr/software.cfg", first.partition().softwareReleaseUrl());
    assertEquals(Map.of("url", "http://[::1]:8080"), first.partition().connectionParameters());
    assertEquals(temporary.resolve("certificates/slappart0.crt"), first.certificateFile());
    assertEquals(temporary.resolve("certificates/slappart0.key"), first.keyFile());
    String stderr = context.stderr();
    assertTrue(stderr.contains("Partition directory " + instanceRoot.resolve("slappart4") + " does not exist."), stderr);
    assertTrue(stderr.endsWith("Finished computer partitions.\n"
        + "  slappart1[kvm]: Promise 'check-port' failed with output: port 8080 closed\n"
        + "  slappart3[frontend]: Cannot prepare the promise folders of " + instanceRoot.resolve("slappart3") + "\n"),
        stderr);
    assertFalse(Files.exists(pidfile), "the lock is released");
  }

  @Test
  void everyPromiseFineIsExitZeroAndOnlyCpSelects() throws Exception {
    partition("slappart0", "started", "default", true);
    partition("slappart1", "started", "default", true);
    TestContext context = context();
    assertEquals(0, run(context, "--now", "--only", "slappart0", "--promise-timeout", "7"));
    assertEquals(1, requests.size());
    assertEquals(Duration.ofSeconds(7), requests.get(0).timeout());
    assertFalse(context.stderr().contains("Finished computer partitions."));
  }

  @Test
  void anUnknownPartitionInOnlyCpIsAnError() throws Exception {
    partition("slappart0", "started", "default", true);
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> run(context(), "--now", "--only-cp", "slappart9,slappart8"));
    assertEquals("Unknown partitions: slappart8, slappart9", failure.getMessage());
  }

  @Test
  void missingParametersAreNamed() throws Exception {
    Files.writeString(cfg, "[slapos]\nroot_check = false\nmaster_url = http://127.0.0.1:1/\n");
    CommandFailure failure = assertThrows(CommandFailure.class, () -> run(context(), "--now"));
    assertEquals("Missing mandatory parameters: computer_id, instance_root, software_root", failure.getMessage());
  }

  @Test
  void theCommandLineOverridesTheFile() throws Exception {
    Path otherRoot = Files.createDirectories(temporary.resolve("other"));
    partition("slappart0", "started", "default", false);
    Files.createDirectories(otherRoot.resolve("slappart0"));
    assertEquals(0, run(context(), "--now", "--instance-root", otherRoot.toString(), "--master-url", "http://127.0.0.1:2/"));
    assertEquals(otherRoot.resolve("slappart0"), requests.get(0).partition().directory());
    assertEquals(List.of("http://127.0.0.1:2/"), connections);
  }

  @Test
  void aBadIntegerIsAUsageError() throws Exception {
    TestContext context = context();
    assertEquals(2, run(context, "--promise-timeout", "soon"));
    assertTrue(context.stderr().contains("argument --promise-timeout: invalid int value: 'soon'"), context.stderr());
  }

  @Test
  void anotherRunningSlaposHoldsTheLock() throws Exception {
    Process other = new ProcessBuilder("/bin/sh", "-c", "sleep 60", "slapos-node-promise-test").start();
    try {
      Files.createDirectories(pidfile.getParent());
      Files.writeString(pidfile, Long.toString(other.pid()));
      TestContext context = context();
      assertEquals(10, run(context, "--now"));
      assertTrue(context.stderr().contains("another slapos process is aleady running with pid " + other.pid()),
          context.stderr());
      assertTrue(requests.isEmpty());
      assertTrue(Files.exists(pidfile), "another run's lock is left alone");
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void aStalePidFileIsOverwritten() throws Exception {
    Files.createDirectories(pidfile.getParent());
    Files.writeString(pidfile, "not a pid\n");
    TestContext context = context();
    assertEquals(0, run(context, "--now"));
    assertTrue(context.stderr().contains("Existing pid file '" + pidfile + "' was stale, overwritten"), context.stderr());
    assertFalse(Files.exists(pidfile));
  }
}
