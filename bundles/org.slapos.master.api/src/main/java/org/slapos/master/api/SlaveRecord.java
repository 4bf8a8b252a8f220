package org.slapos.master.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The bookkeeping row of a shared (slave) instance.
 *
 * @param reference {@code <requested_by>_<title>}: a root shared instance requested by the user is {@code _<title>}
 * @param computerId the computer of its host
 * @param hostedBy the partition reference of its host
 * @param askedBy the root title of the requester's tree, empty for the user
 * @param connectionXml the connection parameters the host published for it, as instance XML, or null
 * @param connectionParameters {@code connectionXml} parsed
 */
public record SlaveRecord(
    String reference,
    String computerId,
    String hostedBy,
    String askedBy,
    String connectionXml,
    Map<String, String> connectionParameters) {
  public SlaveRecord {
    Objects.requireNonNull(reference, "reference");
    connectionParameters = connectionParameters == null
        ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(connectionParameters));
  }
}
