package org.slapos.master.store.sqlite.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One SQLite transaction on a caller's connection, rolled back unless
 * {@link #commit()} was called.
 *
 * <p>A writing transaction on a connection in auto-commit mode (the slapproxy
 * way) is a real {@code BEGIN IMMEDIATE} ... {@code COMMIT}. Otherwise the work
 * runs in a {@code SAVEPOINT}: outside any transaction SQLite makes it a
 * (deferred) transaction of its own; inside the caller's transaction (JDBC
 * auto-commit off, or one of ours) it nests, is undone on failure and is left
 * for the caller to commit otherwise.
 */
final class Transaction implements AutoCloseable {

  private static final String SAVEPOINT = "slapos_schema";

  private final Connection connection;
  private final boolean nested;
  private boolean done;

  private Transaction(Connection connection, boolean nested) {
    this.connection = connection;
    this.nested = nested;
  }

  /**
   * @param write whether the transaction will write: at top level it then
   *     takes the write lock at once ({@code BEGIN IMMEDIATE}), so that two
   *     processes opening the same file cannot both decide to migrate it
   */
  static Transaction begin(Connection connection, boolean write) throws SQLException {
    boolean nested = !(write && connection.getAutoCommit());
    exec(connection, nested ? "SAVEPOINT " + SAVEPOINT : "BEGIN IMMEDIATE");
    return new Transaction(connection, nested);
  }

  void commit() throws SQLException {
    if (done) {
      throw new IllegalStateException("transaction already ended");
    }
    exec(connection, nested ? "RELEASE " + SAVEPOINT : "COMMIT");
    done = true;
  }

  /** Rolls back unless committed. */
  @Override
  public void close() throws SQLException {
    if (done) {
      return;
    }
    done = true;
    if (nested) {
      exec(connection, "ROLLBACK TO " + SAVEPOINT);
      exec(connection, "RELEASE " + SAVEPOINT);
    } else {
      exec(connection, "ROLLBACK");
    }
  }

  private static void exec(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
