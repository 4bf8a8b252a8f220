package org.slapos.promise.api;

import java.time.Duration;

/**
 * A promise contributed by a Java bundle: register it as an OSGi service (whiteboard) with the
 * {@value #NAME} property, and the checker runs it for every partition it {@link #appliesTo} from
 * the next run on; unregistering it (stopping or uninstalling the bundle) removes it, with no restart.
 * <p>Consumer type: integrators implement it.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Promise {
  /** Service property: the promise's title, unique per node (its result file is {@code <title>.status.json}). */
  String NAME = "slapos.promise.name";

  /** Whether this promise checks {@code partition}; by default every partition. */
  default boolean appliesTo(PartitionContext partition) {
    return true;
  }

  /** How often an anomaly check runs it when nothing forces it (the original's default: 2 minutes). */
  default Duration periodicity() {
    return Duration.ofMinutes(2);
  }

  /**
   * Checks the partition. Must return within the checker's timeout; it is interrupted otherwise
   * and the result is a failure.
   *
   * @throws Exception a failure whose message becomes the result's message
   */
  PromiseResult check(PartitionContext partition, PromiseMode mode) throws Exception;
}
