package org.slapos.supervisor.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A partition whose {@code etc/run/*} and {@code etc/service/*} entries become supervisord programs
 * (group {@code <id>}, programs {@code <id>:<name>} and {@code <id>:<name>-on-watch}).
 *
 * @param partitionId the partition reference, e.g. {@code slappart0}
 * @param directory the partition directory
 * @param user the account the programs run as (name or uid)
 * @param group the group they run as (name or gid)
 * @param home the account's home directory, given as {@code HOME}
 */
public record PartitionPrograms(String partitionId, Path directory, String user, String group, Path home) {

  public PartitionPrograms {
    Objects.requireNonNull(partitionId, "partitionId");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(home, "home");
  }
}
