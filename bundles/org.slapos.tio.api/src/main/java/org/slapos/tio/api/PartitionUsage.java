package org.slapos.tio.api;

import java.util.List;
import java.util.Objects;

/**
 * The movements reported for one partition in a report run.
 *
 * @param partitionId the partition reference; the journal writes it as each movement's reference
 * @param movements its movements, in order
 */
public record PartitionUsage(String partitionId, List<Movement> movements) {

  public PartitionUsage {
    Objects.requireNonNull(partitionId, "partitionId");
    movements = List.copyOf(movements);
  }
}
