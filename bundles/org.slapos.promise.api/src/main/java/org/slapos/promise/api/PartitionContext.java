package org.slapos.promise.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The partition a promise checks.
 *
 * @param partitionId the partition reference, e.g. {@code slappart0}
 * @param directory the partition directory
 * @param computerId the node's reference
 * @param softwareReleaseUrl the release deployed in it
 * @param softwareType the instance's software type
 * @param addresses the partition's IP addresses
 * @param connectionParameters the connection parameters the instance published (may be empty)
 */
public record PartitionContext(String partitionId, Path directory, String computerId, String softwareReleaseUrl,
    String softwareType, List<String> addresses, Map<String, String> connectionParameters) {

  public PartitionContext {
    Objects.requireNonNull(partitionId, "partitionId");
    Objects.requireNonNull(directory, "directory");
    computerId = computerId == null ? "" : computerId;
    softwareReleaseUrl = softwareReleaseUrl == null ? "" : softwareReleaseUrl;
    softwareType = softwareType == null ? "" : softwareType;
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    connectionParameters = connectionParameters == null ? Map.of() : Map.copyOf(connectionParameters);
  }
}
