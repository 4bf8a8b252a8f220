package org.slapos.slap.client.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.OpenOrder;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareProductCollection;
import org.slapos.slap.api.SoftwareRelease;
import org.slapos.slap.api.Supply;
import org.slapos.slap.api.Token;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One initialised connection (Python's {@code slap} after initializeConnection). */
final class SlapImpl implements Slap {

  private static final Logger LOG = LoggerFactory.getLogger(SlapImpl.class);

  private final Session session;

  SlapImpl(Session session) {
    this.session = session;
  }

  Session session() {
    return session;
  }

  @Override
  public String getMasterUrl() {
    return session.connection.baseUrl();
  }

  @Override
  public SoftwareRelease registerSoftwareRelease(String softwareReleaseUrl) {
    return new SoftwareReleaseImpl(session, softwareReleaseUrl, null);
  }

  @Override
  public Computer registerComputer(String computerId) {
    return new ComputerImpl(session, computerId);
  }

  @Override
  public ComputerPartition registerComputerPartition(String computerId, String partitionId) throws SlapException {
    if (computerId == null || computerId.isEmpty() || partitionId == null || partitionId.isEmpty()) {
      throw new NotFoundError("A computer id and a partition id are required (got " + computerId + ", " + partitionId + ")");
    }
    return new ComputerPartitionImpl(session, computerId, partitionId, null);
  }

  @Override
  public OpenOrder registerOpenOrder() {
    return new OpenOrderImpl(session);
  }

  @Override
  public Supply registerSupply() {
    return new SupplyImpl(session);
  }

  @Override
  public Token registerToken() throws SlapException {
    HateoasNavigator navigator = session.requireNavigator();
    return navigator::token;
  }

  @Override
  public List<String> getSoftwareReleaseListFromSoftwareProduct(String softwareProductReference,
      String softwareReleaseUrl) throws SlapException {
    Form params;
    if (softwareProductReference != null && !softwareProductReference.isEmpty()) {
      if (softwareReleaseUrl != null) {
        throw new IllegalArgumentException(
            "Both software_product_reference and software_release_url parameters are specified.");
      }
      params = Form.of("software_product_reference", softwareProductReference);
    } else {
      if (softwareReleaseUrl == null) {
        throw new IllegalArgumentException(
            "None of software_product_reference and software_release_url parameters are specified.");
      }
      params = Form.of("software_release_url", softwareReleaseUrl);
    }
    String xml = session.connection.get("getSoftwareReleaseListFromSoftwareProduct", params);
    Object value = Wire.loads(xml, "getSoftwareReleaseListFromSoftwareProduct");
    if (!(value instanceof List<?> list)) {
      throw new SlapException("Malformed answer to getSoftwareReleaseListFromSoftwareProduct: expected a list, got "
          + Session.describe(value));
    }
    List<String> urls = new ArrayList<>(list.size());
    for (Object item : list) {
      urls.add(item == null ? null : item.toString());
    }
    return Collections.unmodifiableList(urls);
  }

  @Override
  public SoftwareProductCollection getSoftwareProductCollection() {
    return product -> {
      String name = product.startsWith(SoftwareProductCollection.PREFIX)
          ? product.substring(SoftwareProductCollection.PREFIX.length()) : product;
      LOG.debug("Getting best Software Release corresponding to this Software Product...");
      List<String> releases = getSoftwareReleaseListFromSoftwareProduct(name, null);
      if (releases.isEmpty()) {
        throw new NotFoundError("No Software Release corresponding to this Software Product has been found.");
      }
      LOG.debug("Found as {}.", releases.get(0));
      return releases.get(0);
    };
  }

  @Override
  public Map<String, ComputerInformation> getComputerDict() throws SlapException {
    return session.requireNavigator().computerDict();
  }

  @Override
  public Map<String, ServiceInformation> getOpenOrderDict() throws SlapException {
    return session.requireNavigator().instanceTreeDict();
  }

  @Override
  public boolean hasHateoas() {
    return session.navigator != null;
  }

  @Override
  public String toString() {
    return "Slap(" + getMasterUrl() + ")";
  }
}
