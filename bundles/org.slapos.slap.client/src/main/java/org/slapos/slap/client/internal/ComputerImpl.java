package org.slapos.slap.client.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;

/** A node; its software releases and partitions are fetched once, on first use. */
final class ComputerImpl extends Document implements Computer {

  private final Session session;

  ComputerImpl(Session session, String computerId) {
    this.session = session;
    set("_computer_id", computerId);
  }

  @Override
  public String getId() {
    return stringAttribute("_computer_id");
  }

  /** Python's {@code _syncComputerInformation}: one getFullComputerInformation per object, then cached. */
  private synchronized void sync() throws SlapException {
    if (truthy(attribute("_synced"))) {
      return;
    }
    ComputerImpl fetched = session.fetchComputer(getId());
    setAll(fetched.snapshot());
    set("_synced", Boolean.TRUE);
    for (ComputerPartition partition : partitions()) {
      if (partition instanceof ComputerPartitionImpl impl) {
        impl.markSynced();
      }
    }
  }

  @Override
  public List<SoftwareRelease> getSoftwareReleaseList() throws SlapException {
    sync();
    List<SoftwareRelease> list = new ArrayList<>();
    if (attribute("_software_release_list") instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof SoftwareRelease release) {
          list.add(release);
        }
      }
    }
    return Collections.unmodifiableList(list);
  }

  @Override
  public List<ComputerPartition> getComputerPartitionList() throws SlapException {
    sync();
    return partitions();
  }

  private List<ComputerPartition> partitions() {
    List<ComputerPartition> list = new ArrayList<>();
    if (attribute("_computer_partition_list") instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof ComputerPartition partition) {
          list.add(partition);
        }
      }
    }
    return Collections.unmodifiableList(list);
  }

  @Override
  public void reportUsage(String computerUsageXml) throws SlapException {
    if ("".equals(computerUsageXml)) {
      return;
    }
    session.connection.post("useComputer", Form.of("computer_id", getId(), "use_string", computerUsageXml));
  }

  @Override
  public String updateConfiguration(String computerXml) throws SlapException {
    return session.connection.post("loadComputerConfigurationFromXML", Form.of("xml", computerXml));
  }

  @Override
  public void bang(String message) throws SlapException {
    session.connection.post("computerBang", Form.of("computer_id", getId(), "message", message));
  }

  @Override
  public Object getStatus() throws SlapException {
    String xml = session.connection.get("getComputerStatus", Form.of("computer_id", getId()));
    return session.adopt(Wire.loads(xml, "getComputerStatus"));
  }

  @Override
  public void revokeCertificate() throws SlapException {
    session.connection.post("revokeComputerCertificate", Form.of("computer_id", getId()));
  }

  @Override
  public Object generateCertificate() throws SlapException {
    String xml = session.connection.post("generateComputerCertificate", Form.of("computer_id", getId()));
    return session.adopt(Wire.loads(xml, "generateComputerCertificate"));
  }

  @Override
  public ComputerInformation getInformation() throws SlapException {
    HateoasNavigator navigator = session.requireNavigator();
    String reference = getId();
    Map<String, Object> data = navigator.computerDocument(reference);
    Object title = data.get("title");
    return new ComputerInformation(reference, title == null ? reference : title.toString(),
        HateoasNavigator.prefixed(data, Collections.emptySet()));
  }

  @Override
  public String toString() {
    return "Computer(" + getId() + ")";
  }
}
