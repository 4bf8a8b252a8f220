package org.slapos.grid.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code [slapos]} keys only {@code slapos node instance} reads (node-behavior §1.2), merged with
 * the command line and validated; the keys every grid command shares stay in {@link NodeSettings}.
 *
 * @param certificateRepositoryPath where the partitions' {@code <id>.crt}/{@code <id>.key} are written;
 *     {@code null} = none (the profile's key and certificate paths stay empty)
 * @param instanceStorageHome {@code instance_storage_home}, written into the partition profile; may be empty
 * @param ipv4GlobalNetwork {@code ipv4_global_network}, written into the partition profile; may be empty
 * @param maximumPeriodicity seconds after which an unchanged partition is processed again (default
 *     86400); 0 processes every partition on every run, a negative value never while its timestamp is unchanged
 * @param promiseTimeout how long each promise may run ({@code --promise-timeout}, default 20 s)
 * @param partitionTimeout how long one partition's buildout may run; {@code null} = the runner's timeout
 * @param instanceMinFreeSpace bytes that must stay free in a partition before its buildout
 * @param forbidSupervisordAutomaticLaunch do not launch the node supervisord
 * @param watchdogCommand the {@code [eventlistener:watchdog]} command of the node supervisord
 *     (node-behavior §5.8); empty for none
 */
public record InstanceSettings(Path certificateRepositoryPath, String instanceStorageHome, String ipv4GlobalNetwork,
    long maximumPeriodicity, Duration promiseTimeout, Duration partitionTimeout, long instanceMinFreeSpace,
    boolean forbidSupervisordAutomaticLaunch, String watchdogCommand) {

  /** The original's default {@code maximum_periodicity}: one day, in seconds. */
  public static final long DEFAULT_MAXIMUM_PERIODICITY = 86400;
  /** The original's default {@code --promise-timeout}. */
  public static final Duration DEFAULT_PROMISE_TIMEOUT = Duration.ofSeconds(20);
  /** The original's default {@code instance_min_free_space}: 1000M. */
  public static final long DEFAULT_MIN_FREE_SPACE = 1000L * 1024 * 1024;

  public InstanceSettings {
    instanceStorageHome = instanceStorageHome == null ? "" : instanceStorageHome;
    ipv4GlobalNetwork = ipv4GlobalNetwork == null ? "" : ipv4GlobalNetwork;
    promiseTimeout = promiseTimeout == null ? DEFAULT_PROMISE_TIMEOUT : promiseTimeout;
    watchdogCommand = watchdogCommand == null ? "" : watchdogCommand;
    if (promiseTimeout.isNegative() || promiseTimeout.isZero()) {
      throw new IllegalArgumentException("promise_timeout must be positive: " + promiseTimeout.toSeconds());
    }
    if (partitionTimeout != null && (partitionTimeout.isNegative() || partitionTimeout.isZero())) {
      throw new IllegalArgumentException("partition_timeout must be positive: " + partitionTimeout.toSeconds());
    }
    if (instanceMinFreeSpace < 0) {
      throw new IllegalArgumentException("instance_min_free_space must not be negative: " + instanceMinFreeSpace);
    }
  }

  /** The original's defaults: no certificate repository, one day of periodicity, 20 s per promise, 1000M free. */
  public static InstanceSettings defaults() {
    return new InstanceSettings(null, "", "", DEFAULT_MAXIMUM_PERIODICITY, DEFAULT_PROMISE_TIMEOUT, null,
        DEFAULT_MIN_FREE_SPACE, false, "");
  }
}
