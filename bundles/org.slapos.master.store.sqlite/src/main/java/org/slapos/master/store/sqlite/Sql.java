package org.slapos.master.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * One connection with its prepared statements kept for reuse: preparing a statement costs about as
 * much as running the small queries of the store, and the store runs the same few dozen statements
 * over and over. Results are always read completely before returning, so a cached statement is never
 * busy when it is used again. Not thread-safe: one thread uses it at a time (the writer thread, or
 * the borrower of a pooled reader).
 */
final class Sql implements AutoCloseable {

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Enough for every statement the store writes (a few dynamic variants included). */
  private static final int CACHED_STATEMENTS = 128;

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(64, 0.75f, true);

  Sql(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  private PreparedStatement prepared(String sql, Object... args) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
      if (statements.size() > CACHED_STATEMENTS) {
        Iterator<PreparedStatement> eldest = statements.values().iterator();
        PreparedStatement evicted = eldest.next();
        eldest.remove();
        evicted.close();
      }
    }
    bind(statement, args);
    return statement;
  }

  /** Runs a statement without result (transaction control, pragmas that answer nothing). */
  void exec(String sql) throws SQLException {
    prepared(sql).execute();
  }

  int update(String sql, Object... args) throws SQLException {
    return prepared(sql, args).executeUpdate();
  }

  <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (ResultSet rs = prepared(sql, args).executeQuery()) {
      List<T> result = new ArrayList<>();
      while (rs.next()) {
        result.add(mapper.map(rs));
      }
      return result;
    }
  }

  /** The first row mapped, or null when there is none. */
  <T> T first(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (ResultSet rs = prepared(sql, args).executeQuery()) {
      return rs.next() ? mapper.map(rs) : null;
    }
  }

  List<String> strings(String sql, Object... args) throws SQLException {
    return list(sql, rs -> rs.getString(1), args);
  }

  /** The first column of the first row as a number (0 when there is no row). */
  long number(String sql, Object... args) throws SQLException {
    Long value = first(sql, rs -> rs.getLong(1), args);
    return value == null ? 0 : value;
  }

  /** Rows changed by this connection since it was opened, rolled back ones included. */
  long totalChanges() throws SQLException {
    return connection.unwrap(SQLiteConnection.class).getDatabase().total_changes();
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object value = args[i];
      if (value == null) {
        s.setNull(i + 1, Types.VARCHAR);
      } else if (value instanceof String string) {
        s.setString(i + 1, string);
      } else if (value instanceof Double d) {
        s.setDouble(i + 1, d);
      } else if (value instanceof Long l) {
        s.setLong(i + 1, l);
      } else {
        s.setObject(i + 1, value);
      }
    }
  }

  /** Closes the statements and the connection. */
  @Override
  public void close() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
