package org.slapos.node.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.testing.TestContext;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.SoftwareInstaller;
import org.slapos.grid.api.SoftwareOutcome;
import org.slapos.grid.api.SoftwareOutcome.Action;
import org.slapos.grid.api.SoftwareRun;
import org.slapos.grid.api.SoftwareRunRequest;

class NodeSoftwareCommandTest {
  private static final String URL_A = "http://127.0.0.1:8080/a/software.cfg";
  private static final String URL_B = "http://127.0.0.1:8080/b/software.cfg";

  @TempDir
  Path dir;
  TestContext context;
  Path pidFile;
  final RecordingInstaller installer = new RecordingInstaller();
  final List<Process> children = new ArrayList<>();

  /** The service double: records requests, checks the lock while running, answers as told. */
  static final class RecordingInstaller implements SoftwareInstaller {
    final List<SoftwareRunRequest> requests = new ArrayList<>();
    List<SoftwareOutcome> outcomes = List.of(
        new SoftwareOutcome(URL_A, "0123456789abcdef0123456789abcdef", Action.BUILT, "", Duration.ofMillis(3900)),
        new SoftwareOutcome(URL_B, "fedcba9876543210fedcba9876543210", Action.UP_TO_DATE, "", Duration.ZERO));
    GridException failure;
    Path expectedLock;
    String lockContentDuringRun;

    @Override
    public SoftwareRun run(SoftwareRunRequest request, Consumer<String> progress) throws GridException {
      requests.add(request);
      progress.accept("Processing software release " + URL_A);
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
      return new SoftwareRun(outcomes, List.of(), Duration.ofMillis(4200), Duration.ofMillis(3900));
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    context = new TestContext(dir);
    pidFile = dir.resolve("run/slapgrid-sr.pid");
    Files.createDirectories(dir.resolve("soft"));
    Files.createDirectories(dir.resolve("inst"));
    writeConfig("");
    context.environment.put("SLAPOS_CONFIGURATION", dir.resolve("slapos.cfg").toString());
    installer.expectedLock = pidFile;
  }

  @AfterEach
  void killChildren() throws Exception {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A slapos.cfg with the mandatory keys (relative roots), root_check off, plus {@code extra}. */
  void writeConfig(String extra) throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-7\nmaster_url = http://127.0.0.1:5001\n"
        + "software_root = soft\ninstance_root = inst\nroot_check = false\npidfile_software = " + pidFile + "\n"
        + extra);
  }

  int run(String... args) throws Exception {
    return new NodeSoftwareCommand(installer).run(context, List.of(args));
  }

  CommandFailure failure(String... args) {
    return assertThrows(CommandFailure.class, () -> run(args));
  }

  SoftwareRunRequest request() {
    assertEquals(1, installer.requests.size(), "one run");
    return installer.requests.get(0);
  }

  @Test
  void plainRunBuildsTheSettingsAndPrintsTheSummary() throws Exception {
    writeConfig("shared_part_list =\n  /opt/shared/a\n\n  /opt/shared/b\nsoftware_min_free_space = 2G\n"
        + "buildout = bin/buildout\n\n[networkcache]\ndownload-binary-cache-url = http://127.0.0.1:9/shacache\n"
        + "download-from-binary-cache-url-blacklist =\n  /\n");
    assertEquals(0, run("--now"));
    SoftwareRunRequest request = request();
    NodeSettings settings = request.settings();
    assertEquals("COMP-7", settings.computerId());
    assertEquals("http://127.0.0.1:5001/", settings.masterUrl(), "a trailing slash is added");
    assertEquals(dir.resolve("soft"), settings.softwareRoot(), "relative to the working directory");
    assertEquals(dir.resolve("inst"), settings.instanceRoot());
    assertEquals(dir.resolve("bin/buildout"), settings.buildout());
    assertEquals(List.of("/opt/shared/a", "/opt/shared/b"), settings.sharedPartList());
    assertEquals(List.of(), settings.buildTimePartList());
    assertEquals(2L << 30, settings.softwareMinFreeSpace());
    assertNull(settings.buildoutTimeout(), "the runner's default for software");
    assertEquals(Map.of("download-binary-cache-url", "http://127.0.0.1:9/shacache",
        "download-from-binary-cache-url-blacklist", "\n/"), settings.networkcache());
    assertTrue(settings.connection().verifyServerCertificate());
    assertTrue(settings.connection().keyFile().isEmpty());
    assertFalse(request.force());
    assertFalse(request.buildoutDebug());
    assertFalse(request.garbageCollect());
    assertEquals(List.of(), request.only());
    assertEquals(URL_A + ": built\n" + URL_B + ": up to date\n"
        + "Processed 2 software releases in 4.200 s (buildout 3.900 s, node 0.300 s)\n", context.stdout());
    assertEquals(Long.toString(ProcessHandle.current().pid()), installer.lockContentDuringRun,
        "the lock holds this process's pid during the run");
    assertFalse(Files.exists(pidFile), "the lock is released");
  }

