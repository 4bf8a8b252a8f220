package org.slapos.slap.api;

import java.util.Map;

/**
 * Every object that travels on the wire keeps all the attributes the master sent, whether this
 * library knows them or not (the Python library does the same through {@code __dict__}).
 */
@org.osgi.annotation.versioning.ProviderType
public interface SlapDocument {
  /** Live, read-only view of the attributes received so far (names as on the wire, e.g. {@code _parameter_dict}). */
  Map<String, Object> getAttributes();
}
