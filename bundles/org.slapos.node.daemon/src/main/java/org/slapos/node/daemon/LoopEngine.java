package org.slapos.node.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slapos.node.daemon.api.LoopRun;
import org.slapos.node.daemon.api.LoopStatus;
import org.slapos.node.daemon.api.NodeLoops;

/**
 * The schedule of the node's loops, independent of OSGi: each loop runs on the executor, never twice
 * at once; its next scheduled run is one interval after the end of the last one (a long run is never
 * followed by a burst of catch-up runs). The boot step, when there is one, runs before any loop is
 * scheduled. All state is guarded by this object's monitor; runs happen outside it.
 */
final class LoopEngine implements AutoCloseable {
  /** Runs one loop to its end; never throws (failures are exit codes). */
  interface Runner {
    LoopRun run(String loop);
  }

  private static final class Loop {
    final String name;
    final Duration interval;
    boolean paused;
    boolean running;
    Optional<LoopRun> last = Optional.empty();
    long runs;
    ScheduledFuture<?> next;
    Instant nextAt;
    List<CompletableFuture<LoopRun>> waiting = new ArrayList<>();

    Loop(String name, Duration interval) {
      this.name = name;
      this.interval = interval;
    }
  }

  private final Map<String, Loop> loops = new LinkedHashMap<>();
  private final boolean boot;
  private final Runner runner;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private boolean closed;

  /**
   * @param intervals every scheduled loop and its interval (zero: on demand only), in start order
   * @param boot whether the {@link NodeLoops#BOOT_LOOP} step runs first
   */
  LoopEngine(Map<String, Duration> intervals, boolean boot, Runner runner, Clock clock,
      ScheduledExecutorService executor) {
    this.boot = boot;
    this.runner = runner;
    this.clock = clock;
    this.executor = executor;
    // The boot step is always known, so that an operator can run it on demand.
    loops.put(NodeLoops.BOOT_LOOP, new Loop(NodeLoops.BOOT_LOOP, Duration.ZERO));
    intervals.forEach((name, interval) -> loops.put(name, new Loop(name, interval)));
  }

  /** Starts the schedule: the boot step first when configured, then every loop at once. */
  synchronized void start() {
    if (boot) {
      runNow(NodeLoops.BOOT_LOOP).whenComplete((run, failure) -> scheduleAll());
    } else {
      scheduleAll();
    }
  }

  private synchronized void scheduleAll() {
    for (Loop loop : loops.values()) {
      if (!loop.name.equals(NodeLoops.BOOT_LOOP)) {
        schedule(loop, Duration.ZERO);
      }
    }
  }

  synchronized List<LoopStatus> statuses() {
    List<LoopStatus> statuses = new ArrayList<>();
    for (Loop loop : loops.values()) {
      if (!loop.name.equals(NodeLoops.BOOT_LOOP) || boot || loop.runs > 0 || loop.running) {
        statuses.add(status(loop));
      }
    }
    return statuses;
  }

  synchronized LoopStatus status(String name) {
    return status(loop(name));
  }

  private LoopStatus status(Loop loop) {
    return new LoopStatus(loop.name, loop.interval, loop.paused, loop.running, loop.last, loop.runs,
        Optional.ofNullable(loop.nextAt));
  }

  synchronized CompletableFuture<LoopRun> runNow(String name) {
    Loop loop = loop(name);
    CompletableFuture<LoopRun> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(new IllegalStateException("the node daemon is stopping"));
      return future;
    }
    loop.waiting.add(future);
    if (!loop.running) {
      cancelNext(loop);
      executor.execute(() -> trigger(loop));
    }
    return future;
  }

  synchronized void pause(String name) {
    Loop loop = loop(name);
    loop.paused = true;
    cancelNext(loop);
  }

  synchronized void resume(String name) {
    Loop loop = loop(name);
    if (loop.paused) {
      loop.paused = false;
      if (!loop.running) {
        schedule(loop, loop.interval);
      }
    }
  }

  private Loop loop(String name) {
    Loop loop = loops.get(name);
    if (loop == null) {
      throw new IllegalArgumentException("no loop named '" + name + "'; loops: " + String.join(", ", loops.keySet()));
    }
    return loop;
  }

  private void schedule(Loop loop, Duration delay) {
    cancelNext(loop);
    if (closed || loop.paused || loop.interval.isZero()) {
      return;
    }
    loop.nextAt = clock.instant().plus(delay);
    loop.next = executor.schedule(() -> trigger(loop), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancelNext(Loop loop) {
    if (loop.next != null) {
      loop.next.cancel(false);
      loop.next = null;
    }
    loop.nextAt = null;
  }

  private void trigger(Loop loop) {
    List<CompletableFuture<LoopRun>> served;
    synchronized (this) {
      if (loop.running || closed) {
        return;
      }
      loop.running = true;
      cancelNext(loop);
      served = loop.waiting;
      loop.waiting = new ArrayList<>();
    }
    LoopRun run = runner.run(loop.name);
    synchronized (this) {
      loop.running = false;
      loop.last = Optional.of(run);
      loop.runs++;
      if (!loop.waiting.isEmpty() && !closed) {
        executor.execute(() -> trigger(loop));
      } else {
        schedule(loop, loop.interval);
      }
    }
    served.forEach(future -> future.complete(run));
  }

  @Override
  public void close() {
    List<CompletableFuture<LoopRun>> abandoned = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Loop loop : loops.values()) {
        cancelNext(loop);
        abandoned.addAll(loop.waiting);
        loop.waiting.clear();
      }
    }
    executor.shutdownNow();
    abandoned.forEach(future -> future.completeExceptionally(new IllegalStateException("the node daemon is stopping")));
  }
}