  @Test
  void totalLineHasTheShapeTheBenchmarkParses() {
    SoftwareRun run = new SoftwareRun(List.of(), List.of(), Duration.ofMillis(12_345), Duration.ofMillis(10_000));
    Matcher m = Pattern.compile("Processed (\\d+) software releases in ([0-9.]+) s \\(buildout ([0-9.]+) s, node ([0-9.]+) s\\)")
        .matcher(NodeSoftwareCommand.totalLine(run));
    assertTrue(m.matches(), NodeSoftwareCommand.totalLine(run));
    assertEquals(List.of("0", "12.345", "10.000", "2.345"), List.of(m.group(1), m.group(2), m.group(3), m.group(4)));
  }

  @Test
  void everyOptionIsParsed() throws Exception {
    Files.writeString(dir.resolve("node.key"), "key");
    Files.writeString(dir.resolve("node.crt"), "crt");
    Files.writeString(dir.resolve("ca.crt"), "ca");
    Files.writeString(dir.resolve("signature.key"), "sig");
    Files.createDirectories(dir.resolve("certs"));
    Files.createDirectories(dir.resolve("soft2"));
    Path otherCfg = dir.resolve("other.cfg");
    Files.copy(dir.resolve("slapos.cfg"), otherCfg);
    Files.writeString(dir.resolve("slapos.cfg"), "broken");
    Path cliPid = dir.resolve("cli.pid");
    installer.expectedLock = cliPid;
    int code = run("--cfg", otherCfg.toString(), "--instance-root", "inst2", "--software-root", "soft2",
        "--master-url", "https://127.0.0.1:5002/path", "--computer-id", "COMP-8", "--supervisord-socket", "s.sock",
        "--supervisord-configuration-path", "s.conf", "--buildout", "/usr/bin/buildout", "--pidfile", cliPid.toString(),
        "--key_file", "node.key", "--cert_file", "node.crt", "--signature_private_key_file", "signature.key",
        "--master_ca_file", "ca.crt", "--certificate_repository_path", "certs", "--maximum-periodicity", "60",
        "--promise-timeout", "3", "--partition-timeout", "7", "--now", "--maximal_delay", "0", "--buildout-debug",
        "--garbage-collect", "--force", "--only-sr", URL_A + ", 0123456789abcdef0123456789abcdef");
    assertEquals(0, code, context.stderr());
    SoftwareRunRequest request = request();
    NodeSettings settings = request.settings();
    assertEquals("COMP-8", settings.computerId());
    assertEquals("https://127.0.0.1:5002/path/", settings.masterUrl());
    assertEquals(dir.resolve("soft2"), settings.softwareRoot());
    assertEquals(dir.resolve("inst2"), settings.instanceRoot());
    assertEquals(Path.of("/usr/bin/buildout"), settings.buildout());
    assertEquals(dir.resolve("node.key"), settings.connection().keyFile().orElseThrow());
    assertEquals(dir.resolve("node.crt"), settings.connection().certFile().orElseThrow());
    assertEquals(dir.resolve("ca.crt"), settings.connection().masterCaFile().orElseThrow());
    assertEquals("signature.key", settings.networkcache().get("signature-private-key-file"));
    assertTrue(request.force());
    assertTrue(request.buildoutDebug());
    assertTrue(request.garbageCollect());
    assertEquals(List.of(URL_A, "0123456789abcdef0123456789abcdef"), request.only());
    assertEquals(Long.toString(ProcessHandle.current().pid()), installer.lockContentDuringRun, "--pidfile wins");
    assertFalse(Files.exists(cliPid));
    assertFalse(Files.exists(pidFile));

    Set<String> names = new NodeSoftwareCommand(installer).optionNames();
    for (String name : List.of("-h", "--help", "--cfg", "--instance-root", "--software-root", "--master-url",
        "--computer-id", "--supervisord-socket", "--supervisord-configuration-path", "--buildout", "--pidfile",
        "--key_file", "--cert_file", "--signature_private_key_file", "--master_ca_file",
        "--certificate_repository_path", "--maximum-periodicity", "--promise-timeout", "--partition-timeout", "--now",
        "--maximal_delay", "--buildout-debug", "--garbage-collect", "--force", "--develop", "--all", "--only-sr",
        "--only")) {
      assertTrue(names.contains(name), name);
    }
  }

