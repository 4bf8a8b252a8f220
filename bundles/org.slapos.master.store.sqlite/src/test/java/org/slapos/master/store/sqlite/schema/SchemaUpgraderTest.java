package org.slapos.master.store.sqlite.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slapos.master.store.sqlite.schema.TestDb.row;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaUpgraderTest {

  private static final List<Object> TABLES_17 = List.of("computer17", "config17", "forwarded_partition_request17",
      "partition17", "partition_network17", "slave17", "software17");

  @TempDir
  Path dir;

  private Path db() {
    return dir.resolve("proxy.db");
  }

  private List<Path> backups() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().contains("-backup-")).sorted().collect(Collectors.toList());
    }
  }

  /** PRAGMA table_info as (name, type, notnull, dflt_value, pk). */
  private static List<List<Object>> columns(Connection c, String table) throws SQLException {
    return TestDb.rows(c, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", table);
  }

  @Test
  void emptyDatabaseGetsTheVersion17Tables() throws Exception {
    try (Connection c = TestDb.open(db()); LogCapture log = new LogCapture(SchemaUpgrader.class)) {
      new SchemaUpgrader(db(), "COMP-42").upgradeIfNeeded(c);

      assertEquals(TABLES_17, TestDb.tables(c));
      // the primary key of a WITHOUT ROWID table is implicitly NOT NULL (not so in rowid tables)
      assertEquals(List.of(row("name", "TEXT", 1, null, 1), row("value", "TEXT", 0, null, 0)), columns(c, "config17"));
      assertEquals(List.of(
          row("url", "VARCHAR(255)", 0, null, 1),
          row("computer_reference", "VARCHAR(255)", 0, "'COMP-42'", 2),
          row("requested_state", "VARCHAR(255)", 0, "'available'", 0)), columns(c, "software17"));
      assertEquals(List.of(
          row("reference", "VARCHAR(255)", 0, "'COMP-42'", 1),
          row("address", "VARCHAR(255)", 0, null, 0),
          row("netmask", "VARCHAR(255)", 0, null, 0)), columns(c, "computer17"));
      assertEquals(List.of(
          row("reference", "VARCHAR(255)", 0, null, 1),
          row("computer_reference", "VARCHAR(255)", 0, "'COMP-42'", 2),
          row("slap_state", "VARCHAR(255)", 0, "'free'", 0),
          row("software_release", "VARCHAR(255)", 0, null, 0),
          row("xml", "TEXT", 0, null, 0),
          row("connection_xml", "TEXT", 0, null, 0),
          row("slave_instance_list", "TEXT", 0, null, 0),
          row("software_type", "VARCHAR(255)", 0, null, 0),
          row("partition_reference", "VARCHAR(255)", 0, null, 0),
          row("requested_by", "VARCHAR(255)", 1, "''", 0),
          row("requested_state", "VARCHAR(255)", 1, "'started'", 0),
          row("timestamp", "REAL", 0, null, 0)), columns(c, "partition17"));
      assertEquals(List.of(
          row("reference", "VARCHAR(255)", 0, null, 0),
          row("computer_reference", "VARCHAR(255)", 0, "'COMP-42'", 0),
          row("connection_xml", "TEXT", 0, null, 0),
          row("hosted_by", "VARCHAR(255)", 0, null, 0),
          row("asked_by", "VARCHAR(255)", 0, null, 0)), columns(c, "slave17"));
      assertEquals(List.of(
          row("partition_reference", "VARCHAR(255)", 0, null, 0),
          row("computer_reference", "VARCHAR(255)", 0, "'COMP-42'", 0),
          row("reference", "VARCHAR(255)", 0, null, 0),
          row("address", "VARCHAR(255)", 0, null, 0),
          row("netmask", "VARCHAR(255)", 0, null, 0)), columns(c, "partition_network17"));
      assertEquals(List.of(
          row("partition_reference", "VARCHAR(255)", 0, null, 1),
          row("master_url", "VARCHAR(255)", 0, null, 2)), columns(c, "forwarded_partition_request17"));

      // config17 is WITHOUT ROWID; the others are ordinary rowid tables
      assertEquals(List.of("config17"), TestDb.column(c,
          "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID'"));
      assertThrows(SQLException.class, () -> TestDb.rows(c, "SELECT rowid FROM config17"));
      // the defaults work
      TestDb.exec(c, "INSERT INTO partition17 (reference) VALUES ('slappart0')");
      assertEquals(List.of(row("slappart0", "COMP-42", "free", "", "started")), TestDb.rows(c,
          "SELECT reference, computer_reference, slap_state, requested_by, requested_state FROM partition17"));

      assertEquals(List.of(), log.messages(Level.INFO));
      assertEquals(List.of(), backups());
    }
  }

  @Test
  void secondCallIsANoOp() throws Exception {
    try (Connection c = TestDb.open(db())) {
      SchemaUpgrader upgrader = new SchemaUpgrader(db(), "computer");
      upgrader.upgradeIfNeeded(c);
      TestDb.exec(c, "INSERT INTO software17 (url) VALUES ('/srv/software.cfg')");
      String before = TestDb.dump(c);
      upgrader.upgradeIfNeeded(c);
      new SchemaUpgrader(db(), "another-computer").upgradeIfNeeded(c);
      assertEquals(before, TestDb.dump(c));
      assertEquals(List.of(), backups());
    }
  }

  @Test
  void computerIdIsQuotedNotInjected() throws Exception {
    String evil = "o'hara', x TEXT); DROP TABLE config17; --\n\"; SELECT '";
    try (Connection c = TestDb.open(db())) {
      new SchemaUpgrader(db(), evil).upgradeIfNeeded(c);
      assertEquals(TABLES_17, TestDb.tables(c));
      assertEquals(3, columns(c, "computer17").size());
      TestDb.exec(c, "INSERT INTO computer17 (address) VALUES ('10.0.0.1')");
      TestDb.exec(c, "INSERT INTO slave17 (reference) VALUES ('s')");
      assertEquals(List.of(evil), TestDb.column(c, "SELECT reference FROM computer17"));
      assertEquals(List.of(evil), TestDb.column(c, "SELECT computer_reference FROM slave17"));
    }
  }

  @Test
  void computerIdWithNulIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new SchemaUpgrader(db(), "a\0b"));
    assertThrows(NullPointerException.class, () -> new SchemaUpgrader(db(), null));
  }

  @Test
  void currentDatabaseIsLeftAlone() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.script(c, TestDb.resource("database_dump_version_current.sql"));
      String before = TestDb.dump(c);
      new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c);
      assertEquals(before, TestDb.dump(c));
      assertEquals(List.of(), backups());
      // the DEFAULTs of an existing database keep their computer id
      assertTrue(before.contains("DEFAULT 'slaprunner'"));
    }
  }

  @Test
  void mixedVersionsAreAClearError() throws Exception {
    try (Connection c = TestDb.open(db())) {
      FixtureMigrationTest.loadFixture(c, 16);
      TestDb.exec(c, "CREATE TABLE config17 (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID");
      String before = TestDb.dump(c);
      SQLException e = assertThrows(SQLException.class,
          () -> new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c));
      assertTrue(e.getMessage().contains("mix schema versions [16, 17]"), e.getMessage());
      assertTrue(e.getMessage().contains("config17"), e.getMessage());
      assertEquals(before, TestDb.dump(c));
      assertEquals(List.of(), backups());
    }
  }

  @Test
  void tableWithoutVersionIsAClearError() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.exec(c, "CREATE TABLE partition16 (reference TEXT)");
      TestDb.exec(c, "CREATE TABLE notes (x TEXT)");
      SQLException e = assertThrows(SQLException.class,
          () -> new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c));
      assertTrue(e.getMessage().contains("[notes]"), e.getMessage());
      assertEquals(List.of("notes", "partition16"), TestDb.tables(c));
    }
  }

  @Test
  void newerVersionIsRefused() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.exec(c, "CREATE TABLE partition18 (reference TEXT)");
      TestDb.exec(c, "INSERT INTO partition18 VALUES ('slappart0')");
      SQLException e = assertThrows(SQLException.class,
          () -> new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c));
      assertTrue(e.getMessage().contains("version 18"), e.getMessage());
      assertEquals(List.of("partition18"), TestDb.tables(c));
      assertEquals(List.of(), backups());
    }
  }

  @Test
  void failingMigrationLeavesTheDatabaseUntouched() throws Exception {
    try (Connection c = TestDb.open(db())) {
      FixtureMigrationTest.loadFixture(c, 16);
      // slave16 comes after computer16, forwarded_partition_request16, local_software_release_root16,
      // partition16 and partition_network16: those are migrated and dropped before the failure
      TestDb.exec(c, "ALTER TABLE slave16 ADD COLUMN bogus TEXT");
      TestDb.exec(c, "INSERT INTO slave16 (reference, hosted_by, bogus) VALUES ('_s', 'slappart0', 'x')");
      String before = TestDb.dump(c);

      SQLException e = assertThrows(SQLException.class,
          () -> new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c));
      assertTrue(e.getMessage().startsWith("Cannot migrate table slave16 to slave17: "), e.getMessage());
      assertTrue(e.getMessage().contains("bogus"), e.getMessage());
      assertTrue(e.getMessage().contains("rolled back"), e.getMessage());

      assertEquals(before, TestDb.dump(c));
      assertTrue(TestDb.tables(c).stream().allMatch(t -> t.toString().endsWith("16")));
      // the backup was written before the attempt, and restores the same database
      assertEquals(1, backups().size());
      assertEquals(before, Files.readString(backups().get(0)));

      // once repaired, the migration goes through
      TestDb.exec(c, "ALTER TABLE slave16 DROP COLUMN bogus");
      new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c);
      assertEquals(TABLES_17, TestDb.tables(c));
      assertEquals(List.of(row("_s", "computer", null, "slappart0", null)), TestDb.rows(c, "SELECT * FROM slave17"));
    }
  }

  @Test
  void unknownOldTableIsDroppedWhenEmptyAndAnErrorOtherwise() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.exec(c, "CREATE TABLE partition16 (reference TEXT)");
      TestDb.exec(c, "CREATE TABLE gone16 (x TEXT)");
      new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c);
      assertEquals(TABLES_17, TestDb.tables(c));
    }
    Path other = dir.resolve("other.db");
    try (Connection c = TestDb.open(other)) {
      TestDb.exec(c, "CREATE TABLE gone16 (x TEXT)");
      TestDb.exec(c, "INSERT INTO gone16 VALUES ('y')");
      SQLException e = assertThrows(SQLException.class,
          () -> new SchemaUpgrader(other, "computer").upgradeIfNeeded(c));
      assertTrue(e.getMessage().startsWith("Cannot migrate table gone16 to gone17: "), e.getMessage());
      assertEquals(List.of("gone16"), TestDb.tables(c));
    }
  }

  @Test
  void requestedByBecomesTheTitleOfTheRootInstance() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.exec(c, "CREATE TABLE partition16 (reference TEXT, computer_reference TEXT DEFAULT 'computer',"
          + " partition_reference TEXT, requested_by TEXT, timestamp REAL)");
      Object[][] rows = {
          {"p0", "Root A", null}, {"p1", "child", "p0"}, {"p2", "grandchild", "p1"}, {"p3", "great", "p2"},
          {"p4", "Root B", ""}, {"p5", "b-child", "p4"}, {"p6", null, null}};
      for (Object[] r : rows) {
        TestDb.exec(c, "INSERT INTO partition16 (reference, partition_reference, requested_by, timestamp)"
            + " VALUES (?, ?, ?, 1700000000.25)", r);
      }
      new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c);
      assertEquals(List.of(
          row("p0", "Root A", "", 1700000000.25), row("p1", "child", "Root A", 1700000000.25),
          row("p2", "grandchild", "Root A", 1700000000.25), row("p3", "great", "Root A", 1700000000.25),
          row("p4", "Root B", "", 1700000000.25), row("p5", "b-child", "Root B", 1700000000.25),
          row("p6", null, "", 1700000000.25)),
          TestDb.rows(c, "SELECT reference, partition_reference, requested_by, timestamp FROM partition17"));
    }
  }

  @Test
  void brokenRequesterChainsAreClearErrors() throws Exception {
    for (Map.Entry<String, String[][]> scenario : Map.of(
        "no partition ghost exists", new String[][] {{"p0", "A", "ghost"}},
        "loops", new String[][] {{"p0", "A", "p1"}, {"p1", "B", "p0"}}).entrySet()) {
      Path file = dir.resolve(scenario.getKey().replace(' ', '_') + ".db");
      try (Connection c = TestDb.open(file)) {
        TestDb.exec(c, "CREATE TABLE partition15 (reference TEXT, partition_reference TEXT, requested_by TEXT)");
        for (String[] r : scenario.getValue()) {
          TestDb.exec(c, "INSERT INTO partition15 VALUES (?, ?, ?)", (Object[]) r);
        }
        SQLException e = assertThrows(SQLException.class,
            () -> new SchemaUpgrader(file, "computer").upgradeIfNeeded(c));
        assertTrue(e.getMessage().contains(scenario.getKey()), e.getMessage());
        assertEquals(List.of("partition15"), TestDb.tables(c));
      }
    }
  }

  @Test
  void localSoftwareReleaseRootTableBecomesAConfigRow() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.exec(c, "CREATE TABLE local_software_release_root15 (path VARCHAR(255))");
      TestDb.exec(c, "INSERT INTO local_software_release_root15 VALUES ('/opt/sr')");
      TestDb.exec(c, "INSERT INTO local_software_release_root15 VALUES ('/opt/sr')");
      new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c);
      assertEquals(List.of(row("local_software_release_root", "/opt/sr")), TestDb.rows(c, "SELECT * FROM config17"));
    }
  }

  @Test
  void severalDifferentLocalRootsAreAClearError() throws Exception {
    try (Connection c = TestDb.open(db())) {
      TestDb.exec(c, "CREATE TABLE local_software_release_root16 (path VARCHAR(255))");
      TestDb.exec(c, "INSERT INTO local_software_release_root16 VALUES ('/a')");
      TestDb.exec(c, "INSERT INTO local_software_release_root16 VALUES ('/b')");
      SQLException e = assertThrows(SQLException.class,
          () -> new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c));
      assertTrue(e.getMessage().contains("2 different root paths [/a, /b]"), e.getMessage());
      assertEquals(List.of("local_software_release_root16"), TestDb.tables(c));
    }
  }

  @Test
  void insideTheCallersTransactionTheCallerCommits() throws Exception {
    try (Connection c = TestDb.open(db())) {
      FixtureMigrationTest.loadFixture(c, 16);
      c.setAutoCommit(false);
      TestDb.exec(c, "UPDATE partition16 SET software_type = 'custom' WHERE reference = 'slappart1'");
      new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c);
      c.commit();
      c.setAutoCommit(true);
      assertEquals(TABLES_17, TestDb.tables(c));
      assertEquals(List.of("custom"), TestDb.column(c,
          "SELECT software_type FROM partition17 WHERE reference = 'slappart1'"));
    }
  }

  @Test
  void failureInsideTheCallersTransactionOnlyUndoesTheMigration() throws Exception {
    try (Connection c = TestDb.open(db())) {
      FixtureMigrationTest.loadFixture(c, 16);
      TestDb.exec(c, "ALTER TABLE slave16 ADD COLUMN bogus TEXT");
      c.setAutoCommit(false);
      TestDb.exec(c, "INSERT INTO slave16 (reference, bogus) VALUES ('_s', 'x')");
      assertThrows(SQLException.class, () -> new SchemaUpgrader(db(), "computer").upgradeIfNeeded(c));
      c.commit();
      c.setAutoCommit(true);
      assertTrue(TestDb.tables(c).stream().allMatch(t -> t.toString().endsWith("16")));
      assertEquals(List.of("_s"), TestDb.column(c, "SELECT reference FROM slave16"));
    }
  }

  @Test
  void withoutDatabaseFileTheMigrationSkipsTheBackup() throws Exception {
    try (Connection c = TestDb.open(db()); LogCapture log = new LogCapture(SchemaUpgrader.class)) {
      FixtureMigrationTest.loadFixture(c, 12);
      new SchemaUpgrader(null, "computer").upgradeIfNeeded(c);
      assertEquals(TABLES_17, TestDb.tables(c));
      assertEquals(List.of(), backups());
      assertEquals(List.of("Old schema detected: Migrating old tables..."), log.messages(Level.INFO));
      assertEquals(1, log.messages(Level.WARN).size());
    }
  }

  @Test
  void backupNamesFollowPythonIsoformatAndDoNotCollide() throws Exception {
    LocalDateTime time = LocalDateTime.of(2024, 2, 29, 13, 5, 9, 120_000_999);
    Path first = Backups.name(db(), "16to17-", time);
    assertEquals(dir.resolve("proxy.db-backup-16to17-2024-02-29T13:05:09.120000.sql"), first);
    Files.createFile(first);
    assertEquals(dir.resolve("proxy.db-backup-16to17-2024-02-29T13:05:09.120001.sql"),
        Backups.name(db(), "16to17-", time));
    assertEquals(dir.resolve("proxy.db-backup-2024-02-29T13:05:09.sql"),
        Backups.name(db(), "", time.withNano(0)));
  }
}
