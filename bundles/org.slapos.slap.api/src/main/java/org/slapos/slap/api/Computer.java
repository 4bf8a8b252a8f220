package org.slapos.slap.api;

import java.util.List;

/** A node as the master sees it. Provider type: implemented by the client bundle. */
@org.osgi.annotation.versioning.ProviderType
public interface Computer extends SlapDocument {
  String getId();

  /** Fetched lazily with getFullComputerInformation (falls back to getComputerInformation on 404). */
  List<SoftwareRelease> getSoftwareReleaseList() throws SlapException;

  List<ComputerPartition> getComputerPartitionList() throws SlapException;

  /** Sends a TIO usage report; nothing is sent for an empty string. */
  void reportUsage(String computerUsageXml) throws SlapException;

  /** Sends the formatted computer description (slapformat); returns the master's answer body. */
  String updateConfiguration(String computerXml) throws SlapException;

  void bang(String message) throws SlapException;

  /** Raw marshalled status, as the master returns it. */
  Object getStatus() throws SlapException;

  void revokeCertificate() throws SlapException;

  Object generateCertificate() throws SlapException;

  /** Needs the HATEOAS API. */
  ComputerInformation getInformation() throws SlapException;
}
