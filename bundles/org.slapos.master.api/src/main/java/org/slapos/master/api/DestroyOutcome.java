package org.slapos.master.api;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link MasterStore#partitionDestroyed}.
 *
 * @param status what happened
 * @param children for {@link Status#CHILDREN_PENDING}, the titles of the children, sorted
 */
public record DestroyOutcome(Status status, List<String> children) {
  /** What the store did. */
  public enum Status {
    /** The partition is free again. */
    FREED,
    /** A root instance with children: they are now requested destroyed, and the root stays. */
    CHILDREN_PENDING,
    /** No such partition. */
    UNKNOWN_PARTITION
  }

  public DestroyOutcome {
    Objects.requireNonNull(status, "status");
    children = List.copyOf(children);
  }
}
