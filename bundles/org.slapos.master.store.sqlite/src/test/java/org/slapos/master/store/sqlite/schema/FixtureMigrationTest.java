package org.slapos.master.store.sqlite.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slapos.master.store.sqlite.schema.TestDb.row;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Migration of the slapproxy test fixtures {@code database_dump_version_{10..16}.sql}
 * (copied from slapos.core's tests) to version 17, with the expectations of
 * slapos.core's {@code TestMigrateVersion*ToLatest.test_automatic_migration}.
 */
class FixtureMigrationTest {

  private static final String SR = "/srv/slapgrid//srv//runner/project//slapos/software.cfg";
  private static final String EMPTY_INSTANCE = "<?xml version='1.0' encoding='utf-8'?>\n<instance/>\n";

  private static String url(String url) {
    return "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"url\">" + url
        + "</parameter>\n</instance>\n";
  }

  static final List<List<Object>> PARTITIONS = List.of(
      row("slappart0", "computer", "busy", SR,
          "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"json\">{\n  \"site-id\": \"erp5\"\n  }\n}</parameter>\n</instance>\n",
          null, null, "production", "slapos", "", "started", null),
      row("slappart1", "computer", "busy", SR, EMPTY_INSTANCE, url("mysql://127.0.0.1:45678/erp5"),
          null, "mariadb", "MariaDB DataBase", "slapos", "started", null),
      row("slappart2", "computer", "busy", SR,
          "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"cloudooo-json\"></parameter>\n</instance>\n",
          url("cloudooo://127.0.0.1:23000/"), null, "cloudooo", "Cloudooo", "slapos", "started", null),
      row("slappart3", "computer", "busy", SR, EMPTY_INSTANCE, url("memcached://127.0.0.1:11000/"),
          null, "memcached", "Memcached", "slapos", "started", null),
      row("slappart4", "computer", "busy", SR, EMPTY_INSTANCE, url("memcached://127.0.0.1:13301/"),
          null, "kumofs", "KumoFS", "slapos", "started", null),
      row("slappart5", "computer", "busy", SR,
          "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
              + "  <parameter id=\"kumofs-url\">memcached://127.0.0.1:13301/</parameter>\n"
              + "  <parameter id=\"memcached-url\">memcached://127.0.0.1:11000/</parameter>\n"
              + "  <parameter id=\"cloudooo-url\">cloudooo://127.0.0.1:23000/</parameter>\n</instance>\n",
          url("https://[fc00::1]:10001"), null, "tidstorage", "TidStorage", "slapos", "started", null),
      row("slappart6", "computer", "free", null, null, null, null, null, null, "", "started", null),
      row("slappart7", "computer", "free", null, null, null, null, null, null, "", "started", null),
      row("slappart8", "computer", "free", null, null, null, null, null, null, "", "started", null),
      row("slappart9", "computer", "free", null, null, null, null, null, null, "", "started", null));

  static List<List<Object>> partitionNetwork() {
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(row("slappart" + i, "computer", "slappart" + i, "127.0.0.1", "255.255.255.255"));
      rows.add(row("slappart" + i, "computer", "slappart" + i, "fc00::1", "ffff:ffff:ffff::"));
    }
    return rows;
  }

  static void loadFixture(Connection c, int version) throws Exception {
    TestDb.script(c, TestDb.resource("database_dump_version_" + version + ".sql"));
  }

  @ParameterizedTest(name = "version {0} to 17")
  @ValueSource(ints = {10, 11, 12, 13, 14, 15, 16})
  void migratesFixtureToLatest(int version, @TempDir Path dir) throws Exception {
    Path db = dir.resolve("proxy.db");
    try (Connection c = TestDb.open(db)) {
      loadFixture(c, version);
      List<Object> oldTables = TestDb.tables(c);
      assertTrue(oldTables.stream().allMatch(t -> t.toString().endsWith(Integer.toString(version))), oldTables::toString);

      try (LogCapture log = new LogCapture(SchemaUpgrader.class)) {
        new SchemaUpgrader(db, "computer").upgradeIfNeeded(c);

        Path backup = (Path) log.arguments("Old schema detected: Creating a backup of current tables at {}")[0];
        assertEquals(List.of(
            "Old schema detected: Creating a backup of current tables at " + backup,
            "Old schema detected: Migrating old tables..."), log.messages(Level.INFO));
        assertEquals(dir, backup.getParent());
        assertTrue(backup.getFileName().toString().matches(
            "proxy\\.db-backup-" + version + "to17-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\.sql"),
            backup.toString());
        String dump = Files.readString(backup, StandardCharsets.UTF_8);
        assertTrue(dump.contains("CREATE TABLE"));
        assertTrue(dump.contains("INSERT INTO"));
        assertTrue(dump.startsWith("BEGIN TRANSACTION;\n"));
        assertTrue(dump.endsWith("COMMIT;\n"));
        // the backup restores the old database
        try (Connection restored = TestDb.open(dir.resolve("restored.db"))) {
          TestDb.script(restored, dump);
          assertEquals(oldTables, TestDb.tables(restored));
          assertEquals(dump, TestDb.dump(restored));
        }
      }

      assertEquals("production", TestDb.column(c,
          "SELECT software_type FROM partition17 WHERE reference = 'slappart0'").get(0));
      assertEquals(List.of(row("computer", "127.0.0.1", "255.255.255.255")),
          TestDb.rows(c, "SELECT * FROM computer17"));
      assertEquals(List.of(row(SR, "computer", "available")), TestDb.rows(c, "SELECT * FROM software17"));
      assertEquals(PARTITIONS, TestDb.rows(c, "SELECT * FROM partition17"));
      assertEquals(List.of(), TestDb.rows(c, "SELECT * FROM slave17"));
      assertEquals(partitionNetwork(), TestDb.rows(c, "SELECT * FROM partition_network17"));
      if (version >= 11) {
        assertEquals(List.of(row("forwarded_instance", "https://bogus/master/url")),
            TestDb.rows(c, "SELECT * FROM forwarded_partition_request17"));
      } else {
        assertEquals(List.of(), TestDb.rows(c, "SELECT * FROM forwarded_partition_request17"));
      }
      assertEquals(version >= 15 ? List.of(row("local_software_release_root", "/")) : List.of(),
          TestDb.rows(c, "SELECT * FROM config17"));
      assertEquals(List.of("computer17", "config17", "forwarded_partition_request17", "partition17",
          "partition_network17", "slave17", "software17"), TestDb.tables(c));

      // a second run finds the current version and does nothing, not even a backup
      String migrated = TestDb.dump(c);
      try (LogCapture log = new LogCapture(SchemaUpgrader.class)) {
        new SchemaUpgrader(db, "computer").upgradeIfNeeded(c);
        assertEquals(List.of(), log.messages(Level.INFO));
      }
      assertEquals(migrated, TestDb.dump(c));
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("proxy.db-backup-"))
            .collect(Collectors.toList()).size());
      }
    }
  }

  @ParameterizedTest(name = "version {0}, then root rebase")
  @ValueSource(ints = {10, 15, 16})
  void migratedFixtureKeepsTheStoredRootForTheRebase(int version, @TempDir Path dir) throws Exception {
    Path db = dir.resolve("proxy.db");
    try (Connection c = TestDb.open(db)) {
      loadFixture(c, version);
      new SchemaUpgrader(db, "computer").upgradeIfNeeded(c);
      // the fixtures' URLs live under /srv; moving the root from / to /srv is a subpath move: no rebase
      new SoftwareReleaseRootRebaser(db).rebaseIfNeeded(c, "/srv");
      assertEquals(List.of(row("local_software_release_root", "/srv")), TestDb.rows(c, "SELECT * FROM config17"));
      assertEquals(List.of(row(SR, "computer", "available")), TestDb.rows(c, "SELECT * FROM software17"));
    }
  }
}
