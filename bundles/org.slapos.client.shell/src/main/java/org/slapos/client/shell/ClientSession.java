package org.slapos.client.shell;

import java.util.List;
import java.util.Objects;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareProductCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to the master as the user of {@code slapos-client.cfg}: what slapos.core's
 * {@code slapos.client.init} gives the client commands and {@code slapos console} ({@code slap},
 * {@code request}, {@code supply}, {@code getInformation}, {@code product}). Obtain one from
 * {@link ClientSessionFactory}. Not thread-safe beyond what {@link Slap} guarantees.
 */
public final class ClientSession {
  /** The logger the original client commands write their messages to. */
  public static final String LOGGER_NAME = "slapos";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

  private final Slap slap;
  private final ClientConfiguration configuration;

  ClientSession(Slap slap, ClientConfiguration configuration) {
    this.slap = Objects.requireNonNull(slap, "slap");
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  /** The SLAP connection ({@code slap} in the console). */
  public Slap slap() {
    return slap;
  }

  public ClientConfiguration configuration() {
    return configuration;
  }

  /**
   * A software string as the user typed it: {@code product.NAME} is resolved through the master to
   * the newest release of that product (logging what the original logs), anything else is returned
   * unchanged.
   *
   * @throws NotFoundError "No Software Release corresponding to this Software Product has been found."
   */
  public String resolveSoftware(String softwareString) throws SlapException {
    if (!softwareString.startsWith(SoftwareProductCollection.PREFIX)) {
      return softwareString;
    }
    return product(softwareString.substring(SoftwareProductCollection.PREFIX.length()));
  }

  /** The newest release URL of a software product ({@code product.NAME} in the console). */
  public String product(String productName) throws SlapException {
    LOG.info("Getting best Software Release corresponding to this Software Product...");
    List<String> releases = slap.getSoftwareReleaseListFromSoftwareProduct(productName, null);
    if (releases == null || releases.isEmpty()) {
      throw new NotFoundError("No Software Release corresponding to this Software Product has been found.");
    }
    // The master lists the newest release first.
    String url = releases.get(0);
    LOG.info("Found as {}.", url);
    return url;
  }

  /** Requests an instance as the user ({@code request(...)} in the console). */
  public ComputerPartition request(InstanceRequest request) throws SlapException {
    return slap.registerOpenOrder().request(request);
  }

  /**
   * Asks a node to install or remove a Software Release ({@code supply(...)} in the console).
   *
   * @param state {@code available} or {@code destroyed}
   * @return the master's answer body
   */
  public String supply(String softwareRelease, String computerGuid, String state) throws SlapException {
    return slap.registerSupply().supply(softwareRelease, computerGuid, state);
  }

  /** Information about one of the user's instance trees ({@code getInformation(...)} in the console). */
  public ServiceInformation getInformation(String reference) throws SlapException {
    return slap.registerOpenOrder().getInformation(reference);
  }
}
