package org.slapos.itest.promise;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.SlaposTestSupport.SERVICE_TIMEOUT_MILLIS;
import static org.slapos.itest.support.SlaposTestSupport.awaitService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.Promise;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseOutcome;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;

/**
 * The promise whiteboard in a running node runtime: the example promise bundle is installed while
 * the checker runs, its promise is in the next run of a partition; once uninstalled, it is gone
 * from the run and its result file with it. No restart in between.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PromiseWhiteboardIT {
  private static final String EXAMPLE_TITLE = "check-disk-usage";

  @Inject
  private BundleContext context;

  @Configuration
  public Option[] config() {
    // The node runtime (it holds the promise checker); the example bundle is installed by the test.
    return SlaposTestSupport.runtime("node");
  }

  /** A bundle of this reactor, as built in its module's target directory. */
  static Path reactorJar(String symbolicName) {
    Path target = Path.of("..", "bundles", symbolicName, "target").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(path -> {
        String name = path.getFileName().toString();
        return name.startsWith(symbolicName + "-") && name.endsWith(".jar") && !name.endsWith("-tests.jar")
            && !name.endsWith("-sources.jar");
      }).findFirst().orElseThrow(() -> new IllegalStateException("No " + symbolicName + " jar in " + target));
    } catch (IOException e) {
      throw new UncheckedIOException("Bundle " + symbolicName + " is not built (" + target + ")", e);
    }
  }

  @Test
  public void aPromiseBundleInstalledWhileTheNodeRunsIsInTheNextRunAndGoneOnceUninstalled() throws Exception {
    PromiseChecker checker = awaitService(context, PromiseChecker.class, null, SERVICE_TIMEOUT_MILLIS);
    Path partition = Files.createTempDirectory("promise-it-slappart0");
    Files.writeString(Files.createDirectories(partition.resolve("srv")).resolve("data"), "some data");
    PromiseRequest request = new PromiseRequest(new PartitionContext("slappart0", partition, "COMP-IT",
        "http://sr/software.cfg", "default", List.of(), Map.of()), PromiseMode.TEST, true, Duration.ofSeconds(20),
        "", null, null);
    try {
      installCheckUninstall(checker, request, partition);
    } finally {
      try (Stream<Path> tree = Files.walk(partition)) {
        for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private void installCheckUninstall(PromiseChecker checker, PromiseRequest request, Path partition)
      throws Exception {
    Path resultFile = partition.resolve(".slapgrid/promise/result/" + EXAMPLE_TITLE + ".status.json");
    assertEquals(List.of(), titles(checker.check(request)));

    Bundle example = context.installBundle(reactorJar("org.slapos.promise.example").toUri().toString());
    example.start();
    awaitService(context, Promise.class, "(" + Promise.NAME + "=" + EXAMPLE_TITLE + ")", SERVICE_TIMEOUT_MILLIS);
    PromiseReport withExample = checker.check(request);
    assertEquals(List.of(EXAMPLE_TITLE), titles(withExample));
    PromiseOutcome outcome = withExample.outcomes().get(0);
    assertEquals(PromiseOutcome.Kind.BUNDLE, outcome.kind());
    assertFalse(outcome.result().message(), outcome.result().failed());
    assertTrue(outcome.result().message(), outcome.result().message().startsWith("slappart0 uses "));
    assertTrue(Files.readString(resultFile).contains("\"title\":\"" + EXAMPLE_TITLE + "\""));

    example.uninstall();
    PromiseReport withoutExample = checker.check(request);
    assertEquals(List.of(), titles(withoutExample));
    assertFalse("the removed promise's result is deleted", Files.exists(resultFile));
  }

  private static List<String> titles(PromiseReport report) {
    return report.outcomes().stream().map(PromiseOutcome::title).toList();
  }
}
