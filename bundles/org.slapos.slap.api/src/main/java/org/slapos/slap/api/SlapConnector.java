package org.slapos.slap.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Entry point of the SLAP library, registered as an OSGi service by the client implementation.
 * Python's {@code slap().initializeConnection(url, ...)} becomes {@link #initializeConnection}.
 * <p>Provider type: only the client bundle implements it; callers just use it.
 */
@ProviderType
public interface SlapConnector {

  /** Opens a connection description; no HTTP call is made except the HATEOAS URL discovery. */
  Slap initializeConnection(String masterUrl, ConnectionOptions options) throws SlapException;

  default Slap initializeConnection(String masterUrl) throws SlapException {
    return initializeConnection(masterUrl, ConnectionOptions.defaults());
  }
}
