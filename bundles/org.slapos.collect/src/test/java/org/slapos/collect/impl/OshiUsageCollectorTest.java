package org.slapos.collect.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.collect.api.CollectRequest;
import org.slapos.collect.api.CollectSummary;
import org.slapos.collect.api.DiskUsagePolicy;
import org.slapos.collect.api.PartitionUser;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import oshi.SystemInfo;

class OshiUsageCollectorTest {
  private static final SystemInfo SYSTEM = new SystemInfo();
  @TempDir
  Path instanceRoot;

  private CollectRequest request(List<String> users, int cacheDays, boolean disk) {
    List<PartitionUser> partitions = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      partitions.add(new PartitionUser(users.get(i), instanceRoot.resolve("slappart" + i)));
    }
    return new CollectRequest(instanceRoot, "COMP-1", partitions, cacheDays,
        new DiskUsagePolicy(disk, instanceRoot.resolve("var/run"), Duration.ofDays(1)));
  }

  private static Connection connect(Path database) throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + database);
  }

  @Test
  void recordsTheProcessesOfARunningPartition() throws Exception {
    assumeTrue(TestUsers.runningAsRoot(), "creates users: needs root");
    try (TestUsers users = new TestUsers()) {
      String busy = users.create(0);
      String idle = users.create(1);
      Process sleep = users.sleepAs(busy);
      // setpriv execs sleep: wait until the process runs as the partition user, not as root.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!busy.equals(SYSTEM.getOperatingSystem().getProcess((int) sleep.pid()) == null ? null
          : SYSTEM.getOperatingSystem().getProcess((int) sleep.pid()).getUser())) {
        assertTrue(System.nanoTime() < deadline, "sleep never ran as " + busy);
        Thread.onSpinWait();
      }
      CollectSummary summary = new OshiUsageCollector().collect(request(List.of(busy, idle), 15, false));

      assertEquals(Map.of(busy, 1, idle, 0), summary.processes());
      try (Connection connection = connect(summary.database());
          PreparedStatement select = connection.prepareStatement("select partition, pid, process, cpu_time,"
              + " cpu_num_threads, memory_rss, memory_percent, date, time, reported from user")) {
        try (ResultSet rows = select.executeQuery()) {
          assertTrue(rows.next(), "no process row");
          assertEquals(busy, rows.getString("partition"));
          assertEquals(sleep.pid(), (long) rows.getDouble("pid"));
          assertTrue(rows.getString("process").matches(sleep.pid() + "-\\d+\\.\\d+"), rows.getString("process"));
          assertEquals(1, rows.getDouble("cpu_num_threads"));
          assertTrue(rows.getDouble("memory_rss") > 0, "rss");
          assertTrue(rows.getDouble("memory_percent") > 0, "memory percent");
          assertEquals(summary.date(), rows.getString("date"));
          assertEquals(summary.time(), rows.getString("time"));
          assertEquals(0, rows.getInt("reported"));
          assertFalse(rows.next(), "only the partition's own process is recorded");
        }
      }
    }
  }

  @Test
  void createsTheOriginalSchemaAndTheNodeFigures() throws Exception {
    CollectSummary summary = new OshiUsageCollector().collect(request(List.of("nobody-here-0"), 15, false));

    assertEquals(instanceRoot.resolve("var/data-log/collector.db"), summary.database());
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(instanceRoot.resolve("var/data-log"))));
    assertTrue(Files.isDirectory(instanceRoot.resolve("var/consumption-report")));
    assertTrue(Files.isDirectory(instanceRoot.resolve("var/xml_report/COMP-1")));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("user", "partition,pid,process,cpu_percent,cpu_time,cpu_num_threads,memory_percent,memory_rss,"
        + "io_rw_counter,io_cycles_counter,date,time,reported");
    expected.put("folder", "partition,disk_used,date,time,reported");
    expected.put("computer", "cpu_num_core,cpu_frequency,cpu_type,memory_size,memory_type,partition_list,date,time,reported");
    expected.put("system", "loadavg,cpu_percent,memory_used,memory_free,net_in_bytes,net_in_errors,net_in_dropped,"
        + "net_out_bytes,net_out_errors,net_out_dropped,date,time,reported");
    expected.put("disk", "partition,used,free,mountpoint,date,time,reported");
    expected.put("temperature", "sensor_id,temperature,alarm,date,time,reported");
    expected.put("heating", "model_id,sensor_id,initial_temperature,final_temperature,delta_time,zero_emission_ratio,"
        + "date,time,reported");
    try (Connection connection = connect(summary.database()); Statement statement = connection.createStatement()) {
      for (Map.Entry<String, String> table : expected.entrySet()) {
        List<String> columns = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("pragma table_info(" + table.getKey() + ")")) {
          while (rows.next()) {
            columns.add(rows.getString("name"));
          }
        }
        assertEquals(table.getValue(), String.join(",", columns), table.getKey());
        try (ResultSet index = statement.executeQuery("select count(*) from sqlite_master where type = 'index'"
            + " and name = '" + table.getKey() + "_date_reported_index'")) {
          assertEquals(1, index.getInt(1), table.getKey() + " index");
        }
      }
      try (ResultSet computer = statement.executeQuery("select cpu_num_core, memory_size from computer")) {
        assertTrue(computer.next());
        assertEquals(SYSTEM.getHardware().getProcessor().getLogicalProcessorCount(), (int) computer.getDouble(1));
        assertTrue(computer.getDouble(2) > 0, "memory size");
      }
      try (ResultSet system = statement.executeQuery("select cpu_percent, memory_used, memory_free from system")) {
        assertTrue(system.next());
        assertTrue(system.getDouble(1) >= 0 && system.getDouble(1) <= 100, "cpu percent " + system.getDouble(1));
        assertTrue(system.getDouble(2) > 0 && system.getDouble(3) > 0, "memory");
      }
    }
  }

  @Test
  void writesTheJournalsOfThePastTwoDaysArchivesAndForgetsOldRows() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-01-10T12:00:00Z"), ZoneOffset.UTC);
    Files.createDirectories(instanceRoot.resolve("var/data-log"));
    try (CollectorDatabase database = CollectorDatabase.open(instanceRoot.resolve("var/data-log"))) {
      NodeFigures node = new NodeFigures(2, 1000, 0.5, 10, 400, 600, 0, 0, 0, 0, 0, 0, List.of());
      database.insertNode(node, "2026-01-09", "10:00:00");
      database.insertNode(new NodeFigures(2, 1000, 0.5, 30, 600, 400, 0, 0, 0, 0, 0, 0, List.of()),
          "2026-01-09", "10:01:00");
      ProcessFigures process = new ProcessFigures(42, "42-1.5", 4, 1, 1, 0.1, 2 * 1024 * 1024, 0, 0);
      database.insertProcesses("slapuser0", List.of(process, process), "2026-01-09", "10:00:00");
      database.insertProcesses("slapuser0", List.of(process), "2026-01-09", "10:01:00");
      database.insertFolder("slapuser0", 3072, "2026-01-09", "10:00:00");
      // a day long gone, already reported: dropped by the cache of 15 days
      database.insertNode(node, "2025-12-01", "10:00:00");
      database.markReported("2025-12-01");
      database.commit();
    }
    Files.createDirectories(instanceRoot.resolve("var/consumption-report"));
    Files.writeString(instanceRoot.resolve("var/consumption-report/2026-01-08.xml.uploaded"), "");

    CollectSummary summary = new OshiUsageCollector(SYSTEM, clock, new FolderSize(Duration.ofMinutes(1)))
        .collect(request(List.of("slapuser0", "slapuser1"), 15, false));

    Path journal = instanceRoot.resolve("var/xml_report/COMP-1/2026-01-09.xml");
    assertEquals(List.of(journal), summary.journals(), "the 8th was uploaded already");
    String expected = "<?xml version='1.0' encoding='utf-8'?><journal><transaction type=\"Sale Packing List\">"
        + "<title>Eco Information for COMP-1 </title><start_date>2026-01-09 00:00:00</start_date>"
        + "<stop_date>2026-01-09 23:59:59</stop_date><reference>2026-01-09-global</reference>"
        + "<currency /><payment_mode /><category /><arrow type=\"Destination\" />"
        + movement("service_module/cpu_load_percent", "CPU Load Percent Average", "COMP-1", "20.0")
        + movement("service_module/memory_used", "Used Memory", "COMP-1", "500.0")
        + movement("service_module/zero_emission_ratio", "Zero Emission Ratio", "COMP-1", "-1")
        + movement("service_module/cpu_load_percent", "CPU Load Percent Average for slapuser0", "slapuser0", "6.0")
        + movement("service_module/memory_used", "Memory Used Average for slapuser0", "slapuser0", "3.0")
        + movement("service_module/disk_used", "Partition Disk Used Average for slapuser0", "slapuser0", "3.0")
        + "</transaction></journal>";
    assertEquals(expected, Files.readString(journal, StandardCharsets.UTF_8));
    assertEquals(expected, Files.readString(instanceRoot.resolve("var/consumption-report/2026-01-09.xml")));
    assertJournalShape(Files.readAllBytes(journal));

    Path archive = instanceRoot.resolve("var/data-log/2026-01-09.tar.gz");
    assertTrue(Files.isRegularFile(archive), "yesterday archived");
    Process tar = new ProcessBuilder("tar", "-xzOf", archive.toString(), "2026-01-09/dump_system.csv").start();
    String dump = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, tar.waitFor());
    assertEquals("0.5,10.0,400.0,600.0,0.0,0.0,0.0,0.0,0.0,0.0,2026-01-09,10:00:00,0\r\n"
        + "0.5,30.0,600.0,400.0,0.0,0.0,0.0,0.0,0.0,0.0,2026-01-09,10:01:00,0\r\n", dump);

    try (Connection connection = connect(summary.database()); Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("select count(*) from system where date = '2026-01-09'"
          + " and reported = 1")) {
        assertEquals(2, rows.getInt(1), "yesterday marked reported");
      }
      try (ResultSet rows = statement.executeQuery("select count(*) from system where date = '2025-12-01'")) {
        assertEquals(0, rows.getInt(1), "reported rows older than collect_cache dropped");
      }
      try (ResultSet rows = statement.executeQuery("select count(*) from system where date = '2026-01-10'")) {
        assertEquals(1, rows.getInt(1), "today's sample");
      }
    }

    // The next pass writes no second journal for the same day.
    CollectSummary again = new OshiUsageCollector(SYSTEM, clock, new FolderSize(Duration.ofMinutes(1)))
        .collect(request(List.of("slapuser0", "slapuser1"), 15, false));
    assertEquals(List.of(), again.journals());
  }

  @Test
  void measuresPartitionDiskUsageWithDuOncePerCycle() throws Exception {
    Path partition = Files.createDirectories(instanceRoot.resolve("slappart0"));
    Files.write(partition.resolve("data.bin"), new byte[3 * 1024 * 1024]);
    OshiUsageCollector collector = new OshiUsageCollector();
    CollectSummary summary = collector.collect(request(List.of("slapuser0"), 15, true));
    collector.collect(request(List.of("slapuser0"), 15, true));
    try (Connection connection = connect(summary.database()); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select partition, disk_used from folder")) {
      assertTrue(rows.next(), "folder row");
      assertEquals("slapuser0", rows.getString(1));
      assertTrue(rows.getDouble(2) >= 3072, "KiB of the partition: " + rows.getDouble(2));
      assertFalse(rows.next(), "one measure per disk_snapshot_time_cycle");
    }
    assertTrue(Files.isRegularFile(instanceRoot.resolve("var/run/slapuser0_disk_size.pid")));
  }

  private static String movement(String resource, String title, String reference, String quantity) {
    return "<movement><resource>" + resource + "</resource><title>" + title + "</title><reference>" + reference
        + "</reference><quantity>" + quantity + "</quantity><price>0.0</price><VAT /><category /></movement>";
  }

  /**
   * The shape node report and the master expect: journal/transaction, its properties, then movements;
   * and valid against the computer consumption schema that node report checks before sending it.
   */
  private static void assertJournalShape(byte[] xml) throws Exception {
    javax.xml.validation.SchemaFactory schemas = javax.xml.validation.SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    schemas.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    schemas.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    try (java.io.InputStream xsd = org.slapos.tio.impl.TioReporterComponent.class.getResourceAsStream(
        "computer_consumption.xsd")) {
      javax.xml.validation.Validator validator = schemas.newSchema(new javax.xml.transform.stream.StreamSource(xsd))
          .newValidator();
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      validator.validate(new javax.xml.transform.stream.StreamSource(new ByteArrayInputStream(xml)));
    }
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    Element root = document.getDocumentElement();
    assertEquals("journal", root.getTagName());
    List<Element> transactions = children(root);
    assertEquals(1, transactions.size());
    Element transaction = transactions.get(0);
    assertEquals("Sale Packing List", transaction.getAttribute("type"));
    List<String> names = children(transaction).stream().map(Element::getTagName).distinct().toList();
    assertEquals(List.of("title", "start_date", "stop_date", "reference", "currency", "payment_mode", "category",
        "arrow", "movement"), names);
    for (Element movement : children(transaction)) {
      if (movement.getTagName().equals("movement")) {
        assertEquals(List.of("resource", "title", "reference", "quantity", "price", "VAT", "category"),
            children(movement).stream().map(Element::getTagName).toList());
        Double.parseDouble(children(movement).get(3).getTextContent());
      }
    }
  }

  private static List<Element> children(Element element) {
    List<Element> result = new ArrayList<>();
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element each) {
        result.add(each);
      }
    }
    return result;
  }
}
