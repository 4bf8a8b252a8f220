package org.slapos.slap.api;

/** Resolves {@code product.NAME} aliases. Provider type: implemented by the client bundle. */
@org.osgi.annotation.versioning.ProviderType
public interface SoftwareProductCollection {
  String PREFIX = "product.";

  /** The newest release URL of the product; NotFoundError when the master knows none. */
  String get(String softwareProduct) throws SlapException;
}
