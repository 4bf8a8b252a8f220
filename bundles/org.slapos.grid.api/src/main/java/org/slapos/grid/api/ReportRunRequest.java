package org.slapos.grid.api;

import java.util.Objects;

/**
 * One {@code slapos node report} run.
 *
 * @param settings the settings every grid command shares
 * @param instance the instance settings the report run also reads: {@code certificate_repository_path}
 *     (certificates deleted at destruction), {@code instance_storage_home} (its {@code DATA} links
 *     emptied), {@code forbid_supervisord_automatic_launch}, the watchdog command of supervisord.conf,
 *     and the partition timeout (how long a report or destroy script may run)
 */
public record ReportRunRequest(NodeSettings settings, InstanceSettings instance) {

  public ReportRunRequest {
    Objects.requireNonNull(settings, "settings");
    instance = instance == null ? InstanceSettings.defaults() : instance;
  }
}
