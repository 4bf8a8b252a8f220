package org.slapos.grid.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slapos.slap.api.ConnectionOptions;

/**
 * The node's settings as the grid commands use them: {@code [slapos]} merged with
 * {@code [networkcache]} and the command line (node-behavior §1.8), already validated.
 *
 * @param computerId the node's reference at the master
 * @param masterUrl the SLAP URL, ending with {@code /}
 * @param connection TLS material and timeouts for the master
 * @param softwareRoot where Software Release directories live
 * @param instanceRoot where partitions live
 * @param buildout the buildout executable ({@code [slapos] buildout}); {@code null} = the runner's
 * @param sharedPartList {@code shared_part_list}, one directory per line, blank lines dropped
 * @param buildTimePartList {@code build_time_part_list}, same form
 * @param softwareMinFreeSpace bytes that must stay free under a release directory before a build
 * @param buildoutTimeout how long one buildout may run; {@code null} = the runner's
 * @param networkcache the {@code [networkcache]} section as written (keys with {@code -} or
 *     {@code _}); empty when the node has none
 */
public record NodeSettings(String computerId, String masterUrl, ConnectionOptions connection, Path softwareRoot,
    Path instanceRoot, Path buildout, List<String> sharedPartList, List<String> buildTimePartList,
    long softwareMinFreeSpace, Duration buildoutTimeout, Map<String, String> networkcache) {

  /** The original's default {@code software_min_free_space}: 1000M. */
  public static final long DEFAULT_MIN_FREE_SPACE = 1000L * 1024 * 1024;

  public NodeSettings {
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(masterUrl, "masterUrl");
    Objects.requireNonNull(softwareRoot, "softwareRoot");
    Objects.requireNonNull(instanceRoot, "instanceRoot");
    connection = connection == null ? ConnectionOptions.defaults() : connection;
    sharedPartList = sharedPartList == null ? List.of() : List.copyOf(sharedPartList);
    buildTimePartList = buildTimePartList == null ? List.of() : List.copyOf(buildTimePartList);
    networkcache = networkcache == null ? Map.of() : Map.copyOf(networkcache);
    if (softwareMinFreeSpace < 0) {
      throw new IllegalArgumentException("softwareMinFreeSpace must not be negative: " + softwareMinFreeSpace);
    }
  }
}
