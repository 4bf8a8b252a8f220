package org.slapos.client.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.client.shell.SoftwareReleaseSchema.Serialisation;
import org.slapos.client.shell.SoftwareReleaseSchema.UndefinedSerialisation;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.SlapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos request REFERENCE SOFTWARE_URL}: requests an instance as the user and logs its
 * state and connection parameters. Exit 2 while the master is still allocating it.
 */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=request",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + RequestCommand.SUMMARY})
public final class RequestCommand implements SlaposCommand {
  static final String SUMMARY = "request an instance and get status and parameters of instance";

  /** The frontend alias that has no schema; the original skips parameter checks for it. */
  private static final String APACHE_FRONTEND_ALIAS =
      "http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD:/software/apache-frontend/software.cfg";

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.LOGGER_NAME);

  private static final String USAGE = """
      usage: slapos request [-h] [--cfg CFG] [--node NODE [NODE ...]] [--type TYPE]
                            [--state STATE] [--slave]
                            [--force-serialisation {xml,json-in-xml}]
                            [--parameters PARAMETERS [PARAMETERS ...] |
                            --parameters-file PARAMETERS_FILE]
                            reference software_url
      """;

  private static final String HELP = USAGE + """

      request an instance and get status and parameters of instance

      positional arguments:
        reference             Your instance reference (for now it is its title)
        software_url          Your software url

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CLIENT_CONFIGURATION or ~/.slapos/slapos-
                              client.cfg)
        --node NODE [NODE ...]
                              Node request option 'option1=value1 option2=value2'
                              (i.e. computer_guid=COMP-1234)
        --type TYPE           Software type to be requested
        --state STATE         State of the requested instance
        --slave               Ask for a slave instance
        --force-serialisation {xml,json-in-xml}
                              Enforce serialisation of instance parameters when
                              using --parameters-file
        --parameters PARAMETERS [PARAMETERS ...]
                              Instance parameters, in the form 'option1=value1
                              option2=value2'.
        --parameters-file PARAMETERS_FILE
                              Instance parameters, in a file. The file will be
                              interpreted as json, yaml or xml depending on the file
                              extension.
      """;

  private static final String PARAMETERS_FILE = "--parameters-file";

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos request", USAGE, HELP)
      .positional("reference")
      .positional("software_url")
      .option(Arity.ONE_OR_MORE, "--node")
      .option(Arity.ONE, "--type")
      .option(Arity.ONE, "--state")
      .option(Arity.FLAG, "--slave")
      .option(Arity.ONE, List.of("xml", "json-in-xml"), "--force-serialisation")
      .option(Arity.ONE_OR_MORE, "--parameters")
      .option(Arity.ONE, PARAMETERS_FILE)
      .mutuallyExclusive("--parameters", PARAMETERS_FILE)
      .build();

  private final ClientSessionFactory sessions;

  @Activate
  public RequestCommand(@Reference ClientSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    Path parametersFile;
    try {
      arguments = SYNTAX.parse(args);
      parametersFile = openableParametersFile(context, arguments.value(PARAMETERS_FILE));
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    String reference = arguments.positional(0);
    String softwareString = arguments.positional(1);
    String softwareType = arguments.value("--type");
    Map<String, Object> filter = InstanceParameters.parseKeyValues(arguments.values("--node"));
    Map<String, Object> keyValueParameters = InstanceParameters.parseKeyValues(arguments.values("--parameters"));
    ClientSession session = sessions.open(context, arguments.value("cfg"));

    LOG.info("Validating request parameters for {} as an instance of {} ...", reference, softwareString);
    String softwareUrl;
    try {
      softwareUrl = session.resolveSoftware(softwareString);
    } catch (NotFoundError e) {
      LOG.error("Error: {} Exiting now.", e.getMessage());
      return 1;
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
    SoftwareReleaseSchema schema = new SoftwareReleaseSchema(softwareUrl, softwareType, context.workingDirectory(),
        ConnectionOptions.DEFAULT_TIMEOUT);
    Map<String, Object> parameters = parametersFile == null ? keyValueParameters
        : InstanceParameters.fromFile(parametersFile,
            serialisationOfFile(schema, arguments.value("--force-serialisation")));
    if (!APACHE_FRONTEND_ALIAS.equals(softwareUrl)) {
      schema.checkRequestParameters();
    }

    LOG.info("Requesting {} as an instance of {} ...", reference, softwareUrl);
    InstanceRequest request = InstanceRequest.builder(softwareUrl, reference)
        .softwareType(softwareType)
        .parameters(parameters)
        .filter(filter)
        .state(arguments.value("--state"))
        .shared(arguments.flag("--slave"))
        .build();
    try {
      ComputerPartition partition = session.request(request);
      LOG.info("Instance requested.\nState is : {}.", partition.getState());
      LOG.info("Connection parameters of instance are:");
      Object connection = partition.getConnectionParameterDict();
      if (schema.serialisation() == Serialisation.JSON_IN_XML) {
        connection = InstanceParameters.decodeJsonInXml(connection);
      }
      LOG.info(PythonPrettyPrinter.pformat(connection));
      LOG.info("You can rerun the command to get up-to-date information.");
      return 0;
    } catch (ResourceNotReady e) {
      LOG.warn("Instance requested. Master is provisioning it. Please rerun in a couple of minutes to get "
          + "connection information.");
      return 2;
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
  }

  /** argparse's {@code FileType('r')} opens the file while parsing: same errors, exit 2. */
  private static Path openableParametersFile(CommandContext context, String name) throws SyntaxExit {
    if (name == null) {
      return null;
    }
    Path file = context.workingDirectory().resolve(name);
    String problem = null;
    if (!Files.exists(file)) {
      problem = "[Errno 2] No such file or directory";
    } else if (Files.isDirectory(file)) {
      problem = "[Errno 21] Is a directory";
    } else if (!Files.isReadable(file)) {
      problem = "[Errno 13] Permission denied";
    }
    if (problem != null) {
      throw SYNTAX.usageError("argument " + PARAMETERS_FILE + ": can't open " + PythonRepr.str(name) + ": "
          + problem + ": " + PythonRepr.str(name));
    }
    return file;
  }

  /** --force-serialisation, else what the software release declares; a guess is not good enough here. */
  private static Serialisation serialisationOfFile(SoftwareReleaseSchema schema, String forced) throws CommandFailure {
    if (forced != null) {
      return Serialisation.of(forced).orElseThrow();
    }
    try {
      return schema.strictSerialisation();
    } catch (UndefinedSerialisation e) {
      throw new CommandFailure(1, "Cannot tell how to serialise the parameters file: " + e.getMessage()
          + "; use --force-serialisation {xml,json-in-xml}", e);
    }
  }
}
