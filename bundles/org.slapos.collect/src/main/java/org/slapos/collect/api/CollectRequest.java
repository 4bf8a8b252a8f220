package org.slapos.collect.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one pass needs, read from slapos.cfg by the caller.
 *
 * @param instanceRoot {@code [slapos] instance_root}: the database and journals live under its {@code var/}
 * @param computerId {@code [slapos] computer_id}: names the journal directory and the node's movements
 * @param users the monitored partitions, in partition order (the journal lists them in this order)
 * @param cacheDays {@code [slapos] collect_cache}: reported rows of older days are deleted
 * @param disk when partition disk usage is measured
 */
public record CollectRequest(Path instanceRoot, String computerId, List<PartitionUser> users, int cacheDays,
    DiskUsagePolicy disk) {
  public CollectRequest {
    Objects.requireNonNull(instanceRoot, "instanceRoot");
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(disk, "disk");
    users = List.copyOf(users);
    if (cacheDays < 0) {
      throw new IllegalArgumentException("collect_cache must not be negative: " + cacheDays);
    }
  }
}
