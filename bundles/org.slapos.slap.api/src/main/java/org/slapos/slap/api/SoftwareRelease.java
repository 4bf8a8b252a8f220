package org.slapos.slap.api;

/** A Software Release on a computer. Provider type: implemented by the client bundle. */
@org.osgi.annotation.versioning.ProviderType
public interface SoftwareRelease extends SlapDocument {
  String STATE_AVAILABLE = "available";
  String STATE_DESTROYED = "destroyed";

  String getURI();

  String getComputerId();

  /** The requested state ({@code available} or {@code destroyed}), null when the master sent none. */
  String getState();

  void building() throws SlapException;

  void available() throws SlapException;

  void destroyed() throws SlapException;

  /** Reports a build error; failures to send it are logged, never raised. */
  void error(String errorLog);
}
