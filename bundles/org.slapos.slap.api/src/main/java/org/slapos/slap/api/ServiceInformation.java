package org.slapos.slap.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the HATEOAS API tells about an instance tree (the data behind {@code slapos service info}
 * and {@code slapos service list}). Immutable DTO.
 *
 * @param title the instance title
 * @param softwareReleaseUrl the Software Release URL
 * @param softwareType the software type (null when unknown)
 * @param shared whether it is a shared (slave) instance
 * @param requestedState started, stopped, destroyed, or {@code unused} for shared instances on slapproxy
 * @param parameters instance parameters; a lone {@code _} JSON parameter is already decoded into a map
 * @param connectionParameters connection parameters as the master sent them (not JSON-decoded)
 * @param news the raw {@code news} document when the master has one, else null
 * @param attributes every field received, with the {@code _} prefix the Python library uses
 */
public record ServiceInformation(
    String title,
    String softwareReleaseUrl,
    String softwareType,
    boolean shared,
    String requestedState,
    Map<String, Object> parameters,
    Map<String, Object> connectionParameters,
    Object news,
    Map<String, Object> attributes) {

  public ServiceInformation {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters == null ? Map.of() : parameters));
    connectionParameters = Collections.unmodifiableMap(
        new LinkedHashMap<>(connectionParameters == null ? Map.of() : connectionParameters));
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
  }
}
