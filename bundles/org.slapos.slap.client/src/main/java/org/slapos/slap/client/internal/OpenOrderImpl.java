package org.slapos.slap.client.internal;

import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.OpenOrder;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;

/** Requests made as the user: root instances. */
final class OpenOrderImpl implements OpenOrder {

  private final Session session;

  OpenOrderImpl(Session session) {
    this.session = session;
  }

  @Override
  public ComputerPartition request(InstanceRequest request) throws SlapException {
    // Same fields as ComputerPartition.request but no requester ids, and in OpenOrder's own order.
    Form form = Form.of(
        "software_release", request.softwareRelease(),
        "partition_reference", request.partitionReference(),
        "partition_parameter_xml", Wire.dumps(request.parameters()),
        "filter_xml", Wire.dumps(request.filter()),
        "software_type", request.softwareType(),
        "state", Wire.dumps(request.state()),
        "shared_xml", Wire.dumps(request.shared()));
    return Requests.requestComputerPartition(session, form, request.shared());
  }

  @Override
  public Computer requestComputer(String computerTitle) throws SlapException {
    String xml = session.connection.post("requestComputer", Form.of("computer_title", computerTitle));
    Object loaded = session.adopt(Wire.loads(xml, "requestComputer"));
    if (!(loaded instanceof Computer computer)) {
      throw new SlapException("Malformed answer to requestComputer: expected a Computer, got " + Session.describe(loaded));
    }
    return computer;
  }

  @Override
  public ServiceInformation getInformation(String partitionReference) throws SlapException {
    return session.requireNavigator().serviceInformation(partitionReference);
  }
}
