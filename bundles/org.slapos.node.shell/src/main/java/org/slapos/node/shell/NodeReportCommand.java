package org.slapos.node.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.PartitionReporter;
import org.slapos.grid.api.ReportRun;
import org.slapos.grid.api.ReportRunRequest;
import org.slapos.supervisor.api.WatchdogCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node report}: sends the partitions' usage reports and destroys the partitions the
 * master requested destroyed, through the {@link PartitionReporter} service. Around the run it does
 * what the original's {@code SlapgridCommand} does, in its order (node-behavior §7.4): read slapos.cfg,
 * merge it with the command line, root check, mandatory options, files, random delay, pid-file lock
 * ({@code pidfile_report}), run, release the lock. Exit codes: 0 done, 1 a report script, a usage
 * report or a destruction failed (or the run could not take place), 5 not root, 10 another run holds
 * the lock (and 2 for a usage error, as argparse).
 */
@Component(property = {
    SlaposCommand.NAME + "=node report",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=run instance reports and garbage collection"})
public final class NodeReportCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReportCommand.class);
  static final String PROG = "slapos node report";
  /** The lock of report runs: the original's key and default. */
  static final String PIDFILE_KEY = "pidfile_report";
  static final String DEFAULT_PIDFILE = "/opt/slapos/slapgrid-ur.pid";

  static final String USAGE = """
      usage: slapos node report [-h] [--cfg CFG] [--instance-root INSTANCE_ROOT]
                                [--software-root SOFTWARE_ROOT]
                                [--master-url MASTER_URL]
                                [--computer-id COMPUTER_ID]
                                [--supervisord-socket SUPERVISORD_SOCKET]
                                [--supervisord-configuration-path SUPERVISORD_CONFIGURATION_PATH]
                                [--buildout BUILDOUT] [--pidfile PIDFILE]
                                [--key_file KEY_FILE] [--cert_file CERT_FILE]
                                [--signature_private_key_file SIGNATURE_PRIVATE_KEY_FILE]
                                [--master_ca_file MASTER_CA_FILE]
                                [--certificate_repository_path CERTIFICATE_REPOSITORY_PATH]
                                [--maximum-periodicity MAXIMUM_PERIODICITY]
                                [--promise-timeout PROMISE_TIMEOUT]
                                [--partition-timeout PARTITION_TIMEOUT] [--now]
                                [--maximal_delay MAXIMAL_DELAY]
      """;

  static final String HELP = USAGE + """

      run instance reports and garbage collection

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)
        --instance-root INSTANCE_ROOT
                              The instance root directory location.
        --software-root SOFTWARE_ROOT
                              The software_root directory location.
        --master-url MASTER_URL
                              The master server URL. Mandatory.
        --computer-id COMPUTER_ID
                              The computer id defined in the server.
        --supervisord-socket SUPERVISORD_SOCKET
                              The socket supervisor will use.
        --supervisord-configuration-path SUPERVISORD_CONFIGURATION_PATH
                              The location where supervisord configuration will be
                              stored.
        --buildout BUILDOUT   Location of buildout binary.
        --pidfile PIDFILE     The location where pidfile will be created. Can be
                              provided by configuration file as option
                              `pidfile_report` in slapos section, otherwise
                              defaults to /opt/slapos/slapgrid-ur.pid
        --key_file KEY_FILE   SSL Authorisation key file.
        --cert_file CERT_FILE
                              SSL Authorisation certificate file.
        --signature_private_key_file SIGNATURE_PRIVATE_KEY_FILE
                              Signature private key file.
        --master_ca_file MASTER_CA_FILE
                              Root certificate of SlapOS master key.
        --certificate_repository_path CERTIFICATE_REPOSITORY_PATH
                              Path to directory where downloaded certificates would
                              be stored.
        --maximum-periodicity MAXIMUM_PERIODICITY
                              Periodicity at which buildout should be run in
                              instance.
        --promise-timeout PROMISE_TIMEOUT
                              Promise timeout in seconds (default: 20)
        --partition-timeout PARTITION_TIMEOUT
                              Partition timeout in seconds (optional)
        --now                 Launch slapgrid without delay. Default behavior.
        --maximal_delay MAXIMAL_DELAY
                              Deprecated. Will only work from configuration file in
                              the future.
      """;

  static final ArgumentSyntax SYNTAX = GridOptions.addCommonOptions(ArgumentSyntax.builder(PROG, USAGE, HELP)).build();

  /** Why the command cannot run when the engine is missing from the runtime. */
  static final String NO_REPORTER = "slapos node report is not available in this runtime: no PartitionReporter "
      + "service (bundle org.slapos.grid.report, with a node supervisor and a TIO reporter)";

  /**
   * Optional so that a runtime without the engine (and the supervisor and TIO services it needs)
   * still resolves and answers with one clear line instead of "unknown command".
   */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile PartitionReporter reporter;
  private final NodeSoftwareCommand.RootProbe rootProbe;
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public NodeReportCommand() {
    this(null, NodeSoftwareCommand::runningAsRoot);
  }

  NodeReportCommand(PartitionReporter reporter, NodeSoftwareCommand.RootProbe rootProbe) {
    this.reporter = reporter;
    this.rootProbe = rootProbe;
  }

  @Deactivate
  void deactivate() {
    deactivated.countDown();
  }

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    Map<String, String> commandLine;
    try {
      arguments = SYNTAX.parse(args);
      commandLine = GridOptions.commandLineValues(SYNTAX, arguments);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    GridOptions options = GridOptions.load(context, arguments.value("cfg"), commandLine);
    options.checkRunnable(rootProbe);
    PartitionReporter engine = reporter;
    if (engine == null) {
      throw new CommandFailure(1, NO_REPORTER);
    }
    NodeSettings node = options.nodeSettings();
    // The report run reads the same [slapos] keys as node instance (certificates, storage home,
    // supervisord launch, watchdog of supervisord.conf): one parser for both.
    InstanceSettings instance = NodeInstanceCommand.instanceSettings(options, context.workingDirectory());
    instance = NodeInstanceCommand.withWatchdog(instance, node,
        context.property(WatchdogCommand.SLAPOS_HOME_PROPERTY).orElse(null));
    ReportRunRequest request = new ReportRunRequest(node, instance);
    options.randomDelay(context, arguments.flag("now"), deactivated, "node report");
    Path pidFile = options.pidFile(commandLine, PIDFILE_KEY, DEFAULT_PIDFILE);
    ReportRun run;
    try (PidFileLock lock = PidFileLock.acquire(pidFile, context.err()::println)) {
      run = engine.run(request, line -> LOG.info("{}", line));
    } catch (GridException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    printSummary(context, run);
    return run.exitCode();
  }

  /** What the run did, one line per partition destroyed, kept or failed, then the totals. */
  static void printSummary(CommandContext context, ReportRun run) {
    run.destroyed().forEach(id -> context.out().println(id + ": destroyed"));
    run.retained().forEach(id -> context.out().println(id + ": kept by its retention lock"));
    run.waiting().forEach(id -> context.out().println(id + ": waiting for its processes to finish"));
    run.invalidUsageFiles().forEach(file -> context.out().println("invalid usage report, not sent: " + file));
    run.failures().forEach(failure -> context.out().println("failed: " + failure));
    context.out().println(String.format(java.util.Locale.ROOT, "Sent %d usage document(s), destroyed %d "
        + "partition(s) in %.3f s", run.usageDocumentsSent(), run.destroyed().size(), run.total().toNanos() / 1e9));
  }
}
