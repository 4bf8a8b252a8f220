package org.slapos.supervisor.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the watchdog needs (the options of {@code slapos node watchdog}, node-behavior §5.8).
 *
 * @param masterUrl where to send {@code softwareInstanceBang}
 * @param computerId the node's reference
 * @param certificateRepository the partitions' certificates ({@code <id>.crt}, {@code <id>.key}), or null
 * @param instanceRoot the partitions' parent directory, or null: then every crash bangs (no timestamp files)
 */
public record WatchdogSettings(String masterUrl, String computerId, Path certificateRepository, Path instanceRoot) {

  public WatchdogSettings {
    Objects.requireNonNull(masterUrl, "masterUrl");
    Objects.requireNonNull(computerId, "computerId");
  }
}
