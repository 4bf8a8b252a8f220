package org.slapos.tio.api;

import java.util.List;

/**
 * A usage source contributed by a Java bundle: register it as an OSGi service with the
 * {@value #NAME} property and the next {@code node report} adds its movements to the journal it
 * sends; unregistering it (stopping or uninstalling the bundle) removes them, with no restart.
 * <p>Consumer type: integrators implement it.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface UsageContributor {
  /** Service property: the contributor's name, for logs. */
  String NAME = "slapos.usage.name";

  /**
   * Movements for one partition (their {@code reference} is replaced by the partition id in the
   * journal); empty for none.
   *
   * @throws Exception a failure: logged, the contributor is left out of this report
   */
  List<Movement> partitionUsage(UsagePartition partition) throws Exception;
}
