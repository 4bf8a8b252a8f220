package org.slapos.master.store.sqlite.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small helpers over real SQLite files for the schema tests. */
final class TestDb {

  private TestDb() {
  }

  static Connection open(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  static String resource(String name) {
    try (InputStream in = TestDb.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a script statement by statement (auto-commit connection). */
  static void script(Connection c, String script) throws SQLException {
    try (Statement statement = c.createStatement()) {
      for (String sql : SqlText.split(script)) {
        statement.execute(sql);
      }
    }
  }

  static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      statement.executeUpdate();
    }
  }

  static List<List<Object>> rows(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        int width = rs.getMetaData().getColumnCount();
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= width; i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  static List<Object> column(Connection c, String sql, Object... args) throws SQLException {
    List<Object> values = new ArrayList<>();
    for (List<Object> row : rows(c, sql, args)) {
      values.add(row.get(0));
    }
    return values;
  }

  static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  static List<Object> tables(Connection c) throws SQLException {
    return column(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  }

  static String dump(Connection c) throws SQLException {
    StringWriter out = new StringWriter();
    try {
      SqlDump.dump(c, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
