package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.parameters;
import static org.slapos.itest.support.LocalProxy.unique;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.SoftwareRelease;
import org.sqlite.SQLiteConfig;

/**
 * slap-protocol §7.10 (and §4.3): the proxy of the master runtime opens a version-16 database
 * written by the Python slapproxy (slapos.core's {@code database_dump_version_16.sql}), migrates it
 * to version 17 with a backup, and serves it: checked through our SLAP client and by reading the
 * file. What the proxy serves right after the migration is kept in {@link #migrated} and
 * {@link #tables} before any test changes the database.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyMigrationIT extends ProxyTestSupport {
  private static final String SR = "/srv/slapgrid//srv//runner/project//slapos/software.cfg";
  private static final String COMPUTER = LocalProxy.DEFAULT_COMPUTER;

  /** getFullComputerInformation right after the migration. */
  private static List<ComputerPartition> migrated;
  private static List<SoftwareRelease> migratedSoftware;
  /** Every table right after the migration: name → rows. */
  private static Map<String, List<Map<String, Object>>> tables;

  /** The proxy on a version-16 database; what it serves right after the migration is kept. */
  @Override
  protected LocalProxy startProxy() throws Exception {
    Path database = LocalProxy.workDirectory(context).resolve("proxy.db");
    load(database, "database_dump_version_16.sql");
    LocalProxy proxy = LocalProxy.start(context, database, Map.of());
    migratedSoftware = proxy.computer(COMPUTER).getSoftwareReleaseList();
    migrated = proxy.partitions(COMPUTER);
    tables = new LinkedHashMap<>();
    for (Map<String, Object> table : proxy.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      String name = (String) table.get("name");
      tables.put(name, proxy.rows("SELECT * FROM \"" + name + "\""));
    }
    return proxy;
  }

  /**
   * Runs an {@code iterdump()} script statement by statement: in these dumps a statement ends with
   * the first line ending with ';' (string literals carry their newlines as {@code \n} escapes).
   */
  private static void load(Path database, String resource) throws IOException, java.sql.SQLException {
    String script;
    try (InputStream in = ProxyMigrationIT.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + database);
        Statement statement = c.createStatement()) {
      StringBuilder sql = new StringBuilder();
      for (String line : script.split("\n")) {
        sql.append(line).append('\n');
        if (line.strip().endsWith(";")) {
          statement.execute(sql.toString());
          sql.setLength(0);
        }
      }
      assertEquals("", sql.toString().strip());
    }
  }

  private static ComputerPartition migrated(String reference) throws Exception {
    for (ComputerPartition p : migrated) {
      if (p.getId().equals(reference)) {
        return p;
      }
    }
    throw new AssertionError("no partition " + reference);
  }

  @Test
  public void theOldTablesAreBackedUpBeforeTheMigration() throws Exception {
    List<Path> backups;
    try (Stream<Path> files = Files.list(proxy.database().getParent())) {
      backups = files.filter(p -> p.getFileName().toString().matches(
          "proxy\\.db-backup-16to17-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\.sql"))
          .collect(Collectors.toList());
    }
    assertEquals(1, backups.size());
    String backup = Files.readString(backups.get(0), StandardCharsets.UTF_8);
    assertTrue(backup.contains("CREATE TABLE"));
    assertTrue(backup.contains("INSERT INTO"));
    assertTrue(backup.contains("partition16"));
  }

  @Test
  public void onlyTheVersion17TablesRemain() {
    assertEquals(List.of("computer17", "config17", "forwarded_partition_request17", "partition17",
        "partition_network17", "slave17", "software17"), new ArrayList<>(tables.keySet()));
  }

  @Test
  public void theRowsAreMigrated() {
    assertEquals(List.of(Map.of("reference", COMPUTER, "address", "127.0.0.1", "netmask", "255.255.255.255")),
        tables.get("computer17"));
    assertEquals(List.of(Map.of("url", SR, "computer_reference", COMPUTER, "requested_state", "available")),
        tables.get("software17"));
    assertEquals(List.of(), tables.get("slave17"));
    assertEquals(20, tables.get("partition_network17").size());
    // Duplicates of the old table collapse.
    assertEquals(List.of(Map.of("partition_reference", "forwarded_instance", "master_url", "https://bogus/master/url")),
        tables.get("forwarded_partition_request17"));
    assertEquals(List.of(Map.of("name", "local_software_release_root", "value", "/")), tables.get("config17"));

    List<Map<String, Object>> partitions = tables.get("partition17");
    assertEquals(10, partitions.size());
    List<String> requestedBy = new ArrayList<>();
    for (Map<String, Object> row : partitions) {
      requestedBy.add(row.get("reference") + "=" + row.get("requested_by"));
    }
    // requested_by held the requester's partition reference; it is now the title of the root.
    assertEquals(List.of("slappart0=", "slappart1=slapos", "slappart2=slapos", "slappart3=slapos",
        "slappart4=slapos", "slappart5=slapos", "slappart6=", "slappart7=", "slappart8=", "slappart9="), requestedBy);
    assertEquals("production", partitions.get(0).get("software_type"));
  }

  @Test
  public void theNodeSeesTheMigratedInstances() throws Exception {
    assertEquals(1, migratedSoftware.size());
    assertEquals(SR, migratedSoftware.get(0).getURI());
    assertEquals("available", migratedSoftware.get(0).getState());

    List<String> references = new ArrayList<>();
    for (ComputerPartition p : migrated) {
      references.add(p.getId());
    }
    assertEquals(Arrays.asList("slappart0", "slappart1", "slappart2", "slappart3", "slappart4", "slappart5",
        "slappart6", "slappart7", "slappart8", "slappart9"), references);

    ComputerPartition root = migrated("slappart0");
    Map<String, Object> rootParameters = parameters(root);
    assertEquals("production", rootParameters.get("slap_software_type"));
    assertEquals("slapos", rootParameters.get("instance_title"));
    assertEquals("slapos", rootParameters.get("root_instance_title"));
    assertEquals("{\n  \"site-id\": \"erp5\"\n  }\n}", rootParameters.get("json"));
    assertEquals(List.of(List.of("slappart0", "127.0.0.1"), List.of("slappart0", "fc00::1")),
        rootParameters.get("ip_list"));
    assertEquals("started", root.getState());
    assertEquals(SR, root.getSoftwareRelease().getURI());
    assertEquals("computer-slappart0", root.getInstanceGuid());

    String[][] children = {{"slappart1", "MariaDB DataBase", "mariadb", "mysql://127.0.0.1:45678/erp5"},
        {"slappart2", "Cloudooo", "cloudooo", "cloudooo://127.0.0.1:23000/"},
        {"slappart3", "Memcached", "memcached", "memcached://127.0.0.1:11000/"},
        {"slappart4", "KumoFS", "kumofs", "memcached://127.0.0.1:13301/"},
        {"slappart5", "TidStorage", "tidstorage", "https://[fc00::1]:10001"}};
    for (String[] child : children) {
      ComputerPartition p = migrated(child[0]);
      Map<String, Object> parameters = parameters(p);
      assertEquals(child[1], parameters.get("instance_title"));
      assertEquals("slapos", parameters.get("root_instance_title"));
      assertEquals(child[2], parameters.get("slap_software_type"));
      assertEquals(Map.of("url", child[3]), p.getConnectionParameterDict());
      assertEquals("started", p.getState());
    }
    assertEquals("cloudooo://127.0.0.1:23000/", parameters(migrated("slappart5")).get("cloudooo-url"));

    for (ComputerPartition free : migrated.subList(6, 10)) {
      assertEquals("destroyed", free.getState());
      assertNull(free.getAttributes().get("_software_release_document"));
    }
  }

  @Test
  public void theMigratedTreeKeepsItsScope() throws Exception {
    // requested_by now names the root: a member of the tree finds the other members by name.
    ComputerPartition mariadb = proxy.partition(COMPUTER, "slappart0").request(InstanceRequest
        .builder(SR, "MariaDB DataBase").softwareType("mariadb").build());
    assertEquals("slappart1", mariadb.getId());
    ComputerPartition memcached = proxy.partition(COMPUTER, "slappart1").request(InstanceRequest
        .builder(SR, "Memcached").softwareType("memcached").build());
    assertEquals("slappart3", memcached.getId());
    assertEquals("slapos", proxy.partition(COMPUTER, "slappart3").getInstanceParameterDict().get("root_instance_title"));
  }

  @Test
  public void aNewRootTakesTheFirstFreePartition() throws Exception {
    ComputerPartition instance = proxy.slap().registerOpenOrder().request(InstanceRequest
        .builder("http://sr//", unique("MyFirstInstance")).build());
    assertEquals("slappart6", instance.getId());
    assertEquals("computer-slappart6", instance.getInstanceGuid());
  }

  @Test
  public void theMigratedRootWaitsForItsChildrenToBeDestroyed() throws Exception {
    proxy.slap().registerOpenOrder().request(InstanceRequest.builder(SR, "slapos").softwareType("production")
        .state("destroyed").build());
    assertEquals("Not destroying yet because this partition has child partitions: "
        + "Cloudooo, KumoFS, MariaDB DataBase, Memcached, TidStorage",
        proxy.partition(COMPUTER, "slappart0").destroyed());
    for (int i = 1; i <= 5; i++) {
      assertEquals("destroyed", proxy.partition(COMPUTER, "slappart" + i).getState());
    }
  }
}
