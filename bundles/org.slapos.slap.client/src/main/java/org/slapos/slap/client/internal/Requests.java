package org.slapos.slap.client.internal;

import java.util.Map;

import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.marshal.SlapObject;

/** requestComputerPartition and the handling of its answer, shared by OpenOrder and ComputerPartition (§3.5.2). */
final class Requests {

  private Requests() {
  }

  static ComputerPartition requestComputerPartition(Session session, Form form, boolean shared) throws SlapException {
    String xml;
    try {
      xml = session.connection.post("requestComputerPartition", form);
    } catch (ResourceNotReady notReady) {
      // 408: accepted but not allocated yet. The partition has no id; its getters raise ResourceNotReady.
      return new ComputerPartitionImpl(session, null, null, form.asPostedMap());
    }
    Object loaded = Wire.loads(xml, "requestComputerPartition");
    if (!(loaded instanceof SlapObject instance)) {
      throw new SlapException("Malformed answer to requestComputerPartition: expected a SoftwareInstance, got "
          + Session.describe(loaded));
    }
    Map<String, Object> state = session.adoptState(instance);
    Object computerId = state.get("slap_computer_id");
    Object partitionId = state.get("slap_computer_partition_id");
    if (!state.containsKey("slap_computer_id") || !state.containsKey("slap_computer_partition_id")) {
      throw new SlapException("Malformed answer to requestComputerPartition: no slap_computer_id or "
          + "slap_computer_partition_id in " + state.keySet());
    }
    ComputerPartitionImpl partition = new ComputerPartitionImpl(session,
        computerId == null ? null : computerId.toString(),
        partitionId == null ? null : partitionId.toString(), null);
    // Python copies every attribute of the SoftwareInstance onto the partition.
    partition.setAll(state);
    if (shared) {
      // A shared instance's answer is all there is to know: no registerComputerPartition later.
      partition.markSynced();
    }
    return partition;
  }
}
