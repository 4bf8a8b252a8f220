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
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviours of slapos.core's {@code TestLocalSoftwareReleaseRootPathMigration}:
 * a tree {@code <tmp>/<n>} holding the local software release root
 * {@code <tmp>/<n>/opt} "moves" to {@code <tmp>/<n+1>}.
 */
class SoftwareReleaseRootRebaserTest {

  @TempDir
  Path tmp;

  private Path db;
  private Connection c;
  private SoftwareReleaseRootRebaser rebaser;

  @BeforeEach
  void createDatabase() throws Exception {
    db = tmp.resolve("proxy.db");
    c = TestDb.open(db);
    new SchemaUpgrader(db, "computer").upgradeIfNeeded(c);
    rebaser = new SoftwareReleaseRootRebaser(db);
    // first start with the root configured: coming from "/", that is a subpath, nothing is rebased
    rebaser.rebaseIfNeeded(c, localRoot(0));
    assertEquals(List.of(localRoot(0)), storedRoot());
    assertEquals(List.of(), backups());
  }

  @AfterEach
  void close() throws Exception {
    c.close();
  }

  private String rootDir(int n) {
    return tmp.resolve(Integer.toString(n)).toString();
  }

  private String localRoot(int n) {
    return rootDir(n) + "/opt";
  }

  private String localUrl(int n) {
    return localRoot(n) + "/soft/software.cfg";
  }

  private void supply(String url) throws SQLException {
    TestDb.exec(c, "INSERT INTO software17 (url) VALUES (?)", url);
  }

  private void request(String partition, String url) throws SQLException {
    TestDb.exec(c, "INSERT INTO partition17 (reference, slap_state, software_release, partition_reference)"
        + " VALUES (?, 'busy', ?, ?)", partition, url, "instance-" + partition);
  }

  private List<Object> softwareUrls() throws SQLException {
    return TestDb.column(c, "SELECT url FROM software17 ORDER BY rowid");
  }

  private List<Object> partitionUrls() throws SQLException {
    return TestDb.column(c, "SELECT software_release FROM partition17 ORDER BY rowid");
  }

  private List<Object> storedRoot() throws SQLException {
    return TestDb.column(c, "SELECT value FROM config17 WHERE name = 'local_software_release_root'");
  }

