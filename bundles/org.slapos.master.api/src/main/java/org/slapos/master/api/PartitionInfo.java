package org.slapos.master.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one computer partition and the instance it hosts, if any.
 *
 * <p>Instance parameters are kept both as the instance XML document the SLAP protocol defines
 * (slap-protocol §2.6, {@code <instance><parameter id=..>}) and parsed into a map whose values are
 * strings or null. Slave entries keep their raw values (String, Long, Boolean, Double, List, Map...,
 * the value model of the marshal codec).
 *
 * @param computerId the computer reference
 * @param reference the partition id, e.g. {@code slappart0}
 * @param slapState {@code free} or {@code busy}
 * @param softwareRelease the software release of the instance, null when free
 * @param softwareType the software type, null when free
 * @param title the instance name ({@code partition_reference}), null when free
 * @param requestedBy the title of the root of the instance's tree, empty for a root instance
 * @param requestedState {@code started}, {@code stopped} or {@code destroyed}
 * @param timestamp the last time the instance must be reprocessed (seconds since the epoch), or null
 * @param parameterXml the instance parameters as instance XML, or null
 * @param parameters {@code parameterXml} parsed; empty when null
 * @param connectionXml the published connection parameters as instance XML, or null
 * @param connectionParameters {@code connectionXml} parsed; empty when null
 * @param slaveInstances the shared instances this partition hosts, or null when it never hosted any
 * @param addresses this partition's addresses on its computer, in format order
 */
public record PartitionInfo(
    String computerId,
    String reference,
    String slapState,
    String softwareRelease,
    String softwareType,
    String title,
    String requestedBy,
    String requestedState,
    Double timestamp,
    String parameterXml,
    Map<String, String> parameters,
    String connectionXml,
    Map<String, String> connectionParameters,
    List<Map<String, Object>> slaveInstances,
    List<NetworkAddress> addresses) {

  /** {@code slapState} of a partition with no instance. */
  public static final String FREE = "free";
  /** {@code slapState} of a partition that hosts an instance. */
  public static final String BUSY = "busy";

  public PartitionInfo {
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(reference, "reference");
    requestedBy = requestedBy == null ? "" : requestedBy;
    parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    connectionParameters = connectionParameters == null
        ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(connectionParameters));
    slaveInstances = slaveInstances == null ? null : Collections.unmodifiableList(slaveInstances);
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  /** True when a software release is set, i.e. the node must deploy an instance here. */
  public boolean hasInstance() {
    return softwareRelease != null && !softwareRelease.isEmpty();
  }

  /** The classic SLAP instance guid, {@code <computer>-<partition>}. */
  public String instanceGuid() {
    return computerId + "-" + reference;
  }

  /** The title of the root instance of this instance's tree ({@code requestedBy}, or the own title). */
  public String rootInstanceTitle() {
    return requestedBy.isEmpty() ? title : requestedBy;
  }
}
