package org.slapos.grid.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.PartitionOutcome;
import org.slapos.grid.api.PartitionOutcome.Action;

/** Exit codes and the summary of a run (node-behavior §5.2 steps 7-8, §5.15). */
class InstanceRunTest {
  private static InstanceRun run(Action... actions) {
    List<PartitionOutcome> outcomes = new java.util.ArrayList<>();
    for (int i = 0; i < actions.length; i++) {
      outcomes.add(new PartitionOutcome("slappart" + i, i == 0 ? null : "kvm", actions[i], "message " + i));
    }
    return new InstanceRun(outcomes, false, "", false, Duration.ZERO);
  }

  @Test
  void aProcessingErrorWinsOverAPromiseFailureWhichWinsOverSuccess() {
    assertEquals(0, run(Action.STARTED, Action.UP_TO_DATE, Action.MISSING, Action.FREE).exitCode());
    assertEquals(2, run(Action.STARTED, Action.PROMISE_FAILED).exitCode());
    assertEquals(1, run(Action.PROMISE_FAILED, Action.FAILED).exitCode());
    assertEquals(3, new InstanceRun(List.of(), true, "refused", false, Duration.ZERO).exitCode());
    assertEquals(1, new InstanceRun(List.of(), true, "refused", true, Duration.ZERO).exitCode());
  }

  @Test
  void theSummaryListsFailuresThenPromiseFailuresWithTheSoftwareType() {
    assertEquals("Finished computer partitions.\n" + "=".repeat(80) + "\n"
        + "Error while processing the following partitions:\n"
        + "  slappart0[(not ready)]: message 0\n"
        + "Error with promises for the following partitions:\n"
        + "  slappart1[kvm]: message 1\n", run(Action.FAILED, Action.PROMISE_FAILED).summary());
    assertEquals("Finished computer partitions.\n" + "=".repeat(80) + "\n", run(Action.STARTED).summary());
  }
}
