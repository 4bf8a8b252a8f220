package org.slapos.master.api;

import java.util.List;
import java.util.Objects;

/**
 * Everything a node needs about itself ({@code getFullComputerInformation}).
 *
 * @param computerId the computer
 * @param software the software releases supplied to it, in supply order
 * @param partitions its partitions, in the order they were first declared
 */
public record ComputerInformation(String computerId, List<SoftwareInstallation> software, List<PartitionInfo> partitions) {
  public ComputerInformation {
    Objects.requireNonNull(computerId, "computerId");
    software = List.copyOf(software);
    partitions = List.copyOf(partitions);
  }
}
