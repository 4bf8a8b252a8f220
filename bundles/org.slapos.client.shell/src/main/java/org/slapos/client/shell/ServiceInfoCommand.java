package org.slapos.client.shell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.client.shell.SoftwareReleaseSchema.Serialisation;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.marshal.PyJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos service info REFERENCE}: prints one of the user's instance trees as JSON on stdout
 * (needs the master's HATEOAS API). Exit 2 when the instance is unknown or not ready.
 */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=service info",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + ServiceInfoCommand.SUMMARY})
public final class ServiceInfoCommand extends ClientCommand {
  static final String SUMMARY = "get status, software_release and parameters of an instance";

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.LOGGER_NAME);

  private static final String USAGE = """
      usage: slapos service info [-h] [--cfg CFG] [--news] reference
      """;

  private static final String HELP = USAGE + """

      get status, software_release and parameters of an instance

      positional arguments:
        reference   Your instance reference (for now it is its title)

      options:
        -h, --help  show this help message and exit
        --cfg CFG   SlapOS configuration file (default: $SLAPOS_CLIENT_CONFIGURATION
                    or ~/.slapos/slapos-client.cfg)
        --news      Include raw news in output
      """;

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos service info", USAGE, HELP)
      .positional("reference")
      .option(Arity.FLAG, "--news")
      .build();

  /** The status colours, indexed by two bits: 1 = some news says #access, 2 = some says #error. */
  private static final List<String> STATUS = List.of("none", "green", "red", "orange");

  @Activate
  public ServiceInfoCommand(@Reference ClientSessionFactory sessions) {
    super(SYNTAX, sessions);
  }

  @Override
  int run(CommandContext context, Arguments arguments) throws Exception {
    String reference = arguments.positional(0);
    ClientSession session = open(context, arguments);
    ServiceInformation instance;
    try {
      instance = session.getInformation(reference);
    } catch (ResourceNotReady e) {
      LOG.warn("Instance does not exist or is not ready yet.");
      return 2;
    } catch (NotFoundError e) {
      LOG.warn("Instance {} does not exist.", reference);
      return 2;
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }

    // The original looks for "_software_type", which HATEOAS documents do not carry: "default" then.
    Object schemaType = instance.attributes().get("_software_type");
    SoftwareReleaseSchema schema = new SoftwareReleaseSchema(instance.softwareReleaseUrl(),
        schemaType instanceof String type ? type : null, context.workingDirectory(), ConnectionOptions.DEFAULT_TIMEOUT);
    Object connection = instance.connectionParameters();
    if (schema.serialisation() == Serialisation.JSON_IN_XML) {
      connection = InstanceParameters.decodeJsonInXml(connection);
    }

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("software-url", instance.softwareReleaseUrl());
    info.put("software-type", instance.softwareType());
    info.put("shared", instance.shared());
    info.put("requested-state", instance.requestedState());
    info.put("instance-parameters", instance.parameters());
    info.put("connection-parameters", connection);
    Object news = instance.news() instanceof Map<?, ?> document ? document.get("instance") : null;
    if (news instanceof List<?> entries) {
      info.put("status", status(entries));
      if (arguments.flag("--news")) {
        info.put("news", entries);
      }
    } else {
      info.put("status", "unsupported");
    }
    context.out().println(PyJson.dumps(info, 2, false));
    context.out().flush();
    return 0;
  }

  private static String status(List<?> news) {
    int bits = 0;
    for (Object entry : news) {
      Object text = entry instanceof Map<?, ?> map ? map.get("text") : null;
      String value = text instanceof String s ? s : "";
      if (value.startsWith("#access")) {
        bits |= 1;
      } else if (value.startsWith("#error")) {
        bits |= 2;
      }
      if (bits == 3) {
        break;
      }
    }
    return STATUS.get(bits);
  }
}