  @Test
  void forceAliasesAndTheDevelopKey() throws Exception {
    for (String alias : List.of("--force", "--all", "--develop")) {
      installer.requests.clear();
      assertEquals(0, run("--now", alias));
      assertTrue(request().force(), alias);
    }
    installer.requests.clear();
    assertEquals(0, run("--now", "--only", URL_B));
    assertFalse(request().force());
    assertEquals(List.of(URL_B), request().only());

    writeConfig("develop = Yes\n");
    installer.requests.clear();
    assertEquals(0, run("--now"));
    assertTrue(request().force(), "develop = yes");
    writeConfig("develop = false\n");
    installer.requests.clear();
    assertEquals(0, run("--now"));
    assertFalse(request().force(), "develop = false is false here (the original takes any non-empty text as true)");
    writeConfig("develop = sometimes\n");
    CommandFailure e = failure("--now");
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().endsWith("develop in " + dir.resolve("slapos.cfg") + ": not a boolean: 'sometimes'"),
        e.getMessage());
  }

  @Test
  void allExcludesOnlySr() throws Exception {
    assertEquals(2, run("--now", "--all", "--only-sr", URL_A));
    assertTrue(context.stderr().startsWith("usage: slapos node software [-h]"), context.stderr());
    assertTrue(context.stderr().endsWith(
        "slapos node software: error: argument --only-sr/--only: not allowed with argument --all\n"), context.stderr());
    assertEquals(0, run("--now", "--force", "--only-sr", URL_A), "--force and --only-sr go together");
    assertEquals(2, run("--now", "--only", URL_A, "--all"));
    assertTrue(context.stderr().endsWith("error: argument --all: not allowed with argument --only-sr/--only\n"),
        context.stderr());
  }

  @Test
  void usageErrorsAndHelp() throws Exception {
    assertEquals(2, run("--now", "--maximum-periodicity", "often"));
    assertTrue(context.stderr().endsWith(
        "slapos node software: error: argument --maximum-periodicity: invalid int value: 'often'\n"), context.stderr());
    assertEquals(2, run("--bogus"));
    assertTrue(context.stderr().endsWith("error: unrecognized arguments: --bogus\n"), context.stderr());
    assertEquals(2, run("--buildout"));
    assertTrue(context.stderr().endsWith("error: argument --buildout: expected one argument\n"), context.stderr());
    assertEquals(0, run("--help"));
    assertTrue(context.stdout().startsWith(NodeSoftwareCommand.USAGE + "\nrun software installation/deletion\n"));
    assertTrue(context.stdout().contains("--only-sr ONLY_SR, --only ONLY_SR"));
    assertTrue(installer.requests.isEmpty());
  }

  @Test
  void commandLineBeatsNetworkcacheWhichBeatsSlapos() throws Exception {
    writeConfig("buildout = /from/slapos\nsoftware_min_free_space = 1M\n\n[networkcache]\nbuildout = /from/networkcache\n");
    assertEquals(0, run("--now"));
    assertEquals(Path.of("/from/networkcache"), request().settings().buildout());
    assertEquals(1L << 20, request().settings().softwareMinFreeSpace());
    installer.requests.clear();
    assertEquals(0, run("--now", "--buildout", "/from/cli"));
    assertEquals(Path.of("/from/cli"), request().settings().buildout());
  }

  @Test
  void mergeKeepsEveryKeyWithTheCommandLineOnTop() throws Exception {
    org.slapos.config.SlaposConfig config = org.slapos.config.SlaposConfig.parse(
        "[slapos]\nforbid_supervisord_automatic_launch = true\ninstance_root = /a\n"
        + "[networkcache]\ninstance_root = /b\n", "test.cfg");
    GridOptions options = GridOptions.merge(config, Map.of("promise_timeout", "20"), dir);
    assertEquals("true", options.get("forbid_supervisord_automatic_launch"));
    assertEquals("/b", options.get("instance_root"));
    assertEquals("20", options.get("promise_timeout"));
    options = GridOptions.merge(config, Map.of("instance_root", "/c"), dir);
    assertEquals("/c", options.get("instance_root"));
  }

  @Test
  void mandatoryParameters() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\nmaster_url = http://127.0.0.1:5001\nroot_check = false\n");
    CommandFailure e = failure("--now");
    assertEquals(1, e.exitCode());
    assertEquals("Missing mandatory parameters: computer_id, instance_root, software_root", e.getMessage());
    e = failure("--now", "--computer-id", "C", "--instance-root", "i", "--software-root", "s", "--key_file", "k");
    assertEquals("Missing mandatory parameters: cert_file, certificate_repository_path", e.getMessage());
    e = failure("--now", "--computer-id", "", "--instance-root", "i", "--software-root", "");
    assertEquals("Mandatory parameters present but empty: computer_id, software_root", e.getMessage());
    writeConfig("key_file = missing.key\ncert_file = missing.crt\ncertificate_repository_path = certs\n");
    e = failure("--now");
    assertEquals("File 'missing.key' does not exist.", e.getMessage());
    Files.writeString(dir.resolve("missing.key"), "k");
    Files.writeString(dir.resolve("missing.crt"), "c");
    e = failure("--now");
    assertEquals("Directory 'certs' does not exist", e.getMessage());
    writeConfig("\n[networkcache]\nshadir-ca-file = /nowhere/ca.pem\n");
    e = failure("--now");
    assertEquals("File '/nowhere/ca.pem' does not exist.", e.getMessage());
    writeConfig("software_min_free_space = lots\n");
    e = failure("--now");
    assertEquals("software_min_free_space: can't interpret 'lots' as a size", e.getMessage());
    Files.writeString(dir.resolve("slapos.cfg"), "[slapformat]\npartition_amount = 1\n");
    e = failure("--now");
    assertTrue(e.getMessage().startsWith("No section: 'slapos'"), e.getMessage());
    assertTrue(installer.requests.isEmpty());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void insecureSkipTlsVerifyIsReadAsABoolean() throws Exception {
    writeConfig("master_insecure_skip_tls_verify = yes\n");
    assertEquals(0, run("--now"));
    assertFalse(request().settings().connection().verifyServerCertificate());
    writeConfig("master_insecure_skip_tls_verify = perhaps\n");
    assertEquals(1, failure("--now").exitCode());
  }

  @Test
  void rootCheckWhenNotRoot() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = false", "root_check = TRUE"));
    NodeSoftwareCommand unprivileged = new NodeSoftwareCommand(installer, () -> false);
    CommandFailure e = assertThrows(CommandFailure.class, () -> unprivileged.run(context, List.of("--now")));
    assertEquals(5, e.exitCode());
    assertEquals("This slapos command must be run as root.", e.getMessage());
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\nmaster_url = http://127.0.0.1:5001\n");
    e = assertThrows(CommandFailure.class, () -> unprivileged.run(context, List.of("--now")));
    assertEquals(5, e.exitCode(), "root_check defaults to true, checked before mandatory keys");
    assertTrue(installer.requests.isEmpty());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void realRootCheckWhenNotRoot() throws Exception {
    assumeFalse(NodeSoftwareCommand.runningAsRoot(), "needs an unprivileged user");
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = false", "root_check = true"));
    assertEquals(5, failure("--now").exitCode());
  }

  @Test
  void rootCheckAcceptsOnlyTrueOrFalse() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = false", "root_check = no"));
    CommandFailure e = failure("--now");
    assertEquals(1, e.exitCode());
    assertEquals("root_check in " + dir.resolve("slapos.cfg") + ": no is neither True nor False.", e.getMessage());
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = no", "root_check = False"));
    assertEquals(0, run("--now"), "False in any case skips the check");
  }

  @Test
  void rootCheckPassesForRoot() throws Exception {
    assumeTrue(NodeSoftwareCommand.runningAsRoot(), "needs root");
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        .replace("root_check = false", "root_check = true"));
    assertEquals(0, run("--now"));
  }

  @Test
  void lockHeldByALiveSlaposProcessIsExitTen() throws Exception {
    Process holder = new ProcessBuilder("bash", "-c", "exec -a slapos-test sleep 60").start();
    children.add(holder);
    Files.createDirectories(pidFile.getParent());
    Files.writeString(pidFile, Long.toString(holder.pid()));
    CommandFailure e = failure("--now");
    assertEquals(10, e.exitCode());
    assertEquals("New slapos process started, but another slapos process is aleady running with pid "
        + holder.pid() + ", exiting.", e.getMessage());
    assertTrue(installer.requests.isEmpty());
    assertEquals(Long.toString(holder.pid()), Files.readString(pidFile), "the other run's lock stays");
  }

  @Test
  void staleLocksAreOverwrittenAndRemoved() throws Exception {
    Process other = new ProcessBuilder("sleep", "60").start();
    children.add(other);
    Files.createDirectories(pidFile.getParent());
    for (String stale : List.of(Long.toString(other.pid()), "not a pid\n", "", "0")) {
      Files.writeString(pidFile, stale);
      installer.requests.clear();
      assertEquals(0, run("--now"), "stale content " + stale);
      assertTrue(context.stderr().contains("Existing pid file '" + pidFile + "' was stale, overwritten"),
          context.stderr());
      assertEquals(Long.toString(ProcessHandle.current().pid()), installer.lockContentDuringRun);
      assertFalse(Files.exists(pidFile), "removed after the run");
    }
    try (var files = Files.list(pidFile.getParent())) {
      assertEquals(List.of(pidFile.resolveSibling("." + pidFile.getFileName() + ".takeover")), files.toList(),
          "no temporary file left, only the takeover guard");
    }
  }

  @Test
  void lockDirectoryIsCreated() throws Exception {
    pidFile = dir.resolve("a/b/c/sr.pid");
    installer.expectedLock = pidFile;
    assertEquals(0, run("--now", "--pidfile", "a/b/c/sr.pid"));
    assertEquals(Long.toString(ProcessHandle.current().pid()), installer.lockContentDuringRun);
    assertFalse(Files.exists(pidFile));
    assertTrue(Files.isDirectory(pidFile.getParent()));
  }

  @Test
  void failedReleaseIsExitOneAndReleasesTheLock() throws Exception {
    installer.outcomes = List.of(
        new SoftwareOutcome(URL_A, "0123456789abcdef0123456789abcdef", Action.FAILED, "buildout failed\nline 2",
            Duration.ofSeconds(1)),
        new SoftwareOutcome(URL_B, "fedcba9876543210fedcba9876543210", Action.DESTROYED, "", Duration.ZERO));
    assertEquals(1, run("--now"));
    assertTrue(context.stdout().startsWith(URL_A + ": failed: buildout failed ...\n" + URL_B + ": destroyed\n"),
        context.stdout());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void gridExceptionIsOneLineExitOneAndReleasesTheLock() throws Exception {
    installer.failure = new GridException("Software root soft is not a directory");
    CommandFailure e = failure("--now");
    assertEquals(1, e.exitCode());
    assertEquals("Software root soft is not a directory", e.getMessage());
    assertEquals(Long.toString(ProcessHandle.current().pid()), installer.lockContentDuringRun);
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void randomDelayWaitsUntilTheComponentGoesAway() throws Exception {
    writeConfig("maximal_delay = 3600\n");
    NodeSoftwareCommand command = new NodeSoftwareCommand(installer);
    CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
      try {
        return command.run(context, List.of());
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    assertTrue(context.awaitStderr("To disable this feature, check --now parameter in slapgrid help.", 10),
        context.stderr());
    assertTrue(Pattern.compile("Sleeping for ([1-9][0-9]*) seconds").matcher(context.stderr()).find());
    assertFalse(running.isDone());
    command.deactivate();
    ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS));
    CommandFailure failure = (CommandFailure) e.getCause();
    assertEquals(1, failure.exitCode());
    assertTrue(installer.requests.isEmpty());
    assertFalse(Files.exists(pidFile));
  }

  @Test
  void badMaximalDelayIsExitOne() throws Exception {
    writeConfig("maximal_delay = soon\n");
    assertEquals(1, failure().exitCode());
    writeConfig("maximal_delay = 3600\n");
    assertEquals(0, run("--maximal_delay", "0"), "the command line wins: no delay");
  }
}
