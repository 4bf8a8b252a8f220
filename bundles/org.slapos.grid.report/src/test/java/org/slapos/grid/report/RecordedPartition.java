package org.slapos.grid.report;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;

/**
 * A partition as the master lists it for the node, recording the reports the report run sends
 * ({@code stopped}, {@code destroyed}, {@code error}). {@code destroyed} can be made to fail.
 */
final class RecordedPartition implements ComputerPartition {
  final String id;
  final String state;
  final String url;
  final List<String> reports = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  volatile SlapException destroyedFailure;

  RecordedPartition(String id, String state, String url) {
    this.id = id;
    this.state = state;
    this.url = url;
  }

  @Override
  public Map<String, Object> getAttributes() {
    return Map.of();
  }

  @Override
  public String getId() {
    return id;
  }

  @Override
  public String getComputerId() {
    return "COMP-TEST";
  }

  @Override
  public String getInstanceGuid() {
    return "SOFTINST-" + id;
  }

  @Override
  public String getState() {
    return state;
  }

  @Override
  public String getType() {
    return "default";
  }

  @Override
  public SoftwareRelease getSoftwareRelease() throws SlapException {
    if (url == null) {
      throw new NotFoundError("No software release information for partition " + id);
    }
    return new SoftwareRelease() {
      @Override
      public Map<String, Object> getAttributes() {
        return Map.of("_software_release", url);
      }

      @Override
      public String getURI() {
        return url;
      }

      @Override
      public String getComputerId() {
        return "COMP-TEST";
      }

      @Override
      public String getState() {
        return STATE_AVAILABLE;
      }

      @Override
      public void building() {
        throw new UnsupportedOperationException("the report run never reports on releases");
      }

      @Override
      public void available() {
        throw new UnsupportedOperationException("the report run never reports on releases");
      }

      @Override
      public void destroyed() {
        throw new UnsupportedOperationException("the report run never reports on releases");
      }

      @Override
      public void error(String errorLog) {
        throw new UnsupportedOperationException("the report run never reports on releases");
      }
    };
  }

  @Override
  public Map<String, Object> getInstanceParameterDict() {
    return Map.of();
  }

  @Override
  public Object getInstanceParameter(String name) throws SlapException {
    throw new NotFoundError(name + " not found");
  }

  @Override
  public Map<String, Object> getConnectionParameterDict() {
    return Map.of();
  }

  @Override
  public Object getConnectionParameter(String name) throws SlapException {
    throw new NotFoundError(name + " not found");
  }

  @Override
  public void setConnectionDict(Map<String, ?> connectionDict, String slaveReference) {
    throw new UnsupportedOperationException("the report run never publishes connection parameters");
  }

  @Override
  public ComputerPartition request(InstanceRequest request) {
    throw new UnsupportedOperationException("the node never requests instances itself");
  }

  @Override
  public void started() {
    reports.add("started");
  }

  @Override
  public void stopped() {
    reports.add("stopped");
  }

  @Override
  public String destroyed() throws SlapException {
    if (destroyedFailure != null) {
      throw destroyedFailure;
    }
    reports.add("destroyed");
    return "";
  }

  @Override
  public void error(String errorLog, String slaveReference) {
    reports.add("error");
    errors.add(errorLog);
  }

  @Override
  public void bang(String message) {
    reports.add("bang");
  }

  @Override
  public void rename(String newName, String slaveReference) {
    throw new UnsupportedOperationException("the node never renames");
  }

  @Override
  public Map<String, Object> getCertificate() {
    return Map.of("certificate", "CERT", "key", "KEY");
  }

  @Override
  public List<List<Object>> getFullHostingIpAddressList() {
    return List.of();
  }

  @Override
  public void setComputerPartitionRelatedInstanceList(List<String> instanceReferenceList) {
    throw new UnsupportedOperationException("the report run never links instances");
  }

  @Override
  public String getAccessStatus() {
    return "";
  }

  @Override
  public ServiceInformation getInformation(String partitionReference) {
    throw new UnsupportedOperationException("the node never reads service information");
  }
}
