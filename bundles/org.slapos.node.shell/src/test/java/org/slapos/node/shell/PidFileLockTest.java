package org.slapos.node.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;

class PidFileLockTest {
  @TempDir
  Path dir;

  @Test
  void concurrentStartsTakeTheLockOnce() throws Exception {
    startTogether(dir.resolve("sr.pid"), 8);
  }

  @Test
  void concurrentStartsReplaceAStaleLockOnce() throws Exception {
    Path file = dir.resolve("sr.pid");
    for (int round = 0; round < 20; round++) {
      // No process has pid 0x7ffffffe (beyond Linux's pid_max): stale for every run.
      Files.writeString(file, Integer.toString(0x7ffffffe));
      startTogether(file, 6);
    }
  }

  /** Starts {@code runs} acquisitions at once: exactly one takes the lock, the others see it held. */
  private void startTogether(Path file, int runs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch decided = new CountDownLatch(runs);
    CountDownLatch release = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        results.add(pool.submit(() -> {
          start.await();
          try (PidFileLock lock = PidFileLock.acquire(file, message -> { })) {
            decided.countDown();
            release.await(10, TimeUnit.SECONDS);
            return 0;
          } catch (CommandFailure e) {
            decided.countDown();
            return e.exitCode();
          }
        }));
      }
      start.countDown();
      assertTrue(decided.await(10, TimeUnit.SECONDS));
      release.countDown();
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> result : results) {
        codes.add(result.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, codes.stream().filter(code -> code == 0).count(), codes.toString());
      assertEquals(runs - 1, codes.stream().filter(code -> code == PidFileLock.EXIT_LOCKED).count(), codes.toString());
    } finally {
      pool.shutdownNow();
    }
    assertFalse(Files.exists(file));
    try (var left = Files.list(dir)) {
      assertTrue(left.allMatch(path -> path.getFileName().toString().equals(".sr.pid.takeover")),
          "no temporary file left, at most the takeover guard");
    }
  }

  @Test
  void closeLeavesAFileThatNoLongerHoldsItsPid() throws Exception {
    Path file = dir.resolve("sr.pid");
    PidFileLock lock = PidFileLock.acquire(file, message -> { });
    assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
        "readable by all, as the original writes it");
    Files.writeString(file, "12345");
    lock.close();
    assertEquals("12345", Files.readString(file));
  }

  @Test
  void pidParsingFollowsPythonInt() {
    assertEquals(OptionalLong.of(42), PidFileLock.parsePid(" 42 \nrest"));
    assertEquals(OptionalLong.empty(), PidFileLock.parsePid("-3"));
    assertEquals(OptionalLong.empty(), PidFileLock.parsePid("0"));
    assertEquals(OptionalLong.empty(), PidFileLock.parsePid("x"));
    assertEquals(OptionalLong.empty(), PidFileLock.parsePid(""));
  }
}
