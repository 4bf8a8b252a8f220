package org.slapos.master.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request for an instance ({@code requestComputerPartition}), already decoded.
 *
 * @param requesterComputerId the requesting partition's computer, null when the user requests
 * @param requesterPartitionId the requesting partition, null when the user requests
 * @param softwareRelease the software release URL
 * @param softwareType the software type; empty means {@code default} for a new instance
 * @param title the instance name ({@code partition_reference})
 * @param shared true for a shared (slave) instance
 * @param parameters the instance parameters (values: String, Long, Boolean, Double, null, List, Map...)
 * @param computerGuid SLA {@code computer_guid}: the computer to allocate on, null for the default computer
 * @param instanceGuid SLA {@code instance_guid}: for a shared instance, the host, null for any
 * @param state {@code started}, {@code stopped}, {@code destroyed}, or null to keep the current state
 */
public record InstanceRequestSpec(
    String requesterComputerId,
    String requesterPartitionId,
    String softwareRelease,
    String softwareType,
    String title,
    boolean shared,
    Map<String, Object> parameters,
    String computerGuid,
    String instanceGuid,
    String state) {

  public static final String STARTED = "started";
  public static final String STOPPED = "stopped";
  public static final String DESTROYED = "destroyed";

  public InstanceRequestSpec {
    Objects.requireNonNull(softwareRelease, "softwareRelease");
    Objects.requireNonNull(softwareType, "softwareType");
    Objects.requireNonNull(title, "title");
    parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** True when the request comes from a partition (both requester ids are set). */
  public boolean fromPartition() {
    return requesterComputerId != null && requesterPartitionId != null;
  }
}
