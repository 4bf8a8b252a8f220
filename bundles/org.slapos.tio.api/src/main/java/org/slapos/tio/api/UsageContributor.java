package org.slapos.tio.api;

import java.util.List;

/**
 * A usage source contributed by a Java bundle: register it as an OSGi service with the
 * {@value #NAME} property and the next {@code node report} adds its movements to the journal it
 * sends; unregistering it (stopping or uninstalling the bundle) removes them, with no restart.
 * A contributor that throws, takes longer than the reporter's timeout or gives movements that are
 * not valid TIO is logged and left out of that report; the rest of the report is still sent.
 * <p>Consumer type: integrators implement it; new methods only come as default methods.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface UsageContributor {
  /** Service property: the contributor's name, for logs. */
  String NAME = "slapos.usage.name";

  /**
   * Movements for one partition (their {@code reference} is replaced by the partition id in the
   * journal); empty for none.
   *
   * @throws Exception a failure: logged, the contributor's movements for this partition are left out
   *     of this report
   */
  List<Movement> partitionUsage(UsagePartition partition) throws Exception;

  /**
   * Movements for the node as a whole (their {@code reference} is replaced by the computer id in
   * the journal, as {@code node collect} references its node-wide movements); none by default.
   *
   * @param computerId the node's computer reference
   * @throws Exception a failure: logged, the contributor's node movements are left out of this report
   */
  default List<Movement> nodeUsage(String computerId) throws Exception {
    return List.of();
  }
}
