package org.slapos.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slapos.node.daemon.api.LoopRun;
import org.slapos.node.daemon.api.LoopStatus;

class LoopEngineTest {
  final List<String> runs = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger concurrent = new AtomicInteger();
  final AtomicInteger maxConcurrent = new AtomicInteger();
  volatile CountDownLatch release = new CountDownLatch(0);
  LoopEngine engine;

  LoopEngine engine(Map<String, Duration> intervals, boolean boot) {
    engine = new LoopEngine(intervals, boot, loop -> {
      Instant start = Instant.now();
      int now = concurrent.incrementAndGet();
      maxConcurrent.accumulateAndGet(now, Math::max);
      runs.add(loop);
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      concurrent.decrementAndGet();
      return new LoopRun(loop, start, Instant.now(), loop.equals("instance") ? 2 : 0, "");
    }, Clock.systemUTC(), new ScheduledThreadPoolExecutor(4));
    return engine;
  }

  @AfterEach
  void close() {
    release.countDown();
    if (engine != null) {
      engine.close();
    }
  }

  static Map<String, Duration> intervals(long softwareMillis, long instanceMillis) {
    Map<String, Duration> intervals = new LinkedHashMap<>();
    intervals.put("software", Duration.ofMillis(softwareMillis));
    intervals.put("instance", Duration.ofMillis(instanceMillis));
    return intervals;
  }

  @Test
  void bootRunsBeforeAnyLoopThenLoopsRepeat() throws Exception {
    engine(intervals(10, 10), true).start();
    awaitRuns("software", 3);
    awaitRuns("instance", 3);
    assertEquals("boot", runs.get(0));
    assertEquals(1, runs.stream().filter("boot"::equals).count());
    LoopStatus instance = engine.status("instance");
    assertTrue(instance.runs() >= 3);
    assertEquals(2, instance.lastRun().orElseThrow().exitCode());
    assertEquals("boot", engine.statuses().get(0).name());
  }

  @Test
  void aLoopNeverRunsTwiceAtOnceAndRunNowWaitsForTheCurrentRun() throws Exception {
    release = new CountDownLatch(1);
    engine(intervals(0, 0), false).start();
    CompletableFuture<LoopRun> first = engine.runNow("software");
    awaitRuns("software", 1);
    CompletableFuture<LoopRun> second = engine.runNow("software");
    CompletableFuture<LoopRun> third = engine.runNow("software");
    assertTrue(engine.status("software").running());
    assertFalse(first.isDone());
    release.countDown();
    LoopRun firstRun = first.get(10, TimeUnit.SECONDS);
    LoopRun secondRun = second.get(10, TimeUnit.SECONDS);
    assertEquals(secondRun, third.get(10, TimeUnit.SECONDS), "requests made during a run share the next run");
    assertTrue(!secondRun.start().isBefore(firstRun.end()));
    assertEquals(1, maxConcurrent.get());
    assertEquals(2, engine.status("software").runs());
  }

  @Test
  void onDemandLoopsHaveNoNextRunAndPausedLoopsStopBeingScheduled() throws Exception {
    engine(intervals(0, 60_000), false).start();
    awaitRuns("instance", 1);
    assertTrue(engine.status("software").nextRun().isEmpty(), "interval 0: on demand only");
    awaitCondition(() -> engine.status("instance").nextRun().isPresent());
    engine.pause("instance");
    LoopStatus paused = engine.status("instance");
    assertTrue(paused.paused());
    assertTrue(paused.nextRun().isEmpty());
    // A paused loop still runs on demand.
    assertEquals(2, engine.runNow("instance").get(10, TimeUnit.SECONDS).exitCode());
    assertTrue(engine.status("instance").nextRun().isEmpty());
    engine.resume("instance");
    assertFalse(engine.status("instance").paused());
    assertTrue(engine.status("instance").nextRun().isPresent());
    assertEquals(0, runs.stream().filter("software"::equals).count());
  }

  @Test
  void unknownLoopsAreRefusedAndClosingAbandonsWaitingRequests() throws Exception {
    release = new CountDownLatch(1);
    engine(intervals(0, 0), false).start();
    assertThrows(IllegalArgumentException.class, () -> engine.runNow("nothing"));
    assertThrows(IllegalArgumentException.class, () -> engine.pause("nothing"));
    engine.runNow("software");
    awaitRuns("software", 1);
    CompletableFuture<LoopRun> waiting = engine.runNow("software");
    engine.close();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertTrue(failure.getCause() instanceof IllegalStateException);
    assertTrue(engine.runNow("software").isCompletedExceptionally());
  }

  private void awaitRuns(String loop, long count) throws InterruptedException {
    awaitCondition(() -> runs.stream().filter(loop::equals).count() >= count);
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }
}
