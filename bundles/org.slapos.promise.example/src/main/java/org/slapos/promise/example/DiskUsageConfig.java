package org.slapos.promise.example;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The example's settings, under PID {@value DiskUsagePromise#PID}. Every attribute has a default,
 * so the promise works with no configuration at all; Config Admin (or a {@code [section]} of
 * slapos.cfg through the config bridge) changes them while it runs.
 */
@ObjectClassDefinition(name = "SlapOS example promise: partition disk usage",
    description = "Fails when a partition's files take more than the limit.")
@interface DiskUsageConfig {

  @AttributeDefinition(description = "Largest allowed size of a partition directory, in megabytes "
      + "(files counted by their size; symbolic links are not followed).")
  long max_megabytes() default 10240;

  @AttributeDefinition(description = "Names of partitions (slappartN) this promise checks; empty: every partition.")
  String[] partitions() default {};

  @AttributeDefinition(description = "Minutes between two anomaly checks of the same partition "
      + "(a forced run, as after deploying, ignores it).")
  long periodicity_minutes() default 10;
}
