package org.slapos.master.store.sqlite.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlDumpTest {

  @TempDir
  Path dir;

  /** The expected text is what CPython's {@code sqlite3.Connection.iterdump()} writes for the same database. */
  @Test
  void writesLikePythonIterdump() throws Exception {
    Path target = dir.resolve("dump.sql");
    Files.writeString(target, "previous content that must go away, and is longer than the dump ".repeat(20));
    try (Connection c = TestDb.open(dir.resolve("db"))) {
      TestDb.script(c, "CREATE TABLE b (x TEXT, y INTEGER, z REAL, w BLOB, v);\n"
          + "INSERT INTO b VALUES('it''s\nmulti', 42, 1.5, x'00ff', NULL);\n"
          + "INSERT INTO b VALUES('é ü', -7, 1e300, x'', 3);\n"
          + "CREATE TABLE \"we\"\"ird\" (\"col \"\"q\"\"\" TEXT PRIMARY KEY) WITHOUT ROWID;\n"
          + "INSERT INTO \"we\"\"ird\" VALUES('k');\n"
          + "CREATE INDEX b_x ON b (x);\n"
          + "CREATE VIEW v AS SELECT x FROM b;\n");
      SqlDump.write(c, target);
    }
    assertEquals("BEGIN TRANSACTION;\n"
        + "CREATE TABLE b (x TEXT, y INTEGER, z REAL, w BLOB, v);\n"
        + "INSERT INTO \"b\" VALUES('it''s\nmulti',42,1.5,X'00FF',NULL);\n"
        + "INSERT INTO \"b\" VALUES('é ü',-7,1.0e+300,X'',3);\n"
        + "CREATE TABLE \"we\"\"ird\" (\"col \"\"q\"\"\" TEXT PRIMARY KEY) WITHOUT ROWID;\n"
        + "INSERT INTO \"we\"\"ird\" VALUES('k');\n"
        + "CREATE INDEX b_x ON b (x);\n"
        + "CREATE VIEW v AS SELECT x FROM b;\n"
        + "COMMIT;\n", Files.readString(target, StandardCharsets.UTF_8));
  }

  @Test
  void autoincrementCountersComeLast() throws Exception {
    try (Connection c = TestDb.open(dir.resolve("db"))) {
      TestDb.script(c, "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, t TEXT);"
          + "INSERT INTO a (t) VALUES ('x');");
      assertEquals("BEGIN TRANSACTION;\n"
          + "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, t TEXT);\n"
          + "INSERT INTO \"a\" VALUES(1,'x');\n"
          + "DELETE FROM \"sqlite_sequence\";\n"
          + "INSERT INTO \"sqlite_sequence\" VALUES('a',1);\n"
          + "COMMIT;\n", TestDb.dump(c));
    }
  }

  @Test
  void dumpRestoresTheSameDatabase() throws Exception {
    Path target = dir.resolve("current.sql");
    String original;
    try (Connection c = TestDb.open(dir.resolve("a.db"))) {
      TestDb.script(c, TestDb.resource("database_dump_version_current.sql"));
      original = TestDb.dump(c);
      SqlDump.write(c, target);
    }
    assertTrue(original.contains("INSERT INTO \"partition17\" VALUES('slappart0','slaprunner','busy',"));
    try (Connection c = TestDb.open(dir.resolve("b.db"))) {
      TestDb.script(c, Files.readString(target));
      assertEquals(original, TestDb.dump(c));
    }
  }

  @Test
  void emptyDatabase() throws Exception {
    try (Connection c = TestDb.open(dir.resolve("db"))) {
      assertEquals("BEGIN TRANSACTION;\nCOMMIT;\n", TestDb.dump(c));
    }
  }
}
