package org.slapos.node.daemon.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One loop's state.
 *
 * @param name {@code software}, {@code instance}, {@code report}, {@code collect} or {@code boot}
 * @param interval time between scheduled runs; zero when the loop only runs on demand
 * @param paused whether an operator paused it
 * @param running whether a run is in progress
 * @param lastRun the last finished run, if any
 * @param runs how many runs finished since the daemon started
 * @param nextRun when the next scheduled run starts; empty when paused or on demand only
 */
public record LoopStatus(String name, Duration interval, boolean paused, boolean running, Optional<LoopRun> lastRun,
    long runs, Optional<Instant> nextRun) {
}
