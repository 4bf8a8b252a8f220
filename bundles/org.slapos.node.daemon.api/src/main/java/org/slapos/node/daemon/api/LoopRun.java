package org.slapos.node.daemon.api;

import java.time.Duration;
import java.time.Instant;

/**
 * One finished run of a loop.
 *
 * @param loop the loop's name
 * @param start when it started
 * @param end when it ended
 * @param exitCode the command's exit code (0 success; 1 failure; 2 promise failure...; -1 when the command
 *     is not available in the runtime or threw)
 * @param message the command's last error line, empty on success
 */
public record LoopRun(String loop, Instant start, Instant end, int exitCode, String message) {
  public Duration duration() {
    return Duration.between(start, end);
  }
}
