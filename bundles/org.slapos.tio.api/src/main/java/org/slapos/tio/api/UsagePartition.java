package org.slapos.tio.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A partition whose usage contributors may report on.
 *
 * @param partitionId the partition reference
 * @param directory the partition directory
 * @param softwareReleaseUrl the release deployed in it (empty when free)
 */
public record UsagePartition(String partitionId, Path directory, String softwareReleaseUrl) {

  public UsagePartition {
    Objects.requireNonNull(partitionId, "partitionId");
    Objects.requireNonNull(directory, "directory");
    softwareReleaseUrl = softwareReleaseUrl == null ? "" : softwareReleaseUrl;
  }
}
