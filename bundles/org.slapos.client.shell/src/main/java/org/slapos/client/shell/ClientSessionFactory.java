package org.slapos.client.shell;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;

/**
 * Opens {@link ClientSession}s from {@code slapos-client.cfg} through the SLAP library service.
 * Shared by the client commands and {@code slapos console}.
 */
@Component(service = ClientSessionFactory.class)
public final class ClientSessionFactory {
  private final SlapConnector connector;

  @Activate
  public ClientSessionFactory(@Reference SlapConnector connector) {
    this.connector = connector;
  }

  /**
   * Reads the client configuration ({@code --cfg}, {@code $SLAPOS_CLIENT_CONFIGURATION} or
   * {@code ~/.slapos/slapos-client.cfg}) and connects.
   *
   * @throws CommandFailure exit 1 for a missing or invalid configuration, or a connection failure
   */
  public ClientSession open(CommandContext context, String cfgOption) throws CommandFailure {
    return open(ClientConfiguration.load(context, cfgOption));
  }

  /**
   * Connects with a configuration already read (e.g. with the console's {@code -k}/{@code -c}).
   *
   * @throws CommandFailure exit 1 when the connection cannot be set up
   */
  public ClientSession open(ClientConfiguration configuration) throws CommandFailure {
    try {
      return new ClientSession(
          connector.initializeConnection(configuration.masterUrl(), configuration.connectionOptions()),
          configuration);
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
  }
}
