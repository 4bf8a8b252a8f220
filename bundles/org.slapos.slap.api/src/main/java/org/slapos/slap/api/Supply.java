package org.slapos.slap.api;

/** Asks a computer to install or remove a Software Release. Provider type: implemented by the client bundle. */
@org.osgi.annotation.versioning.ProviderType
public interface Supply {
  /** @param state {@code available} (install) or {@code destroyed} (remove); returns the master's answer body. */
  String supply(String softwareRelease, String computerGuid, String state) throws SlapException;
}
