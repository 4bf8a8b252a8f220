package org.slapos.grid.instance;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;

/**
 * A partition as the master lists it for the node, recording the reports the deployer sends (the
 * master side of the SLAP calls). A report can be made to fail, as a lost master would.
 */
final class RecordedPartition implements ComputerPartition {
  final String id;
  final String state;
  final String url;
  final Map<String, Object> parameters = new LinkedHashMap<>();
  final Map<String, Object> attributes = new HashMap<>();
  final List<String> reports = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  final List<List<String>> relatedInstanceLists = new CopyOnWriteArrayList<>();
  String accessStatus;
  String certificate = "-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n";
  String key = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";
  SlapException startedFailure;

  RecordedPartition(String id, String state, String url, String timestamp) {
    this.id = id;
    this.state = state;
    this.url = url;
    parameters.put("slap_software_type", "default");
    parameters.put("ip_list", List.of(List.of("slaptap0", "10.0.0.2")));
    if (timestamp != null) {
      parameters.put("timestamp", timestamp);
    }
    // As the client: the attributes received hold the parameters (the other getters read them).
    attributes.put("_parameter_dict", parameters);
  }

  @Override
  public Map<String, Object> getAttributes() {
    return attributes;
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
  public String getType() throws SlapException {
    Object type = parameters.get("slap_software_type");
    if (type == null) {
      throw new ResourceNotReady("no software type");
    }
    return type.toString();
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
        throw new UnsupportedOperationException("the instance run never reports on releases");
      }

      @Override
      public void available() {
        throw new UnsupportedOperationException("the instance run never reports on releases");
      }

      @Override
      public void destroyed() {
        throw new UnsupportedOperationException("the instance run never reports on releases");
      }

      @Override
      public void error(String errorLog) {
        throw new UnsupportedOperationException("the instance run never reports on releases");
      }
    };
  }

  @Override
  public Map<String, Object> getInstanceParameterDict() {
    return parameters;
  }

  @Override
  public Object getInstanceParameter(String name) throws SlapException {
    if (!parameters.containsKey(name)) {
      throw new NotFoundError(name + " not found");
    }
    return parameters.get(name);
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
    reports.add("setConnectionDict");
  }

  @Override
  public ComputerPartition request(InstanceRequest request) {
    throw new UnsupportedOperationException("the node never requests instances itself");
  }

  @Override
  public void started() throws SlapException {
    if (startedFailure != null) {
      throw startedFailure;
    }
    reports.add("started");
  }

  @Override
  public void stopped() {
    reports.add("stopped");
  }

  @Override
  public String destroyed() {
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
    return Map.of("certificate", certificate, "key", key);
  }

  @Override
  public List<List<Object>> getFullHostingIpAddressList() {
    return List.of();
  }

  @Override
  public void setComputerPartitionRelatedInstanceList(List<String> instanceReferenceList) {
    reports.add("related");
    relatedInstanceLists.add(List.copyOf(instanceReferenceList));
  }

  @Override
  public String getAccessStatus() {
    return accessStatus;
  }

  @Override
  public ServiceInformation getInformation(String partitionReference) {
    throw new UnsupportedOperationException("the node never reads service information");
  }
}
