package org.slapos.tio.example;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The example's settings, under PID {@value DiskUsageContributor#PID}. Every attribute has a
 * default, so the contributor works with no configuration at all; Config Admin (or a
 * {@code [section]} of slapos.cfg through the config bridge) changes them while the node runs, and
 * the next report uses the new values.
 */
@ObjectClassDefinition(name = "SlapOS example usage contributor: partition disk usage",
    description = "Adds one movement per partition to the node's usage journal: the size of its files.")
@interface DiskUsageConfig {

  @AttributeDefinition(description = "Unit of the reported quantity (binary multiples); it is named in the "
      + "movement's title.", options = {@Option(value = "B"), @Option(value = "KiB"), @Option(value = "MiB"),
          @Option(value = "GiB")})
  String unit() default "MiB";

  @AttributeDefinition(description = "The movement's resource: what the master bills or charts.")
  String resource() default "Disk Usage";

  @AttributeDefinition(description = "The movement's category.")
  String category() default "Disk";

  @AttributeDefinition(description = "Price of one unit, a decimal number (the master computes the amount).")
  String price() default "0.00";

  @AttributeDefinition(description = "The movement's VAT code; None as in the original's reports.")
  String vat() default "None";

  @AttributeDefinition(description = "Names of partitions (slappartN) to report on; empty: every partition "
      + "that holds a software release (free partitions use no disk worth billing).")
  String[] partitions() default {};
}
