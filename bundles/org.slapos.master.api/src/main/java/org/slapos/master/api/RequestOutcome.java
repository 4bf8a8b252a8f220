package org.slapos.master.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of {@link MasterStore#request}.
 *
 * @param partition the partition allocated to the instance, or the host of a shared instance, after the request
 * @param requestedState the state that was requested, after the root's state has been propagated to a
 *     child; null when the request kept the stored state
 * @param parameters the instance parameters as strings: the stored ones, or for a shared instance the
 *     requested ones
 * @param addresses the addresses to report: for an instance, every address declared under its partition
 *     reference (on any computer, as slapproxy does); for a shared instance, its host's addresses
 * @param slave the shared instance's row, null for an instance
 */
public record RequestOutcome(
    PartitionInfo partition,
    String requestedState,
    Map<String, String> parameters,
    List<NetworkAddress> addresses,
    SlaveRecord slave) {
  public RequestOutcome {
    Objects.requireNonNull(partition, "partition");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    addresses = List.copyOf(addresses);
  }

  public boolean shared() {
    return slave != null;
  }
}
