package org.slapos.slap.api;

import java.util.List;
import java.util.Map;

/**
 * A computer partition, i.e. one software instance seen from the node or from its requester.
 * Getters that need data the object does not have yet call registerComputerPartition once.
 * A partition returned by a request the master has not allocated yet has no id: its getters raise
 * {@link ResourceNotReady}. Provider type: implemented by the client bundle.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ComputerPartition extends SlapDocument {
  String STATE_STARTED = "started";
  String STATE_STOPPED = "stopped";
  String STATE_DESTROYED = "destroyed";

  String getId() throws ResourceNotReady;

  String getComputerId();

  String getInstanceGuid() throws SlapException;

  /** The requested state: started, stopped or destroyed. */
  String getState() throws SlapException;

  /** The software type; raises ResourceNotReady right after a request (the master keeps it elsewhere). */
  String getType() throws SlapException;

  SoftwareRelease getSoftwareRelease() throws SlapException;

  Map<String, Object> getInstanceParameterDict() throws SlapException;

  /** Looks only at the parameters already received; raises NotFoundError("KEY not found"). */
  Object getInstanceParameter(String key) throws SlapException;

  Map<String, Object> getConnectionParameterDict() throws SlapException;

  Object getConnectionParameter(String key) throws SlapException;

  /** Publishes connection parameters, for this instance or (with a slave reference) for a shared instance it hosts. */
  void setConnectionDict(Map<String, ?> connectionDict, String slaveReference) throws SlapException;

  /** Requests a child instance in this partition's tree. */
  ComputerPartition request(InstanceRequest request) throws SlapException;

  void started() throws SlapException;

  void stopped() throws SlapException;

  /** Tells the master the partition was destroyed; returns the master's answer body. */
  String destroyed() throws SlapException;

  /** Reports an error; like the Python library, failures to send it are logged, never raised. */
  void error(String errorLog, String slaveReference);

  void bang(String message) throws SlapException;

  void rename(String newName, String slaveReference) throws SlapException;

  /** {@code certificate} and {@code key} of this partition (empty strings on slapproxy). */
  Map<String, Object> getCertificate() throws SlapException;

  /** (interface, address, ...) tuples of the whole instance tree. */
  List<List<Object>> getFullHostingIpAddressList() throws SlapException;

  void setComputerPartitionRelatedInstanceList(List<String> instanceReferenceList) throws SlapException;

  /** {@code _access_status} when the master sent one, else null; no HTTP call. */
  String getAccessStatus();

  /** Needs the HATEOAS API: information about an instance of this partition's tree. */
  ServiceInformation getInformation(String partitionReference) throws SlapException;
}
