package org.slapos.collect.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A monitored partition: the user its processes run as ({@code <user_base_name><i>}) and its
 * directory ({@code <instance_root>/<partition_base_name><i>}).
 */
public record PartitionUser(String name, Path path) {
  public PartitionUser {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
  }
}
