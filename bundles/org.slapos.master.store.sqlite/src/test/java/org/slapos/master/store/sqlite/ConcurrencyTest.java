package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
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
import org.slapos.master.api.PartitionInfo;

/** Allocation is atomic: concurrent requests never share a partition (slapproxy could, §4.1). */
class ConcurrencyTest {
  @TempDir
  Path dir;
  SqliteMasterStore store;
  ExecutorService pool;

  @BeforeEach
  void open() throws Exception {
    store = StoreFixture.open(dir);
    pool = Executors.newFixedThreadPool(50);
  }

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    store.close();
  }

  private <T> List<T> concurrently(int n, IntTask<T> task) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      Callable<T> call = () -> {
        go.await();
        return task.run(index);
      };
      futures.add(pool.submit(call));
    }
    go.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  interface IntTask<T> {
    T run(int index) throws Exception;
  }

  @Test
  void fiftyConcurrentRequestsGetFiftyDistinctPartitions() throws Exception {
    store.formatComputer(format(COMPUTER, 50));
    List<String> partitions = concurrently(50,
        i -> store.request(req("http://sr//", "instance-" + i).build()).partition().reference());
    assertEquals(50, new HashSet<>(partitions).size());
    Set<String> titles = new HashSet<>();
    for (PartitionInfo p : store.computerInformation(COMPUTER).partitions()) {
      assertEquals("busy", p.slapState());
      titles.add(p.title());
    }
    assertEquals(50, titles.size());
  }

  @Test
  void oneMoreRequestThanPartitionsFailsExactlyOnce() throws Exception {
    store.formatComputer(format(COMPUTER, 20));
    List<Object> outcomes = concurrently(21, i -> {
      try {
        return store.request(req("http://sr//", "instance-" + i).build()).partition().reference();
      } catch (MasterStoreException e) {
        return e.code();
      }
    });
    assertEquals(1, outcomes.stream().filter(o -> o == MasterStoreException.Code.ALLOCATION_FAILURE).count());
    assertEquals(20, outcomes.stream().filter(o -> o instanceof String).distinct().count());
  }

  @Test
  void concurrentRequestsOfTheSameInstanceGetOnePartition() throws Exception {
    store.formatComputer(format(COMPUTER, 10));
    List<String> partitions = concurrently(30,
        i -> store.request(req("http://sr//", "same").build()).partition().reference());
    assertEquals(1, new HashSet<>(partitions).size());
    assertEquals(1, store.computerInformation(COMPUTER).partitions().stream().filter(PartitionInfo::hasInstance).count());
  }

  @Test
  void readersRunAlongsideWriters() throws Exception {
    store.formatComputer(format(COMPUTER, 25));
    List<Integer> sizes = concurrently(50, i -> {
      if (i % 2 == 0) {
        store.request(req("http://sr//", "instance-" + i).build());
        return -1;
      }
      return store.computerInformation(COMPUTER).partitions().size();
    });
    for (int i = 1; i < 50; i += 2) {
      assertEquals(25, sizes.get(i));
    }
    assertEquals(25, store.computerInformation(COMPUTER).partitions().stream().filter(PartitionInfo::hasInstance).count());
  }

  @Test
  void aClosedStoreRefusesWork() throws Exception {
    store.close();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> pool.submit(() -> store.computerInformation(COMPUTER)).get(10, TimeUnit.SECONDS));
    assertEquals(MasterStoreException.Code.STORAGE, ((MasterStoreException) e.getCause()).code());
  }
}
