package org.slapos.master.api;

import java.util.List;
import java.util.Objects;

/**
 * What a node declares when it formats itself ({@code loadComputerConfigurationFromXML}).
 *
 * @param reference the computer id
 * @param address the computer's address (may be null)
 * @param netmask the computer's netmask (may be null)
 * @param partitions the partitions, in order; partitions not listed are removed
 */
public record ComputerFormat(String reference, String address, String netmask, List<PartitionFormat> partitions) {
  public ComputerFormat {
    Objects.requireNonNull(reference, "reference");
    partitions = List.copyOf(partitions);
  }

  /**
   * One declared partition.
   *
   * @param reference the partition id, e.g. {@code slappart0}
   * @param addresses its addresses, interface name included
   */
  public record PartitionFormat(String reference, List<NetworkAddress> addresses) {
    public PartitionFormat {
      Objects.requireNonNull(reference, "reference");
      addresses = List.copyOf(addresses);
    }
  }
}
