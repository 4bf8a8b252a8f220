package org.slapos.client.shell;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code slapos supply SOFTWARE_URL NODE}: asks a node to install a Software Release. */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=supply",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + SupplyCommand.SUMMARY})
public final class SupplyCommand extends ClientCommand {
  static final String SUMMARY = "supply a Software to a node";

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.LOGGER_NAME);

  private static final String USAGE = """
      usage: slapos supply [-h] [--cfg CFG] software_url node
      """;

  private static final String HELP = USAGE + """

      supply a Software to a node

      positional arguments:
        software_url  Your software url
        node          Target node

      options:
        -h, --help    show this help message and exit
        --cfg CFG     SlapOS configuration file (default:
                      $SLAPOS_CLIENT_CONFIGURATION or ~/.slapos/slapos-client.cfg)
      """;

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos supply", USAGE, HELP)
      .positional("software_url")
      .positional("node")
      .build();

  @Activate
  public SupplyCommand(@Reference ClientSessionFactory sessions) {
    super(SYNTAX, sessions);
  }

  @Override
  int run(CommandContext context, Arguments arguments) throws Exception {
    String softwareString = arguments.positional(0);
    String node = arguments.positional(1);
    ClientSession session = open(context, arguments);
    LOG.info("Requesting software installation of {}...", softwareString);
    try {
      String softwareUrl;
      try {
        softwareUrl = session.resolveSoftware(softwareString);
      } catch (NotFoundError e) {
        LOG.error("Error: {} Exiting now.", e.getMessage());
        return 1;
      }
      session.supply(softwareUrl, node, SoftwareRelease.STATE_AVAILABLE);
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
    LOG.info("Done.");
    return 0;
  }
}
