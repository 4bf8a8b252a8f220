package org.slapos.master.store.sqlite.schema;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL text dump of a SQLite database, in the format of Python's
 * {@code sqlite3.Connection.iterdump()}: {@code BEGIN TRANSACTION;}, for each
 * table (by name) its {@code CREATE TABLE} statement as stored in
 * {@code sqlite_master} followed by one {@code INSERT INTO "t" VALUES(...);}
 * per row (values rendered by SQLite's {@code quote()}), then indexes,
 * triggers and views, then {@code COMMIT;}. One statement per line (string
 * values may span lines), UTF-8.
 */
public final class SqlDump {

  private SqlDump() {
  }

  /**
   * Writes the dump of the database behind {@code c} to {@code target},
   * replacing it. The rows are read in one transaction (nested in the
   * caller's, if any). A partly written file is deleted on failure.
   */
  public static void write(Connection c, Path target) throws SQLException, IOException {
    boolean complete = false;
    try (Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      try (Transaction tx = Transaction.begin(c, false)) {
        dump(c, out);
        tx.commit();
      }
      complete = true;
    } finally {
      if (!complete) {
        Files.deleteIfExists(target);
      }
    }
  }

  static void dump(Connection c, Writer writer) throws SQLException, IOException {
    BufferedWriter out = writer instanceof BufferedWriter ? (BufferedWriter) writer : new BufferedWriter(writer);
    line(out, "BEGIN TRANSACTION;");
    List<String[]> tables = query(c,
        "SELECT name, sql FROM sqlite_master WHERE sql NOT NULL AND type = 'table' ORDER BY name");
    List<String> sequence = new ArrayList<>();
    boolean writableSchema = false;
    for (String[] table : tables) {
      String name = table[0];
      String sql = table[1];
      if (name.equals("sqlite_sequence")) {
        sequence.add("DELETE FROM \"sqlite_sequence\";");
        for (String[] row : query(c, "SELECT quote(name), quote(seq) FROM \"sqlite_sequence\"")) {
          sequence.add("INSERT INTO \"sqlite_sequence\" VALUES(" + row[0] + "," + row[1] + ");");
        }
        continue;
      } else if (name.equals("sqlite_stat1")) {
        line(out, "ANALYZE \"sqlite_master\";");
      } else if (name.startsWith("sqlite_")) {
        continue;
      } else if (sql.startsWith("CREATE VIRTUAL TABLE")) {
        if (!writableSchema) {
          writableSchema = true;
          line(out, "PRAGMA writable_schema=ON;");
        }
        line(out, "INSERT INTO sqlite_master(type,name,tbl_name,rootpage,sql)VALUES('table',"
            + SqlText.literal(name) + "," + SqlText.literal(name) + ",0," + SqlText.literal(sql) + ");");
      } else {
        line(out, sql + ";");
      }
      writeRows(c, name, out);
    }
    for (String[] other : query(c,
        "SELECT name, sql FROM sqlite_master WHERE sql NOT NULL AND type IN ('index', 'trigger', 'view')")) {
      line(out, other[1] + ";");
    }
    if (writableSchema) {
      line(out, "PRAGMA writable_schema=OFF;");
    }
    for (String statement : sequence) {
      line(out, statement);
    }
    line(out, "COMMIT;");
    out.flush();
  }

  private static void writeRows(Connection c, String table, BufferedWriter out) throws SQLException, IOException {
    List<String> columns = new ArrayList<>();
    for (String[] info : query(c, "PRAGMA table_info(" + SqlText.identifier(table) + ")")) {
      columns.add(info[1]);
    }
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      select.append(i == 0 ? "" : ", ").append("quote(").append(SqlText.identifier(columns.get(i))).append(')');
    }
    select.append(" FROM ").append(SqlText.identifier(table));
    String prefix = "INSERT INTO " + SqlText.identifier(table) + " VALUES(";
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(select.toString())) {
      StringBuilder row = new StringBuilder();
      while (rs.next()) {
        row.setLength(0);
        row.append(prefix);
        for (int i = 1; i <= columns.size(); i++) {
          row.append(i == 1 ? "" : ",").append(rs.getString(i));
        }
        row.append(");");
        line(out, row.toString());
      }
    }
  }

  private static List<String[]> query(Connection c, String sql) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      int width = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] row = new String[width];
        for (int i = 0; i < width; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static void line(BufferedWriter out, String text) throws IOException {
    out.write(text);
    out.write('\n');
  }
}
