package org.slapos.client.shell;

import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.marshal.PyJson;

/** {@code slapos service list}: prints {@code {title: software release URL}} of the user's instance trees. */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=service list",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + ServiceListCommand.SUMMARY})
public final class ServiceListCommand extends ClientCommand {
  static final String SUMMARY = "List the title of all your slapos services";

  private static final String USAGE = """
      usage: slapos service list [-h] [--cfg CFG]
      """;

  private static final String HELP = USAGE + """

      List the title of all your slapos services

      options:
        -h, --help  show this help message and exit
        --cfg CFG   SlapOS configuration file (default: $SLAPOS_CLIENT_CONFIGURATION
                    or ~/.slapos/slapos-client.cfg)
      """;

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos service list", USAGE, HELP).build();

  @Activate
  public ServiceListCommand(@Reference ClientSessionFactory sessions) {
    super(SYNTAX, sessions);
  }

  @Override
  int run(CommandContext context, Arguments arguments) throws Exception {
    ClientSession session = open(context, arguments);
    Map<String, ServiceInformation> instances;
    try {
      instances = session.slap().getOpenOrderDict();
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
    Map<String, Object> urls = new LinkedHashMap<>();
    instances.forEach((title, instance) -> urls.put(title, instance.softwareReleaseUrl()));
    context.out().println(PyJson.dumps(urls, 2, true));
    context.out().flush();
    return 0;
  }
}
