package org.slapos.node.daemon.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node's loops, each running one {@code slapos node <loop>} command with {@code --cfg <configuration>
 * --now} on its own schedule, never twice at the same time. A loop that is running when its time comes
 * again is not queued twice. The commands take their usual pid-file locks, so a manual {@code slapos node
 * software} still works beside the daemon (it exits 10 only while the daemon's run holds the lock).
 * <p>The service is registered while the daemon is configured (Config Admin PID {@link #PID}).
 */
@org.osgi.annotation.versioning.ProviderType
public interface NodeLoops {
  /** Configuration PID of the loop scheduler. */
  String PID = "org.slapos.node.daemon";
  /** Configuration property: the slapos.cfg path every loop is given as {@code --cfg}. Required. */
  String CONFIGURATION = "configuration";
  /** Configuration property: {@code true} to run {@code slapos node boot} once before the first loops. */
  String BOOT = "boot";
  /** Configuration property: directory of the loops' logs ({@code slapos-node-<loop>.log}). */
  String LOG_DIRECTORY = "log.directory";
  /** Configuration property suffix: {@code <loop>.interval}, seconds between runs; 0 runs it only on demand. */
  String INTERVAL_SUFFIX = ".interval";

  /** The boot step ({@code node boot}), run once at start when {@link #BOOT} is true, or on demand. */
  String BOOT_LOOP = "boot";
  /** The scheduled loops, in the order they first run. */
  List<String> LOOP_NAMES = List.of("software", "instance", "report", "collect");

  /** Every loop's state (boot first when configured), in a stable order. */
  List<LoopStatus> loops();

  /**
   * The state of one loop.
   *
   * @throws IllegalArgumentException for an unknown loop name
   */
  LoopStatus loop(String name);

  /**
   * Runs a loop as soon as it is free (now if idle, right after the current run otherwise), paused or not.
   *
   * @return completes with that run
   * @throws IllegalArgumentException for an unknown loop name
   */
  CompletableFuture<LoopRun> runNow(String name);

  /** Stops scheduling a loop (a run in progress finishes). Idempotent. */
  void pause(String name);

  /** Schedules a paused loop again, its next run one interval from now. Idempotent. */
  void resume(String name);
}
