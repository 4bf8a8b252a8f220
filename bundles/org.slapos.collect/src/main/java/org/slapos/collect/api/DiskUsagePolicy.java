package org.slapos.collect.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * When the partitions' disk usage is measured ({@code [collect]} keys): {@code enabled}
 * ({@code report_disk_usage}), at most once per {@code cycle} ({@code disk_snapshot_time_cycle}),
 * with the {@code du} process id written in {@code pidFolder} ({@code disk_snapshot_process_pid_foder})
 * so that a still-running measure postpones the next one.
 */
public record DiskUsagePolicy(boolean enabled, Path pidFolder, Duration cycle) {
  public DiskUsagePolicy {
    Objects.requireNonNull(pidFolder, "pidFolder");
    Objects.requireNonNull(cycle, "cycle");
  }
}
