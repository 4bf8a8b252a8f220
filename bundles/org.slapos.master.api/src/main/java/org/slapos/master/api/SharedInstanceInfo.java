package org.slapos.master.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A shared instance with its host.
 *
 * @param slave its bookkeeping row
 * @param host the partition that hosts it
 * @param entry its entry in the host's slave list: {@code slave_title}, {@code slave_reference},
 *     {@code slap_software_type} and the requested parameters with their raw values
 */
public record SharedInstanceInfo(SlaveRecord slave, PartitionInfo host, Map<String, Object> entry) {
  public SharedInstanceInfo {
    Objects.requireNonNull(slave, "slave");
    Objects.requireNonNull(host, "host");
    entry = Collections.unmodifiableMap(new LinkedHashMap<>(entry));
  }
}
