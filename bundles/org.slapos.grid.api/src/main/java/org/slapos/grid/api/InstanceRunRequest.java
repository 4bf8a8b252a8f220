package org.slapos.grid.api;

import java.util.List;
import java.util.Objects;

/**
 * One {@code slapos node instance} run.
 *
 * @param settings the settings every grid command shares
 * @param instance the instance-only settings
 * @param force ignore timestamps and periodicity: process every partition ({@code --force}, {@code --all})
 * @param forceStop build partitions requested {@code started} but stop their services, run no promise,
 *     report nothing and leave {@code .timestamp} alone ({@code --force-stop})
 * @param only partition ids to process ({@code --only-cp}); empty means all. An id the master does
 *     not list fails the run.
 * @param buildoutDebug run buildout with {@code -D}
 */
public record InstanceRunRequest(NodeSettings settings, InstanceSettings instance, boolean force, boolean forceStop,
    List<String> only, boolean buildoutDebug) {

  public InstanceRunRequest {
    Objects.requireNonNull(settings, "settings");
    instance = instance == null ? InstanceSettings.defaults() : instance;
    only = only == null ? List.of() : List.copyOf(only);
  }

  /** A plain run: every partition, up-to-date ones skipped. */
  public static InstanceRunRequest of(NodeSettings settings, InstanceSettings instance) {
    return new InstanceRunRequest(settings, instance, false, false, List.of(), false);
  }
}
