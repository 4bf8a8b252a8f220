package org.slapos.grid.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of a {@code slapos node instance} run.
 *
 * @param outcomes one per partition processed before the run ended, in the master's order
 * @param offline the master could not be reached (or failed) and the run fell back to offline mode:
 *     every supervised process was started (node-behavior §5.15)
 * @param offlineReason why the run went offline; empty otherwise
 * @param offlineStartFailed in offline mode, starting the processes failed too
 * @param total wall time of the run
 */
public record InstanceRun(List<PartitionOutcome> outcomes, boolean offline, String offlineReason,
    boolean offlineStartFailed, Duration total) {

  /** Exit code: every partition fine. */
  public static final int SUCCESS = 0;
  /** Exit code: at least one partition failed (or the run could not take place). */
  public static final int FAILURE = 1;
  /** Exit code: no processing error, but the promises of at least one partition failed. */
  public static final int PROMISE_FAILURE = 2;
  /** Exit code: the master was unreachable; the node ran in offline mode. */
  public static final int OFFLINE = 3;

  public InstanceRun {
    outcomes = List.copyOf(outcomes);
    offlineReason = offlineReason == null ? "" : offlineReason;
    Objects.requireNonNull(total, "total");
  }

  /**
   * The command's exit code as the original computes it (node-behavior §5.2, §5.15): offline mode is
   * 3 (1 when starting the processes failed), else 1 for a processing error, else 2 for a promise
   * failure, else 0.
   */
  public int exitCode() {
    if (offline) {
      return offlineStartFailed ? FAILURE : OFFLINE;
    }
    if (outcomes.stream().anyMatch(outcome -> outcome.action() == PartitionOutcome.Action.FAILED)) {
      return FAILURE;
    }
    if (outcomes.stream().anyMatch(outcome -> outcome.action() == PartitionOutcome.Action.PROMISE_FAILED)) {
      return PROMISE_FAILURE;
    }
    return SUCCESS;
  }

  /**
   * The summary the original logs at the end of a run (node-behavior §5.2 step 7): {@code Finished
   * computer partitions.}, a line of 80 {@code =}, then the failed partitions and the partitions whose
   * promises failed, one {@code   <id>[<software type>]: <message>} line each.
   */
  public String summary() {
    StringBuilder text = new StringBuilder("Finished computer partitions.\n").append("=".repeat(80)).append('\n');
    appendSection(text, "Error while processing the following partitions:", PartitionOutcome.Action.FAILED);
    appendSection(text, "Error with promises for the following partitions:", PartitionOutcome.Action.PROMISE_FAILED);
    return text.toString();
  }

  private void appendSection(StringBuilder text, String title, PartitionOutcome.Action action) {
    List<PartitionOutcome> matching = outcomes.stream().filter(outcome -> outcome.action() == action).toList();
    if (matching.isEmpty()) {
      return;
    }
    text.append(title).append('\n');
    for (PartitionOutcome outcome : matching) {
      text.append("  ").append(outcome.partitionId()).append('[').append(outcome.softwareType()).append("]: ")
          .append(outcome.message()).append('\n');
    }
  }
}
