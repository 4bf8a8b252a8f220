package org.slapos.itest.tio;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.SlaposTestSupport.SERVICE_TIMEOUT_MILLIS;
import static org.slapos.itest.support.SlaposTestSupport.awaitService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
import org.slapos.tio.api.PartitionUsage;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter;
import org.slapos.tio.api.UsageContributor;
import org.slapos.tio.api.UsagePartition;

/**
 * The usage whiteboard in a running node runtime: the example usage bundle (disk usage per
 * partition) is installed while the reporter runs, its movement is in the next journal; once
 * uninstalled, it is gone from the journal after that. No restart in between.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UsageWhiteboardIT {
  private static final String EXAMPLE_NAME = "disk-usage";
  private static final String PARTITION_REPORT = "<?xml version=\"1.0\" encoding=\"utf-8\"?><consumption><movement>"
      + "<resource>CPU Consumption</resource><title>CPU consumption of the partition</title>"
      + "<reference>slappart0</reference><quantity>42.1</quantity><price>0.00</price><VAT>None</VAT>"
      + "<category>CPU</category></movement></consumption>";
  private static final String REPORTED_MOVEMENT = "<movement><resource>CPU Consumption</resource>"
      + "<title>CPU consumption of the partition</title><reference>slappart0</reference><quantity>42.1</quantity>"
      + "<price>0.00</price><VAT>None</VAT><category>CPU</category></movement>";
  /** What the example writes for a deployed partition holding 1 MiB of files. */
  private static final String DISK_MOVEMENT = "<movement><resource>Disk Usage</resource>"
      + "<title>Disk usage of slappart0 in MiB</title><reference>slappart0</reference><quantity>1.000</quantity>"
      + "<price>0.00</price><VAT>None</VAT><category>Disk</category></movement>";

  @Inject
  private BundleContext context;

  @Configuration
  public Option[] config() {
    // The node runtime (it holds the TIO reporter); the example is installed by the test.
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
  public void aUsageBundleInstalledWhileTheNodeRunsIsInTheNextJournalAndGoneOnceUninstalled() throws Exception {
    TioReporter reporter = awaitService(context, TioReporter.class, null, SERVICE_TIMEOUT_MILLIS);
    Path partition = Files.createTempDirectory("tio-it-slappart0");
    Files.write(Files.createDirectories(partition.resolve("srv")).resolve("data"), new byte[1024 * 1024]);
    try {
      installReportUninstall(reporter, partition);
    } finally {
      try (Stream<Path> tree = Files.walk(partition)) {
        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private void installReportUninstall(TioReporter reporter, Path partition) throws Exception {
    List<PartitionUsage> usages = List.of(new PartitionUsage("slappart0", reporter.movements(PARTITION_REPORT)));
    List<UsagePartition> partitions = List.of(new UsagePartition("slappart0", partition, "http://sr/software.cfg"));
    LocalDateTime stop = LocalDateTime.of(2026, 12, 6, 3, 4, 5);

    String before = reporter.journal("COMP-IT", usages, partitions, stop);
    assertTrue(before, before.endsWith(REPORTED_MOVEMENT + "</transaction></journal>"));
    assertFalse(before, before.contains("Disk Usage"));
    assertEquals("", reporter.journal("COMP-IT", List.of(), partitions, stop));

    Bundle example = context.installBundle(reactorJar("org.slapos.tio.example").toUri().toString());
    example.start();
    awaitService(context, UsageContributor.class, "(" + UsageContributor.NAME + "=" + EXAMPLE_NAME + ")",
        SERVICE_TIMEOUT_MILLIS);
    // The reporter binds the new service while the framework delivers its registration, which may
    // finish just after the test sees it: poll the journal, with a deadline.
    String with = awaitJournal(reporter, usages, partitions, stop, journal -> journal.contains("Disk Usage"));
    assertTrue(with, with.endsWith(REPORTED_MOVEMENT + DISK_MOVEMENT + "</transaction></journal>"));
    reporter.validate(with, TioReporter.Schema.COMPUTER_CONSUMPTION);
    assertEquals(with.replace(REPORTED_MOVEMENT, ""), reporter.journal("COMP-IT", List.of(), partitions, stop));

    // Uninstalling stops the bundle: its component is disposed and unbound before uninstall() returns.
    example.uninstall();
    assertEquals(before, reporter.journal("COMP-IT", usages, partitions, stop));
    assertEquals("", reporter.journal("COMP-IT", List.of(), partitions, stop));
  }

  private static String awaitJournal(TioReporter reporter, List<PartitionUsage> usages,
      List<UsagePartition> partitions, LocalDateTime stop, Predicate<String> expected)
      throws TioException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SERVICE_TIMEOUT_MILLIS);
    String journal = reporter.journal("COMP-IT", usages, partitions, stop);
    while (!expected.test(journal)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The journal did not change within " + SERVICE_TIMEOUT_MILLIS + " ms: " + journal);
      }
      TimeUnit.MILLISECONDS.sleep(20); // the pause between two polls, not a guess at how long binding takes
      journal = reporter.journal("COMP-IT", usages, partitions, stop);
    }
    return journal;
  }
}
