package org.slapos.promise.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One promise run over a partition.
 *
 * @param partition the partition
 * @param mode test or anomaly
 * @param force run every promise now, whatever its periodicity
 * @param timeout how long each promise may take ({@code --promise-timeout}, default 20 s)
 * @param masterUrl the master, for promises that report (bang)
 * @param certificateFile the partition's certificate, or {@code null}
 * @param keyFile the partition's key, or {@code null}
 */
public record PromiseRequest(PartitionContext partition, PromiseMode mode, boolean force, Duration timeout,
    String masterUrl, Path certificateFile, Path keyFile) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  public PromiseRequest {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(mode, "mode");
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    masterUrl = masterUrl == null ? "" : masterUrl;
  }
}
