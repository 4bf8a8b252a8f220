package org.slapos.grid.api;

import java.util.Objects;

/**
 * What a run did with one partition of the master's list.
 *
 * @param partitionId the partition reference, e.g. {@code slappart0}
 * @param softwareType the instance's software type, or {@code (not ready)} as the original's summary
 *     prints it when the master gave none
 * @param action what happened
 * @param message for {@link Action#FAILED}, {@link Action#PROMISE_FAILED} and {@link Action#MISSING}, the
 *     error reported to the master; otherwise a short note (may be empty)
 */
public record PartitionOutcome(String partitionId, String softwareType, Action action, String message) {

  /** What a run did with a partition. */
  public enum Action {
    /** Requested started: built, services started, promises passed, {@code started} reported. */
    STARTED,
    /** Requested started with {@code --force-stop}: built, services stopped, nothing reported. */
    FORCE_STOPPED,
    /** Requested stopped: built, services stopped, {@code stopped} reported. */
    STOPPED,
    /** Requested destroyed: services removed, {@code stopped} reported; {@code node report} destroys it. */
    DESTRUCTION_PREPARED,
    /** Timestamp unchanged and within its periodicity: not processed (started ones had their anomaly check). */
    UP_TO_DATE,
    /** Left out by the request's {@code only} list. */
    SKIPPED,
    /** A free partition (destroyed, no release): its {@code .slapgrid} and {@code .timestamp} were removed. */
    FREE,
    /** Its directory does not exist: reported to the master; like the original, not a failure of the run. */
    MISSING,
    /** Processing failed; the master got the error. */
    FAILED,
    /** Processed, but a promise failed; the master got the error. */
    PROMISE_FAILED
  }

  public PartitionOutcome {
    Objects.requireNonNull(partitionId, "partitionId");
    Objects.requireNonNull(action, "action");
    softwareType = softwareType == null || softwareType.isEmpty() ? "(not ready)" : softwareType;
    message = message == null ? "" : message;
  }
}
