package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;

/** The single writer commits concurrent writes together, each undone alone when it fails. */
class GroupCommitTest {
  private static final long TIMEOUT_S = 30;

  @TempDir
  Path dir;

  private Database db;
  private ExecutorService callers;

  @BeforeEach
  void open() throws Exception {
    db = new Database(dir.resolve("t.db"), 2, 10_000, 64, writer -> {
      try (Statement s = writer.createStatement()) {
        s.execute("CREATE TABLE t (name TEXT PRIMARY KEY)");
      }
    });
    callers = Executors.newCachedThreadPool();
  }

  @AfterEach
  void close() throws InterruptedException {
    callers.shutdownNow();
    assertTrue(callers.awaitTermination(TIMEOUT_S, TimeUnit.SECONDS));
    db.close();
  }

  private List<String> names() throws MasterStoreException {
    return db.read(sql -> sql.strings("SELECT name FROM t ORDER BY name"));
  }

  /** Holds the writer inside a write until the returned latch is counted down. */
  private CountDownLatch holdWriter() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    callers.submit(() -> db.write(sql -> {
      inside.countDown();
      try {
        release.await(TIMEOUT_S, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while holding the writer", e);
      }
      return sql.update("INSERT INTO t VALUES ('holder')");
    }));
    assertTrue(inside.await(TIMEOUT_S, TimeUnit.SECONDS));
    return release;
  }

  private void awaitQueued(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (db.writer().queued() < count) {
      assertTrue(System.nanoTime() < deadline, "writes were not queued");
      Thread.onSpinWait();
    }
  }

  @Test
  void concurrentWritesShareOneCommitAndAFailureIsUndoneAlone() throws Exception {
    CountDownLatch release = holdWriter();
    long batchesBefore = db.writer().batches();
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String name = "w" + i;
      boolean fails = i == 2;
      answers.add(callers.submit(() -> db.write(sql -> {
        sql.update("INSERT INTO t VALUES (?)", name);
        if (fails) {
          throw new MasterStoreException(Code.BAD_REQUEST, "refused " + name);
        }
        return 1;
      })));
    }
    awaitQueued(5);
    release.countDown();

    for (int i = 0; i < 5; i++) {
      if (i == 2) {
        Future<Integer> failed = answers.get(i);
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals("refused w2", e.getCause().getMessage());
      } else {
        assertEquals(1, answers.get(i).get(TIMEOUT_S, TimeUnit.SECONDS));
      }
    }
    assertEquals(List.of("holder", "w0", "w1", "w3", "w4"), names());
    // The holder's batch, then one batch for the five queued writes.
    assertEquals(batchesBefore + 2, db.writer().batches());
  }

  @Test
  void anSqlErrorIsTheCallersOnly() throws Exception {
    db.write(sql -> sql.update("INSERT INTO t VALUES ('taken')"));
    CountDownLatch release = holdWriter();
    Future<Integer> duplicate = callers.submit(() -> db.write(sql -> sql.update("INSERT INTO t VALUES ('taken')")));
    Future<Integer> fine = callers.submit(() -> db.write(sql -> sql.update("INSERT INTO t VALUES ('fine')")));
    awaitQueued(2);
    release.countDown();

    ExecutionException e = assertThrows(ExecutionException.class, () -> duplicate.get(TIMEOUT_S, TimeUnit.SECONDS));
    assertEquals(Code.STORAGE, ((MasterStoreException) e.getCause()).code());
    assertEquals(1, fine.get(TIMEOUT_S, TimeUnit.SECONDS));
    assertEquals(List.of("fine", "holder", "taken"), names());
  }

  @Test
  void aLoneFailingWriteIsRolledBack() throws Exception {
    assertThrows(MasterStoreException.class, () -> db.write(sql -> {
      sql.update("INSERT INTO t VALUES ('half')");
      throw new MasterStoreException(Code.NOT_FOUND, "gone");
    }));
    assertEquals(List.of(), names());
    int inserted = db.write(sql -> sql.update("INSERT INTO t VALUES ('next')"));
    assertEquals(1, inserted);
    assertEquals(List.of("next"), names());
  }

  @Test
  void generationMovesOnlyWhenAWriteChangedData() throws Exception {
    long start = db.generation();
    db.write(sql -> sql.strings("SELECT name FROM t"));
    assertEquals(start, db.generation(), "a write that changed nothing keeps caches valid");
    db.write(sql -> sql.update("INSERT INTO t VALUES ('x')"));
    assertTrue(db.generation() > start);
  }

  @Test
  void closeFinishesQueuedWritesAndRefusesLaterOnes() throws Exception {
    CountDownLatch release = holdWriter();
    Future<Integer> queued = callers.submit(() -> db.write(sql -> sql.update("INSERT INTO t VALUES ('queued')")));
    awaitQueued(1);
    Future<?> closing = callers.submit(db::close);
    release.countDown();
    closing.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertEquals(1, queued.get(TIMEOUT_S, TimeUnit.SECONDS));
    MasterStoreException e = assertThrows(MasterStoreException.class,
        () -> db.write(sql -> sql.update("INSERT INTO t VALUES ('late')")));
    assertEquals("The store is closed", e.getMessage());
  }
}
