package org.slapos.tio.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.PartitionUsage;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter.Schema;
import org.slapos.tio.api.UsageContributor;
import org.slapos.tio.api.UsagePartition;
import org.slf4j.LoggerFactory;

class TioReporterComponentTest {
  private static final LocalDateTime STOP = LocalDateTime.of(2026, 12, 6, 3, 4, 5);
  /** The partition report of node-behavior §6.2. */
  private static final String PARTITION_REPORT = """
      <?xml version="1.0" encoding="utf-8"?>
      <consumption>
        <movement>
          <resource>CPU Consumption</resource>
          <title>CPU consumption of the partition</title>
          <reference>slappart0</reference>
          <quantity>42.1</quantity>
          <price>0.00</price>
          <VAT>None</VAT>
          <category>CPU</category>
        </movement>
      </consumption>
      """;
  private static final String HEADER = "<?xml version=\"1.0\"?><journal><transaction type=\"Sale Packing List\">"
      + "<title>Resource consumptions</title><start_date></start_date><stop_date>2026-12-06 at 03:04:05</stop_date>"
      + "<reference>COMP-1</reference><currency></currency><payment_mode></payment_mode><category></category>"
      + "<arrow type=\"Administration\"><source></source><destination></destination></arrow>";
  private static final String FOOTER = "</transaction></journal>";
  private static final UsagePartition SLAPPART0 = new UsagePartition("slappart0", Path.of("/srv/slapgrid/slappart0"),
      "http://sr/software.cfg");
  private static final UsagePartition SLAPPART1 = new UsagePartition("slappart1", Path.of("/srv/slapgrid/slappart1"),
      "http://sr/software.cfg");

  private final TioReporterComponent reporter = new TioReporterComponent(Duration.ofSeconds(10));
  private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  private long nextServiceId = 1;

  TioReporterComponentTest() {
    warnings.start();
    ((Logger) LoggerFactory.getLogger(UsageContributions.class)).addAppender(warnings);
  }

  @AfterEach
  void deactivate() {
    reporter.deactivate();
    ((Logger) LoggerFactory.getLogger(UsageContributions.class)).detachAppender(warnings);
  }

