package org.slapos.grid.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of a {@code slapos node software} run.
 *
 * @param outcomes one per release of the master's list, in the master's order
 * @param garbageCollected release directory names deleted by {@code --garbage-collect}
 * @param total wall time of the run
 * @param buildout the part of {@code total} spent in buildout
 */
public record SoftwareRun(List<SoftwareOutcome> outcomes, List<String> garbageCollected, Duration total,
    Duration buildout) {

  public SoftwareRun {
    outcomes = List.copyOf(outcomes);
    garbageCollected = garbageCollected == null ? List.of() : List.copyOf(garbageCollected);
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(buildout, "buildout");
  }

  /** Whether at least one release failed: the command's exit code 1. */
  public boolean failed() {
    return outcomes.stream().anyMatch(outcome -> outcome.action() == SoftwareOutcome.Action.FAILED);
  }
}
