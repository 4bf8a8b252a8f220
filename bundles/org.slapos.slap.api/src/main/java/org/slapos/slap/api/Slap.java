package org.slapos.slap.api;

import java.util.List;
import java.util.Map;

/**
 * One connection to a master, as returned by {@link SlapConnector#initializeConnection}.
 * The {@code register*} methods only build local handles; HTTP calls happen when their methods need data.
 * <p>Provider type: implemented by the client bundle only.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Slap {

  String getMasterUrl();

  SoftwareRelease registerSoftwareRelease(String softwareReleaseUrl);

  Computer registerComputer(String computerId);

  /** Raises {@link NotFoundError} without any HTTP call when an id is empty, like the Python library. */
  ComputerPartition registerComputerPartition(String computerId, String partitionId) throws SlapException;

  OpenOrder registerOpenOrder();

  Supply registerSupply();

  /** Needs the HATEOAS API: node registration tokens. */
  Token registerToken() throws SlapException;

  /** Exactly one of the two arguments must be non-null. */
  List<String> getSoftwareReleaseListFromSoftwareProduct(String softwareProductReference, String softwareReleaseUrl)
      throws SlapException;

  /** {@code product.NAME} aliases: resolves a product name to its newest release. */
  SoftwareProductCollection getSoftwareProductCollection();

  /** Computers visible to the caller, by title (HATEOAS). */
  Map<String, ComputerInformation> getComputerDict() throws SlapException;

  /** The caller's instance trees, by title (HATEOAS). */
  Map<String, ServiceInformation> getOpenOrderDict() throws SlapException;

  /** True when a HATEOAS navigator is available (configured or discovered). */
  boolean hasHateoas();
}
