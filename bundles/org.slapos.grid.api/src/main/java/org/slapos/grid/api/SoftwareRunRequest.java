package org.slapos.grid.api;

import java.util.List;
import java.util.Objects;

/**
 * One {@code slapos node software} run.
 *
 * @param settings the node's settings
 * @param force process every release even when installed, buildout in newest mode (no {@code -N}):
 *     {@code --force}, {@code --all}, {@code --develop}
 * @param only release URLs or md5 directory names to process; empty means all
 * @param buildoutDebug run buildout with {@code -D}
 * @param garbageCollect afterwards, delete release directories the master no longer lists as available
 */
public record SoftwareRunRequest(NodeSettings settings, boolean force, List<String> only, boolean buildoutDebug,
    boolean garbageCollect) {

  public SoftwareRunRequest {
    Objects.requireNonNull(settings, "settings");
    only = only == null ? List.of() : List.copyOf(only);
  }

  /** A plain run: every release, installed ones left alone. */
  public static SoftwareRunRequest of(NodeSettings settings) {
    return new SoftwareRunRequest(settings, false, List.of(), false, false);
  }
}
