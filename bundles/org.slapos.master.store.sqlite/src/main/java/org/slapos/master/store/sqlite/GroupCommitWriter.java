package org.slapos.master.store.sqlite;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Duration;
import java.util.function.Function;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the database, with group commit. Callers queue their work and wait; one
 * thread owns the writer connection and runs whatever is queued, up to a batch size, in one
 * {@code BEGIN IMMEDIATE} transaction, each piece of work in its own savepoint: a piece that fails
 * is rolled back alone and its caller gets its error, the others are kept. The batch is then
 * committed once ({@code synchronous=FULL}: one fsync of the WAL for the whole batch), and only
 * then is each caller answered. So concurrent writers share the cost of a durable commit, no
 * acknowledged write can be lost by a crash, and the work still runs one piece at a time on one
 * connection (an allocation sees every earlier one).
 *
 * <p>If the savepoint of a failed piece cannot be rolled back, or the commit fails, SQLite may have
 * undone the whole transaction: every caller of the batch then gets the storage error, and nothing
 * of the batch is acknowledged.
 */
final class GroupCommitWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final String SAVEPOINT = "slapos_write";

  /** A queued piece of work and the caller's answer. */
  private record Pending<T>(Database.Work<T> work, CompletableFuture<T> answer) {
    void fail(Throwable failure) {
      answer.completeExceptionally(failure);
    }
  }

  /** Queued by {@link #close()} after the last accepted work: the writer stops when it reaches it. */
  private static final Pending<Void> STOP = new Pending<>(sql -> null, new CompletableFuture<>());

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Sql writer;
  private final int maxBatch;
  private final Function<SQLException, MasterStoreException> storage;
  private final Runnable afterChange;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  /** Guards {@link #closed} against a submit racing with close: nothing is queued after STOP. */
  private final Object submitLock = new Object();
  private boolean closed;
  private final Thread thread;
  private final AtomicLong batches = new AtomicLong();

  /**
   * @param writer the writer connection, used by the writer thread only from now on
   * @param maxBatch the most pieces of work committed together
   * @param storage turns an SQL error into the store's error
   * @param afterChange run after each commit that changed data (before the callers are answered)
   */
  GroupCommitWriter(Sql writer, String name, int maxBatch, Function<SQLException, MasterStoreException> storage,
      Runnable afterChange) {
    this.writer = writer;
    this.maxBatch = Math.max(1, maxBatch);
    this.storage = storage;
    this.afterChange = afterChange;
    this.thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code work} in a write transaction and returns its result once it is committed. The wait
   * is not interruptible: the answer must say whether the write happened, and the writer always
   * answers (an SQLite lock held by another process is bounded by the busy timeout).
   */
  <T> T submit(Database.Work<T> work) throws MasterStoreException {
    CompletableFuture<T> answer = new CompletableFuture<>();
    synchronized (submitLock) {
      if (closed) {
        throw closedError();
      }
      queue.add(new Pending<>(work, answer));
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return answer.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof MasterStoreException m) {
            throw m;
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error error) {
            throw error;
          }
          throw new MasterStoreException(Code.STORAGE, "Write failed: " + cause.getMessage(), cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Pieces of work waiting for the writer (tests). */
  int queued() {
    return queue.size();
  }

  /** Batches committed so far (tests, figures). */
  long batches() {
    return batches.get();
  }

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>(maxBatch);
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        // Only close() stops the writer, through STOP; an interrupt alone is not a reason to drop work.
        continue;
      }
      queue.drainTo(batch, maxBatch - 1);
      int stop = batch.indexOf(STOP);
      List<Pending<?>> work = stop < 0 ? batch : batch.subList(0, stop);
      if (!work.isEmpty()) {
        try {
          runBatch(work);
        } catch (Throwable unexpected) {
          // Whatever happens, the writer keeps serving and no caller waits forever.
          LOG.error("Database writer failed on a batch of {} writes", work.size(), unexpected);
          rollbackQuietly();
          failAll(work, new MasterStoreException(Code.STORAGE, "Write failed: " + unexpected, unexpected));
        }
      }
      if (stop >= 0) {
        return;
      }
      batch.clear();
    }
  }

  private void runBatch(List<Pending<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    long changesBefore;
    try {
      changesBefore = writer.totalChanges();
      writer.exec("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      failAll(batch, storage.apply(e));
      return;
    }
    try {
      if (batch.size() == 1) {
        // Alone in its transaction: a failure rolls the transaction back, no savepoint needed.
        Object result = runAlone(batch.get(0));
        if (result instanceof Failure) {
          rollbackQuietly();
          answer(batch.get(0), result);
          return;
        }
        results.add(result);
      } else {
        for (Pending<?> pending : batch) {
          results.add(runOne(pending));
        }
      }
      boolean changed = writer.totalChanges() != changesBefore;
      writer.exec("COMMIT");
      batches.incrementAndGet();
      if (changed) {
        afterChange.run();
      }
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      LOG.warn("Write transaction of {} requests rolled back: {}", batch.size(), e.toString());
      failAll(batch, e instanceof SQLException sql ? storage.apply(sql)
          : new MasterStoreException(Code.STORAGE, "Write failed: " + e, e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      answer(batch.get(i), results.get(i));
    }
  }

  /** The result of one piece of work, or its failure (a {@link Failure}) once its savepoint is undone. */
  private Object runOne(Pending<?> pending) throws SQLException {
    writer.exec("SAVEPOINT " + SAVEPOINT);
    Object result;
    try {
      result = pending.work().run(writer);
    } catch (Exception | Error e) {
      // Throws if SQLite already undid the whole transaction: then the batch fails as a whole.
      writer.exec("ROLLBACK TO " + SAVEPOINT);
      writer.exec("RELEASE " + SAVEPOINT);
      return new Failure(e instanceof SQLException sql ? storage.apply(sql) : e);
    }
    writer.exec("RELEASE " + SAVEPOINT);
    return result;
  }

  private Object runAlone(Pending<?> pending) {
    try {
      return pending.work().run(writer);
    } catch (Exception | Error e) {
      return new Failure(e instanceof SQLException sql ? storage.apply(sql) : e);
    }
  }

  private record Failure(Throwable cause) {
  }

  @SuppressWarnings("unchecked")
  private static <T> void answer(Pending<T> pending, Object result) {
    if (result instanceof Failure failure) {
      pending.fail(failure.cause());
    } else {
      pending.answer().complete((T) result);
    }
  }

  private static void failAll(List<Pending<?>> batch, Throwable failure) {
    for (Pending<?> pending : batch) {
      pending.fail(failure);
    }
  }

  private void rollbackQuietly() {
    try {
      writer.exec("ROLLBACK");
    } catch (SQLException ignored) {
      // the transaction is already gone (SQLite rolls back by itself on some errors)
    }
  }

  private static MasterStoreException closedError() {
    return new MasterStoreException(Code.STORAGE, "The store is closed");
  }

  /** Runs what was queued before, then stops the writer thread; later submits fail. */
  @Override
  public void close() {
    synchronized (submitLock) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    try {
      thread.join(STOP_TIMEOUT.toMillis());
      if (thread.isAlive()) {
        LOG.warn("The database writer did not stop within {}", STOP_TIMEOUT);
      } else {
        writer.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
