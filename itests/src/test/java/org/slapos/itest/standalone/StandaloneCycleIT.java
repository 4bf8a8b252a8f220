package org.slapos.itest.standalone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.slapos.itest.support.SlaposTestSupport.SERVICE_TIMEOUT_MILLIS;
import static org.slapos.itest.support.SlaposTestSupport.awaitService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.itest.support.CapturingContext;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.node.daemon.api.LoopRun;
import org.slapos.node.daemon.api.LoopStatus;
import org.slapos.node.daemon.api.NodeLoops;

/**
 * The whole cycle in the standalone runtime, in one framework: {@code slapos standalone start} on a
 * fresh data directory (proxy, format and the node daemon in this JVM), then supply and request the
 * demo Software Release ({@code software/demo}, built by {@code bin/setup-demo}), the software and
 * instance loops run through {@link NodeLoops#runNow} until the instance is deployed with the real
 * zc.buildout and supervisord, its promise green, its {@code url} published and answering; then the
 * instance is destroyed, {@code report} runs, and its partition is free and empty again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StandaloneCycleIT {
  private static final String DATA_PROPERTY = "slapos.itest.standalone.data";
  private static final String RELEASE_PROPERTY = "slapos.itest.standalone.release";
  private static final String BUILDOUT_PROPERTY = "slapos.itest.standalone.buildout";
  private static final String HOME_PROPERTY = "slapos.home";
  private static final Duration PATIENCE = Duration.ofMinutes(3);
  private static final Pattern PUBLISHED_URL = Pattern.compile("\"url\": \"(http://[^\"]+)\"");
  private static final String INSTANCE = "cycle-demo";

  @Inject
  private BundleContext context;

  @Configuration
  public Option[] config() throws Exception {
    Path repository = Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().normalize()
        .getParent().getParent();
    Path work = LocalProxy.newWorkDirectory("standalone-cycle");
    boolean root = isRoot();
    String buildout = lastLine(run(repository, repository.resolve("bin/setup-buildout").toString()));
    if (root) {
      // As root, buildout and the partitions run as nobody, who may not traverse the clone (CI clones
      // into a private directory): buildout, the release and the data directory go to a directory of
      // the test's own that everyone can traverse.
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      buildout = copyBuildout(Path.of(buildout), work.resolve("tools")).toString();
    }
    String release = lastLine(run(repository, repository.resolve("bin/setup-demo").toString(), "--target",
        work.resolve("demo-release").toString()));
    return SlaposTestSupport.runtime("standalone",
        frameworkProperty(LocalProxy.HTTP_HOST).value("127.0.0.1"),
        frameworkProperty(LocalProxy.HTTP_PORT).value("0"),
        frameworkProperty(HOME_PROPERTY).value(repository.toString()),
        frameworkProperty(DATA_PROPERTY).value(work.resolve("data").toString()),
        frameworkProperty(RELEASE_PROPERTY).value(release),
        frameworkProperty(BUILDOUT_PROPERTY).value(buildout));
  }

  @Test
  public void supplyRequestDeployPromiseConnectionDestroyReportFree() throws Exception {
    Path data = Path.of(context.getProperty(DATA_PROPERTY));
    String release = context.getProperty(RELEASE_PROPERTY);
    Path cfg = data.resolve("etc/slapos.cfg");
    try {
      CapturingContext start = new CapturingContext(data.getParent(), context::getProperty);
      assertEquals(start.output(), 0, command("standalone start").run(start, List.of("--data-dir", data.toString(),
          "--port", Integer.toString(SlaposTestSupport.freePort()), "--partitions", "3", "--buildout",
          context.getProperty(BUILDOUT_PROPERTY))));
      assertTrue(start.output(), start.stdout().contains("Stop it with: slapos standalone stop --data-dir " + data));
      assertTrue("the pid file names this JVM", Files.readString(data.resolve("var/run/slapos-standalone.pid"))
          .strip().equals(Long.toString(ProcessHandle.current().pid())));
      CapturingContext again = new CapturingContext(data.getParent(), context::getProperty);
      try {
        command("standalone start").run(again, List.of("--data-dir", data.toString()));
        fail("a second standalone start on the same data directory must be refused");
      } catch (CommandFailure refused) {
        assertEquals(refused.getMessage(), 10, refused.exitCode());
        assertTrue(refused.getMessage(), refused.getMessage().startsWith("A standalone node already runs on " + data));
      }

      NodeLoops loops = awaitService(context, NodeLoops.class, null, SERVICE_TIMEOUT_MILLIS);
      String computer = "local";
      runCommand("supply", "--cfg", cfg.toString(), release, computer);
      runCommand("request", "--cfg", cfg.toString(), INSTANCE, release);

      Path software = data.resolve("soft").resolve(md5(release));
      awaitLoops(loops, "software", () -> Files.exists(software.resolve(".completed")));
      awaitLoops(loops, "instance", () -> deployedPartition(data.resolve("inst")).isPresent());
      Path partition = deployedPartition(data.resolve("inst")).orElseThrow();
      Path promise = partition.resolve(".slapgrid/promise/result/demo-web.status.json");
      String result = Files.readString(promise);
      assertTrue(result, result.contains("\"failed\": false") || result.contains("\"failed\":false"));

      String info = runCommand("service", "info", "--cfg", cfg.toString(), INSTANCE);
      Matcher published = PUBLISHED_URL.matcher(info);
      assertTrue("no url connection parameter in: " + info, published.find());
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(published.group(1)))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(page.body(), 200, page.statusCode());
      assertTrue(page.body(), page.body().contains("Hello from SlapOS"));

      runCommand("request", "--cfg", cfg.toString(), INSTANCE, release, "--state", "destroyed");
      Path destroyed = partition;
      awaitLoops(loops, "instance", () -> true);
      awaitLoops(loops, "report", () -> isEmpty(destroyed));
      String partitions = runCommand("proxy", "show", "--cfg", cfg.toString(), "--partitions");
      String id = partition.getFileName().toString();
      assertFalse(partitions, Pattern.compile("(?m)^\\s*" + id + "\\s.*\\bbusy\\b").matcher(partitions).find());
      assertFalse(partitions, partitions.contains(INSTANCE));
    } finally {
      // The partitions' services belong to the node supervisord, which outlives this framework. The
      // loops go first: an instance run would launch supervisord again.
      pauseLoops();
      if (Files.exists(data.resolve("inst/etc/supervisord.conf"))) {
        CapturingContext shutdown = new CapturingContext(data.getParent(), context::getProperty);
        try {
          command("node supervisorctl").run(shutdown, List.of("--cfg", cfg.toString(), "shutdown"));
        } catch (Exception e) {
          // The signal below stops it anyway; say why the polite way failed.
          System.err.println("node supervisorctl shutdown failed: " + e + "\n" + shutdown.output());
        }
        Path pidFile = data.resolve("inst/var/run/supervisord.pid");
        if (Files.exists(pidFile)) {
          ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(supervisord -> {
            supervisord.destroy();
            supervisord.onExit().orTimeout(30, TimeUnit.SECONDS).join();
          });
        }
      }
    }
  }

  /** Pauses every loop of the node and waits (bounded) until none runs. */
  private void pauseLoops() throws Exception {
    if (context.getServiceReference(NodeLoops.class) == null) {
      return;
    }
    NodeLoops loops = awaitService(context, NodeLoops.class, null, SERVICE_TIMEOUT_MILLIS);
    for (String loop : NodeLoops.LOOP_NAMES) {
      loops.pause(loop);
    }
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (loops.loops().stream().anyMatch(LoopStatus::running)) {
      if (System.nanoTime() > deadline) {
        fail("the node's loops did not finish their runs within " + PATIENCE.toSeconds() + " s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /** The partition the demo instance was deployed in: its promise result exists and its page is written. */
  private static Optional<Path> deployedPartition(Path instanceRoot) throws IOException {
    try (Stream<Path> partitions = Files.list(instanceRoot)) {
      return partitions.filter(p -> p.getFileName().toString().startsWith("slappart"))
          .filter(p -> Files.exists(p.resolve(".slapgrid/promise/result/demo-web.status.json"))
              && Files.exists(p.resolve("etc/demo-web.json")))
          .findFirst();
    }
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Runs {@code loop} now, again and again, until {@code check} holds after a run (bounded). */
  private static void awaitLoops(NodeLoops loops, String loop, Check check) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    List<Integer> exits = new ArrayList<>();
    while (true) {
      LoopRun run = loops.runNow(loop).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      exits.add(run.exitCode());
      if (check.holds()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("the " + loop + " loop did not get there within " + PATIENCE.toSeconds() + " s (exit codes " + exits + ")");
      }
    }
  }

  private SlaposCommand command(String name) throws InterruptedException {
    return awaitService(context, SlaposCommand.class, "(" + SlaposCommand.NAME + "=" + name + ")", SERVICE_TIMEOUT_MILLIS);
  }

  /** Runs {@code slapos WORDS... ARGS...} (the command name is the longest registered prefix); returns stdout. */
  private String runCommand(String... words) throws Exception {
    for (int length = Math.min(3, words.length); length > 0; length--) {
      String name = String.join(" ", List.of(words).subList(0, length));
      if (!context.getServiceReferences(SlaposCommand.class, "(" + SlaposCommand.NAME + "=" + name + ")").isEmpty()) {
        CapturingContext run = new CapturingContext(Path.of(context.getProperty(DATA_PROPERTY)).getParent(), context::getProperty);
        int exit = command(name).run(run, List.of(words).subList(length, words.length));
        assertEquals(run.output(), 0, exit);
        return run.stdout();
      }
    }
    throw new AssertionError("no command for " + String.join(" ", words));
  }

  private static String md5(String text) throws Exception {
    byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(digest);
  }

  // ---------------------------------------------------------------------------------------------
  // Driver side (the @Configuration method runs before the framework starts)

  private static boolean isRoot() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
  }

  private static String run(Path directory, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    return output;
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** Copies bin/setup-buildout's zc.buildout (site-packages and launcher) under {@code target}, readable by all. */
  private static Path copyBuildout(Path launcher, Path target) throws IOException {
    Path site = launcher.getParent().getParent().resolve("zc.buildout/site-packages");
    Path copiedSite = target.resolve("zc.buildout/site-packages");
    try (Stream<Path> tree = Files.walk(site)) {
      for (Path source : tree.toList()) {
        Path copy = copiedSite.resolve(site.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Path copiedLauncher = Files.createDirectories(target.resolve("bin")).resolve("buildout");
    Files.writeString(copiedLauncher, Files.readString(launcher).replace(site.toString(), copiedSite.toString()));
    try (Stream<Path> tree = Files.walk(target)) {
      for (Path path : tree.toList()) {
        path.toFile().setReadable(true, false);
        if (Files.isDirectory(path)) {
          path.toFile().setExecutable(true, false);
        }
      }
    }
    copiedLauncher.toFile().setExecutable(true, false);
    return copiedLauncher;
  }

}
