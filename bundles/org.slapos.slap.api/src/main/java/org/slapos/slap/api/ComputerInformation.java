package org.slapos.slap.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the HATEOAS API tells about a computer ({@code slapos computer list|info}). Immutable DTO.
 *
 * @param reference the computer reference (e.g. COMP-1234)
 * @param title its title
 * @param attributes every field received, with the {@code _} prefix the Python library uses
 */
public record ComputerInformation(String reference, String title, Map<String, Object> attributes) {
  public ComputerInformation {
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
  }
}