  /** The warnings logged about contributors, as formatted messages. */
  private List<String> warningMessages() {
    return warnings.list.stream().filter(event -> event.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  private Map<String, Object> register(String name, UsageContributor contributor) {
    Map<String, Object> properties = Map.of(UsageContributor.NAME, name, "service.id", nextServiceId++);
    reporter.bindContributor(contributor, properties);
    return properties;
  }

  private static Movement disk(String quantity) {
    return Movement.of("Disk Usage", "Disk usage in MiB", "ignored", quantity, "0.00", "None", "Disk");
  }

  private static String diskXml(String reference, String quantity) {
    return "<movement><resource>Disk Usage</resource><title>Disk usage in MiB</title><reference>" + reference
        + "</reference><quantity>" + quantity + "</quantity><price>0.00</price><VAT>None</VAT>"
        + "<category>Disk</category></movement>";
  }

  // --- validation

  @Test
  void aValidPartitionReportPassesAndItsMovementsKeepTheirOrder() throws TioException {
    reporter.validate(PARTITION_REPORT, Schema.PARTITION_CONSUMPTION);
    List<Movement> movements = reporter.movements(PARTITION_REPORT);
    assertEquals(List.of(Movement.of("CPU Consumption", "CPU consumption of the partition", "slappart0", "42.1",
        "0.00", "None", "CPU")), movements);
  }

  @Test
  void anInvalidPartitionReportIsRefusedWithItsLineAndColumn() {
    String badQuantity = PARTITION_REPORT.replace("42.1", "a lot");
    TioException e = assertThrows(TioException.class, () -> reporter.validate(badQuantity, Schema.PARTITION_CONSUMPTION));
    assertEquals("partition consumption document is invalid at line 7, column 31: cvc-datatype-valid.1.2.1: "
        + "'a lot' is not a valid value for 'float'.", e.getMessage());

    String noMovement = "<?xml version=\"1.0\"?><consumption></consumption>";
    e = assertThrows(TioException.class, () -> reporter.movements(noMovement));
    assertTrue(e.getMessage().startsWith("partition consumption document is invalid at line 1, column "),
        e.getMessage());

    String journalAsPartitionReport = HEADER + diskXml("slappart0", "1") + FOOTER;
    assertThrows(TioException.class, () -> reporter.validate(journalAsPartitionReport, Schema.PARTITION_CONSUMPTION));
  }

  @Test
  void aDocumentThatIsNotWellFormedOrEmptyIsRefused() {
    TioException e = assertThrows(TioException.class,
        () -> reporter.validate("<consumption><movement>", Schema.PARTITION_CONSUMPTION));
    assertTrue(e.getMessage().startsWith("partition consumption document is invalid at line 1, column 24: "),
        e.getMessage());
    e = assertThrows(TioException.class, () -> reporter.validate("  ", Schema.COMPUTER_CONSUMPTION));
    assertEquals("computer consumption document (journal) is empty", e.getMessage());
  }

  @Test
  void aValidJournalPassesAndAnInvalidOneIsRefused() throws TioException {
    reporter.validate(HEADER + diskXml("slappart0", "1.5") + FOOTER, Schema.COMPUTER_CONSUMPTION);
    TioException e = assertThrows(TioException.class,
        () -> reporter.validate(HEADER + FOOTER, Schema.COMPUTER_CONSUMPTION));
    assertEquals("computer consumption document (journal) is invalid at line 1, column 370: cvc-complex-type.2.4.b: "
        + "The content of element 'transaction' is not complete. One of '{arrow, movement}' is expected.",
        e.getMessage());
    String noType = HEADER.replace(" type=\"Sale Packing List\"", "") + diskXml("slappart0", "1") + FOOTER;
    e = assertThrows(TioException.class, () -> reporter.validate(noType, Schema.COMPUTER_CONSUMPTION));
    assertTrue(e.getMessage().contains("'type'"), e.getMessage());
    assertThrows(TioException.class, () -> reporter.validate(PARTITION_REPORT, Schema.COMPUTER_CONSUMPTION));
  }

  @Test
  void aDoctypeIsRefusedSoNoEntityIsEverExpandedOrFetched() {
    String externalEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE consumption [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <consumption><movement><resource>&secret;</resource><quantity>1</quantity><price>0</price><VAT>x</VAT>\
        </movement></consumption>
        """;
    TioException e = assertThrows(TioException.class, () -> reporter.movements(externalEntity));
    assertTrue(e.getMessage().startsWith("partition consumption document is invalid at line 2, column "),
        e.getMessage());
    assertTrue(e.getMessage().contains("DOCTYPE is disallowed"), e.getMessage());
    String internalDtd = "<?xml version=\"1.0\"?><!DOCTYPE journal [<!ENTITY a \"aaaa\">]><journal/>";
    assertThrows(TioException.class, () -> reporter.validate(internalDtd, Schema.COMPUTER_CONSUMPTION));
  }

  // --- the journal

  // The expected journals below are what the original's asXML (slapos.core, lxml) writes for the
  // same partition reports and stop date.
  @Test
  void theJournalHasTheOriginalsBytesWithTheReferenceReplacedByThePartitionId() throws TioException {
    List<Movement> movements = reporter.movements(PARTITION_REPORT.replace("<reference>slappart0</reference>",
        "<reference>whatever the partition wrote</reference>"));
    String journal = reporter.journal("COMP-1", List.of(new PartitionUsage("slappart3", movements)), List.of(), STOP);
    assertEquals(HEADER + "<movement><resource>CPU Consumption</resource><title>CPU consumption of the partition"
        + "</title><reference>slappart3</reference><quantity>42.1</quantity><price>0.00</price><VAT>None</VAT>"
        + "<category>CPU</category></movement>" + FOOTER, journal);
  }

  @Test
  void emptyElementsBecomeNoneAndAMovementWithoutReferenceGetsNone() throws TioException {
    String report = "<consumption><movement><resource>RAM</resource><title/><quantity>1e3</quantity>"
        + "<price>0</price><VAT></VAT></movement></consumption>";
    List<Movement> movements = reporter.movements(report);
    assertEquals(List.of(new Movement(List.of(Map.entry("resource", "RAM"), Map.entry("title", "None"),
        Map.entry("quantity", "1e3"), Map.entry("price", "0"), Map.entry("VAT", "None")))), movements);
    String journal = reporter.journal("COMP-1", List.of(new PartitionUsage("slappart0", movements)), List.of(), STOP);
    assertEquals(HEADER + "<movement><resource>RAM</resource><title>None</title><quantity>1e3</quantity>"
        + "<price>0</price><VAT>None</VAT></movement>" + FOOTER, journal);
  }

  @Test
  void textIsEscapedSoTheJournalStaysValid() throws TioException {
    String report = PARTITION_REPORT.replace("CPU consumption of the partition", "R&amp;D &lt;test&gt; ]]&gt;");
    assertEquals("R&D <test> ]]>", reporter.movements(report).get(0).elements().get(1).getValue());
    String journal = reporter.journal("COMP-<1>", List.of(new PartitionUsage("slappart0", reporter.movements(report))),
        List.of(), STOP);
    assertTrue(journal.contains("<title>R&amp;D &lt;test&gt; ]]&gt;</title>"), journal);
    assertTrue(journal.contains("<reference>COMP-&lt;1&gt;</reference>"), journal);
    assertEquals("R&D <test> ]]>", reporter.movements(journalMovementsAsReport(journal)).get(0).elements().get(1)
        .getValue());
  }

  private static String journalMovementsAsReport(String journal) {
    return "<consumption>" + journal.substring(journal.indexOf("<movement>"), journal.lastIndexOf("</transaction>"))
        + "</consumption>";
  }

  @Test
  void aJournalThatWouldBeInvalidIsRefusedNotReturned() {
    // An empty price gives None, which is no float: the original refuses such a journal too.
    List<PartitionUsage> usages = List.of(new PartitionUsage("slappart0",
        List.of(Movement.of("CPU", "t", "r", "1", "", "None", null))));
    TioException e = assertThrows(TioException.class, () -> reporter.journal("COMP-1", usages, List.of(), STOP));
    assertTrue(e.getMessage().startsWith("computer consumption document (journal) is invalid at line 1, column "),
        e.getMessage());
    assertTrue(e.getMessage().contains("'None' is not a valid value for 'float'"), e.getMessage());

    List<PartitionUsage> badName = List.of(new PartitionUsage("slappart0",
        List.of(new Movement(List.of(Map.entry("resource><x", "CPU"))))));
    e = assertThrows(TioException.class, () -> reporter.journal("COMP-1", badName, List.of(), STOP));
    assertEquals("A movement element name is not a plain XML name: 'resource><x'", e.getMessage());

    List<PartitionUsage> controlCharacter = List.of(new PartitionUsage("slappart0",
        List.of(Movement.of("CPU\u0001", "t", "r", "1", "0", "None", null))));
    e = assertThrows(TioException.class, () -> reporter.journal("COMP-1", controlCharacter, List.of(), STOP));
    assertEquals("The text of element resource holds character U+0001, which XML 1.0 cannot carry", e.getMessage());
  }

  @Test
  void noMovementAtAllGivesEmptyText() throws TioException {
    assertEquals("", reporter.journal("COMP-1", List.of(), List.of(SLAPPART0), STOP));
    register("nothing-to-say", partition -> List.of());
    assertEquals("", reporter.journal("COMP-1", List.of(new PartitionUsage("slappart0", List.of())),
        List.of(SLAPPART0), STOP));
  }

  // --- contributors

  @Test
  void contributorsAddTheirMovementsPartitionByPartitionThenForTheNode() throws TioException {
    register("disk", partition -> List.of(disk(partition.partitionId().equals("slappart0") ? "1.5" : "2")));
    register("cpu", new UsageContributor() {
      @Override
      public List<Movement> partitionUsage(UsagePartition partition) {
        return List.of(Movement.of("CPU", "cpu", "x", "3", "0", "None", null));
      }

      @Override
      public List<Movement> nodeUsage(String computerId) {
        return List.of(Movement.of("Load", "load of " + computerId, "x", "0.5", "0", "None", null));
      }
    });
    List<PartitionUsage> usages = List.of(new PartitionUsage("slappart1", reporter.movements(PARTITION_REPORT)));
    String journal = reporter.journal("COMP-1", usages, List.of(SLAPPART0, SLAPPART1), STOP);
    String cpu0 = "<movement><resource>CPU</resource><title>cpu</title><reference>slappart0</reference>"
        + "<quantity>3</quantity><price>0</price><VAT>None</VAT></movement>";
    assertEquals(HEADER
        + "<movement><resource>CPU Consumption</resource><title>CPU consumption of the partition</title>"
        + "<reference>slappart1</reference><quantity>42.1</quantity><price>0.00</price><VAT>None</VAT>"
        + "<category>CPU</category></movement>"
        + cpu0 + diskXml("slappart0", "1.5")
        + cpu0.replace("slappart0", "slappart1") + diskXml("slappart1", "2")
        + "<movement><resource>Load</resource><title>load of COMP-1</title><reference>COMP-1</reference>"
        + "<quantity>0.5</quantity><price>0</price><VAT>None</VAT></movement>"
        + FOOTER, journal);
  }

  @Test
  void anUnboundContributorIsGoneFromTheNextJournal() throws TioException {
    UsageContributor disk = partition -> List.of(disk("1"));
    Map<String, Object> properties = register("disk", disk);
    assertEquals(HEADER + diskXml("slappart0", "1") + FOOTER,
        reporter.journal("COMP-1", List.of(), List.of(SLAPPART0), STOP));
    reporter.unbindContributor(disk, properties);
    assertEquals("", reporter.journal("COMP-1", List.of(), List.of(SLAPPART0), STOP));
  }

  @Test
  void aFailingContributorIsLeftOutForThatPartitionOnly() throws TioException {
    register("flaky", partition -> {
      if (partition.partitionId().equals("slappart0")) {
        throw new IllegalStateException("cannot read slappart0");
      }
      return List.of(disk("7"));
    });
    register("broken", new UsageContributor() {
      @Override
      public List<Movement> partitionUsage(UsagePartition partition) throws java.io.IOException {
        throw new java.io.IOException("always fails");
      }

      @Override
      public List<Movement> nodeUsage(String computerId) {
        throw new IllegalStateException("no node usage either");
      }
    });
    assertEquals(HEADER + diskXml("slappart1", "7") + FOOTER,
        reporter.journal("COMP-1", List.of(), List.of(SLAPPART0, SLAPPART1), STOP));
    assertEquals(List.of(
        "Usage contributor broken failed for partition slappart0: its movements are left out of this report",
        "Usage contributor broken failed for partition slappart1: its movements are left out of this report",
        "Usage contributor broken failed for the node: its movements are left out of this report",
        "Usage contributor flaky failed for partition slappart0: its movements are left out of this report"),
        warningMessages().stream().sorted().toList());
  }

  @Test
  void anInvalidContributionIsLeftOutAndTheRestIsSent() throws TioException {
    register("a-not-a-number", partition -> List.of(disk("lots")));
    register("b-bad-name", partition -> List.of(new Movement(List.of(Map.entry("resource><movement", "x")))));
    register("c-null", partition -> null);
    register("d-disk", partition -> List.of(disk("1")));
    assertEquals(HEADER + diskXml("slappart0", "1") + FOOTER,
        reporter.journal("COMP-1", List.of(), List.of(SLAPPART0), STOP));
    assertEquals(List.of("Usage contributor a-not-a-number gave movements for partition slappart0 that are not "
        + "valid TIO, left out of this report: partition consumption document is invalid at line 1, column 165: "
        + "cvc-datatype-valid.1.2.1: 'lots' is not a valid value for 'float'.",
        "Usage contributor b-bad-name gave movements for partition slappart0 that are not valid TIO, left out of "
        + "this report: A movement element name is not a plain XML name: 'resource><movement'",
        "Usage contributor c-null returned no list for partition slappart0: nothing reported for it"),
        warningMessages().stream().sorted().toList());
  }

  @Test
  void aContributorThatDoesNotAnswerInTimeIsInterruptedAndLeftOut() throws Exception {
    TioReporterComponent impatient = new TioReporterComponent(Duration.ofMillis(300));
    CountDownLatch interrupted = new CountDownLatch(1);
    try {
      impatient.bindContributor(partition -> {
        try {
          new CountDownLatch(1).await(); // never counted down: only the reporter's interruption ends it
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
        return List.of(disk("9"));
      }, Map.of(UsageContributor.NAME, "stuck", "service.id", 1L));
      impatient.bindContributor(partition -> List.of(disk("1")), Map.of(UsageContributor.NAME, "quick", "service.id", 2L));
      assertEquals(HEADER + diskXml("slappart0", "1") + FOOTER,
          impatient.journal("COMP-1", List.of(), List.of(SLAPPART0), STOP));
      assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the stuck contributor is interrupted");
      assertTrue(warningMessages().contains("Usage contributor stuck did not answer within 300 ms: what it had not "
          + "given yet is left out of this report"), warningMessages().toString());
    } finally {
      impatient.deactivate();
    }
  }

  @Test
  void aNonPositiveTimeoutIsRefused() {
    TioReporterConfig config = new TioReporterConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return TioReporterConfig.class;
      }

      @Override
      public long contributor_timeout_seconds() {
        return 0;
      }
    };
    assertEquals("contributor.timeout.seconds must be positive: 0",
        assertThrows(IllegalArgumentException.class, () -> new TioReporterComponent(config)).getMessage());
  }
}
