package org.slapos.proxy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slapos.master.api.ComputerInformation;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.RequestOutcome;
import org.slapos.master.api.SoftwareInstallation;
import org.slapos.slap.marshal.PyRepr;
import org.slapos.slap.marshal.PyTuple;
import org.slapos.slap.marshal.SlapObject;

/**
 * The {@code slapos.slap.slap} objects slapproxy answers with, built from store snapshots
 * (slap-protocol §3.2, §3.5). Every container is a fresh copy: the marshaller writes a container met
 * twice as a {@code <reference>}, which slapproxy never does.
 */
final class SlapObjects {
  static final String SLAP_SERVER_URL = "slap_server_url";

  private SlapObjects() {
  }

  /** {@code Computer(C)} with its software releases and partitions ({@code getFullComputerInformation}). */
  static SlapObject computer(ComputerInformation info) {
    SlapObject computer = SlapObject.computer(info.computerId());
    List<Object> software = new ArrayList<>();
    for (SoftwareInstallation s : info.software()) {
      SlapObject release = SlapObject.softwareRelease(s.url(), info.computerId());
      release.put("_requested_state", s.requestedState());
      software.add(release);
    }
    List<Object> partitions = new ArrayList<>();
    for (PartitionInfo p : info.partitions()) {
      partitions.add(partition(p));
    }
    computer.put("_software_release_list", software);
    computer.put("_computer_partition_list", partitions);
    return computer;
  }

  /** {@code ComputerPartition(C, P)} as a node sees it ({@code partitiondict2partition}). */
  static SlapObject partition(PartitionInfo p) {
    SlapObject partition = SlapObject.computerPartition(p.computerId(), p.reference());
    partition.put("_software_release_document", null);
    partition.put("_requested_state", "destroyed");
    partition.put("_need_modification", 0L);
    partition.put("_instance_guid", p.instanceGuid());
    if (p.hasInstance()) {
      partition.put("_need_modification", 1L);
      partition.put("_requested_state", p.requestedState());
      Map<String, Object> parameters = new LinkedHashMap<>(p.parameters());
      parameters.put("ip_list", ipList(p.addresses()));
      parameters.put("full_address_list", new ArrayList<>());
      parameters.put("slap_software_type", p.softwareType());
      parameters.put("instance_title", p.title());
      parameters.put("root_instance_title", p.rootInstanceTitle());
      parameters.put("slap_computer_id", p.computerId());
      parameters.put("slap_computer_partition_id", p.reference());
      parameters.put("slap_software_release_url", p.softwareRelease());
      parameters.put("slave_instance_list", p.slaveInstances() == null ? new ArrayList<>() : fresh(p.slaveInstances()));
      Double timestamp = p.timestamp();
      if (timestamp != null && timestamp != 0.0) {
        parameters.put("timestamp", PyRepr.floatRepr(timestamp));
      }
      partition.put("_parameter_dict", parameters);
      partition.put("_connection_dict", new LinkedHashMap<>(p.connectionParameters()));
      partition.put("_software_release_document", SlapObject.softwareRelease(p.softwareRelease(), p.computerId()));
    }
    return partition;
  }

  /** The {@code SoftwareInstance} answered to a request (§3.5.1, §3.5.4). */
  static SlapObject requestAnswer(RequestOutcome outcome) {
    PartitionInfo p = outcome.partition();
    SlapObject instance = SlapObject.softwareInstance();
    if (outcome.shared()) {
      instance.put("_connection_dict", new LinkedHashMap<>(outcome.slave().connectionParameters()));
      instance.put("_parameter_dict", new LinkedHashMap<>(outcome.parameters()));
      instance.put("slap_computer_id", p.computerId());
      instance.put("slap_computer_partition_id", outcome.slave().hostedBy());
    } else {
      Map<String, Object> parameters = new LinkedHashMap<>(outcome.parameters());
      parameters.put("timestamp", p.timestamp() == null ? "None" : PyRepr.floatRepr(p.timestamp()));
      instance.put("_connection_dict", new LinkedHashMap<>(p.connectionParameters()));
      instance.put("_parameter_dict", parameters);
      instance.put("connection_xml", p.connectionXml());
      instance.put("slap_computer_id", p.computerId());
      instance.put("slap_computer_partition_id", p.reference());
      instance.put("_instance_guid", p.instanceGuid());
      // slapproxy echoes the requested state, or 'started' when none was requested (§3.5.1 quirk).
      instance.put("_requested_state", outcome.requestedState() != null ? outcome.requestedState() : "started");
    }
    instance.put("slap_software_release_url", p.softwareRelease());
    instance.put("slap_server_url", SLAP_SERVER_URL);
    instance.put("slap_software_type", p.softwareType());
    instance.put("ip_list", ipList(outcome.addresses()));
    return instance;
  }

  /** {@code [(interface, address), ...]}. */
  static List<Object> ipList(List<NetworkAddress> addresses) {
    List<Object> list = new ArrayList<>(addresses.size());
    for (NetworkAddress a : addresses) {
      list.add(PyTuple.of(a.interfaceName(), a.address()));
    }
    return list;
  }

  /** A deep copy with new mutable containers, so that no container is shared within one document. */
  @SuppressWarnings("unchecked")
  static <T> T fresh(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(e.getKey(), fresh(e.getValue()));
      }
      return (T) copy;
    }
    if (value instanceof PyTuple tuple) {
      List<Object> items = new ArrayList<>(tuple.size());
      for (Object o : tuple) {
        items.add(fresh(o));
      }
      return (T) PyTuple.copyOf(items);
    }
    if (value instanceof Set<?> set) {
      Set<Object> copy = new LinkedHashSet<>();
      for (Object o : set) {
        copy.add(fresh(o));
      }
      return (T) copy;
    }
    if (value instanceof Collection<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object o : list) {
        copy.add(fresh(o));
      }
      return (T) copy;
    }
    if (value instanceof SlapObject object) {
      return (T) new SlapObject(object.className(), fresh(object.args()), fresh(object.state()));
    }
    return value;
  }
}
