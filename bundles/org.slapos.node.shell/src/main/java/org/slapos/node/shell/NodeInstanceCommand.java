package org.slapos.node.shell;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceDeployer;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.InstanceRunRequest;
import org.slapos.grid.api.NodeSettings;
import org.slapos.supervisor.api.WatchdogCommand;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.PartitionOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node instance}: deploys the partitions the master lists for this node, through the
 * {@link InstanceDeployer} service. Around the run it does what the original's
 * {@code SlapgridCommand} does, in its order (node-behavior §7.4): read slapos.cfg, merge it with
 * the command line, root check, mandatory options, files, random delay, pid-file lock
 * ({@code pidfile_instance}), run, release the lock. Exit codes: 0 every partition fine, 1 a
 * partition failed or the run could not take place, 2 only promises failed, 3 the master was
 * unreachable and the node ran offline, 5 not root, 10 another run holds the lock (and 2 for a usage
 * error, as argparse).
 */
@Component(property = {
    SlaposCommand.NAME + "=node instance",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=run instance deployment"})
public final class NodeInstanceCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodeInstanceCommand.class);
  static final String PROG = "slapos node instance";
  /** The lock of instance runs (shared with {@code node promise}): the original's key and default. */
  static final String PIDFILE_KEY = "pidfile_instance";
  static final String DEFAULT_PIDFILE = "/opt/slapos/slapgrid-cp.pid";

  static final String USAGE = """
      usage: slapos node instance [-h] [--cfg CFG] [--instance-root INSTANCE_ROOT]
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
                                  [--maximal_delay MAXIMAL_DELAY] [--buildout-debug]
                                  [--force-stop] [--force]
                                  [--all | --only-cp ONLY_CP]
      """;

  static final String HELP = USAGE + """

      run instance deployment

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
                              `pidfile_instance` in slapos section, otherwise
                              defaults to /opt/slapos/slapgrid-cp.pid
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
        --buildout-debug      Run buildout in debug mode (with -D command line
                              switch)
        --force-stop          Stop the services even for instances requested as
                              started
        --force               Process Computer Partitions even if already processed.
        --all                 Deprecated. Use --force without --only-cp instead.
        --only-cp ONLY_CP, --only ONLY_CP
                              Update a single or a list of computer partitions
                              (ie.:slappartX, slappartY), this option will make all
                              other computer partitions be ignored.
      """;

  static final ArgumentSyntax SYNTAX = GridOptions.addCommonOptions(ArgumentSyntax.builder(PROG, USAGE, HELP))
      .option(Arity.FLAG, "--buildout-debug")
      .option(Arity.FLAG, "--force-stop")
      .option(Arity.FLAG, "--force")
      .option(Arity.FLAG, "--all")
      .option(Arity.ONE, "--only-cp", "--only")
      .mutuallyExclusive("--all", "--only-cp", "--only")
      .build();

  /** Why the command cannot run when the engine is missing from the runtime. */
  static final String NO_DEPLOYER = "slapos node instance is not available in this runtime: no InstanceDeployer "
      + "service (bundle org.slapos.grid.instance, with a node supervisor and a promise checker)";

  /**
   * Optional so that a runtime without the engine (and the supervisor and promise services it needs)
   * still resolves and answers with one clear line instead of "unknown command".
   */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile InstanceDeployer deployer;
  private final NodeSoftwareCommand.RootProbe rootProbe;
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public NodeInstanceCommand() {
    this(null, NodeSoftwareCommand::runningAsRoot);
  }

  NodeInstanceCommand(InstanceDeployer deployer, NodeSoftwareCommand.RootProbe rootProbe) {
    this.deployer = deployer;
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
    InstanceDeployer engine = deployer;
    if (engine == null) {
      throw new CommandFailure(1, NO_DEPLOYER);
    }
    boolean force = arguments.flag("force") || arguments.flag("all");
    NodeSettings node = options.nodeSettings();
    InstanceSettings instance = instanceSettings(options, context.workingDirectory());
    instance = withWatchdog(instance, node, context.property(WatchdogCommand.SLAPOS_HOME_PROPERTY).orElse(null));
    InstanceRunRequest request = new InstanceRunRequest(node, instance, options.develop(force), arguments.flag("force_stop"),
        only(arguments.value("only_cp")), arguments.flag("buildout_debug"));
    options.randomDelay(context, arguments.flag("now"), deactivated, "node instance");
    Path pidFile = options.pidFile(commandLine, PIDFILE_KEY, DEFAULT_PIDFILE);
    InstanceRun run;
    try (PidFileLock lock = PidFileLock.acquire(pidFile, context.err()::println)) {
      run = engine.run(request, line -> LOG.info("{}", line));
    } catch (GridException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    printSummary(context, run);
    return run.exitCode();
  }

  /**
   * The instance-only keys of the merged settings (node-behavior §1.2), checked: relative paths are
   * taken from the working directory, sizes and booleans read as the original reads them.
   *
   * @throws CommandFailure exit 1 naming the key of a value that cannot be read
   */
  static InstanceSettings instanceSettings(GridOptions options, Path workingDirectory) throws CommandFailure {
    String repository = options.get("certificate_repository_path");
    String partitionTimeout = firstPresent(options.get("partition_timeout"), options.get("partition-timeout"));
    long minFreeSpace;
    String minFreeSpaceText = valueOr(options.get("instance_min_free_space"), "1000M");
    try {
      minFreeSpace = HumanSize.parse(minFreeSpaceText);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(1, "instance_min_free_space: " + e.getMessage(), e);
    }
    long promiseTimeout = integer(options, "promise_timeout", GridOptions.DEFAULT_PROMISE_TIMEOUT);
    if (promiseTimeout <= 0) {
      throw new CommandFailure(1, "promise_timeout must be a positive number of seconds, got " + promiseTimeout);
    }
    Duration timeout = null;
    if (partitionTimeout != null) {
      long seconds = parseInteger("partition_timeout", partitionTimeout);
      if (seconds <= 0) {
        throw new CommandFailure(1, "partition_timeout must be a positive number of seconds, got " + seconds);
      }
      timeout = Duration.ofSeconds(seconds);
    }
    return new InstanceSettings(
        repository == null || repository.isEmpty() ? null : workingDirectory.resolve(repository).normalize(),
        valueOr(options.get("instance_storage_home"), ""), valueOr(options.get("ipv4_global_network"), ""),
        integer(options, "maximum_periodicity", Long.toString(InstanceSettings.DEFAULT_MAXIMUM_PERIODICITY)),
        Duration.ofSeconds(promiseTimeout), timeout, minFreeSpace,
        stringToBoolean("forbid_supervisord_automatic_launch", valueOr(options.get(
            "forbid_supervisord_automatic_launch"), "false")),
        // Filled by withWatchdog when the launcher's home is known.
        "");
  }

  /**
   * The watchdog event listener written into supervisord.conf: {@code <slapos.home>/bin/slapos node
   * watchdog ...}. Without {@code slapos.home} (a runtime not started by bin/slapos) there is no
   * launcher to name, and supervisord gets no listener.
   */
  static InstanceSettings withWatchdog(InstanceSettings instance, NodeSettings node, String slaposHome)
      throws CommandFailure {
    if (slaposHome == null || slaposHome.isBlank()) {
      return instance;
    }
    String command;
    try {
      command = new WatchdogCommand(WatchdogCommand.slaposExecutable(slaposHome), node.masterUrl(),
          instance.certificateRepositoryPath(), node.computerId(), node.instanceRoot().toAbsolutePath()).commandLine();
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(1, "Cannot write the watchdog command: " + e.getMessage(), e);
    }
    return new InstanceSettings(instance.certificateRepositoryPath(), instance.instanceStorageHome(),
        instance.ipv4GlobalNetwork(), instance.maximumPeriodicity(), instance.promiseTimeout(),
        instance.partitionTimeout(), instance.instanceMinFreeSpace(), instance.forbidSupervisordAutomaticLaunch(),
        command);
  }

  private static long integer(GridOptions options, String key, String fallback) throws CommandFailure {
    return parseInteger(key, valueOr(options.get(key), fallback));
  }

  private static long parseInteger(String key, String value) throws CommandFailure {
    try {
      return Long.parseLong(value.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new CommandFailure(1, key + ": invalid literal for int(): '" + value + "'", e);
    }
  }

  /** The original's {@code string_to_boolean}: only {@code true} or {@code false}, any case. */
  private static boolean stringToBoolean(String key, String value) throws CommandFailure {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new CommandFailure(1, key + ": " + value + " is neither True nor False.");
    };
  }

  private static String valueOr(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static String firstPresent(String first, String second) {
    return first != null && !first.isEmpty() ? first : second != null && !second.isEmpty() ? second : null;
  }

  /** {@code --only-cp}: comma-separated partition ids; blank items dropped. */
  static List<String> only(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
  }

  /**
   * One line per partition, the original's summary (failed partitions, then those whose promises
   * failed), the offline note when the master could not be reached, then the totals.
   */
  static void printSummary(CommandContext context, InstanceRun run) {
    for (PartitionOutcome outcome : run.outcomes()) {
      String line = outcome.partitionId() + ": " + outcome.action().name().toLowerCase(Locale.ROOT).replace('_', ' ');
      if (!outcome.message().isEmpty()) {
        line += ": " + firstLine(outcome.message());
      }
      context.out().println(line);
    }
    if (run.offline()) {
      context.out().println("Master unreachable, processes started in offline mode: " + run.offlineReason());
      if (run.offlineStartFailed()) {
        context.out().println("Starting the supervised processes failed.");
      }
    } else {
      context.out().print(run.summary());
    }
    context.out().println(String.format(Locale.ROOT, "Processed %d computer partitions in %.3f s",
        run.outcomes().size(), run.total().toNanos() / 1e9));
  }

  private static String firstLine(String message) {
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline) + " ...";
  }
}
