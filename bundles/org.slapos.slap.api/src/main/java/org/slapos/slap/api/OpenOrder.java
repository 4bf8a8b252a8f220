package org.slapos.slap.api;

/** Requests made as the user (root instances). Provider type: implemented by the client bundle. */
@org.osgi.annotation.versioning.ProviderType
public interface OpenOrder {
  ComputerPartition request(InstanceRequest request) throws SlapException;

  /** Asks the master for a new computer; returns it. */
  Computer requestComputer(String computerTitle) throws SlapException;

  /** Needs the HATEOAS API: state, parameters and connection parameters of a root instance. */
  ServiceInformation getInformation(String partitionReference) throws SlapException;
}
