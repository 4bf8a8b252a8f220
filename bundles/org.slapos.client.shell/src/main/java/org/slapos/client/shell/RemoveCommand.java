package org.slapos.client.shell;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos remove SOFTWARE_URL NODE}: asks a node to remove a Software Release. As in the
 * original, {@code product.NAME} is not resolved here.
 */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=remove",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + RemoveCommand.SUMMARY})
public final class RemoveCommand extends ClientCommand {
  static final String SUMMARY = "remove a Software from a node";

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.LOGGER_NAME);

  private static final String USAGE = """
      usage: slapos remove [-h] [--cfg CFG] software_url node
      """;

  private static final String HELP = USAGE + """

      remove a Software from a node

      positional arguments:
        software_url  Your software url
        node          Target node

      options:
        -h, --help    show this help message and exit
        --cfg CFG     SlapOS configuration file (default:
                      $SLAPOS_CLIENT_CONFIGURATION or ~/.slapos/slapos-client.cfg)
      """;

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos remove", USAGE, HELP)
      .positional("software_url")
      .positional("node")
      .build();

  @Activate
  public RemoveCommand(@Reference ClientSessionFactory sessions) {
    super(SYNTAX, sessions);
  }

  @Override
  int run(CommandContext context, Arguments arguments) throws Exception {
    String softwareUrl = arguments.positional(0);
    String node = arguments.positional(1);
    ClientSession session = open(context, arguments);
    LOG.info("Requesting deletion of {} Software Release...", softwareUrl);
    try {
      session.supply(softwareUrl, node, SoftwareRelease.STATE_DESTROYED);
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
    LOG.info("Done.");
    return 0;
  }
}
