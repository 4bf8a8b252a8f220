package org.slapos.buildout.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slapos.buildout.api.BuildoutException;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutResult;

/** Runs the real zc.buildout on the offline Software Releases under test resources. */
class ExecBuildoutRunnerTest {
  private static final Duration GENEROUS = Duration.ofMinutes(3);
  private static final long POLL_INTERVAL_NANOS = Duration.ofMillis(20).toNanos();
  private static RealBuildout buildout;

  @BeforeAll
  static void installBuildout() throws Exception {
    buildout = RealBuildout.install();
  }

  private static BuildoutRequest request(Path directory, String profile) {
    return BuildoutRequest.of(directory, directory.resolve(profile))
        .withArguments(buildout.offlineArguments(directory));
  }

  @Test
  void goodReleaseInstallsItsProgramWithTheSafeUmask() throws Exception {
    Path release = buildout.release("software.cfg");
    List<String> streamed = new CopyOnWriteArrayList<>();
    ExecBuildoutRunner runner = new ExecBuildoutRunner(buildout.settings(GENEROUS, Map.of()));

    BuildoutResult result = runner.run(request(release, "software.cfg"), streamed::add);

    assertTrue(result.succeeded(), () -> "buildout failed:\n" + result.outputText());
    assertTrue(streamed.contains("Installing hello."), () -> "streamed: " + streamed);
    Path program = release.resolve("bin/hello");
    RealBuildout.Output ran = RealBuildout.run(List.of(program.toString()), release, Duration.ofSeconds(30));
    assertEquals("hello from buildout", ran.text().strip());
    assertEquals("027", Files.readString(release.resolve("umask.txt")));
    if (buildout.root) {
      assertEquals(RealBuildout.UNPRIVILEGED_USER, Files.getOwner(program).getName());
    }
  }

  @Test
  void brokenReleaseFailsWithTheRecipeErrorInTheTail() throws Exception {
    Path release = buildout.release("broken.cfg");
    ExecBuildoutRunner runner = new ExecBuildoutRunner(buildout.settings(GENEROUS, Map.of()));

    BuildoutResult result = runner.run(request(release, "broken.cfg"));

    assertFalse(result.succeeded());
    assertFalse(result.timedOut());
    assertTrue(result.exitCode() != 0);
    assertTrue(result.outputText().contains("mode '9z9' is not an octal number"), result::outputText);
    assertFalse(Files.exists(release.resolve("bin/hello")));
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Path release = buildout.release("slow.cfg");
    ExecBuildoutRunner runner = new ExecBuildoutRunner(buildout.settings(GENEROUS, Map.of()));
    Path childPid = release.resolve("child.pid");

    BuildoutResult result = runner.run(request(release, "slow.cfg").withTimeout(Duration.ofSeconds(8)));

    assertTrue(result.timedOut(), result::outputText);
    assertFalse(result.succeeded());
    assertTrue(result.duration().compareTo(Duration.ofSeconds(60)) < 0, "took " + result.duration());
    assertTrue(Files.exists(childPid), "the recipe had not started its child within the timeout:\n" + result.outputText());
    long pid = Long.parseLong(Files.readString(childPid).strip());
    Instant deadline = Instant.now().plusSeconds(10);
    while (running(pid) && Instant.now().isBefore(deadline)) {
      LockSupport.parkNanos(POLL_INTERVAL_NANOS); // poll with a deadline, not a race
    }
    assertFalse(running(pid), "the recipe's child process " + pid + " survived the timeout");
  }

