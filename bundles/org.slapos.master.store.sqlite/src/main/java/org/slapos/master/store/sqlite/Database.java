package org.slapos.master.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConfig.JournalMode;
import org.sqlite.SQLiteConfig.SynchronousMode;

/**
 * The SQLite file behind the store: one writer connection used by one operation at a time, and a
 * bounded pool of read-only connections for concurrent readers.
 *
 * <p>Writes run in {@code BEGIN IMMEDIATE} transactions, so the write lock is taken before anything
 * is read: an allocation sees every earlier allocation and no other process can slip in between.
 * The journal is WAL with {@code synchronous=FULL}: a committed transaction is on disk before the
 * caller gets its answer, and readers never block the writer.
 */
final class Database implements AutoCloseable {

  /** Work done inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException, MasterStoreException;
  }

  private final Path file;
  private final int busyTimeoutMs;
  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final BlockingQueue<Connection> idleReaders;
  private final List<Connection> allReaders = new ArrayList<>();
  private final int readerPoolSize;
  private volatile boolean closed;
  /** Incremented after every commit, ours or (once noticed) another process's; guarded by writeLock for writes. */
  private volatile long generation;
  /** The writer's last {@code PRAGMA data_version}: it changes only when another process commits. */
  private long externalDataVersion = -1;

  Database(Path file, int readerPoolSize, int busyTimeoutMs) throws SQLException {
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.readerPoolSize = Math.max(1, readerPoolSize);
    this.idleReaders = new ArrayBlockingQueue<>(this.readerPoolSize);
    this.writer = open(false);
  }

  Path file() {
    return file;
  }

  /** The writer connection, for one-time work at activation (schema upgrade); callers hold no lock. */
  Connection writerForSetup() {
    return writer;
  }

  private Connection open(boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(busyTimeoutMs);
    if (readOnly) {
      // The writer has switched the file to WAL already; a read-only connection cannot.
      config.setReadOnly(true);
    } else {
      config.setJournalMode(JournalMode.WAL);
      config.setSynchronous(SynchronousMode.FULL);
    }
    return config.createConnection("jdbc:sqlite:" + file);
  }

  /** Runs {@code work} in one write transaction; commits when it returns, rolls back when it throws. */
  <T> T write(Work<T> work) throws MasterStoreException {
    writeLock.lock();
    try {
      checkOpen();
      exec(writer, "BEGIN IMMEDIATE");
      boolean committed = false;
      try {
        T result = work.run(writer);
        exec(writer, "COMMIT");
        committed = true;
        generation++;
        return result;
      } finally {
        if (!committed) {
          rollbackQuietly(writer);
        }
      }
    } catch (SQLException e) {
      throw storage(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * A number that changes whenever the data may have changed: after each of our writes, and when a
   * write by another process (another program using the same file) is noticed. Data read after this
   * call is at least as new as the returned generation, so a value derived from it may be cached
   * under that generation.
   */
  long generation() throws MasterStoreException {
    writeLock.lock();
    try {
      checkOpen();
      long version;
      try (Statement s = writer.createStatement(); java.sql.ResultSet rs = s.executeQuery("PRAGMA data_version")) {
        version = rs.next() ? rs.getLong(1) : 0;
      }
      if (version != externalDataVersion) {
        externalDataVersion = version;
        generation++;
      }
      return generation;
    } catch (SQLException e) {
      throw storage(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs {@code work} in one read transaction, on a pooled read-only connection (consistent snapshot). */
  <T> T read(Work<T> work) throws MasterStoreException {
    Connection c = borrowReader();
    try {
      exec(c, "BEGIN");
      try {
        return work.run(c);
      } finally {
        exec(c, "COMMIT");
      }
    } catch (SQLException e) {
      throw storage(e);
    } finally {
      idleReaders.offer(c);
    }
  }

  private Connection borrowReader() throws MasterStoreException {
    checkOpen();
    Connection c = idleReaders.poll();
    if (c != null) {
      return c;
    }
    synchronized (allReaders) {
      if (allReaders.size() < readerPoolSize) {
        try {
          Connection created = open(true);
          allReaders.add(created);
          return created;
        } catch (SQLException e) {
          throw storage(e);
        }
      }
    }
    try {
      return idleReaders.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MasterStoreException(Code.STORAGE, "Interrupted while waiting for a database connection", e);
    }
  }

  private void checkOpen() throws MasterStoreException {
    if (closed) {
      throw new MasterStoreException(Code.STORAGE, "The store is closed");
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException ignored) {
      // the transaction is already gone (SQLite rolls back by itself on some errors)
    }
  }

  MasterStoreException storage(SQLException e) {
    return new MasterStoreException(Code.STORAGE, "Database " + file + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    closed = true;
    writeLock.lock();
    try {
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
    }
    synchronized (allReaders) {
      for (Connection c : allReaders) {
        closeQuietly(c);
      }
      allReaders.clear();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