  private List<Path> backups() throws Exception {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(p -> p.getFileName().toString().startsWith("proxy.db-backup-")).sorted()
          .collect(Collectors.toList());
    }
  }

  private void checkMove(String initialUrl, String expectedUrl, String newLocalRoot) throws Exception {
    supply(initialUrl);
    request("slappart0", initialUrl);
    rebaser.rebaseIfNeeded(c, newLocalRoot);
    assertEquals(List.of(expectedUrl), softwareUrls());
    assertEquals(List.of(expectedUrl), partitionUrls());
    assertEquals(List.of(newLocalRoot), storedRoot());
  }

  @Test
  void localUrlsFollowTheMovedRoot() throws Exception {
    checkMove(localUrl(0), localUrl(1), localRoot(1));
    assertEquals(1, backups().size());
  }

  @Test
  void localPathsOutsideTheRootStay() throws Exception {
    String url = rootDir(0) + "/srv/software.cfg";
    checkMove(url, url, localRoot(1));
  }

  @Test
  void httpUrlsStay() throws Exception {
    checkMove("http://sr//", "http://sr//", localRoot(1));
  }

  @Test
  void httpsUrlsStay() throws Exception {
    checkMove("https://sr//", "https://sr//", localRoot(1));
  }

  @Test
  void freePartitionsAndOtherSchemesStay() throws Exception {
    TestDb.exec(c, "INSERT INTO partition17 (reference) VALUES ('slappart9')");
    supply("file://" + localUrl(0));
    supply("");
    rebaser.rebaseIfNeeded(c, localRoot(1));
    assertEquals(Collections.singletonList(null), partitionUrls());
    assertEquals(List.of("file://" + localUrl(0), ""), softwareUrls());
  }

  @Test
  void fiveSuccessiveMoves() throws Exception {
    supply(localUrl(0));
    request("slappart0", localUrl(0));
    for (int n = 1; n <= 5; n++) {
      rebaser.rebaseIfNeeded(c, localRoot(n));
      assertEquals(List.of(localUrl(n)), softwareUrls());
      assertEquals(List.of(localUrl(n)), partitionUrls());
      assertEquals(List.of(localRoot(n)), storedRoot());
    }
    assertEquals(5, backups().size());
  }

  @Test
  void moveLogsAndBackup() throws Exception {
    String oldRoot = localRoot(0);
    String subpathUrl = localUrl(0);
    String notSubpathUrl = rootDir(0) + "/srv/soft/software.cfg";
    String httpUrl = "https://sr//";
    int i = 0;
    for (String url : List.of(subpathUrl, notSubpathUrl, httpUrl)) {
      supply(url);
      request("slappart" + i++, url);
    }
    String before = TestDb.dump(c);

    try (LogCapture log = new LogCapture(SoftwareReleaseRootRebaser.class)) {
      rebaser.rebaseIfNeeded(c, localRoot(1));

      Path backup = (Path) log.arguments("Backuping database to {}")[0];
      assertEquals(List.of(
          "Backuping database to " + backup,
          "Rebase URLs on local software release root path",
          "Old root path: " + oldRoot,
          "New root path: " + localRoot(1)), log.messages(Level.INFO));
      assertEquals(List.of(backup), backups());
      assertTrue(backup.getFileName().toString().matches(
          "proxy\\.db-backup-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\.sql"), backup.toString());
      String dump = Files.readString(backup);
      assertTrue(dump.contains("CREATE TABLE"));
      assertTrue(dump.contains("INSERT INTO"));
      // the backup is the database as it was before the rebase
      assertEquals(before, dump);

      List<String> perUrl = List.of(
          "Examining URL " + subpathUrl,
          "  Migrate to rebased URL " + localUrl(1),
          "Examining URL " + notSubpathUrl,
          "  Do not rebase because it is not a subpath of " + oldRoot,
          "Examining URL " + httpUrl,
          "  Do not rebase because it is not a path");
      // software17 rows, then partition17 rows
      assertEquals(Stream.concat(perUrl.stream(), perUrl.stream()).collect(Collectors.toList()),
          log.messages(Level.DEBUG));
    }
  }

  @Test
  void moveToSubpathDoesNotRebase() throws Exception {
    String url = localUrl(0);
    try (LogCapture log = new LogCapture(SoftwareReleaseRootRebaser.class)) {
      checkMove(url, url, localRoot(0) + "/soft");
      assertEquals(List.of("Do not rebase any URLs because " + localRoot(0) + "/soft is a subpath of " + localRoot(0)),
          log.messages(Level.INFO));
    }
    assertEquals(List.of(), backups());
  }

  @Test
  void moveToSuperpathDoesNotRebase() throws Exception {
    String url = localUrl(0);
    try (LogCapture log = new LogCapture(SoftwareReleaseRootRebaser.class)) {
      checkMove(url, url, tmp.toString());
      assertEquals(List.of("Do not rebase any URLs because " + tmp + " is a superpath of " + localRoot(0)),
          log.messages(Level.INFO));
    }
    assertEquals(List.of(), backups());
  }

  @Test
  void moveToParentDoesNotRebase() throws Exception {
    String url = localUrl(0);
    checkMove(url, url, rootDir(0));
    assertEquals(List.of(), backups());
  }

  private String createSoftware(int n) throws Exception {
    Path file = Path.of(localUrl(n));
    Files.createDirectories(file.getParent());
    Files.createFile(file);
    return file.toString();
  }

  @Test
  void urlOfAnExistingFileStaysWhenTheNewFileIsMissing() throws Exception {
    String initialUrl = createSoftware(0);
    Files.createDirectories(Path.of(rootDir(1)));
    try (LogCapture log = new LogCapture(SoftwareReleaseRootRebaser.class)) {
      checkMove(initialUrl, initialUrl, localRoot(1));
      assertTrue(log.messages(Level.DEBUG).contains(
          "  Do not rebase because it refers to an existing file but " + localUrl(1) + " does not"));
    }
  }

  @Test
  void urlIsRebasedWhenBothFilesExist() throws Exception {
    String initialUrl = createSoftware(0);
    String expectedUrl = createSoftware(1);
    checkMove(initialUrl, expectedUrl, localRoot(1));
  }

  @Test
  void sameRootDoesNothing() throws Exception {
    Path file = tmp.resolve("fresh.db");
    try (Connection fresh = TestDb.open(file)) {
      new SchemaUpgrader(file, "computer").upgradeIfNeeded(fresh);
      SoftwareReleaseRootRebaser freshRebaser = new SoftwareReleaseRootRebaser(file);
      freshRebaser.rebaseIfNeeded(fresh, null);
      freshRebaser.rebaseIfNeeded(fresh, "");
      freshRebaser.rebaseIfNeeded(fresh, "/");
      assertEquals(List.of(), TestDb.rows(fresh, "SELECT * FROM config17"));
    }
    String before = TestDb.dump(c);
    rebaser.rebaseIfNeeded(c, localRoot(0));
    assertEquals(before, TestDb.dump(c));
  }

  @Test
  void failedRebaseChangesNothing() throws Exception {
    // both the old and the rebased URL are supplied to the same computer: rebasing breaks the key
    supply(localUrl(0));
    supply(localUrl(1));
    request("slappart0", localUrl(0));
    String before = TestDb.dump(c);
    SQLException e = assertThrows(SQLException.class, () -> rebaser.rebaseIfNeeded(c, localRoot(1)));
    assertTrue(e.getMessage().startsWith("Cannot rebase software17.url from " + localUrl(0) + " to " + localUrl(1)),
        e.getMessage());
    assertEquals(before, TestDb.dump(c));
    assertEquals(List.of(localRoot(0)), storedRoot());
  }

  @Test
  void insideTheCallersTransactionTheCallerCommits() throws Exception {
    supply(localUrl(0));
    c.setAutoCommit(false);
    rebaser.rebaseIfNeeded(c, localRoot(1));
    c.rollback();
    c.setAutoCommit(true);
    assertEquals(List.of(localUrl(0)), softwareUrls());
    assertEquals(List.of(localRoot(0)), storedRoot());

    c.setAutoCommit(false);
    rebaser.rebaseIfNeeded(c, localRoot(1));
    c.commit();
    c.setAutoCommit(true);
    assertEquals(List.of(localUrl(1)), softwareUrls());
    assertEquals(List.of(localRoot(1)), storedRoot());
  }

  @Test
  void storedRootDefaultsToSlashAfterAMigration() throws Exception {
    Path file = tmp.resolve("old.db");
    try (Connection old = TestDb.open(file)) {
      FixtureMigrationTest.loadFixture(old, 14);
      new SchemaUpgrader(file, "computer").upgradeIfNeeded(old);
      assertEquals(List.of(), TestDb.rows(old, "SELECT * FROM config17"));
      // from "/" any other root is a subpath: URLs stay
      new SoftwareReleaseRootRebaser(file).rebaseIfNeeded(old, "/srv/slapgrid");
      assertEquals(List.of(row("/srv/slapgrid//srv//runner/project//slapos/software.cfg")),
          TestDb.rows(old, "SELECT url FROM software17"));
      // moving it elsewhere rebases the (normalised) relative path
      new SoftwareReleaseRootRebaser(file).rebaseIfNeeded(old, "/home/runner");
      assertEquals(List.of(row("/home/runner/srv/runner/project/slapos/software.cfg")),
          TestDb.rows(old, "SELECT url FROM software17"));
    }
  }
}