  @Test
  void interruptingTheCallerKillsTheTree() throws Exception {
    Path release = buildout.release("slow.cfg");
    ExecBuildoutRunner runner = new ExecBuildoutRunner(buildout.settings(GENEROUS, Map.of()));
    CountDownLatch installing = new CountDownLatch(1);
    CompletableFuture<BuildoutException> failure = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        runner.run(request(release, "slow.cfg"), line -> {
          if (line.equals("Installing hello.")) {
            installing.countDown();
          }
        });
        failure.completeExceptionally(new AssertionError("run returned although interrupted"));
      } catch (BuildoutException e) {
        failure.complete(e);
      }
    }, "buildout-caller");
    caller.start();
    assertTrue(installing.await(2, TimeUnit.MINUTES), "buildout never reached the part");
    Path childPid = release.resolve("child.pid");
    Instant started = Instant.now().plusSeconds(30);
    while (!Files.exists(childPid) && Instant.now().isBefore(started)) {
      LockSupport.parkNanos(POLL_INTERVAL_NANOS); // poll with a deadline, not a race
    }
    assertTrue(Files.exists(childPid), "the recipe's child never started");

    caller.interrupt();

    BuildoutException error = failure.get(1, TimeUnit.MINUTES);
    assertEquals(BuildoutException.Code.INTERRUPTED, error.code());
    long pid = Long.parseLong(Files.readString(childPid).strip());
    Instant deadline = Instant.now().plusSeconds(10);
    while (running(pid) && Instant.now().isBefore(deadline)) {
      LockSupport.parkNanos(POLL_INTERVAL_NANOS); // poll with a deadline, not a race
    }
    assertFalse(running(pid), "the recipe's child process " + pid + " survived the interruption");
  }

  @Test
  void environmentIsSanitised() throws Exception {
    Path release = buildout.release("software.cfg");
    Map<String, String> node = new HashMap<>();
    node.put("PATH", "/home/admin/secret-bin:/usr/bin");
    node.put("AWS_SECRET_ACCESS_KEY", "do-not-leak");
    node.put("PYTHONPATH", "/evil");
    node.put("LANG", "fr_FR.UTF-8");
    node.put("TZ", "Europe/Paris");
    ExecBuildoutRunner runner = new ExecBuildoutRunner(buildout.settings(GENEROUS, node));

    BuildoutResult result = runner.run(request(release, "software.cfg")
        .withEnvironment(Map.of("SLAPOS_TEST_ADDED", "yes")));

    assertTrue(result.succeeded(), result::outputText);
    String dumped = Files.readString(release.resolve("environment.json"), StandardCharsets.UTF_8);
    assertFalse(dumped.contains("do-not-leak"), dumped);
    assertFalse(dumped.contains("/evil"), dumped);
    assertFalse(dumped.contains("secret-bin"), dumped);
    assertFalse(dumped.contains("\"LANG\""), dumped);
    for (String name : System.getenv().keySet()) {
      if (!List.of("PATH", "HOME", "USER", "TZ", "PWD", "SHLVL", "_", "PYTHONPATH").contains(name)) {
        assertFalse(dumped.contains("\"" + name + "\":"), "inherited " + name + ": " + dumped);
      }
    }
    assertTrue(dumped.contains("\"HOME\": \"" + release + "\""), dumped);
    assertTrue(dumped.contains("\"PYTHONNOUSERSITE\": \"true\""), dumped);
    assertTrue(dumped.contains("\"TZ\": \"Europe/Paris\""), dumped);
    assertTrue(dumped.contains("\"SLAPOS_TEST_ADDED\": \"yes\""), dumped);
    assertTrue(dumped.contains("\"PATH\": \"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\""), dumped);
  }

  @Test
  void missingExecutableIsAClearError() throws Exception {
    Path release = buildout.release("software.cfg");
    ExecBuildoutRunner.Settings good = buildout.settings(GENEROUS, Map.of());
    ExecBuildoutRunner runner = new ExecBuildoutRunner(new ExecBuildoutRunner.Settings(
        release.resolve("no-such-buildout"), good.defaultTimeout(), good.tailLines(), good.umask(), good.path(),
        good.passEnvironment(), good.nodeEnvironment(), good.nodeIsRoot()));

    BuildoutException error = assertThrows(BuildoutException.class, () -> runner.run(request(release, "software.cfg")));

    assertEquals(BuildoutException.Code.EXECUTABLE, error.code());
    assertTrue(error.getMessage().contains("no-such-buildout"), error.getMessage());
  }

  @Test
  void rootOwnedDirectoryIsRefusedWhenRunningAsRoot() throws Exception {
    assumeTrue(buildout.root, "only as root: dropping privileges happens only then");
    Path release = Files.createTempDirectory(buildout.work, "root-owned-");
    ExecBuildoutRunner runner = new ExecBuildoutRunner(buildout.settings(GENEROUS, Map.of()));

    BuildoutException error = assertThrows(BuildoutException.class, () -> runner.run(request(release, "software.cfg")));

    assertEquals(BuildoutException.Code.UNSAFE_USER, error.code());
    assertTrue(error.getMessage().contains("too dangerous"), error.getMessage());
  }

  @Test
  void commandLineIsTheOriginalsWithDebugAndPrivilegeDrop() {
    ExecBuildoutRunner runner = new ExecBuildoutRunner(new ExecBuildoutRunner.Settings(Path.of("/opt/buildout"),
        GENEROUS, 10, "027", "/usr/bin:/bin", List.of(), Map.of(), true));
    BuildoutRequest request = BuildoutRequest.of(Path.of("/srv/sr"), Path.of("/srv/sr/buildout.cfg"))
        .withArguments(List.of("buildout:directory=/srv/sr", "-N")).withDebug(true);

    List<String> command = runner.command(request, Path.of("/opt/buildout"), Path.of("/srv/sr/buildout.cfg"),
        new ExecBuildoutRunner.Account("slapsoft", 1000, 1000));

    assertEquals(List.of("/bin/sh", "-c", "umask \"$0\" && exec \"$@\"", "027",
        "setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "--",
        "/opt/buildout", "-D", "-U", "buildout:directory=/srv/sr", "-N", "-c", "/srv/sr/buildout.cfg"), command);
  }

  @Test
  void unsafeSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ExecBuildoutRunner.Settings(Path.of("/b"), GENEROUS, 10,
        "0; rm -rf /", "/usr/bin", List.of(), Map.of(), false));
    assertThrows(IllegalArgumentException.class, () -> new ExecBuildoutRunner.Settings(Path.of("/b"), Duration.ZERO,
        10, "027", "/usr/bin", List.of(), Map.of(), false));
  }

  /** Alive and not a zombie waiting for a parent that does not reap. */
  private static boolean running(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException gone) {
      return false;
    }
  }
}
