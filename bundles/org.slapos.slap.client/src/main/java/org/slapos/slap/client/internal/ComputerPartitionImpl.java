package org.slapos.slap.client.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;
import org.slapos.slap.marshal.SlapObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A computer partition (Python's {@code ComputerPartition}). Getters whose attribute is missing fetch
 * registerComputerPartition once; a partition from a request the master has not allocated yet has no
 * id and its getters raise ResourceNotReady.
 */
final class ComputerPartitionImpl extends Document implements ComputerPartition {

  private static final Logger LOG = LoggerFactory.getLogger(ComputerPartitionImpl.class);

  private final Session session;
  /** Connection dicts published for shared instances through this object, by slave reference. */
  private final Map<String, Map<String, Object>> publishedSlaveConnections = new ConcurrentHashMap<>();

  ComputerPartitionImpl(Session session, String computerId, String partitionId, Map<String, Object> requestDict) {
    this.session = session;
    set("_computer_id", computerId);
    set("_partition_id", partitionId);
    set("_request_dict", requestDict);
    session.transactions.touch(partitionId);
  }

  void markSynced() {
    set("_synced", Boolean.TRUE);
  }

  private String partitionId() {
    return stringAttribute("_partition_id");
  }

  @Override
  public String getId() throws ResourceNotReady {
    String id = partitionId();
    if (id == null || id.isEmpty()) {
      throw new ResourceNotReady("The partition is not allocated yet"
          + (has("_request_dict") && attribute("_request_dict") instanceof Map<?, ?> r
              ? " (requested " + r.get("partition_reference") + ")" : ""));
    }
    return id;
  }

  @Override
  public String getComputerId() {
    return stringAttribute("_computer_id");
  }

  /** registerComputerPartition, keeping only the five attributes Python takes from it. */
  private synchronized void fetch() throws SlapException {
    String xml = session.connection.get("registerComputerPartition",
        Form.of("computer_reference", getComputerId(), "computer_partition_reference", getId()));
    Object loaded = Wire.loads(xml, "registerComputerPartition");
    if (!(loaded instanceof SlapObject object)) {
      throw new SlapException("Malformed answer to registerComputerPartition: expected an object, got "
          + Session.describe(loaded));
    }
    Map<String, Object> state = session.adoptState(object);
    for (String name : new String[] {"_instance_guid", "_requested_state", "_software_release_document",
        "_parameter_dict", "_connection_dict"}) {
      set(name, state.get(name));
    }
  }

  private Object lazy(String name) throws SlapException {
    if (!has(name)) {
      fetch();
    }
    return attribute(name);
  }

  @Override
  public String getInstanceGuid() throws SlapException {
    Object guid = lazy("_instance_guid");
    if (guid == null) {
      throw new ResourceNotReady("No instance guid yet for partition " + partitionId());
    }
    return guid.toString();
  }

  @Override
  public String getState() throws SlapException {
    Object state = lazy("_requested_state");
    if (state == null) {
      throw new ResourceNotReady("No requested state yet for partition " + partitionId());
    }
    return state.toString();
  }

  @Override
  public String getType() throws SlapException {
    Object type = getInstanceParameterDict().get("slap_software_type");
    if (!truthy(type)) {
      // Right after request() the type is a top-level attribute, not a parameter: Python raises too.
      throw new ResourceNotReady("No software type in the parameters of partition " + partitionId());
    }
    return type.toString();
  }

  @Override
  public SoftwareRelease getSoftwareRelease() throws SlapException {
    Object document = lazy("_software_release_document");
    if (document == null) {
      throw new NotFoundError("No software release information for partition " + getId());
    }
    if (document instanceof SoftwareRelease release) {
      return release;
    }
    if (document instanceof Map<?, ?> map && map.get("software_release") != null) {
      // The Master's compute-node document describes it as a dict.
      Object guid = map.get("computer_guid");
      return new SoftwareReleaseImpl(session, map.get("software_release").toString(),
          guid == null ? getComputerId() : guid.toString());
    }
    // A request forwarded by a multimaster proxy carries the bare URL.
    return new SoftwareReleaseImpl(session, document.toString(), getComputerId());
  }

  @Override
  public Map<String, Object> getInstanceParameterDict() throws SlapException {
    return asMap(lazy("_parameter_dict"));
  }

  @Override
  public Object getInstanceParameter(String key) throws SlapException {
    Map<String, Object> parameters = asMap(attribute("_parameter_dict"));
    if (!parameters.containsKey(key)) {
      throw new NotFoundError(key + " not found");
    }
    return parameters.get(key);
  }

  @Override
  public Map<String, Object> getConnectionParameterDict() throws SlapException {
    Object connection = lazy("_connection_dict");
    if (connection == null) {
      // Slapproxy <= 1.0.0 only sent connection_xml.
      Object xml = attribute("connection_xml");
      return Collections.unmodifiableMap(Wire.xml2dict(xml == null ? "" : xml.toString(), "connection_xml"));
    }
    return asMap(connection);
  }

  @Override
  public Object getConnectionParameter(String key) throws SlapException {
    Map<String, Object> connection = getConnectionParameterDict();
    if (!connection.containsKey(key)) {
      throw new NotFoundError(key + " not found");
    }
    return connection.get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    if (value instanceof Map<?, ?> map) {
      return Collections.unmodifiableMap((Map<String, Object>) map);
    }
    return Collections.emptyMap();
  }

  @Override
  public void setConnectionDict(Map<String, ?> connectionDict, String slaveReference) throws SlapException {
    @SuppressWarnings("unchecked")
    Map<String, Object> wanted = (Map<String, Object>) Wire.normalise(
        connectionDict == null ? new LinkedHashMap<>() : connectionDict);
    boolean forSlave = slaveReference != null && !slaveReference.isEmpty();
    Map<String, Object> known = forSlave ? knownSlaveConnection(slaveReference) : knownConnection();
    if (known != null && known.equals(wanted)) {
      // Deviation from slapos.core 1.24, which always posts: nothing changed, nothing to tell the master.
      LOG.debug("Connection parameters of {} {} unchanged, not publishing", partitionId(),
          forSlave ? "for " + slaveReference : "");
      return;
    }
    session.connection.post("setComputerPartitionConnectionXml", Form.of(
        "computer_id", getComputerId(),
        "computer_partition_id", partitionId(),
        "connection_xml", Wire.dumps(wanted),
        "slave_reference", slaveReference));
    if (forSlave) {
      publishedSlaveConnections.put(slaveReference, wanted);
    } else {
      set("_connection_dict", new LinkedHashMap<>(wanted));
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> knownConnection() {
    Object known = attribute("_connection_dict");
    return known instanceof Map<?, ?> map ? (Map<String, Object>) Wire.normalise(map) : null;
  }

  /**
   * What the master last told us, or we last published, for one shared instance. Slave entries carry
   * their connection data only as the Master's raw {@code connection_xml}; otherwise it is unknown.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> knownSlaveConnection(String slaveReference) {
    Map<String, Object> published = publishedSlaveConnections.get(slaveReference);
    if (published != null) {
      return published;
    }
    if (!(attribute("_parameter_dict") instanceof Map<?, ?> parameters)
        || !(parameters.get("slave_instance_list") instanceof List<?> slaves)) {
      return null;
    }
    for (Object slave : slaves) {
      if (slave instanceof Map<?, ?> entry && slaveReference.equals(entry.get("slave_reference"))
          && entry.get("connection_xml") instanceof String xml) {
        try {
          return (Map<String, Object>) Wire.normalise(Wire.xml2dict(xml, "slave connection_xml"));
        } catch (SlapException e) {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public ComputerPartition request(InstanceRequest request) throws SlapException {
    Form form = Form.of(
        "computer_id", getComputerId(),
        "computer_partition_id", partitionId(),
        "software_release", request.softwareRelease(),
        "software_type", request.softwareType(),
        "partition_reference", request.partitionReference(),
        "shared_xml", Wire.dumps(request.shared()),
        "partition_parameter_xml", Wire.dumps(request.parameters()),
        "filter_xml", Wire.dumps(request.filter()),
        "state", Wire.dumps(request.state()));
    session.transactions.append(partitionId(), request.partitionReference());
    return Requests.requestComputerPartition(session, form, request.shared());
  }

  private Form ids() throws ResourceNotReady {
    return Form.of("computer_id", getComputerId(), "computer_partition_id", getId());
  }

  @Override
  public void started() throws SlapException {
    session.connection.post("startedComputerPartition", ids());
  }

  @Override
  public void stopped() throws SlapException {
    session.connection.post("stoppedComputerPartition", ids());
  }

  @Override
  public String destroyed() throws SlapException {
    return session.connection.post("destroyedComputerPartition", ids());
  }

  @Override
  public void error(String errorLog, String slaveReference) {
    try {
      Form form = ids().add("error_log", errorLog);
      if (slaveReference != null && !slaveReference.isEmpty()) {
        form.add("slave_reference", slaveReference);
      }
      session.connection.post("softwareInstanceError", form);
    } catch (SlapException | RuntimeException e) {
      // Reporting an error must never fail the caller's own error handling.
      LOG.error("Cannot report the error of partition {} on {}", partitionId(), getComputerId(), e);
    }
  }

  @Override
  public void bang(String message) throws SlapException {
    session.connection.post("softwareInstanceBang", ids().add("message", message));
  }

  @Override
  public void rename(String newName, String slaveReference) throws SlapException {
    Form form = ids().add("new_name", newName);
    if (slaveReference != null && !slaveReference.isEmpty()) {
      form.add("slave_reference", slaveReference);
    }
    session.connection.post("softwareInstanceRename", form);
  }

  private Form rawIds() {
    return Form.of("computer_id", getComputerId(), "computer_partition_id", partitionId());
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Object> getCertificate() throws SlapException {
    String xml = session.connection.get("getComputerPartitionCertificate", rawIds());
    Object value = session.adopt(Wire.loads(xml, "getComputerPartitionCertificate"));
    if (!(value instanceof Map<?, ?> map)) {
      throw new SlapException("Malformed answer to getComputerPartitionCertificate: " + Session.describe(value));
    }
    return (Map<String, Object>) map;
  }

  @Override
  public List<List<Object>> getFullHostingIpAddressList() throws SlapException {
    String xml = session.connection.get("getHostingSubscriptionIpList", rawIds());
    Object value = session.adopt(Wire.loads(xml, "getHostingSubscriptionIpList"));
    if (!(value instanceof List<?> list)) {
      throw new SlapException("Malformed answer to getHostingSubscriptionIpList: " + Session.describe(value));
    }
    List<List<Object>> addresses = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof List<?> tuple) {
        addresses.add(Collections.unmodifiableList(new ArrayList<>(tuple)));
      }
    }
    return addresses;
  }

  @Override
  public void setComputerPartitionRelatedInstanceList(List<String> instanceReferenceList) throws SlapException {
    session.connection.post("updateComputerPartitionRelatedInstanceList", rawIds()
        .add("instance_reference_xml", Wire.dumps(new ArrayList<>(instanceReferenceList))));
  }

  @Override
  public String getAccessStatus() {
    return stringAttribute("_access_status");
  }

  @Override
  public ServiceInformation getInformation(String partitionReference) throws SlapException {
    // slapos.core 1.24's version is broken (it calls a getMeUrl that does not exist); look the
    // reference up among the instance trees the caller can see instead.
    return session.requireNavigator().serviceInformation(partitionReference);
  }

  @Override
  public String toString() {
    return "ComputerPartition(" + getComputerId() + ", " + partitionId() + ")";
  }
}
