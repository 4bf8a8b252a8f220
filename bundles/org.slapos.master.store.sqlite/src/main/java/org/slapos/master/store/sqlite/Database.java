package org.slapos.master.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConfig.JournalMode;
import org.sqlite.SQLiteConfig.SynchronousMode;

/**
 * The SQLite file behind the store: one writer connection owned by the {@link GroupCommitWriter},
 * and a bounded pool of read-only connections for concurrent readers.
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
    T run(Sql sql) throws SQLException, MasterStoreException;
  }

  /** One-time work on the writer connection before the writer starts (schema upgrade). */
  @FunctionalInterface
  interface Setup {
    void run(Connection writer) throws SQLException;
  }

  private final Path file;
  private final int busyTimeoutMs;
  private final GroupCommitWriter writer;
  private final BlockingQueue<Sql> idleReaders;
  private final List<Sql> allReaders = new ArrayList<>();
  private final int readerPoolSize;
  /** Asks {@code PRAGMA data_version} for {@link #generation()}; guarded by itself. */
  private final Sql monitor;
  private volatile boolean closed;
  /** Incremented after every commit that changed data, ours or (once noticed) another process's. */
  private final AtomicLong generation = new AtomicLong();
  /** The monitor's last {@code PRAGMA data_version}: it changes when another connection commits. */
  private long dataVersion = -1;

  /**
   * @param maxBatch the most writes committed in one transaction
   */
  Database(Path file, int readerPoolSize, int busyTimeoutMs, int maxBatch, Setup setup) throws SQLException {
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.readerPoolSize = Math.max(1, readerPoolSize);
    this.idleReaders = new ArrayBlockingQueue<>(this.readerPoolSize);
    Sql writerConnection = new Sql(open(false));
    Sql monitorConnection = null;
    try {
      setup.run(writerConnection.connection());
      monitorConnection = new Sql(open(true));
    } catch (SQLException | RuntimeException e) {
      writerConnection.close();
      throw e;
    }
    this.monitor = monitorConnection;
    this.writer = new GroupCommitWriter(writerConnection, "slapos-store-writer " + file.getFileName(), maxBatch,
        this::storage, generation::incrementAndGet);
  }

  Path file() {
    return file;
  }

  /** The writer, for tests that look at its queue and batches. */
  GroupCommitWriter writer() {
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

  /**
   * Runs {@code work} in a write transaction, possibly together with other writers' work (group
   * commit), and returns once it is committed; if it throws, its own changes are undone.
   */
  <T> T write(Work<T> work) throws MasterStoreException {
    checkOpen();
    return writer.submit(work);
  }

  /**
   * A number that changes whenever the data may have changed: after each of our writes that changed
   * something, and when a write by another process (another program using the same file) is
   * noticed. Data read after this call is at least as new as the returned generation, so a value
   * derived from it may be cached under that generation.
   */
  long generation() throws MasterStoreException {
    checkOpen();
    synchronized (monitor) {
      try {
        long version = monitor.number("PRAGMA data_version");
        if (version != dataVersion) {
          dataVersion = version;
          generation.incrementAndGet();
        }
        return generation.get();
      } catch (SQLException e) {
        throw storage(e);
      }
    }
  }

  /** Runs {@code work} in one read transaction, on a pooled read-only connection (consistent snapshot). */
  <T> T read(Work<T> work) throws MasterStoreException {
    Sql c = borrowReader();
    try {
      c.exec("BEGIN");
      try {
        return work.run(c);
      } finally {
        c.exec("COMMIT");
      }
    } catch (SQLException e) {
      throw storage(e);
    } finally {
      idleReaders.offer(c);
    }
  }

  private Sql borrowReader() throws MasterStoreException {
    checkOpen();
    Sql c = idleReaders.poll();
    if (c != null) {
      return c;
    }
    synchronized (allReaders) {
      if (allReaders.size() < readerPoolSize) {
        try {
          Sql created = new Sql(open(true));
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

  MasterStoreException storage(SQLException e) {
    return new MasterStoreException(Code.STORAGE, "Database " + file + ": " + e.getMessage(), e);
  }

  /** Finishes the queued writes, then closes every connection. */
  @Override
  public void close() {
    closed = true;
    writer.close();
    synchronized (monitor) {
      monitor.close();
    }
    synchronized (allReaders) {
      for (Sql c : allReaders) {
        c.close();
      }
      allReaders.clear();
    }
  }
}
